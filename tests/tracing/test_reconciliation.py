"""不漏一人: the reconciliation finds the hidden returnees of a constructed case and nothing else, once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM
from fangkong.screening.models import ArrivalTask, TaskKind, TaskStatus
from fangkong.screening.services.arrival_tasks import close_task
from fangkong.tracing.services import reconciliation
from tests import factories

from . import cases as h

HOUR = h.HOUR


@pytest.fixture
def case(tree):
    """Arrivals of every kind around `now`; `hidden` maps the persons the run must find to their task's region."""
    now = timezone.now()
    highway = h.checkpoint(factories.TOWN_A)
    gate = h.checkpoint(factories.VILLAGE_A2, name="桃园村村口", kind="village_entrance")
    market = h.place(factories.VILLAGE_B1)
    p = {name: h.person(name) for name in (
        "village", "grid", "township_dest", "no_dest", "check_in", "old_entry", "two_arrivals",
        "listed", "listed_released", "listed_elsewhere", "too_recent", "not_risk", "turned_back", "leaving",
        "too_old", "other_county")}
    h.passage(highway, p["village"], now - 30 * HOUR, destination=factories.VILLAGE_A1)
    h.passage(highway, p["grid"], now - 26 * HOUR, destination=factories.GRID_A1)
    h.passage(highway, p["township_dest"], now - 25 * HOUR, destination=factories.TOWN_B)
    h.passage(gate, p["no_dest"], now - 48 * HOUR)
    h.check_in(market, p["check_in"], now - 40 * HOUR)
    # on a ledger in 2020, released then: that episode is over, this arrival is a new one
    h.passage(highway, p["old_entry"], now - 3 * 24 * HOUR, destination=factories.VILLAGE_A2)
    h.on_ledger(p["old_entry"], factories.VILLAGE_A2, registered_on=datetime.date(2020, 1, 25), status="released",
                ended_on=datetime.date(2020, 2, 8))
    # checked in first (no village known), named a village at a checkpoint later: the village wins
    h.check_in(market, p["two_arrivals"], now - 5 * 24 * HOUR)
    h.passage(highway, p["two_arrivals"], now - 4 * 24 * HOUR, destination=factories.VILLAGE_B1)

    h.passage(highway, p["listed"], now - 30 * HOUR, destination=factories.VILLAGE_A2)
    h.on_ledger(p["listed"], factories.VILLAGE_A1, registered_on=timezone.localdate(now - 40 * 24 * HOUR))
    h.passage(highway, p["listed_released"], now - 10 * 24 * HOUR, destination=factories.VILLAGE_A1)
    h.on_ledger(p["listed_released"], factories.VILLAGE_A1, registered_on=timezone.localdate(now - 10 * 24 * HOUR),
                status="moved_away", ended_on=timezone.localdate(now - 2 * 24 * HOUR))
    h.check_in(market, p["listed_elsewhere"], now - 30 * HOUR)
    h.on_ledger(p["listed_elsewhere"], factories.VILLAGE_A1)
    h.passage(highway, p["too_recent"], now - 5 * HOUR, destination=factories.VILLAGE_A1)
    h.passage(highway, p["not_risk"], now - 30 * HOUR, risk=False, destination=factories.VILLAGE_A1)
    h.passage(highway, p["turned_back"], now - 30 * HOUR, outcome="turned_back", destination=factories.VILLAGE_A1)
    h.passage(highway, p["leaving"], now - 30 * HOUR, direction="out")
    h.passage(highway, p["too_old"], now - 20 * 24 * HOUR, destination=factories.VILLAGE_A1)
    # on a ledger, but of another county: not this county's ledger
    h.passage(highway, p["other_county"], now - 30 * HOUR, destination=factories.VILLAGE_A1)
    factories.region("420922001201")
    h.on_ledger(p["other_county"], "420922001201")

    hidden = {p["village"].pk: factories.VILLAGE_A1, p["grid"].pk: factories.VILLAGE_A1,
              p["township_dest"].pk: factories.TOWN_B, p["no_dest"].pk: factories.TOWN_A,
              p["check_in"].pk: factories.TOWN_B, p["old_entry"].pk: factories.VILLAGE_A2,
              p["two_arrivals"].pk: factories.VILLAGE_B1, p["other_county"].pk: factories.VILLAGE_A1}
    return {"now": now, "people": p, "hidden": hidden, "hq": factories.user("hq_f"), "highway": highway}


def _open_tasks() -> dict[int, str]:
    return dict(ArrivalTask.objects.filter(kind=TaskKind.UNLISTED, status=TaskStatus.OPEN)
                .values_list("person_id", "region_id"))


def test_finds_the_hidden_returnees_and_nothing_else(case):
    summary = reconciliation.reconcile(case["hq"], now=case["now"])

    assert _open_tasks() == case["hidden"]
    assert (summary.opened, summary.unlisted, summary.destination_unknown) == (8, 8, 3)
    # arrivals in the window: 8 hidden + listed, listed_released, listed_elsewhere, other_county counted above
    assert summary.arrivals == 11 and summary.listed == 3
    assert summary.hours == 24 and summary.window_to == case["now"] - 24 * HOUR


def test_tasks_point_at_the_arrival(case):
    reconciliation.reconcile(SYSTEM, now=case["now"])
    p = case["people"]
    by_person = {t.person_id: t for t in ArrivalTask.objects.all()}
    assert by_person[p["village"].pk].passage.checkpoint == case["highway"]
    assert by_person[p["check_in"].pk].check_in.place.name == "红旗超市" and by_person[p["check_in"].pk].passage is None
    # the first arrival's time, the village from the later passage
    assert by_person[p["two_arrivals"].pk].passage.destination_id == factories.VILLAGE_B1


