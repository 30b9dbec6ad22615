"""Reads of the epidemic curve, Rt and the daily indicators, scoped to the reader's region.

The curve and Rt come from the counters (tracing.rollup: onset.<classification>, reported.<classification> per
region and day), never from the case rows: one indexed read of (region, day range, metrics), so their cost
follows the number of days, whatever the number of cases. The indicators that are shares of counts come from
the counters too; the medians (onset → isolation, diagnosis → report) and the close contacts quarantined within
24 hours read the rows of the period's cases only (an index range on the report or confirmation time).

Whoever reads cases (permissions.can_view_cases) reads these for a region of their scope: a county's
headquarters and investigation team the county and its townships, a township's headquarters its township.
"""

import datetime
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ExpressionWrapper, F, Q
from django.db.models.fields import DateTimeField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics.models import DailyCounter
from fangkong.core.actors import is_system
from fangkong.core.days import day_bounds, local_day
from fangkong.core.region_codes import covers, within
from fangkong.regions.models import Region

from .. import epi, permissions
from ..models import Case, Classification, Contact, ContactLevel, ContactStatus
from ..rollup import CURVE_CLASSIFICATIONS, INFECTIONS, LEVELS

BASES = {"onset": "onset", "report": "reported"}  # the curve's basis → its counter metric prefix
MAX_DAYS = 366
DEFAULT_DAYS = 60
# Rt reads this many days before the first one shown: the serial interval's tail reaches back that far
RT_LEAD_DAYS = 60
QUARANTINE_WITHIN = datetime.timedelta(hours=24)


def require_reader(user) -> None:
    """Whoever reads cases; the system too (the command line without --user, the brief)."""
    if not (is_system(user) or permissions.can_view_cases(user)):
        raise PermissionDenied


def region_in_scope(user, code: str | None) -> Region:
    """The region asked for (the user's own when none; the system names one), 404 outside the scope."""
    require_reader(user)
    code = (code or getattr(user, "region_id", None) or "").strip()
    if not code or not covers(user, code):
        raise Http404
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise Http404
    return region


def children(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code").only("code", "name", "level"))


def period(first: datetime.date | None, last: datetime.date | None, today: datetime.date) \
        -> tuple[datetime.date, datetime.date]:
    """[first, last] of a curve: the DEFAULT_DAYS ending `last` (today) unless given; at most MAX_DAYS."""
    last = last or today
    first = first or last - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationError({"first": _("起始日期 %(first)s 晚于截止日期 %(last)s") % {"first": first, "last": last}})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"first": _("一次最多 %(n)d 天") % {"n": MAX_DAYS}})
    return first, last


def days_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def _series(code: str, first: datetime.date, last: datetime.date, metrics: list[str]) -> dict[str, dict]:
    """{metric: {day: value}} of one region's counters over [first, last], in one index range read."""
    found: dict[str, dict] = {m: {} for m in metrics}
    rows = (DailyCounter.objects.filter(region_id=code, day__gte=first, day__lte=last, metric__in=metrics)
            .values_list("metric", "day", "value"))
    for metric, day, value in rows:
        found[metric][day] = value
    return found


@dataclass(frozen=True)
class Curve:
    region: Region
    basis: str
    days: list[datetime.date]
    # classification → count per day, in CURVE_CLASSIFICATIONS order (excluded cases are no part of a curve)
    series: dict[str, list[int]]

    @property
    def totals(self) -> list[int]:
        return [sum(values[i] for values in self.series.values()) for i in range(len(self.days))]


