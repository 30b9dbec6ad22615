"""Epidemic curve and Rt of a city for 120 days from the counters, at two sizes of the counters table.

    python -m bench.epi                              # SQLite (a temporary file), 1 village a township
    python -m bench.epi --villages 20                # cities of the budget's size (a city of ~5 million)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.epi --villages 20

The counters table (analytics.DailyCounter: region, day, metric, value) as the daily roll-up fills it: for each
region and day, the epidemic's metrics (onset.* and reported.* by classification, tracing.rollup's, summed up from
the villages to the province) and the other figures of every app (8 metrics a day for a village, 20 for a
township, 60 for a county, a city or the province), over 180 days: the 120 of the curve and the 60 before them
that Rt reads. A city is 7 counties × 12 townships × --villages villages a township (20: a city of about 5
million). Two databases: the timed city (孝感市) alone, and the province with --cities cities of the same rows,
the timed one among them: its rows are the same in both, the table around them --cities times as large.

Then it times, as the median wall time of --repeat calls (after one warm-up) as the city's epidemiologist:
  curve     tracing.selectors.epi.curve: the city's cases per day by onset and classification, 120 days
  rt        tracing.selectors.epi.rt: Cori's Rt of the confirmed cases by onset, 7-day windows ending on each day
  api       GET /api/tracing/epi/curve and /api/tracing/epi/rt through Django's test client (the whole requests)
  floor     the bare index read of the counter rows both selectors need (the city, 180 days, 4 metrics)
and prints each at both sizes, the ratio of the larger to the smaller (flat ≈ 1), curve + rt ÷ floor, and whether
curve + rt stays under 100 ms. The databases are temporary and dropped at the end.
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import time

from bench.databases import TempDatabases, use_database
from bench.rollup import insert

BUDGET_MS = 100.0
PROVINCE, CITY = "420000000000", "420900000000"
CITIES = ["4209", "4201", "4202", "4203", "4205", "4206", "4207", "4208", "4210", "4211", "4212", "4213"]
COUNTIES, TOWNSHIPS = 7, 12
LAST_DAY = datetime.date(2020, 4, 30)
CURVE_DAYS, LEAD_DAYS = 120, 60
FIRST_SHOWN = LAST_DAY - datetime.timedelta(days=CURVE_DAYS - 1)
FIRST_HELD = FIRST_SHOWN - datetime.timedelta(days=LEAD_DAYS)
DAYS = [FIRST_HELD + datetime.timedelta(days=n) for n in range((LAST_DAY - FIRST_HELD).days + 1)]
OTHER_METRICS = {"village": 8, "township": 20, "county": 60, "city": 60, "province": 60}
CLASSES = ["confirmed", "asymptomatic", "suspected"]


def _tree(city: str, villages: int) -> list[tuple[str, str, str, str]]:
    """(code, name, level, parent) of a city's regions, the city first."""
    rows = [(city + "00000000", f"{city}市", "city", PROVINCE)]
    for c in range(1, COUNTIES + 1):
        county = f"{city}{c:02d}"
        rows.append((county + "000000", f"{city}市{c}县", "county", city + "00000000"))
        for t in range(1, TOWNSHIPS + 1):
            town = f"{county}{t:03d}"
            rows.append((town + "000", f"{c}县{t}镇", "township", county + "000000"))
            rows += [(f"{town}{200 + v:03d}", f"{t}镇{v}村", "village", town + "000") for v in range(1, villages + 1)]
    return rows


def _epidemic(rng: random.Random, tree) -> dict[tuple[str, datetime.date, str], int]:
    """The epidemic metrics of a city's villages, an outbreak rising to day 100 of the 180 and falling, summed up
    to their townships, counties and the city (as counters.track_change adds them; the province's are left out,
    since several cities would add to them)."""
    found: dict = {}
    villages = [code for code, _n, level, _p in tree if level == "village"]
    parents = {code: parent for code, _n, _l, parent in tree}
    for n, day in enumerate(DAYS):
        expected = 40 * max(0.0, 1 - abs(n - 100) / 80)
        for _ in range(int(expected) + (rng.random() < expected % 1)):
            village = rng.choice(villages)
            cls = rng.choices(CLASSES, [80, 12, 8])[0]
            reported = DAYS[min(n + rng.randrange(3), len(DAYS) - 1)]
            for metric, on in ((f"onset.{cls}", day), (f"reported.{cls}", reported)):
                code = village
                while code is not None and code != PROVINCE:
                    found[(code, on, metric)] = found.get((code, on, metric), 0) + 1
                    code = parents.get(code)
    return found


