"""Counter sources and roll-up figures of places, hygiene logs and check-ins.

Metrics, per region (the place's; a check-in's own `region`) and local day:
  place_new                places registered that day                 } stock "places open"
  place_closed             closure orders given that day              }   = Σ new − Σ closed + Σ reopened
  place_reopened           closure orders lifted that day             } stock "places closed" = Σ closed − Σ reopened
  hygiene_log              daily hygiene logs of that day (one per place and day)
  hygiene_log_closed       … of those, the logs of places not open at the end of that day (closed that day,
                           or logged while closed): counted from the log, kept right when a closure moves
  check_in                 public check-ins (扫码登记) that day

`places_missing_log` = places_open − (hygiene_logs − hygiene_log_closed): the places open at the end of the day
without a log that day (a closed place's log is no log of an open one: it would hide a miss). The live list
of the places missing today's log is `selectors.places.hygiene_compliance`, an index read.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day

from .models import CheckIn, ClosureOrder, HygieneLog, Place


def place_contributions(place: Place) -> list[counters.Contribution]:
    return [(place.region_id, local_day(place.created_at), "place_new", 1)]


def closure_contributions(closure: ClosureOrder, region_code: str | None = None) -> list[counters.Contribution]:
    """`region_code`: the place's region (read from `closure.place` when not given)."""
    code = region_code or closure.place.region_id
    found = [(code, local_day(closure.closed_at), "place_closed", 1)]
    if closure.reopened_at:
        found.append((code, local_day(closure.reopened_at), "place_reopened", 1))
    return found


def _closed_at_end(place_id, day: datetime.date):
    """Closure orders that leave the place (an id, or an OuterRef) closed at the end of `day`."""
    _low, high = day_bounds(day)
    return ClosureOrder.objects.filter(Q(reopened_at__isnull=True) | Q(reopened_at__gte=high), place_id=place_id,
                                       closed_at__lt=high)


def hygiene_contributions(log: HygieneLog) -> list[counters.Contribution]:
    """`log.place_closed`, when the day's read annotated it, saves a query per log."""
    found = [(log.region_id, log.day, "hygiene_log", 1)]
    closed = getattr(log, "place_closed", None)
    if closed is None:
        closed = _closed_at_end(log.place_id, log.day).exists()
    if closed:
        found.append((log.region_id, log.day, "hygiene_log_closed", 1))
    return found


def check_in_contributions(check_in: CheckIn) -> list[counters.Contribution]:
    return [(check_in.region_id, local_day(check_in.checked_in_at), "check_in", 1)]


def _places_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return Place.objects.filter(created_at__gte=low, created_at__lt=high)


def _closures_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return (ClosureOrder.objects.select_related("place")
            .filter(Q(closed_at__gte=low, closed_at__lt=high) | Q(reopened_at__gte=low, reopened_at__lt=high)))


def _hygiene_for_day(day: datetime.date):
    return HygieneLog.objects.filter(day=day).annotate(place_closed=Exists(_closed_at_end(OuterRef("place_id"), day)))


def _check_ins_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return CheckIn.objects.filter(checked_in_at__gte=low, checked_in_at__lt=high)


counters.register("place", place_contributions, _places_for_day)
counters.register("closure_order", closure_contributions, _closures_for_day)
counters.register("hygiene_log", hygiene_contributions, _hygiene_for_day)
counters.register("check_in", check_in_contributions, _check_ins_for_day)

_PLACES = _("重点场所")

figures.register(
    figures.stock("places_open", _("开放"), ["place_new", "place_reopened"], ["place_closed"], group=_PLACES),
    figures.stock("places_closed", _("已关闭"), ["place_closed"], ["place_reopened"], group=_PLACES),
    figures.flow("hygiene_logs", _("已记录清洗消毒"), "hygiene_log", group=_PLACES),
    figures.derived("places_missing_log", _("未记录"),
                    lambda row: max(0, row["places_open"] - row["hygiene_logs"] + row["hygiene_log_closed"]),
                    group=_PLACES, reads=("hygiene_log_closed",)),
    figures.flow("check_ins", _("扫码登记"), "check_in", group=_PLACES),
)
