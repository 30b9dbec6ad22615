"""The checkpoints demo step at a small scale: checkpoints, places, passages and check-ins of the demo days
up to now, risk arrivals on their village's ledger, hidden returnees found by the reconciliation, counters
equal to a recomputation (`fangkong rollup check`)."""

import datetime
import io

from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.checkpoints.models import Checkpoint, CheckpointKind, DutyShift, Outcome, Passage
from fangkong.core import region_codes as codes
from fangkong.places.models import CheckIn, ClosureOrder, HygieneLog, Place, PlaceCode
from fangkong.risk_areas.models import RiskArea
from fangkong.screening.models import ArrivalTask, KeyPerson, TaskKind, TaskStatus
from fangkong.tracing.selectors import reconciliation as report_selectors


def test_checkpoints_of_every_kind_with_shifts_and_inspections(demo):
    assert Checkpoint.objects.count() == 15
    assert set(Checkpoint.objects.values_list("kind", flat=True)) == set(CheckpointKind.values)
    assert Checkpoint.objects.filter(status="closed").count() == 1
    assert Checkpoint.objects.filter(five_haves_ok=False).count() == 2
    assert not Checkpoint.objects.filter(status="open", last_inspection=None).exists()
    now = demo.clock.now
    on_duty = DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by()
    round_the_clock = Checkpoint.objects.filter(status="open", open_24h=True)
    assert set(on_duty.values_list("checkpoint", flat=True)) >= set(round_the_clock.values_list("pk", flat=True))
    assert on_duty.filter(staff__username__in=["checkpoint", "checkpoint1"]).exists()
    assert PlaceCode.objects.filter(checkpoint__isnull=False).count() == 15
    assert RiskArea.objects.get(code="4201").valid_from == demo.clock.first_day
    assert set(Checkpoint.objects.values_list("opened_on", flat=True)) == {demo.clock.first_day}


def test_passages_of_the_demo_days_up_to_now(demo):
    now = demo.clock.now
    passages = Passage.objects.all()
    assert passages.count() > 800
    assert not passages.filter(passed_at__gt=now).exists()
    days = {timezone.localdate(m) for m in passages.values_list("passed_at", flat=True)}
    assert days == set(demo.clock.days())
    assert passages.filter(outcome=Outcome.TURNED_BACK).exists() and passages.filter(counts_vehicle=True).exists()
    fevers = passages.filter(temperature__gte="37.3")
    assert fevers.exists() and not fevers.exclude(outcome__in=[Outcome.FEVER_CLINIC, Outcome.ISOLATION]).exists()
    # risk arrivals are only those the service would flag: inbound, not turned back
    assert not passages.filter(from_risk_area=True, outcome=Outcome.TURNED_BACK).exists()
    assert not passages.filter(from_risk_area=True, direction="out").exists()
    closed = Checkpoint.objects.get(status="closed")
    assert not passages.filter(checkpoint=closed, passed_at__date__gte=closed.closed_on).exists()
    # one vehicle counted once: no two counting passages of a plate at a checkpoint within 30 minutes
    counting = list(passages.filter(counts_vehicle=True).values_list("checkpoint_id", "vehicle_plate", "passed_at"))
    firsts = {}
    for cp, plate, at in sorted(counting, key=lambda r: r[2]):
        assert (cp, plate) not in firsts or at - firsts[(cp, plate)] > datetime.timedelta(minutes=30)
        firsts[(cp, plate)] = at