def load(cities: int, villages: int, seed: int = 2020) -> dict:
    """The counters of the province's first `cities` cities, the timed one first; returns what was loaded."""
    from django.db import connection, transaction

    from bench.rollup import fast_loading
    from fangkong.accounts.models import User
    from fangkong.analytics.models import DailyCounter
    from fangkong.regions.models import Region
    rng = random.Random(seed)
    started = time.perf_counter()
    fast_loading(True)
    written = 0
    with transaction.atomic():
        insert(Region, ["code", "name", "level", "parent_id"], [(PROVINCE, "湖北省", "province", None)])
        insert(User, ["username", "role", "region_id", "password"], [("bench_epi", "epidemiologist", CITY, "!")])
        for city in CITIES[:cities]:
            tree = _tree(city, villages)
            insert(Region, ["code", "name", "level", "parent_id"], tree)
            epidemic = _epidemic(rng, tree)
            levels = [(code, level) for code, _n, level, _p in tree]
            if city == CITIES[0]:
                levels.append((PROVINCE, "province"))

            def rows(levels=levels, epidemic=epidemic):
                for code, level in levels:
                    for day in DAYS:
                        for k in range(OTHER_METRICS[level]):
                            yield code, day, f"bench.m{k:02d}", rng.randrange(1, 50)
                for (code, day, metric), value in epidemic.items():
                    yield code, day, metric, value

            written += insert(DailyCounter, ["region_id", "day", "metric", "value"], rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fast_loading(False)
    return {"counters": written, "cities": cities, "load": time.perf_counter() - started}


def operations() -> dict:
    from django.test import Client

    from fangkong.accounts.models import User
    from fangkong.analytics.models import DailyCounter
    from fangkong.tracing.selectors import epi
    user = User.objects.select_related("region").get(username="bench_epi")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    period = f"region={CITY}&first={FIRST_SHOWN.isoformat()}&last={LAST_DAY.isoformat()}"

    def api():
        for path in ("curve", "rt"):
            answer = client.get(f"/api/tracing/epi/{path}?{period}")
            assert answer.status_code == 200, (path, answer.status_code, answer.content[:300])

    metrics = [f"onset.{c}" for c in CLASSES] + ["reported.confirmed"]
    return {
        "curve": lambda: epi.curve(user, CITY, basis="onset", first=FIRST_SHOWN, last=LAST_DAY),
        "rt": lambda: epi.rt(user, CITY, basis="onset", first=FIRST_SHOWN, last=LAST_DAY),
        "api": api,
        "floor": lambda: list(DailyCounter.objects.filter(region_id=CITY, day__gte=FIRST_HELD, day__lte=LAST_DAY,
                                                          metric__in=metrics).values_list("metric", "day", "value")),
    }


def _median(op, repeat: int) -> float:
    op()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        op()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.epi", description=__doc__.split("\n")[0])
    parser.add_argument("--cities", type=int, default=4, help="cities of the larger table (default 4; the smaller: 1)")
    parser.add_argument("--villages", type=int, default=1, help="villages per township (default 1; a city of ~5M: 20)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each, per round; the median is kept")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, the sizes taking turns; the best is kept")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_epi")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    sizes = [1, min(args.cities, len(CITIES))]
    urls, loaded, best = {}, {}, {}
    try:
        dbs.migrated_template()
        for size in sizes:
            urls[size] = dbs.fresh(f"n{size}")
            use_database(urls[size])
            loaded[size] = load(size, args.villages)
            rt = operations()["rt"]()
            loaded[size]["windows"] = sum(1 for row in rt.rows if row.enough)
        gc.disable()
        for _round in range(max(1, args.rounds)):
            for size in sizes:
                use_database(urls[size])
                for name, op in operations().items():
                    value = _median(op, args.repeat)
                    best[(size, name)] = min(value, best.get((size, name), value))
                gc.collect()
    finally:
        gc.enable()
        dbs.drop()
    lines = []
    for size in sizes:
        s = loaded[size]
        both = best[(size, "curve")] + best[(size, "rt")]
        lines.append(f"{engine}: {s['counters']:,} counters of {size} {'city' if size == 1 else 'cities'} "
                     f"(loaded in {s['load']:.0f}s): "
                     + ", ".join(f"{name} {best[(size, name)]:.2f} ms" for name in ("curve", "rt", "api", "floor"))
                     + f"; curve + rt {both:.1f} ms = {both / best[(size, 'floor')]:.1f}× the floor "
                     f"({s['windows']} windows of Rt with an interval)")
    small, large = sizes
    both = best[(large, "curve")] + best[(large, "rt")]
    lines.append(f"{large} cities ÷ 1 ({loaded[large]['counters'] / loaded[small]['counters']:.1f}× the rows; "
                 "flat ≈ 1): " + ", ".join(
        f"{name} {best[(large, name)] / best[(small, name)]:.2f}" for name in ("curve", "rt", "api", "floor")))
    lines.append(f"curve + rt of a city, {CURVE_DAYS} days, from the counters < {BUDGET_MS:.0f} ms: "
                 f"{'met' if both < BUDGET_MS else 'NOT met'} ({both:.1f} ms)")
    return lines


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    print("\n".join(main()))