def curve(user, region_code: str | None, *, basis: str = "onset", first=None, last=None, today=None) -> Curve:
    """Cases per day by onset or report date, by classification, from the counters."""
    region = region_in_scope(user, region_code)
    if basis not in BASES:
        raise ValidationError({"basis": _("未知的统计口径：%(value)s（可选 onset 发病日期、report 报告日期）") % {
            "value": basis}})
    first, last = period(first, last, today or timezone.localdate())
    days = days_between(first, last)
    prefix = BASES[basis]
    held = _series(region.code, first, last, [f"{prefix}.{c}" for c in CURVE_CLASSIFICATIONS])
    return Curve(region=region, basis=basis, days=days,
                 series={c: [held[f"{prefix}.{c}"].get(d, 0) for d in days] for c in CURVE_CLASSIFICATIONS})


# Rt -------------------------------------------------------------------------------------------------------

def serial_interval(mean_si=None, std_si=None) -> tuple[float, float]:
    """The serial interval's mean and sd (days): as asked, else the deployment's (FANGKONG_RT_MEAN_SI / _STD_SI)."""
    errors: dict = {}
    values = []
    for name, value, default, least in [
            ("mean_si", mean_si, getattr(settings, "FANGKONG_RT_MEAN_SI", epi.DEFAULT_MEAN_SI), 1.0),
            ("std_si", std_si, getattr(settings, "FANGKONG_RT_STD_SI", epi.DEFAULT_STD_SI), 0.0)]:
        if value in (None, ""):
            values.append(float(default))
            continue
        try:
            number = float(str(value).strip())
        except ValueError:
            number = None
        if number is None or not least < number <= 60:
            errors[name] = (_("序列间隔均值须大于1天、不超过60天，%(value)s 不可用") if name == "mean_si"
                            else _("序列间隔标准差须大于0天、不超过60天，%(value)s 不可用")) % {"value": value}
        values.append(number)
    if errors:
        raise ValidationError(errors)
    return values[0], values[1]


@dataclass(frozen=True)
class RtRow:
    start: datetime.date
    end: datetime.date
    cases: int
    mean: float
    lower: float | None
    upper: float | None
    enough: bool


@dataclass
class Rt:
    region: Region
    basis: str
    mean_si: float
    std_si: float
    min_cases: int
    rows: list[RtRow] = field(default_factory=list)


def rt(user, region_code: str | None, *, basis: str = "onset", first=None, last=None, today=None,
       mean_si=None, std_si=None) -> Rt:
    """Rt (Cori et al. 2013, tracing.epi) of the confirmed cases' curve, one row per 7-day window ending on each
    day of [first, last]; the incidence is read from RT_LEAD_DAYS before `first` so that the early windows see
    their infectors."""
    mean, sd = serial_interval(mean_si, std_si)
    region = region_in_scope(user, region_code)
    if basis not in BASES:
        raise ValidationError({"basis": _("未知的统计口径：%(value)s（可选 onset 发病日期、report 报告日期）") % {
            "value": basis}})
    first, last = period(first, last, today or timezone.localdate())
    start = first - datetime.timedelta(days=RT_LEAD_DAYS)
    days = days_between(start, last)
    metric = f"{BASES[basis]}.{Classification.CONFIRMED}"
    held = _series(region.code, start, last, [metric])[metric]
    incidence = [held.get(d, 0) for d in days]
    result = Rt(region=region, basis=basis, mean_si=mean, std_si=sd, min_cases=epi.min_cases(1.0))
    so_far = list(itertools.accumulate(incidence))
    for e in epi.estimate(incidence, mean_si=mean, std_si=sd):
        if days[e.end] >= first and so_far[e.end]:  # no window before the first case
            result.rows.append(RtRow(start=days[e.start], end=days[e.end], cases=e.cases, mean=e.mean,
                                     lower=e.lower, upper=e.upper, enough=e.enough))
    return result


