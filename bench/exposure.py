"""Exposure search for one person over 14 days, at --checkins check-ins (the budget's: 10,000,000).

    python -m bench.exposure                              # SQLite (temporary file), 200,000 check-ins
    python -m bench.exposure --checkins 10000000          # the budget's scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.exposure --checkins 10000000

Loads, in bulk (COPY on PostgreSQL, executemany on SQLite; the tables' indexes dropped during the load
and built after it, as a restore would), a county of 10 townships × 15 villages with --places key places
and --checkpoints checkpoints, --checkins check-ins spread at random over 14 days (nine in ten at places,
one in ten at checkpoint codes) by --checkins/20 persons, and --checkins/10 passages at the checkpoints.
One person (the subject) checks in twice a day at random places and passes a checkpoint every other day.

Then it times, as median wall time of --repeat runs (after one warm-up run):
  exposure   selectors.exposure.exposure_search(hq, subject) over the 14 days (the subject found once, before,
             by subjects_for), ±30 minutes, with the
             contacts' persons and the places' names loaded (what the page and the API do)
  contacts only   the same without loading the contacts' names and the places' (the index reads alone)
  baseline   a plain indexed lookup: the subject's own check-ins of the 14 days, index (person, time)
and prints both, their ratio, whether the exposure search is under 100 ms, and the indexes the
plans of its range reads use. The database is temporary and dropped at the end.
"""

import argparse
import datetime
import gc
import os
import random
import re
import statistics
import time

from bench.databases import TempDatabases, use_database

COUNTY = "420921000000"
TOWNSHIPS, VILLAGES = 10, 15
DAYS = 14
NOW_LOCAL = datetime.datetime(2020, 2, 10, 12, 0)  # Asia/Shanghai
TARGET_MS = 100.0
SUBJECT = 1


def _now() -> datetime.datetime:
    from django.utils import timezone
    return timezone.make_aware(NOW_LOCAL)


def _villages() -> list[str]:
    return [f"420921{t:03d}{200 + v:03d}" for t in range(1, TOWNSHIPS + 1) for v in range(1, VILLAGES + 1)]


def _townships() -> list[str]:
    return [f"420921{t:03d}000" for t in range(1, TOWNSHIPS + 1)]


class _Clock:
    """Moments as the raw loader writes them: UTC text (SQLite stores naive UTC; PostgreSQL takes the offset)."""

    def __init__(self, start: datetime.datetime, postgres: bool):
        self.start = start.astimezone(datetime.UTC).replace(tzinfo=None)
        self.suffix = "+00" if postgres else ""

    def text(self, seconds: float) -> str:
        return f"{self.start + datetime.timedelta(seconds=seconds)}{self.suffix}"


def _indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's secondary indexes."""
    from django.db import connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql IS NOT NULL",
                           [table])
        else:
            cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename=%s AND NOT EXISTS "
                           "(SELECT 1 FROM pg_constraint c WHERE c.conname=i.indexname)", [table])
        return list(cursor.fetchall())


def _without_indexes(tables: list[str]) -> list[str]:
    """Drop the tables' secondary indexes; returns the statements that build them again."""
    from django.db import connection
    again = []
    with connection.cursor() as cursor:
        for table in tables:
            for name, sql in _indexes(table):
                cursor.execute(f'DROP INDEX "{name}"')
                again.append(sql)
    return again


