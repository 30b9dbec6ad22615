"""Reads of the daily roll-up (每日一报), from the counters only, inside the user's scope."""

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.http import Http404

from fangkong.regions import selectors as region_selectors
from fangkong.regions.models import Region

from . import counters
from .figures import FIGURES, Figure, metrics_needed


@dataclass(frozen=True)
class Row:
    """One region's figures on the day and on the day before."""

    region: Region
    values: dict[str, int]
    previous: dict[str, int]

    def change(self, key: str) -> int:
        return self.values[key] - self.previous[key]


@dataclass(frozen=True)
class DailyTable:
    region: Region
    day: datetime.date
    previous_day: datetime.date
    figures: list[Figure]
    totals: Row
    children: list[Row]


def region_in_scope(user, code: str) -> Region:
    """The region if the user may see it (404 otherwise); `user=None` is the system, which sees every region."""
    if user is not None:
        return region_selectors.region_for(user, code)
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def daily_table(user, region_code: str, day: datetime.date) -> DailyTable:
    """The region's totals and one row per child region, for `day` and the day before.

    Four queries whatever the data size: the region, its children, the counters of both days,
    and the running sums behind the stocks. Raw ledger rows are never read.
    """
    region = region_in_scope(user, region_code)
    children = list(Region.objects.filter(parent=region).order_by("code").only("code", "name", "level"))
    regions = [region, *children]
    codes = [r.code for r in regions]
    previous_day = day - datetime.timedelta(days=1)
    figures = list(FIGURES)
    day_metrics, running_metrics = metrics_needed(figures)
    on_days = counters.day_values(codes, [day, previous_day], day_metrics)
    running = counters.running_totals(codes, day, running_metrics) if running_metrics else {}
    rows = [_row(r, figures, on_days.get((r.code, day), Counter()), on_days.get((r.code, previous_day), Counter()),
                 running.get(r.code, Counter()), running_metrics) for r in regions]
    return DailyTable(region=region, day=day, previous_day=previous_day, figures=figures,
                      totals=rows[0], children=rows[1:])


def _row(region: Region, figures: list[Figure], today: Counter, yesterday: Counter, running: Counter,
         running_metrics: set[str]) -> Row:
    # the running sums up to yesterday are today's minus today's own flows
    running_before = Counter({m: running[m] - today[m] for m in running_metrics})
    return Row(region=region, values=_values(figures, today, running), previous=_values(figures, yesterday,
                                                                                        running_before))


def _values(figures: list[Figure], on_day: Mapping[str, int], running: Mapping[str, int]) -> dict[str, int]:
    """Each figure's value; derived figures see the figures declared before them."""
    values: dict[str, int] = {}
    for figure in figures:
        if figure.flows:
            values[figure.key] = sum(on_day.get(m, 0) for m in figure.flows)
        elif figure.is_stock:
            values[figure.key] = (sum(running.get(m, 0) for m in figure.ins)
                                  - sum(running.get(m, 0) for m in figure.outs))
        else:
            values[figure.key] = figure.derive(values)
    return values
