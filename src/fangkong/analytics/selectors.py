"""Reads of the daily roll-up (每日一报), from the counters only, inside the user's scope."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from fangkong.core.actors import is_system
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


def region_and_children(user, code: str) -> tuple[Region, list[Region]]:
    """The region (404 outside the user's scope; SYSTEM sees every region) and
    its children, ordered by code, in one query: the children of a region in scope are in scope."""
    if not is_system(user) and not user.region_id:
        raise Http404  # an account without a scope sees nothing
    visible = region_selectors.regions_for(user)
    found = list(visible.filter(Q(code=code) | Q(parent_id=code)).order_by("code")
                 .only("code", "name", "level", "parent_id"))
    region = next((r for r in found if r.code == code), None)
    if region is None:
        raise Http404
    return region, [r for r in found if r is not region]


def daily_table(user, region_code: str, day: datetime.date) -> DailyTable:
    """The region's totals and one row per child region, for `day` and the day before.

    Three queries whatever the data size: the region with its children, the counters of both days,
    and the running sums behind the stocks. Raw ledger rows are never read.
    """
    region, children = region_and_children(user, region_code)
    regions = [region, *children]
    codes = [r.code for r in regions]
    previous_day = day - datetime.timedelta(days=1)
    figures = list(FIGURES)
    day_metrics, running_metrics = metrics_needed(figures)
    on_days = counters.day_values(codes, [day, previous_day], day_metrics)
    running = counters.running_totals(codes, day, running_metrics) if running_metrics else {}
    empty: Counter = Counter()
    rows = [_row(r, figures, on_days.get((r.code, day), empty), on_days.get((r.code, previous_day), empty),
                 running.get(r.code, empty), running_metrics) for r in regions]
    return DailyTable(region=region, day=day, previous_day=previous_day, figures=figures,
                      totals=rows[0], children=rows[1:])


def _row(region: Region, figures: list[Figure], today: Counter, yesterday: Counter, running: Counter,
         running_metrics: set[str]) -> Row:
    # the running sums up to yesterday are today's minus today's own flows
    running_before = Counter({m: running[m] - today[m] for m in running_metrics})
    return Row(region=region, values=figure_values(figures, today, running),
               previous=figure_values(figures, yesterday, running_before))


def figure_values(figures: list[Figure], on_day: Counter, running: Counter) -> dict[str, int]:
    """Each figure's value; derived figures see the figures declared before them and the day metrics they read.
    (Counters read 0 when absent.)"""
    values: dict[str, int] = {}
    for figure in figures:
        if figure.flows:
            value = 0
            for metric in figure.flows:
                value += on_day[metric]
        elif figure.is_stock:
            value = 0
            for metric in figure.ins:
                value += running[metric]
            for metric in figure.outs:
                value -= running[metric]
        else:
            value = figure.derive({**values, **{m: on_day[m] for m in figure.reads}} if figure.reads else values)
        values[figure.key] = value
    return values