# Indicators -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Indicators:
    region: Region
    first: datetime.date
    last: datetime.date
    new_cases: int  # confirmed and asymptomatic reported in the period (their classification now)
    found_under_management: int
    contacts_traced: int
    delays_onset_isolation: list[int]  # days, one per case with both dates
    delays_diagnosis_report: list[float]  # hours
    close_contacts: int  # close contacts of the cases confirmed in the period
    close_contacts_within_24h: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def share_found_under_management(self) -> float | None:
        return self._share(self.found_under_management, self.new_cases)

    @property
    def contacts_per_case(self) -> float | None:
        return self._share(self.contacts_traced, self.new_cases)

    @property
    def median_onset_to_isolation_days(self) -> float | None:
        return statistics.median(self.delays_onset_isolation) if self.delays_onset_isolation else None

    @property
    def median_diagnosis_to_report_hours(self) -> float | None:
        return statistics.median(self.delays_diagnosis_report) if self.delays_diagnosis_report else None

    @property
    def share_quarantined_within_24h(self) -> float | None:
        return self._share(self.close_contacts_within_24h, self.close_contacts)

    def as_dict(self) -> dict:
        return {"region": self.region.code, "first": self.first, "last": self.last, "new_cases": self.new_cases,
                "found_under_management": self.found_under_management,
                "share_found_under_management": self.share_found_under_management,
                "contacts_traced": self.contacts_traced, "contacts_per_case": self.contacts_per_case,
                "median_onset_to_isolation_days": self.median_onset_to_isolation_days,
                "cases_with_onset_and_isolation": len(self.delays_onset_isolation),
                "median_diagnosis_to_report_hours": self.median_diagnosis_to_report_hours,
                "cases_reported": len(self.delays_diagnosis_report),
                "close_contacts": self.close_contacts, "close_contacts_within_24h": self.close_contacts_within_24h,
                "share_quarantined_within_24h": self.share_quarantined_within_24h}


def indicators(user, region_code: str | None, *, first: datetime.date, last: datetime.date) -> Indicators:
    """The headquarters' daily indicators of the cases reported (or confirmed) from `first` to `last`."""
    region = region_in_scope(user, region_code)
    if first > last:
        raise ValidationError({"first": _("起始日期 %(first)s 晚于截止日期 %(last)s") % {"first": first, "last": last}})
    if (last - first).days >= MAX_DAYS:
        raise ValidationError({"first": _("一次最多 %(n)d 天") % {"n": MAX_DAYS}})
    metrics = ([f"reported.{c}" for c in INFECTIONS] + [f"reported_managed.{c}" for c in INFECTIONS]
               + [f"contact_traced.{level}" for level in LEVELS])
    totals: Counter = Counter()
    for metric, by_day in _series(region.code, first, last, metrics).items():
        totals[metric.split(".")[0]] += sum(by_day.values())
    low, high = day_bounds(first)[0], day_bounds(last)[1]
    in_region = within(region.code)
    reported = (Case.objects.filter(in_region, reported_at__gte=low, reported_at__lt=high)
                .exclude(classification=Classification.EXCLUDED)
                .values_list("onset_date", "isolated_at", "diagnosed_at", "reported_at"))
    onset_isolation, diagnosis_report = [], []
    for onset, isolated, diagnosed, at in reported:
        if onset and isolated:
            onset_isolation.append((local_day(isolated) - onset).days)
        diagnosis_report.append((at - diagnosed).total_seconds() / 3600)
    deadline = ExpressionWrapper(F("case__confirmed_at") + QUARANTINE_WITHIN, output_field=DateTimeField())
    contacts = (Contact.objects.filter(within(region.code, "case__region"), case__confirmed_at__gte=low,
                                       case__confirmed_at__lt=high, level=ContactLevel.CLOSE,
                                       status=ContactStatus.CONFIRMED)
                .aggregate(all=Count("id"), within=Count("id", filter=Q(quarantine__start_at__lte=deadline))))
    return Indicators(region=region, first=first, last=last, new_cases=totals["reported"],
                      found_under_management=totals["reported_managed"], contacts_traced=totals["contact_traced"],
                      delays_onset_isolation=onset_isolation, delays_diagnosis_report=diagnosis_report,
                      close_contacts=contacts["all"], close_contacts_within_24h=contacts["within"])
