"""Daily roll-up (每日一报): the table from the counters ÷ the naive GROUP BY over the raw rows.

    python -m bench.rollup                        # SQLite (a temporary file), --persons 400000 and a quarter
    python -m bench.rollup --persons 5000000      # DESIGN.md §5's city: 500k key persons, ~2M daily checks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.rollup --persons 5000000

For a city of --persons people (7 counties, 12 townships each, 20 villages each) it loads, in bulk:
one key person in ten (category, registration over 14 days, a quarter released or transferred),
up to 4 daily checks each (3% fevers), one household in twenty visited. The counters are built
from the same rows with the screening app's own contribution functions (what the services would
have added one write at a time) and checked against `counters.recompute` for one day.

Then, for the last day, it times (best of --repeat rounds; CPU time on SQLite, which runs in this
process, wall time on PostgreSQL) the county table (county + its townships) and
the city table (city + its counties), today and the day before, two ways:
  counters  analytics.selectors.daily_table — the page's, the API's and the report's code
  naive     GROUP BY over key persons, checks and visits for the same figures
asserts the two give identical figures, and prints naive ÷ counters (budget ≥ 20×). It does this at
--persons and at a quarter of it, in two fresh databases, and prints counters(N) ÷ counters(N/4):
the counters' time should not grow with the row count (≈ 1).
The databases are temporary (SQLite files, or PostgreSQL databases next to DATABASE_URL's) and dropped.
"""

import argparse
import datetime
import gc
import os
import random
import time
import types
from collections import Counter
from decimal import Decimal

from bench.databases import TempDatabases, use_database

BUDGET = 20.0
PROVINCE, CITY = "420000000000", "420900000000"
COUNTIES = ["420902", "420921", "420922", "420923", "420981", "420982", "420984"]
COUNTY = "420921000000"  # the county whose table is timed
TOWNSHIPS, VILLAGES = 12, 20
FIRST_DAY = datetime.date(2020, 1, 24)
DAYS = 14
LAST_DAY = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
CATEGORIES = [("returnee", 70), ("fever", 10), ("close_contact", 7), ("secondary_contact", 4), ("suspected", 2),
              ("confirmed", 1), ("asymptomatic", 1), ("transient", 5)]
NORMAL = ["36.2", "36.4", "36.5", "36.7", "36.9", "37.1"]
FEVERS = ["37.3", "37.8", "38.5", "39.2"]
ENDINGS = ["released"] * 8 + ["transferred", "moved_away"]


# Databases ------------------------------------------------------------------------------------------

# Bulk loading ---------------------------------------------------------------------------------------

def insert(model, given: list[str], rows) -> int:
    """Insert `rows` (tuples of the `given` columns, in order) fast: COPY on PostgreSQL, executemany on SQLite.
    Every other column gets its field's default, as the ORM would store it."""
    from django.db import connection
    rest = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = [*given, *(f.column for f in rest)]
    count = 0

    def full_rows():
        nonlocal count
        for row in rows:
            count += 1
            yield (*row, *constants)

    table = model._meta.db_table
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
                f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in full_rows():
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        connection.connection.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',
                                          full_rows())
    return count


def _regions() -> list[str]:
    """The city's tree; returns the village codes."""
    from fangkong.regions.models import Region
    rows = [(PROVINCE, "湖北省", "province", None), (CITY, "孝感市", "city", PROVINCE)]
    villages = []
    for c, county in enumerate(COUNTIES):
        county_code = county + "000000"
        rows.append((county_code, f"第{c + 1}县", "county", CITY))
        for t in range(1, TOWNSHIPS + 1):
            town = f"{county}{t:03d}000"
            rows.append((town, f"{c + 1}县{t}镇", "township", county_code))
            for v in range(1, VILLAGES + 1):
                village = f"{county}{t:03d}{200 + v:03d}"
                rows.append((village, f"{c + 1}县{t}镇{v}村", "village", town))
                villages.append(village)
    insert(Region, ["code", "name", "level", "parent_id"], rows)
    return villages


def _day(n: int) -> str:
    return (FIRST_DAY + datetime.timedelta(days=n)).isoformat()


