"""Reads of the daily report chain (每日一报), always inside the user's scope.

Figures come from the roll-up counters through `analytics.selectors.daily_table` (never a scan):
the live figures of a region and its children are one call. A report's own figures are the
ones frozen at submission; the page shows both and their differences.

Read by the briefing app (the dashboard and the brief): `submitted_reports`, `chain_status`, `issuer_of`.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import selectors as rollup
from fangkong.analytics.figures import FIGURES, Figure
from fangkong.audit.models import AuditEntry
from fangkong.core import region_codes as codes
from fangkong.core.actors import SYSTEM, is_system
from fangkong.core.region_codes import within
from fangkong.regions import selectors as region_selectors
from fangkong.regions.models import Level, Region

from . import permissions
from .deadlines import county_code_of, deadlines_of, due_at, settings_of
from .models import DailyReport, ReportSettings, ReportStatus

# The state of a region's report on a day, as the status pages count it.
ON_TIME, LATE_SUBMITTED, RETURNED, PENDING, OVERDUE = "on_time", "late_submitted", "returned", "pending", "overdue"
STATE_LABELS = {ON_TIME: _("已报送"), LATE_SUBMITTED: _("逾期报送"), RETURNED: _("已退回待更正"),
                PENDING: _("未报送"), OVERDUE: _("逾期未报")}


def state_of(report: DailyReport | None, due: datetime.datetime, now: datetime.datetime) -> str:
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return LATE_SUBMITTED if report.late else ON_TIME
    if report is not None and report.status == ReportStatus.RETURNED:
        return RETURNED
    return OVERDUE if now > due else PENDING


def _region(user, code: str) -> Region:
    """The region in the user's scope (404 otherwise); SYSTEM sees every region. Readers only (403)."""
    if is_system(user):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
        return region
    if not permissions.can_read(user):
        raise PermissionDenied
    return region_selectors.region_for(user, code)


# --- read by the dashboard and the brief ----------------------------------------------------------

def submitted_reports(user, region_code: str, day: datetime.date) -> list[DailyReport]:
    """The submitted reports of the region and every chain level below it for the day, by region code
    (region and submitted_by loaded): their `situation` is the "situation and problems" a brief quotes."""
    region = _region(user, region_code)
    return list(DailyReport.objects.filter(within(region.code), day=day, status=ReportStatus.SUBMITTED)
                .select_related("region", "submitted_by").order_by("region_id"))


def issuer_of(region_code: str) -> str:
    """The name the region's work brief is issued under, as its headquarters set it ("" when not set). A system
    read: the brief's region is already in the caller's scope."""
    return ReportSettings.objects.filter(region_id=region_code).values_list("issuer", flat=True).first() or ""


@dataclass
class RegionState:
    region: Region
    report: DailyReport | None
    state: str
    due: datetime.datetime

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def submitted(self) -> bool:
        return self.state in (ON_TIME, LATE_SUBMITTED)

    @property
    def late(self) -> bool:
        return self.state in (LATE_SUBMITTED, OVERDUE)


@dataclass
class LevelStatus:
    """One level of the chain (county, townships or villages) on the day: its regions and their states."""

    level: str
    label: str
    rows: list[RegionState]
    counts: Counter = field(default_factory=Counter)  # state -> number of regions

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        """Submitted and standing (on time or late)."""
        return self.counts[ON_TIME] + self.counts[LATE_SUBMITTED]

    @property
    def late(self) -> int:
        """Submitted after the deadline, or still not submitted after it."""
        return self.counts[LATE_SUBMITTED] + self.counts[OVERDUE]

    @property
    def missing(self) -> int:
        """Not submitted (before or after the deadline); returned reports are counted apart."""
        return self.counts[PENDING] + self.counts[OVERDUE]

    @property
    def returned(self) -> int:
        return self.counts[RETURNED]

    def with_state(self, *states: str) -> list[RegionState]:
        return [r for r in self.rows if r.state in states]

    @property
    def late_rows(self) -> list[RegionState]:
        return self.with_state(LATE_SUBMITTED, OVERDUE)


@dataclass
class ChainStatus:
    region: Region
    day: datetime.date
    now: datetime.datetime
    deadline: datetime.datetime | None  # of the region's county (None above county level)
    levels: list[LevelStatus]

    @property
    def past_deadline(self) -> bool:
        return self.deadline is not None and self.now > self.deadline

    def level(self, name: str) -> LevelStatus | None:
        return next((lv for lv in self.levels if lv.level == name), None)