def test_hours_setting_and_argument(case, settings):
    settings.FANGKONG_RECONCILE_HOURS = 27
    summary = reconciliation.reconcile(SYSTEM, now=case["now"])
    assert summary.hours == 27
    # the two arrivals 25 and 26 hours ago are too recent now
    assert set(_open_tasks()) == set(case["hidden"]) - {case["people"]["grid"].pk, case["people"]["township_dest"].pk}
    more = reconciliation.reconcile(SYSTEM, now=case["now"], hours=4)
    # 5 hours ago is old enough at 4 hours: too_recent is found too
    assert more.opened == 3 and case["people"]["too_recent"].pk in _open_tasks()


def test_running_twice_opens_nothing_new(case):
    first = reconciliation.reconcile(case["hq"], now=case["now"])
    tasks = set(ArrivalTask.objects.values_list("pk", flat=True))
    second = reconciliation.reconcile(case["hq"], now=case["now"] + HOUR)

    assert first.opened == 8 and second.opened == 0 and second.already_open == 8
    assert set(ArrivalTask.objects.values_list("pk", flat=True)) == tasks
    assert AuditEntry.objects.filter(action="reconciliation.run").count() == 2
    assert AuditEntry.objects.filter(action="arrival_task.open").count() == 8


def test_a_person_put_on_a_ledger_later_has_the_task_closed(case):
    reconciliation.reconcile(case["hq"], now=case["now"])
    found = case["people"]["village"]
    kp = h.on_ledger(found, factories.VILLAGE_A1)

    summary = reconciliation.reconcile(case["hq"], now=case["now"] + HOUR)

    task = ArrivalTask.objects.get(person=found)
    assert summary.closed == 1 and summary.opened == 0
    assert (task.status, task.key_person, task.note) == (TaskStatus.DONE, kp, reconciliation.CLOSE_NOTE)
    assert found.pk not in _open_tasks() and len(_open_tasks()) == 7


def test_a_task_the_village_closed_is_not_reopened(case):
    reconciliation.reconcile(case["hq"], now=case["now"])
    worker = factories.user("worker_a1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    task = ArrivalTask.objects.get(person=case["people"]["village"])
    close_task(worker, task, note="已核实，本人已返回武汉")

    summary = reconciliation.reconcile(case["hq"], now=case["now"] + HOUR)

    assert summary.opened == 0 and summary.dealt_with == 1
    assert not ArrivalTask.objects.filter(person=case["people"]["village"], status=TaskStatus.OPEN).exists()


def test_counters_follow_the_tasks(case):
    reconciliation.reconcile(case["hq"], now=case["now"])
    h.on_ledger(case["people"]["grid"], factories.VILLAGE_A1)
    reconciliation.reconcile(case["hq"], now=case["now"] + HOUR)

    today = timezone.localdate()
    assert h.task_metrics_differences(today) == {}
    stock = counters.stock([factories.COUNTY, factories.VILLAGE_A1, factories.TOWN_B], today,
                           ["task_opened.unlisted"], ["task_closed.unlisted"])
    assert stock == {factories.COUNTY: {"task_opened.unlisted": 7}, factories.VILLAGE_A1: {"task_opened.unlisted": 2},
                     factories.TOWN_B: {"task_opened.unlisted": 3}}


def test_a_township_manager_reconciles_their_township_only(case):
    town_a = factories.user("town_a", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    summary = reconciliation.reconcile(town_a, now=case["now"])

    expected = {pk: code for pk, code in case["hidden"].items() if code.startswith(factories.TOWN_A[:9])}
    assert _open_tasks() == expected and summary.opened == len(expected) == 5
    # headquarters then finds the rest
    assert reconciliation.reconcile(case["hq"], now=case["now"]).opened == 3


@pytest.mark.parametrize("role", [Role.VILLAGE_WORKER, Role.CHECKPOINT_STAFF, Role.VIEWER, Role.SUPERVISOR])
def test_other_roles_may_not_run_it(case, role):
    user = factories.user(f"u_{role}", role, factories.VILLAGE_A1 if role == Role.VILLAGE_WORKER else factories.COUNTY)
    with pytest.raises(PermissionDenied):
        reconciliation.reconcile(user, now=case["now"])
    assert not ArrivalTask.objects.exists()


@pytest.mark.parametrize("hours", [-1, reconciliation.MAX_HOURS + 1, "x"])
def test_bad_hours_refused(case, hours):
    with pytest.raises(ValidationError) as exc:
        reconciliation.reconcile(case["hq"], now=case["now"], hours=hours)
    assert "hours" in exc.value.message_dict
    assert not ArrivalTask.objects.exists()


def test_reads_are_bounded_and_use_the_risk_indexes(case):
    with CaptureQueriesContext(connection) as ctx:
        reconciliation.risk_arrivals(case["now"] - 14 * 24 * HOUR, case["now"])
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len(sql) == 2
    assert all('"from_risk_area"' in s and ("passed_at" in s or "checked_in_at" in s) for s in sql)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for q in ctx.captured_queries:
                cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
                plan = " ".join(str(row) for row in cursor.fetchall())
                assert "passage_risk" in plan or "checkin_risk" in plan, plan
