"""Counter sources and roll-up figures of places, hygiene logs and check-ins.

Metrics, per region (the place's; a check-in's own `region`) and local day:
  place_new                places registered that day                 } stock "places open"
  place_closed             closure orders given that day              }   = Σ new − Σ closed + Σ reopened
  place_reopened           closure orders lifted that day             } stock "places closed" = Σ closed − Σ reopened
  hygiene_log              daily hygiene logs of that day (one per place and day)
  check_in                 public check-ins (扫码登记) that day

`places_missing_log` = max(0, places_open − hygiene_logs): the open places without a log that day
(a log of a place closed later the same day still counts, hence the floor at 0). The live list of
the places missing today's log is `selectors.places.hygiene_compliance`, an index read.
"""

import datetime

from django.db.models import Q
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


def hygiene_contributions(log: HygieneLog) -> list[counters.Contribution]:
    return [(log.region_id, log.day, "hygiene_log", 1)]


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
    return HygieneLog.objects.filter(day=day)


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
    figures.derived("places_missing_log", _("未记录"), lambda row: max(0, row["places_open"] - row["hygiene_logs"]),
                    group=_PLACES),
    figures.flow("check_ins", _("扫码登记"), "check_in", group=_PLACES),
)