def test_risk_arrivals_bound_for_villages_are_on_the_ledger_with_tasks(demo):
    arrivals = Passage.objects.filter(from_risk_area=True, key_person__isnull=False).select_related("key_person")
    assert arrivals.count() >= 14
    for p in arrivals:
        kp = p.key_person
        assert (kp.person_id, kp.category, kp.region_id) == (p.person_id, "returnee", p.destination_id)
        assert kp.registered_on == timezone.localdate(p.passed_at)
        assert ArrivalTask.objects.filter(kind=TaskKind.ARRIVAL, passage=p, key_person=kp, region_id=kp.region_id).exists()
    assert not KeyPerson.objects.values("person", "category").filter(status="under_management") \
        .annotate(n=Count("id")).filter(n__gt=1).exists()
    open_arrivals = ArrivalTask.objects.filter(kind=TaskKind.ARRIVAL, status=TaskStatus.OPEN)
    for code in ("420921001201", "420921001202", "420921002001"):
        assert open_arrivals.filter(region__code__startswith=code).exists(), code
    done = ArrivalTask.objects.filter(kind=TaskKind.ARRIVAL, status=TaskStatus.DONE)
    assert done.exists() and not done.filter(closed_by=None).exists() and not done.filter(note="").exists()


def test_the_reconciliation_found_the_hidden_returnees_and_only_them(demo):
    unlisted = ArrivalTask.objects.filter(kind=TaskKind.UNLISTED)
    assert unlisted.count() == 6 and not unlisted.exclude(status=TaskStatus.OPEN).exists()
    for task in unlisted.select_related("region"):
        assert task.region.level == codes.TOWNSHIP  # no village was known
        assert not KeyPerson.objects.filter(person=task.person_id).exists()
    assert unlisted.filter(check_in__isnull=False).count() == 2
    # the one who arrived five hours ago is not reported yet
    recent = Passage.objects.filter(from_risk_area=True, key_person=None,
                                    passed_at__gt=timezone.now() - datetime.timedelta(hours=24))
    assert recent.count() == 1 and not unlisted.filter(person=recent.get().person_id).exists()
    report = report_selectors.report(User.objects.get(username="hq"))
    assert report.total == 6 and sum(len(g.tasks) for g in report.groups) == 6


def test_places_with_closures_hygiene_logs_and_check_ins(demo):
    today = demo.clock.today
    assert 55 <= Place.objects.exclude(kind="pharmacy").count() <= 70  # the pharmacies are the medical step's
    assert Place.objects.filter(is_closed=True).count() == ClosureOrder.objects.filter(reopened_at=None).count() > 5
    assert ClosureOrder.objects.exclude(reopened_at=None).count() == 1
    assert PlaceCode.objects.filter(place__isnull=False).count() == Place.objects.count()
    open_places = Place.objects.filter(is_closed=False)
    logged_today = HygieneLog.objects.filter(day=today).values_list("place_id", flat=True)
    assert 0 < open_places.exclude(pk__in=logged_today).count() < open_places.count()
    assert not HygieneLog.objects.filter(place__is_closed=True, day=today).exists()
    assert HygieneLog.objects.filter(day=today - datetime.timedelta(days=1)).count() > .8 * open_places.count()
    check_ins = CheckIn.objects.all()
    assert check_ins.count() > 300 and not check_ins.filter(checked_in_at__gt=timezone.now()).exists()
    assert not check_ins.filter(place__is_closed=True, place__closures__reopened_at=None).exists()


def _days_touched() -> set[datetime.date]:
    days = {timezone.localdate(m) for m in Passage.objects.values_list("passed_at", flat=True)}
    days |= {timezone.localdate(m) for m in CheckIn.objects.values_list("checked_in_at", flat=True)}
    days |= set(HygieneLog.objects.values_list("day", flat=True))
    days |= set(Checkpoint.objects.values_list("opened_on", flat=True))
    for opened, closed in ArrivalTask.objects.values_list("opened_at", "closed_at"):
        days |= {timezone.localdate(m) for m in (opened, closed) if m}
    return days


def test_rollup_check_finds_no_differences(demo):
    days = sorted(_days_touched())
    assert days == demo.clock.days()
    out = io.StringIO()
    # raises CommandError (exit 1) on any difference
    call_command("rollup", "check", "--from", days[0].isoformat(), "--to", days[-1].isoformat(), stdout=out)
    assert "counters agree with the raw rows" in out.getvalue()


def test_reports_what_it_built(demo):
    assert "checkpoints: 15 checkpoints" in demo.log and "hidden returnees (6 found by the reconciliation)" in demo.log