def load(checkins: int, places: int, checkpoints: int, seed: int = 5) -> dict:
    from django.db import connection, transaction

    from bench.rollup import fast_loading, insert, reset_sequences
    from fangkong.accounts.models import User
    from fangkong.checkpoints.models import Checkpoint, Passage
    from fangkong.people.models import Person
    from fangkong.places.models import CheckIn, Place
    from fangkong.regions.models import Region
    rng = random.Random(seed)
    villages, townships = _villages(), _townships()
    postgres = connection.vendor == "postgresql"
    now = _now()
    start = now - datetime.timedelta(days=DAYS)
    clock = _Clock(start, postgres)
    span = DAYS * 86400
    persons = max(100, checkins // 20)
    passages = checkins // 10
    fast_loading(True)
    counts = {}
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                try:  # no foreign-key triggers during the bulk load (superuser only; slower without)
                    with transaction.atomic():
                        cursor.execute("SET LOCAL session_replication_role = replica")
                except Exception:
                    pass
        regions = [("420000000000", "湖北省", "province", None), ("420900000000", "孝感市", "city", "420000000000"),
                   (COUNTY, "孝昌县", "county", "420900000000")]
        regions += [(t, f"{t[6:9]}镇", "township", COUNTY) for t in townships]
        regions += [(v, f"{v[6:9]}镇{v[9:]}村", "village", v[:9] + "000") for v in villages]
        insert(Region, ["code", "name", "level", "parent_id"], regions)
        insert(User, ["id", "username", "role", "region_id", "password"], [(1, "hq", "hq_admin", COUNTY, "!")])
        place_region = [villages[i % len(villages)] for i in range(places)]
        insert(Place, ["id", "name", "kind", "region_id"],
                ((i + 1, f"场所{i + 1}", "supermarket", place_region[i]) for i in range(places)))
        cp_region = [townships[i % len(townships)] for i in range(checkpoints)]
        insert(Checkpoint, ["id", "name", "kind", "region_id", "opened_on"],
                ((i + 1, f"卡点{i + 1}", "highway_exit", cp_region[i], "2020-01-24") for i in range(checkpoints)))
        insert(Person, ["id", "name", "id_type", "id_number", "id_digest", "region_id"],
                ((i + 1, f"人员{i + 1}", "other", f"E{i + 1:09d}", f"exp{i + 1}", villages[i % len(villages)])
                 for i in range(persons)))
        again = _without_indexes([CheckIn._meta.db_table, Passage._meta.db_table])
        subject_visits, subject_passes = [], []
        for day in range(DAYS):
            for _ in range(2):
                p = rng.randrange(places)
                subject_visits.append((p + 1, None, place_region[p], SUBJECT,
                                       clock.text(day * 86400 + rng.uniform(9, 20) * 3600)))
            if day % 2 == 0:
                c = rng.randrange(checkpoints)
                subject_passes.append((c + 1, cp_region[c], SUBJECT, clock.text(day * 86400 + rng.uniform(7, 22) * 3600),
                                       "36.5", "pass"))

        def check_in_rows():
            yield from subject_visits
            for _ in range(checkins - len(subject_visits)):
                who = rng.randrange(2, persons + 1)
                moment = clock.text(rng.random() * span)
                if rng.random() < 0.9:
                    p = rng.randrange(places)
                    yield p + 1, None, place_region[p], who, moment
                else:
                    c = rng.randrange(checkpoints)
                    yield None, c + 1, cp_region[c], who, moment

        def passage_rows():
            yield from subject_passes
            for _ in range(passages - len(subject_passes)):
                c = rng.randrange(checkpoints)
                yield c + 1, cp_region[c], rng.randrange(2, persons + 1), clock.text(rng.random() * span), "36.5", "pass"

        counts["check-ins"] = insert(CheckIn, ["place_id", "checkpoint_id", "region_id", "person_id", "checked_in_at"],
                                      check_in_rows())
        counts["passages"] = insert(Passage, ["checkpoint_id", "region_id", "person_id", "passed_at", "temperature",
                                               "outcome"], passage_rows())
        with connection.cursor() as cursor:
            for sql in again:
                cursor.execute(sql)
        reset_sequences([User, Place, Checkpoint, Person, CheckIn, Passage])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")
        cursor.execute("ANALYZE")
    fast_loading(False)
    counts["persons"] = persons
    return counts


# Measuring ------------------------------------------------------------------------------------------

def operations() -> dict:
    from fangkong.accounts.models import User
    from fangkong.places.models import CheckIn
    from fangkong.tracing.selectors import exposure
    hq = User.objects.select_related("region").get(username="hq")
    subject, = exposure.subjects_for(hq, person_id=SUBJECT)
    end = _now()
    start = end - datetime.timedelta(days=DAYS)
    return {
        "exposure": lambda: exposure.exposure_search(hq, subject, start=start, end=end),
        "contacts only": lambda: exposure.exposure_search(hq, subject, start=start, end=end, with_details=False),
        "baseline": lambda: list(CheckIn.objects.filter(person_id=SUBJECT, checked_in_at__gte=start,
                                                        checked_in_at__lte=end)
                                 .order_by("checked_in_at").values_list("place_id", "checkpoint_id", "checked_in_at")),
    }


def medians(ops: dict, repeat: int) -> dict:
    found = {}
    for name, op in ops.items():
        op()  # warm: connection, caches, plans
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            op()
            runs.append(time.perf_counter() - started)
        found[name] = statistics.median(runs) * 1000
    return found


def plan_indexes(op) -> tuple[int, str]:
    """(queries the search runs, the indexes its check-in and passage reads use)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as ctx:
        op()
    used = set()
    for query in ctx.captured_queries:
        sql = query["sql"]
        if "checkpoints_checkin" not in sql and "checkpoints_passage" not in sql:
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            else:
                cursor.execute("EXPLAIN " + sql)
            text = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
        found = re.findall(r"\b(checkin_\w+|passage_\w+)\b", text)
        used.update(found or ["SCAN"])
    return len(ctx.captured_queries), ", ".join(sorted(used))


def arguments(argv, prog: str, description: str, repeat_help: str) -> argparse.Namespace:
    """The county's size, as this bench and bench.candidates take it."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--checkins", type=int, default=200_000, help="check-ins (default 200,000; the budget's: 10M)")
    parser.add_argument("--places", type=int, default=2000, help="key places (default 2000)")
    parser.add_argument("--checkpoints", type=int, default=40, help="checkpoints (default 40)")
    parser.add_argument("--repeat", type=int, default=30, help=repeat_help)
    args, _rest = parser.parse_known_args(argv)
    return args


