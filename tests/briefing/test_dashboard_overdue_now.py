"""Today the dashboard counts overdue follow-ups live, as the overdue list behind the figure counts them:
a slot due this morning is overdue by noon, before any counter of today can say so."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.briefing import dashboard
from fangkong.quarantine import selectors
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from tests import factories as f
from tests.quarantine.helpers import days_ago, key_person, local, slots, start, today


@pytest.fixture
def hq(tree):
    install_default_policies(QuarantinePolicy)
    return f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)


@pytest.fixture
def order(hq):
    """A returnee of 东岳村 (in TOWN_A) whose follow-ups run from three days ago, none recorded."""
    cadre = f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1)
    return start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))


def _overdue(user, now) -> dict[str, int]:
    return {r.region.code: r.overdue for r in dashboard.dashboard(user, f.COUNTY, today(), now=now).regions}


def test_this_mornings_slot_counts_as_overdue_once_its_grace_period_is_over(hq, order):
    morning = min(s for s in slots(order) if s.date() == today())
    before = _overdue(hq, morning + datetime.timedelta(minutes=30))  # due now, not overdue yet
    after = _overdue(hq, morning + datetime.timedelta(hours=2, minutes=1))
    assert before[f.TOWN_A] > 0  # the three days before
    assert after[f.TOWN_A] == before[f.TOWN_A] + 1


def test_the_figure_is_the_count_of_the_overdue_list_behind_it(hq, order):
    now = local(today(), 12)
    board = dashboard.dashboard(hq, f.COUNTY, today(), now=now)
    row = next(r for r in board.regions if r.region.code == f.TOWN_A)
    listed = selectors.due_follow_ups(hq, now=now, region=f.TOWN_A, overdue_only=True, limit=1000)
    assert row.overdue == len(listed) == selectors.overdue_count(hq, now=now, region=f.TOWN_A)
    assert row.overdue_url == f"/quarantine/overdue/?region={f.TOWN_A}"
    assert all(r.overdue == 0 for r in board.regions if r.region.code == f.TOWN_B)  # no order there


def test_a_past_day_still_reads_the_counters_of_the_days_before_it(hq, order):
    """Yesterday's figure is what was open on the days before yesterday, whatever is overdue now."""
    yesterday = today() - datetime.timedelta(days=1)
    now = local(today(), 12)
    past = {r.region.code: r.overdue for r in dashboard.dashboard(hq, f.COUNTY, yesterday, now=now).regions}
    live = _overdue(hq, now)
    assert 0 < past[f.TOWN_A] < live[f.TOWN_A]


def test_a_role_that_does_not_read_follow_ups_gets_the_counters(hq, order):
    staff = f.user("checkpoint_hq", Role.CHECKPOINT_STAFF, f.COUNTY)
    rows = {r.region.code: r.overdue for r in dashboard.dashboard(staff, f.COUNTY, today(),
                                                                  now=local(today(), 12)).regions}
    assert rows.get(f.TOWN_A, 0) < _overdue(hq, local(today(), 12))[f.TOWN_A]


def test_today_reads_a_constant_number_of_queries_whatever_the_open_slots(hq, order):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            dashboard.dashboard(hq, f.COUNTY, today(), now=local(today(), 12))
        return len(ctx.captured_queries)

    one = queries()
    for _ in range(3):
        start(hq, key_person(arrival=days_ago(5)), cadre=order.cadre, doctor=order.doctor,
              start_at=local(days_ago(5), 7))
    assert queries() == one


def test_api_and_page_show_the_live_figure_today(hq, order, login):
    """Through HTTP at the real time: the figure lies between the overdue list's counts just before and after."""
    client = login(hq)
    low = selectors.overdue_count(hq, region=f.TOWN_A)
    data = client.get("/api/reports/dashboard", {"region": f.COUNTY}).json()
    html = client.get("/reports/dashboard/", {"region": f.COUNTY}).content.decode()
    high = selectors.overdue_count(hq, region=f.TOWN_A)
    shown = next(r["overdue_follow_ups"] for r in data["regions"] if r["code"] == f.TOWN_A)
    assert 0 < low <= shown <= high
    assert any(f'href="/quarantine/overdue/?region={f.TOWN_A}">{n}</a>' in html for n in range(low, high + 1))
