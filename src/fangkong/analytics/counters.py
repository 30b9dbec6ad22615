"""Counters: the one roll-up mechanism every app shares.

A model that feeds the roll-up registers a *source*: a function giving a row's
contributions — (region code, day, metric, amount) — and a way to find the rows that
contribute to a day. Services call `track_change(old, new)` (old/new being contribution
lists before and after a write) inside their transaction; the difference is added to the
row's region and all its ancestors with an atomic upsert, so concurrent writers never lose
an increment. `rebuild(day)` recomputes a day from the raw rows with the same functions, so
the live counters and a recomputation can only differ if a service forgot to track a write.

Flows (new today, released today, checks done) are counted on their day. Stocks (under
management on day D) are the running sum of their in/out flows up to D (see `stock`).
What the roll-up table shows is declared in `analytics.figures`; this module only stores.
"""

import datetime
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

from fangkong.core import region_codes as codes

from .models import DailyCounter

Contribution = tuple[str, datetime.date, str, int]  # (region code, day, metric, amount)


@dataclass(frozen=True)
class Source:
    name: str
    contributions: Callable[[object], list[Contribution]]
    rows_for_day: Callable[[datetime.date], QuerySet]


SOURCES: dict[str, Source] = {}


def register(name: str, contributions, rows_for_day) -> None:
    SOURCES[name] = Source(name, contributions, rows_for_day)


@functools.lru_cache(maxsize=65536)
def _lineage(code: str) -> tuple[str, ...]:
    """The code and its ancestors. Cached: a rebuild expands millions of rows over a few thousand codes."""
    return (code, *codes.ancestor_codes(code))


def _expand(items: Iterable[Contribution], sign: int, into: Counter) -> None:
    for code, day, metric, amount in items:
        if not amount:
            continue
        for region_code in _lineage(code):
            into[(region_code, day, metric)] += sign * amount


def expand(items: Iterable[Contribution]) -> Counter:
    """{(region code, day, metric): amount} with each contribution added to its region and every ancestor:
    what `track_change` would write, for loaders that build counters in bulk (benchmarks, migrations)."""
    totals: Counter = Counter()
    _expand(items, +1, totals)
    return totals


def track_change(old: Iterable[Contribution] = (), new: Iterable[Contribution] = ()) -> None:
    """Apply new − old to the counters of each region and its ancestors (inside the caller's transaction)."""
    delta: Counter = Counter()
    _expand(old, -1, delta)
    _expand(new, +1, delta)
    _upsert([(code, day, metric, amount) for (code, day, metric), amount in delta.items() if amount])


_UPSERT = (
    "INSERT INTO analytics_dailycounter (region_id, day, metric, value) VALUES {values} "
    "ON CONFLICT (region_id, day, metric) DO UPDATE SET value = analytics_dailycounter.value + excluded.value"
)


def _upsert(rows: list[Contribution]) -> None:
    if not rows:
        return
    rows.sort()  # a fixed order: concurrent writers take row locks in the same sequence, no deadlock
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 200):
            chunk = rows[start:start + 200]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [p for code, day, metric, amount in chunk for p in (code, day, metric, amount)]
            cursor.execute(_UPSERT.format(values=values), params)


def recompute(day: datetime.date) -> dict[tuple[str, str], int]:
    """{(region code, metric): value} of `day` computed from the raw rows (non-zero only); writes nothing."""
    totals: Counter = Counter()
    for source in SOURCES.values():
        for row in source.rows_for_day(day).iterator(chunk_size=5000):
            _expand([c for c in source.contributions(row) if c[1] == day], +1, totals)
    return {(code, metric): value for (code, _day, metric), value in totals.items() if value}


def live(day: datetime.date) -> dict[tuple[str, str], int]:
    """{(region code, metric): value} of `day` as the counters hold it (non-zero only)."""
    rows = DailyCounter.objects.filter(day=day).exclude(value=0).values_list("region_id", "metric", "value")
    return {(code, metric): value for code, metric, value in rows}


def differences(day: datetime.date) -> dict[tuple[str, str], tuple[int, int]]:
    """{(region code, metric): (live, recomputed)} wherever the counters disagree with the raw rows."""
    held, fresh = live(day), recompute(day)
    return {key: (held.get(key, 0), fresh.get(key, 0))
            for key in sorted(held.keys() | fresh.keys()) if held.get(key, 0) != fresh.get(key, 0)}