def run(args, prefix: str, load_county, operations_of, plan) -> dict:
    """Loads a county of args' size into a temporary database (dropped after), then times operations_of(counts):
    the first operation's result, its queries and indexes (plan), the medians of every operation, with the
    collector off while timing."""
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix=prefix)
    try:
        dbs.migrated_template()
        use_database(dbs.fresh("data"))
        started = time.perf_counter()
        counts = load_county(args.checkins, args.places, args.checkpoints)
        loaded = time.perf_counter() - started
        ops = operations_of(counts)
        first = next(iter(ops.values()))
        result = first()
        queries, indexes = plan(first)
        gc.disable()
        try:
            times = medians(ops, args.repeat)
        finally:
            gc.enable()
    finally:
        dbs.drop()
    return {"engine": "PostgreSQL" if dbs.postgres else "SQLite", "counts": counts, "loaded": loaded,
            "result": result, "queries": queries, "indexes": indexes, "times": times}


def main(argv=None) -> list[str]:
    args = arguments(argv, "python -m bench.exposure", __doc__.split("\n")[0],
                     "timed runs of each query; the median is printed")
    measured = run(args, "fangkong_bench_exposure", load, lambda _counts: operations(), plan_indexes)
    engine, counts, loaded, result = (measured[k] for k in ("engine", "counts", "loaded", "result"))
    queries, indexes, times = measured["queries"], measured["indexes"], measured["times"]
    met = "met" if times["exposure"] < TARGET_MS else "MISSED"
    return [
        f"{engine}: {counts['check-ins']:,} check-ins and {counts['passages']:,} passages over {DAYS} days, "
        f"{args.places:,} places, {args.checkpoints} checkpoints, {counts['persons']:,} persons (loaded in {loaded:.0f}s)",
        f"exposure search, one person, {DAYS} days, ±{result.window} min: median {times['exposure']:.1f} ms "
        f"over {args.repeat} runs ({len(result.presences)} own presences, {len(result.contacts):,} contacts of "
        f"{result.persons:,} persons, {queries} queries) — target < {TARGET_MS:.0f} ms {met}",
        f"the same search without the names (who, where, when: the index work): median "
        f"{times['contacts only']:.1f} ms",
        f"baseline, the person's own check-ins by index (person, time): median {times['baseline']:.2f} ms; "
        f"exposure ÷ baseline = {times['exposure'] / times['baseline']:.0f}×",
        f"indexes of the range reads: {indexes}",
    ]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    for line in main():
        print(line)