def load_city(persons: int, seed: int = 2020) -> dict:
    """Raw rows and the counters that equal them; returns the row counts."""
    from django.db import connection, transaction

    from fangkong.people.models import Household, Person
    from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, Sweep
    rng = random.Random(seed)
    key_persons, households = persons // 10, persons // 20
    names = [c for c, _w in CATEGORIES]
    weights = [w for _c, w in CATEGORIES]
    # one compact record per key person, reused for the person, the ledger entry, the checks and the counters
    plan = []
    for _ in range(key_persons):
        category = rng.choices(range(len(names)), weights)[0]
        registered = rng.randrange(DAYS)
        ended, status = None, "under_management"
        if rng.random() < 0.3:
            end = registered + 1 + rng.randrange(10)
            if end < DAYS:
                ended, status = end, rng.choice(ENDINGS)
        plan.append((category, registered, ended, status))
    fast_loading(True)
    with transaction.atomic():
        villages = _regions()
        nv = len(villages)
        insert(Person, ["id", "name", "id_type", "id_number", "id_digest", "region_id"],
                ((i + 1, f"人员{i}", "passport", f"B{i:09d}", f"bench{i}", villages[i % nv])
                 for i in range(key_persons)))
        kp_groups: Counter = Counter()

        def key_person_rows():
            for i, (category, registered, ended, status) in enumerate(plan):
                kp_groups[(villages[i % nv], names[category], registered, status, ended)] += 1
                yield (i + 1, i + 1, names[category], villages[i % nv], _day(registered), status,
                       None if ended is None else _day(ended))
        insert(KeyPerson, ["id", "person_id", "category", "region_id", "registered_on", "status", "ended_on"],
                key_person_rows())
        check_groups: Counter = Counter()

        def check_rows():
            for i, (_category, registered, ended, _status) in enumerate(plan):
                last = min(DAYS - 1, registered + 3, DAYS if ended is None else ended)
                for day in range(registered, last + 1):
                    temperature = rng.choice(FEVERS) if rng.random() < 0.03 else rng.choice(NORMAL)
                    check_groups[(villages[i % nv], day, temperature)] += 1
                    yield i + 1, villages[i % nv], _day(day), temperature, "phone"
        checks = insert(DailyCheck, ["key_person_id", "region_id", "checked_on", "temperature", "method"],
                         check_rows())
        insert(Household, ["id", "region_id", "address"],
                ((h + 1, villages[h % nv], f"{h}号") for h in range(households)))
        insert(Sweep, ["id", "name", "region_id", "start_date", "end_date"],
                [(1, "第一轮摸排", CITY, _day(0), _day(DAYS - 1))])
        visit_groups: Counter = Counter()

        def visit_rows():
            for h in range(households):
                day = rng.randrange(DAYS)
                visit_groups[(villages[h % nv], day)] += 1
                yield 1, h + 1, villages[h % nv], _day(day), 3
        insert(HouseholdVisit, ["sweep_id", "household_id", "region_id", "visited_on", "present_count"],
                visit_rows())
        counter_rows = _counters(kp_groups, check_groups, visit_groups)
        reset_sequences([Person, KeyPerson, Household, Sweep])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")  # sampled statistics: enough for the planner
        cursor.execute("ANALYZE")
    fast_loading(False)
    return {"key persons": key_persons, "daily checks": checks, "household visits": households,
            "counters": counter_rows}


def fast_loading(on: bool) -> None:
    """SQLite: no journal and no fsync while loading (a throwaway file); back to the settings' WAL after."""
    from django.db import connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if on:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
                cursor.execute(f"PRAGMA {pragma}")
        else:
            connection.close()  # the next connection runs the settings' init_command (WAL) again


def _counters(kp_groups: Counter, check_groups: Counter, visit_groups: Counter) -> int:
    """The counters of the loaded rows, through the screening app's contribution functions (as the services
    add them), summed per identical row so a million rows cost a few thousand calls."""
    from fangkong.analytics import counters
    from fangkong.analytics.models import DailyCounter
    from fangkong.screening import rollup
    day = lambda n: None if n is None else FIRST_DAY + datetime.timedelta(days=n)  # noqa: E731
    items = []

    def add(contributions, times):
        items.extend((code, d, metric, amount * times) for code, d, metric, amount in contributions)
    for (region, category, registered, status, ended), n in kp_groups.items():
        add(rollup.key_person_contributions(types.SimpleNamespace(
            region_id=region, category=category, registered_on=day(registered), status=status,
            ended_on=day(ended))), n)
    for (region, checked, temperature), n in check_groups.items():
        add(rollup.daily_check_contributions(types.SimpleNamespace(
            region_id=region, checked_on=day(checked), temperature=Decimal(temperature))), n)
    for (region, visited), n in visit_groups.items():
        add(rollup.visit_contributions(types.SimpleNamespace(region_id=region, visited_on=day(visited))), n)
    totals = counters.expand(items)
    return insert(DailyCounter, ["region_id", "day", "metric", "value"],
                   ((code, d.isoformat(), metric, value) for (code, d, metric), value in totals.items() if value))


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# The two ways to the table ---------------------------------------------------------------------------

