"""The roadside pages link only what their viewer may open (core.links): a township's passage list names a
passer-by bound for another township without a link to that township's ledger entry, and checkpoint staff, who
do not work the ledger, get no tab of the arrival tasks."""

from django.urls import reverse
from django.utils import timezone

from fangkong.screening.models import KeyPerson
from tests import factories as f

from .builders import WUHAN, passage, risk_area

PASSAGES = reverse("checkpoints:passages")


def _arrival_for_the_other_township(staff, cp):
    risk_area("4201", "武汉市")
    p = passage(staff, cp, name="王五", origin="武汉市江岸区", origin_code=WUHAN, destination=f.VILLAGE_B1)
    return p, KeyPerson.objects.get(pk=p.key_person_id)


def test_a_passage_links_its_ledger_entry_only_for_those_who_may_open_it(staff, cp, town, hq, login):
    p, kp = _arrival_for_the_other_township(staff, cp)
    entry = reverse("screening:key_person", args=[kp.pk])
    query = {"region": f.TOWN_A, "date": timezone.localdate().isoformat()}

    as_town = login(town).get(PASSAGES, query).content.decode()
    row = as_town.split(f'data-passage="{p.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "王五" in row and entry not in as_town
    assert login(town).get(entry).status_code == 404  # what the link would have led to

    as_hq = login(hq).get(PASSAGES, query).content.decode()
    assert f'href="{entry}"' in as_hq and login(hq).get(entry).status_code == 200


def test_checkpoint_staff_get_no_tab_of_the_arrival_tasks(staff, worker_a1, login):
    tasks = reverse("screening:arrival_tasks")
    assert f'href="{tasks}"' not in login(staff).get(reverse("checkpoints:list")).content.decode()
    assert login(staff).get(tasks).status_code == 403
    assert f'href="{tasks}"' in login(worker_a1).get(reverse("checkpoints:list")).content.decode()
