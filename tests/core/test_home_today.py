"""今日工作 on the home page: each role sees its own duties, and each count is the number of items on the list
its link opens (the page behind the link, read through its own view)."""

import re

import pytest
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.core import today
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.screening.models import TaskKind
from fangkong.screening.services import arrival_tasks
from tests import factories as f
from tests.quarantine import helpers as quarantine
from tests.screening import helpers as screening


def _shown(client) -> dict[str, int]:
    html = client.get(reverse("core:home")).content.decode()
    return {key: int(count) for key, count in re.findall(r'data-duty="(\w+)"><a href="[^"]*"><strong>(\d+)</strong>', html)}


def _duty(user, key: str) -> dict:
    return next(d for d in today.duties_for(user) if d["key"] == key)


@pytest.fixture
def village(tree):
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    kps = [screening.key_person(worker, n) for n in (1, 2, 3)]
    screening.check(worker, kps[0])
    arrival_tasks.open_task(hq, kind=TaskKind.ARRIVAL, region_code=f.VILLAGE_A1, person=kps[1].person)
    return worker


def test_a_village_worker_sees_the_checks_to_do_and_the_arrivals_to_verify(village, login):
    client = login(village)
    assert _shown(client) == {"checks_to_do": 2, "arrivals_to_verify": 1, "follow_ups_due": 0, "follow_ups_overdue": 0}
    for key in ("checks_to_do", "arrivals_to_verify"):
        listed = client.get(_duty(village, key)["url"]).context["items"]
        assert len(listed) == _duty(village, key)["count"]


def test_headquarters_of_a_county_get_no_counted_check_list(village, login):
    hq = f.user("hq2", Role.HQ_STAFF, f.COUNTY)
    assert "checks_to_do" not in _shown(login(hq))


def test_a_doctor_sees_the_follow_ups_due_and_overdue_of_their_people(tree, login):
    install_default_policies(QuarantinePolicy)
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    cadre = f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1)
    quarantine.start(hq, cadre=cadre, doctor=doctor, start_at=quarantine.local(quarantine.days_ago(2), 8))
    client = login(doctor)
    shown = _shown(client)
    page = client.get(reverse("quarantine:mine")).context
    assert shown["follow_ups_due"] == page["due_now"] and shown["follow_ups_overdue"] == page["overdue"]
    assert shown["follow_ups_overdue"] > 0 and "scope_follow_ups_overdue" not in shown
    town = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    town_shown = _shown(login(town))
    assert town_shown["scope_follow_ups_overdue"] == login(town).get(reverse("quarantine:overdue")).context["count"]
    assert "follow_ups_due" not in town_shown


def test_a_township_sees_the_reports_past_their_deadline(tree, login):
    town = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    client = login(town)
    shown = _shown(client)
    levels = client.get(_duty(town, "reports_overdue")["url"]).context["levels"]
    assert shown["reports_overdue"] == sum(len(rows) for _level, rows in levels)


def test_a_viewer_has_no_duties(tree, login):
    assert _shown(login(f.user("viewer", Role.VIEWER, f.COUNTY))) == {}