def from_counters(region_code: str, day: datetime.date) -> dict:
    from fangkong.analytics import selectors
    from fangkong.core.actors import SYSTEM
    table = selectors.daily_table(SYSTEM, region_code, day)
    return {row.region.code: (row.values, row.previous) for row in [table.totals, *table.children]}


def naive(region_code: str, day: datetime.date) -> dict:
    """The same figures by GROUP BY over the raw rows: what a roll-up without counters has to do."""
    from fangkong.core import region_codes as codes
    from fangkong.regions.models import Region
    region = Region.objects.get(code=region_code)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    child_of = {codes.prefix_of(c.code, c.level): c.code for c in children}
    length = len(next(iter(child_of)))
    previous = day - datetime.timedelta(days=1)
    by_day = {d: _naive_day(region_code, d, length, child_of) for d in (day, previous)}
    found = {c.code: (_figures(by_day[day][c.code]), _figures(by_day[previous][c.code])) for c in children}
    totals = [sum((by_day[d][c.code] for c in children), Counter()) for d in (day, previous)]
    found[region_code] = (_figures(totals[0]), _figures(totals[1]))
    return found


def _naive_day(region_code: str, day: datetime.date, length: int, child_of: dict) -> dict[str, Counter]:
    from django.db.models import Count, Q
    from django.db.models.functions import Substr

    from fangkong.core.health import fever_threshold
    from fangkong.core.region_codes import within
    from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, Status
    rows = {code: Counter() for code in child_of.values()}
    part = Substr("region_id", 1, length)
    scope = within(region_code)
    for r in (HouseholdVisit.objects.filter(scope, visited_on=day).annotate(part=part)
              .values("part").annotate(n=Count("id"))):
        rows[child_of[r["part"]]]["households_visited"] += r["n"]
    key_persons = KeyPerson.objects.filter(scope).annotate(part=part)
    for prefix, query in (
        ("new", key_persons.filter(registered_on=day)),
        ("under_management", key_persons.filter(registered_on__lte=day).exclude(
            Q(ended_on__lte=day) & ~Q(status=Status.UNDER_MANAGEMENT))),
        ("released", key_persons.filter(status=Status.RELEASED, ended_on=day)),
    ):
        for r in query.values("part", "category").annotate(n=Count("id")):
            rows[child_of[r["part"]]][f"kp_{prefix}_{r['category']}"] += r["n"]
            rows[child_of[r["part"]]][f"kp_{prefix}"] += r["n"]
    for r in (DailyCheck.objects.filter(scope, checked_on=day).annotate(part=part).values("part")
              .annotate(n=Count("id"), fevers=Count("id", filter=Q(temperature__gte=fever_threshold())))):
        rows[child_of[r["part"]]]["checks_done"] += r["n"]
        rows[child_of[r["part"]]]["fevers_found"] += r["fevers"]
    return rows


def _figures(base: Counter) -> dict:
    from fangkong.analytics.figures import FIGURES
    values = {}
    for figure in FIGURES:
        values[figure.key] = figure.derive(values) if figure.derive else base[figure.key]
    return values


# Measuring ------------------------------------------------------------------------------------------

def _clock():
    """SQLite runs inside this process: its CPU time is the work done, whatever other processes
    on a shared machine are doing. PostgreSQL works in its own processes: wall time."""
    from django.db import connection
    return time.process_time if connection.vendor == "sqlite" else time.perf_counter


def timed(fn) -> float:
    clock = _clock()
    started = clock()
    fn()
    return clock() - started


