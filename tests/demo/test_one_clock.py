"""One clock for the whole demo: every register has data on every demo day and none outside them, nothing is
written after now, and the last day's headline figures look like a county at work (nearly every check done,
fevers found, the sweep going on, reports whose figures are the counters')."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.analytics.selectors import daily_table
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.core.days import local_day
from fangkong.core.health import fever_threshold
from fangkong.demo import screening as screening_demo
from fangkong.places.models import CheckIn, ClosureOrder, HygieneLog, Place
from fangkong.quarantine.models import FollowUp, Quarantine, TransferRequest
from fangkong.regions.models import Region
from fangkong.reports.models import DailyReport
from fangkong.risk_areas.models import RiskArea
from fangkong.screening.models import (
    ArrivalTask,
    DailyCheck,
    HouseholdVisit,
    KeyPerson,
    KeyPersonEvent,
    Sweep,
    TaskKind,
)
from fangkong.tracing.models import (
    Case,
    Cluster,
    Contact,
    Investigation,
    ItineraryNotice,
    LabTest,
    TransmissionLink,
)

COUNTY = "420921000000"


def _days(values) -> set[datetime.date]:
    return {v if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime) else local_day(v)
            for v in values}


# The registers written day by day: (name, the days it has data on, the hour of today from which it has
# data today). Most have it from the day's first hour; check-ins come with the places' opening hours, and
# today's reports with the villages' first reports in the morning.
DAILY = [
    ("key persons", lambda: KeyPerson.objects.values_list("registered_on", flat=True), 1),
    ("daily checks", lambda: DailyCheck.objects.values_list("checked_on", flat=True), 1),
    ("household visits", lambda: HouseholdVisit.objects.values_list("visited_on", flat=True), 1),
    ("passages", lambda: Passage.objects.values_list("passed_at", flat=True), 1),
    ("check-ins", lambda: CheckIn.objects.values_list("checked_in_at", flat=True), 8),
    ("hygiene logs", lambda: HygieneLog.objects.values_list("day", flat=True), 1),
    ("follow-ups", lambda: FollowUp.objects.values_list("due_at", flat=True), 1),
    ("the key persons' timelines", lambda: KeyPersonEvent.objects.values_list("at", flat=True), 1),
    ("arrival tasks", lambda: ArrivalTask.objects.values_list("opened_at", flat=True), 1),
    ("daily reports", lambda: DailyReport.objects.values_list("day", flat=True), 10),
    ("case reports", lambda: Case.objects.values_list("reported_at", flat=True), 1),
    ("lab samples", lambda: LabTest.objects.values_list("sampled_at", flat=True), 1),
]


@pytest.mark.parametrize(("name", "found", "from_hour"), DAILY, ids=[name for name, _f, _h in DAILY])
def test_each_daily_register_has_data_on_every_demo_day_and_on_no_other(demo, name, found, from_hour):
    clock = demo.clock
    days = _days(found())
    expected = set(clock.days())
    if clock.now < clock.at(clock.today, from_hour):
        expected.discard(clock.today)  # its hours of today have not come yet
    assert expected <= days, f"{name}: no data on {sorted(expected - days)}"
    past = {d for d in days if d < clock.first_day}
    assert not past, f"{name}: data before the first demo day on {sorted(past)}"
    if name != "follow-ups":  # the slots to come are due on the days to come
        assert max(days) <= clock.today, name


def test_the_registers_that_span_days_cover_every_demo_day(demo):
    """Sweeps, risk areas and isolation orders are not written daily: each spans days. Together they cover
    every demo day, and none begins before the first."""
    clock = demo.clock
    sweeps = list(Sweep.objects.all())
    assert min(s.start_date for s in sweeps) == clock.first_day
    for day in clock.days():
        assert any(s.start_date <= day <= s.end_date for s in sweeps), day
        assert RiskArea.objects.active_on(day).exists(), day
        in_force = Quarantine.objects.filter(Q(ended_at=None) | Q(ended_at__date__gte=day), start_at__date__lte=day)
        assert in_force.exists(), day
    assert min(RiskArea.objects.values_list("valid_from", flat=True)) == clock.first_day
    assert min(_days(Quarantine.objects.values_list("start_at", flat=True))) == clock.first_day
    for model, field in ((Checkpoint, "opened_on"), (Place, "created_at"), (ClosureOrder, "closed_at")):
        assert min(_days(model.objects.values_list(field, flat=True))) >= clock.first_day, model


def test_nothing_is_written_after_now(demo):
    """Nothing after the clock's now, but for the reconciliation, a service the build runs at its own moment."""
    now = demo.clock.now
    assert not ArrivalTask.objects.filter(opened_at__gt=timezone.now()).exists()
    written = [(KeyPerson, "created_at"), (DailyCheck, "created_at"), (HouseholdVisit, "created_at"),
               (KeyPersonEvent, "at"), (Passage, "passed_at"), (CheckIn, "checked_in_at"), (HygieneLog, "created_at"),
               (FollowUp, "recorded_at"), (FollowUp, "done_at"), (Quarantine, "start_at"), (Quarantine, "ended_at"),
               (TransferRequest, "opened_at"), (TransferRequest, "closed_at"), (ArrivalTask, "opened_at"),
               (ArrivalTask, "closed_at"), (DailyReport, "submitted_at"), (Sweep, "created_at"),
               (RiskArea, "created_at"), (Place, "created_at"), (ClosureOrder, "closed_at"),
               (Case, "reported_at"), (Case, "updated_at"), (LabTest, "result_at"), (Contact, "confirmed_at"),
               (Investigation, "completed_at"), (TransmissionLink, "created_at"), (Cluster, "created_at"),
               (ItineraryNotice, "published_at")]
    for model, field in written:
        rows = model.objects.exclude(kind=TaskKind.UNLISTED) if model is ArrivalTask else model.objects.all()
        assert not rows.filter(**{f"{field}__gt": now}).exists(), (model.__name__, field)
    assert not KeyPerson.objects.filter(Q(registered_on__gt=demo.clock.today) | Q(ended_on__gt=demo.clock.today)).exists()
    # arrivals are the days around the response, not another year's
    first_arrival = demo.clock.day(screening_demo.FIRST_ARRIVAL)
    assert not KeyPerson.objects.filter(arrival_date__lt=first_arrival).exists()


