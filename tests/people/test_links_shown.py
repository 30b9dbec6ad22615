"""A person's page links their ledger entries only for those who may open them (core.links): checkpoint
staff see a person (they register passers-by) but not the ledger."""

from django.urls import reverse

from fangkong.accounts.models import Role
from tests import factories as f
from tests.screening.helpers import key_person


def test_ledger_entries_link_only_for_readers_of_the_ledger(tree, login):
    hq = f.user("hq", Role.HQ_STAFF)
    kp = key_person(hq, 1, region=f.VILLAGE_A1)
    page, entry = reverse("people:detail", args=[kp.person_id]), reverse("screening:key_person", args=[kp.pk])

    staff = login(f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A))
    html = staff.get(page).content.decode()
    assert "疫区返乡人员" in html or kp.get_category_display() in html
    assert entry not in html and staff.get(entry).status_code == 403

    worker = login(f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert f'href="{entry}"' in worker.get(page).content.decode() and worker.get(entry).status_code == 200