def prepare(persons: int) -> dict:
    """Load a city and check the counters against a recomputation and the naive tables against the counters'."""
    from fangkong.analytics import counters
    started = time.perf_counter()
    sizes = load_city(persons)
    sizes["load"] = time.perf_counter() - started
    wrong = counters.differences(LAST_DAY)
    assert not wrong, f"bulk-built counters differ from a recomputation: {list(wrong.items())[:5]}"
    for name, code in TABLES:
        assert from_counters(code, LAST_DAY) == naive(code, LAST_DAY), f"{name} table: counters and GROUP BY disagree"
    sizes["read"] = _counter_rows_read(COUNTY)
    return sizes


def _counter_rows_read(code: str) -> int:
    """Counter rows behind a table: at most regions × (2 days × metrics + days × stock metrics), whatever the data."""
    from fangkong.analytics import counters, selectors
    from fangkong.analytics.figures import FIGURES, metrics_needed
    from fangkong.core.actors import SYSTEM
    region, children = selectors.region_and_children(SYSTEM, code)
    codes = [region.code, *(c.code for c in children)]
    day_metrics, running = metrics_needed(list(FIGURES))
    on_days = counters.day_values(codes, [LAST_DAY, LAST_DAY - datetime.timedelta(days=1)], day_metrics)
    from fangkong.analytics.models import DailyCounter
    stock_rows = DailyCounter.objects.filter(region_id__in=codes, day__lte=LAST_DAY, metric__in=running).count()
    return sum(len(c) for c in on_days.values()) + stock_rows


TABLES = [("county", COUNTY), ("city", CITY)]


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.rollup", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=400_000,
                        help="people in the city (default 400000; the budget's city is 5000000); "
                             "a tenth are key persons with up to 4 checks each")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of timing (each: 10 counter tables and 1 naive per table and scale); best kept")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_rollup")
    urls = {}
    engine = "PostgreSQL (wall time)" if dbs.postgres else "SQLite (CPU time of this process)"
    scales = [args.persons // 4, args.persons]
    sizes, best = {}, {}
    try:
        dbs.migrated_template()
        for persons in scales:
            urls[persons] = dbs.fresh(f"p{persons}")
            use_database(urls[persons])
            sizes[persons] = prepare(persons)
        # Rounds alternate the scales, so a noisy neighbour slows both alike; the garbage collector is
        # paused while timing, as timeit does.
        gc.disable()
        for _round in range(max(1, args.repeat)):
            for persons in scales:
                use_database(urls[persons])
                for name, code in TABLES:
                    from_counters(code, LAST_DAY)  # the connection and caches warm for both sides alike
                    fast = min(timed(lambda code=code: from_counters(code, LAST_DAY)) for _ in range(10))
                    slow = timed(lambda code=code: naive(code, LAST_DAY))
                    old_fast, old_slow = best.get((persons, name), (fast, slow))
                    best[(persons, name)] = (min(fast, old_fast), min(slow, old_slow))
                gc.collect()
    finally:
        gc.enable()
        dbs.drop()
    return _report(engine, scales, sizes, best)


def _report(engine: str, scales: list[int], sizes: dict, best: dict) -> list[str]:
    lines = []
    for persons in scales:
        s = sizes[persons]
        lines.append(f"{engine}, {persons:,} persons: {s['key persons']:,} key persons, {s['daily checks']:,} checks, "
                     f"{s['household visits']:,} visits, {s['counters']:,} counters (loaded in {s['load']:.0f}s); "
                     f"the county table reads {s['read']:,} counter rows")
        for name, _code in TABLES:
            fast, slow = best[(persons, name)]
            ratio = slow / fast
            lines.append(f"  {name} table: counters {fast * 1000:.1f} ms, naive GROUP BY {slow * 1000:.1f} ms, "
                         f"naive/counters = {ratio:.0f}× (budget ≥ {BUDGET:.0f}×: {'met' if ratio >= BUDGET else 'NOT met'})")
    small, large = scales
    if large < 5_000_000:
        lines.append(f"(a short run: the budget is for DESIGN.md §5's city, --persons 5000000, where the naive side "
                     f"groups {5_000_000 / large:.0f}× more rows while the counters read stays under regions × days × metrics)")
    for name, _code in TABLES:
        lines.append(f"{name} table from counters at {large:,} ÷ at {small:,} persons = "
                     f"{best[(large, name)][0] / best[(small, name)][0]:.2f} (flat ≈ 1; naive grew "
                     f"{best[(large, name)][1] / best[(small, name)][1]:.1f}×)")
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