def _table(region_code: str, day: datetime.date):
    return daily_table(User.objects.get(username="hq"), region_code, day)


def test_the_last_day_looks_like_a_county_at_work(demo):
    clock = demo.clock
    table = _table(COUNTY, clock.today)
    today = table.totals.values
    assert today["kp_under_management"] > 30
    assert today["checks_done"] > 0 and today["checks_missed"] < .1 * today["kp_under_management"]
    assert today["households_visited"] > 0  # the second sweep goes on
    assert today["q_under_home"] + today["q_under_centralised"] > 0
    # no township has missed the checks of half its people
    for row in table.children:
        assert row.values["checks_missed"] * 2 < max(row.values["kp_under_management"], 1), row.region.name
    yesterday = _table(COUNTY, clock.today - datetime.timedelta(days=1)).totals.values
    assert yesterday["checks_missed"] < .1 * yesterday["kp_under_management"]


def test_fevers_are_found_over_the_days_at_the_threshold(demo):
    clock = demo.clock
    found = [_table(COUNTY, day).totals.values["fevers_found"] for day in clock.days()]
    assert sum(found) > 0
    threshold = fever_threshold()
    assert sum(found) == DailyCheck.objects.filter(temperature__gte=threshold).count()
    assert DailyCheck.objects.filter(temperature__gte=threshold).exclude(temperature__gt=threshold + 2).exists()
    assert FollowUp.objects.filter(fever=True).exists()


def test_the_reports_figures_are_the_counters(demo):
    """A report freezes the figures of its day: its 已查 and 在管 are the roll-up's (only 今日新增 may have been
    corrected since), and no village with people under management reports none checked."""
    clock = demo.clock
    parents = [COUNTY, *Region.objects.filter(level="township").values_list("code", flat=True)]
    live = {}
    for day in clock.days():
        for code in parents:
            table = _table(code, day)
            for row in (table.totals, *table.children):
                live[(row.region.code, day)] = row.values
    reports = list(DailyReport.objects.exclude(submitted_at=None))
    assert len(reports) > 10 * clock.length
    for report in reports:
        figures = live[(report.region_id, report.day)]
        for key in ("checks_done", "checks_missed", "kp_under_management", "households_visited", "fevers_found"):
            assert report.figures[key] == figures[key], (report.region_id, report.day, key)
        if report.figures["kp_under_management"] >= 3:
            assert report.figures["checks_done"] > 0, (report.region_id, report.day)
    village_codes = set(Region.objects.filter(level="village").values_list("code", flat=True))
    villages = [r for r in reports if r.region_id in village_codes]
    missed = sum(r.figures["checks_missed"] for r in villages)
    assert missed < .1 * sum(r.figures["kp_under_management"] for r in villages)