def chain_status(user, region_code: str, day: datetime.date, now: datetime.datetime | None = None) -> ChainStatus:
    """Per chain level (county, township, village) in the region's subtree: each region's report state on
    the day and the counts (submitted / late / missing / returned). Two queries for the regions and the
    reports, one for the deadlines: bounded by the number of regions, never by the data."""
    now = now or timezone.now()
    region = _region(user, region_code)
    regions = list(Region.objects.filter(within(region.code, "code"), level__in=permissions.CHAIN_LEVELS)
                   .order_by("code").only("code", "name", "level", "parent_id"))
    reports = {r.region_id: r for r in DailyReport.objects.filter(within(region.code), day=day)
               .select_related("submitted_by")}
    deadlines = deadlines_of(county_code_of(r.code) for r in regions)
    own_county = county_code_of(region.code)
    by_level: dict[str, LevelStatus] = {}
    for level in permissions.CHAIN_LEVELS:
        if any(r.level == level for r in regions):
            by_level[level] = LevelStatus(level=level, label=str(Level(level).label), rows=[])
    for r in regions:
        due = due_at(day, deadlines[county_code_of(r.code)])
        row = RegionState(region=r, report=reports.get(r.code), state="", due=due)
        row.state = state_of(row.report, due, now)
        by_level[r.level].rows.append(row)
        by_level[r.level].counts[row.state] += 1
    # a region at or below county level is in `regions` itself, so its county's deadline is known
    deadline = due_at(day, deadlines[own_county]) if own_county in deadlines else None
    return ChainStatus(region=region, day=day, now=now, deadline=deadline, levels=list(by_level.values()))


# --- one report -----------------------------------------------------------------------------------

def live_figures(region_code: str, day: datetime.date) -> dict[str, int]:
    """The region's figures on the day as the counters hold them now (system read, no scope)."""
    return rollup.daily_table(SYSTEM, region_code, day).totals.values


def report_for(user, region_code: str, day: datetime.date) -> DailyReport:
    """The report row of a region and day in the user's scope (404 if none or outside)."""
    region = _region(user, region_code)
    report = DailyReport.objects.filter(region=region, day=day).select_related("region", "submitted_by",
                                                                               "returned_by").first()
    if report is None:
        raise Http404
    return report


def differences(frozen: dict | None, live: dict[str, int], figures: list[Figure]) -> dict[str, tuple[int, int]]:
    """{key: (frozen, live)} of the figures that changed since submission. Figures declared after the
    submission (absent from the frozen set) are not differences: they were never reported."""
    if not frozen:
        return {}
    return {f.key: (frozen[f.key], live[f.key]) for f in figures
            if f.key in frozen and frozen[f.key] != live.get(f.key, 0)}


@dataclass
class ChildRow:
    region: Region
    report: DailyReport | None
    state: str
    live: dict[str, int]

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def frozen(self) -> dict | None:
        return self.report.figures if self.report is not None and self.report.status != ReportStatus.DRAFT \
            else None


@dataclass
class ReportView:
    region: Region
    day: datetime.date
    report: DailyReport | None
    state: str
    due: datetime.datetime
    figures: list[Figure]
    live: dict[str, int]
    frozen: dict | None
    differences: dict[str, tuple[int, int]]
    children: list[ChildRow]
    history: list[AuditEntry]
    can_submit: bool
    can_return: bool

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


def report_view(user, region_code: str, day: datetime.date, now: datetime.datetime | None = None) -> ReportView:
    """Everything the report page and API show: the live figures (and for a township or the county its
    children's, next to their submitted ones), the frozen figures and the differences, the history."""
    now = now or timezone.now()
    region = _region(user, region_code)
    if region.level not in permissions.CHAIN_LEVELS:
        raise Http404  # only villages, townships and counties report
    table = rollup.daily_table(SYSTEM, region.code, day)
    report = DailyReport.objects.filter(region=region, day=day).select_related("submitted_by", "returned_by").first()
    deadlines = deadlines_of([county_code_of(region.code)])
    due = due_at(day, deadlines[county_code_of(region.code)])
    frozen = report.figures if report is not None and report.status != ReportStatus.DRAFT else None
    children: list[ChildRow] = []
    if region.level != codes.VILLAGE:
        child_reports = {r.region_id: r for r in DailyReport.objects.filter(
            day=day, region_id__in=[row.region.code for row in table.children]).select_related("submitted_by")}
        children = [ChildRow(region=row.region, report=child_reports.get(row.region.code),
                             state=state_of(child_reports.get(row.region.code), due, now), live=row.values)
                    for row in table.children]
    history = list(AuditEntry.objects.filter(object_type="dailyreport", object_id=str(report.pk))
                   .select_related("actor").order_by("id")) \
        if report is not None else []
    return ReportView(
        region=region, day=day, report=report, state=state_of(report, due, now), due=due, figures=list(FIGURES),
        live=table.totals.values, frozen=frozen, differences=differences(frozen, table.totals.values, FIGURES),
        children=children, history=history,
        can_submit=not is_system(user) and permissions.can_submit(user, region)
        and (report is None or report.status != ReportStatus.SUBMITTED),
        can_return=not is_system(user) and permissions.can_return(user, region)
        and report is not None and report.status == ReportStatus.SUBMITTED,
    )


def settings_for(user, region_code: str):
    """The deadline settings of the county the region belongs to (404 outside scope or above county)."""
    region = _region(user, region_code)
    county = county_code_of(region.code)
    if county is None:
        raise Http404
    return settings_of(county)
