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
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet, Sum

from fangkong.regions import codes

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


def _expand(items: Iterable[Contribution], sign: int, into: Counter) -> None:
    for code, day, metric, amount in items:
        if not amount:
            continue
        into[(code, day, metric)] += sign * amount
        for ancestor in codes.ancestor_codes(code):
            into[(ancestor, day, metric)] += sign * amount


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


@transaction.atomic
def rebuild(day: datetime.date) -> int:
    """Recompute every counter of `day` from the raw rows; returns the number of counters written."""
    totals: Counter = Counter()
    for source in SOURCES.values():
        for row in source.rows_for_day(day).iterator(chunk_size=5000):
            _expand([c for c in source.contributions(row) if c[1] == day], +1, totals)
    DailyCounter.objects.filter(day=day).delete()
    rows = [(code, d, metric, amount) for (code, d, metric), amount in totals.items() if amount]
    DailyCounter.objects.bulk_create(
        [DailyCounter(region_id=code, day=d, metric=metric, value=amount) for code, d, metric, amount in rows],
        batch_size=2000,
    )
    return len(rows)


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
    rows = (DailyCounter.objects.filter(region_id__in=region_codes, day__lte=day,
                                        metric__in=[*metrics_in, *metrics_out])
            .values("region_id", "metric").annotate(total=Sum("value")))
    found: dict[str, dict] = {code: {m: 0 for m in metrics_in} for code in region_codes}
    for row in rows:
        metric = row["metric"]
        if metric in pairs:
            found[row["region_id"]][pairs[metric]] -= row["total"]
        else:
            found[row["region_id"]][metric] += row["total"]
    return found