def _hold_off_writers() -> None:
    """Make concurrent services wait while a day is rebuilt, so no increment falls between read and write.

    On PostgreSQL a writer's upsert takes ROW EXCLUSIVE on the table, which SHARE ROW EXCLUSIVE
    blocks: writers that already counted are waited for (and their rows are then visible to the
    scan), later ones add their increment after the rebuild commits. SQLite already serialises
    writers (transactions BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE analytics_dailycounter IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def rebuild(day: datetime.date) -> int:
    """Recompute every counter of `day` from the raw rows; returns the number of counters written."""
    _hold_off_writers()
    fresh = recompute(day)
    DailyCounter.objects.filter(day=day).delete()
    DailyCounter.objects.bulk_create(
        [DailyCounter(region_id=code, day=day, metric=metric, value=value)
         for (code, metric), value in sorted(fresh.items())],
        batch_size=2000,
    )
    return len(fresh)


# The two reads behind every roll-up table. Plain SQL: they run on each page view, and the ORM's
# query building cost more than the queries themselves.

def _in(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def day_values(region_codes: Iterable[str], days: Iterable[datetime.date],
               metrics: Iterable[str]) -> dict[tuple[str, datetime.date], Counter]:
    """{(region code, day): Counter({metric: value})} for these regions, days and metrics, in one query."""
    region_codes, days, metrics = list(region_codes), list(days), list(metrics)
    found: dict[tuple[str, datetime.date], Counter] = {}
    if not (region_codes and days and metrics):
        return found
    sql = (f"SELECT region_id, day, metric, value FROM {DailyCounter._meta.db_table} "
           f"WHERE region_id IN ({_in(region_codes)}) AND day IN ({_in(days)}) AND metric IN ({_in(metrics)})")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*region_codes, *days, *metrics])
        rows = cursor.fetchall()
    for code, day, metric, value in rows:
        key = (code, day)
        if key not in found:
            found[key] = Counter()
        found[key][metric] += value
    return found


def running_totals(region_codes: Iterable[str], day: datetime.date, metrics: Iterable[str]) -> dict[str, Counter]:
    """{region code: Counter({metric: Σ value over every day up to and including `day`})}, in one query.

    Reads one row per region, day and metric (the unique index on region, day, metric serves
    it), so its cost follows the number of days, never the number of raw rows.
    """
    region_codes, metrics = list(region_codes), list(metrics)
    found: dict[str, Counter] = {}
    if not (region_codes and metrics):
        return found
    sql = (f"SELECT region_id, metric, SUM(value) FROM {DailyCounter._meta.db_table} "
           f"WHERE region_id IN ({_in(region_codes)}) AND day <= %s AND metric IN ({_in(metrics)}) "
           "GROUP BY region_id, metric")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*region_codes, day, *metrics])
        rows = cursor.fetchall()
    for code, metric, total in rows:
        if code not in found:
            found[code] = Counter()
        found[code][metric] += int(total)  # PostgreSQL sums bigints as numeric
    return found


def figures(region_codes: list[str], day: datetime.date, metrics: list[str] | None = None) -> dict[str, dict]:
    """{region code: {metric: value}} for the day's flow counters of these regions."""
    qs = DailyCounter.objects.filter(region_id__in=region_codes, day=day)
    if metrics is not None:
        qs = qs.filter(metric__in=metrics)
    found: dict[str, dict] = {code: {} for code in region_codes}
    for code, metric, value in qs.values_list("region_id", "metric", "value"):
        found[code][metric] = value
    return found


def stock(region_codes: list[str], day: datetime.date, metrics_in: list[str],
          metrics_out: list[str]) -> dict[str, dict]:
    """{region: {in_metric: running Σ(in − out) up to and including `day`}} for paired in/out flows."""
    pairs = dict(zip(metrics_out, metrics_in, strict=True))
    totals = running_totals(region_codes, day, [*metrics_in, *metrics_out])
    found: dict[str, dict] = {code: {m: 0 for m in metrics_in} for code in region_codes}
    for code, by_metric in totals.items():
        for metric, total in by_metric.items():
            if metric in pairs:
                found[code][pairs[metric]] -= total
            else:
                found[code][metric] += total
    return found
