""""Due now" for a county: the due-list selectors at 1 and at 10 days of past follow-ups, same due rows.

    python -m bench.due_now                         # SQLite (temporary files), --orders 5000
    python -m bench.due_now --orders 50000          # a county at its peak: 50,000 active orders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.due_now --orders 50000

For --orders active home orders in a county (10 townships × 15 villages, a cadre and a doctor per
village) it loads, in bulk, two databases that differ only in the past: every order's follow-ups
recorded twice a day for 1 day, or for 10 days (2 or 20 done rows per order), and in both the
same slots still due at NOW (08:30): today's 08:00 slot of three orders in five (due now), last
evening's slot of one order in fifty (overdue), and the next 3½ days' slots of every order (upcoming).
Then it times (best of --repeat; CPU time on SQLite, which runs in this process, wall time on
PostgreSQL) what the pages and the API call:
  county due      selectors.due_follow_ups(hq)               the county's first page, oldest first
  county overdue  selectors.overdue_count(hq)                the headline figure
  my due          selectors.due_follow_ups(cadre, mine=True) one village cadre's list
  by township     selectors.due_by_region(hq)                due now / overdue per township
  my people today selectors.my_people_today(cadre)           the cadre's page
prints each at 10 days ÷ at 1 day (independent of the past ≈ 1, while the table grew ~2×–3×),
and the indexes of each one's query plan (EXPLAIN of the SQL the selector ran) with, on PostgreSQL, the
pages it touched (EXPLAIN ANALYZE BUFFERS): the work, which a busy machine's clock blurs; and the plan's
shape (how it reads the follow-ups: which index, index-only or not, sorts; a sequential or parallel scan
would show here). On PostgreSQL the loaded table is VACUUM ANALYZEd, as autovacuum does after a bulk load.
The databases are temporary (SQLite files, or PostgreSQL databases next to DATABASE_URL's) and dropped.
"""

import argparse
import datetime
import gc
import json
import os
import re
import sys
import time

from bench.databases import TempDatabases, use_database

COUNTY = "420921000000"
TOWNSHIPS, VILLAGES = 10, 15
NOW_LOCAL = datetime.datetime(2020, 2, 10, 8, 30)  # Asia/Shanghai
FUTURE_SLOTS = 7  # today 18:00 and the next three days
FLAT = 1.5  # "independent of the past": 10 days within 1.5× of 1 day


def _now() -> datetime.datetime:
    from django.utils import timezone
    return timezone.make_aware(NOW_LOCAL)


def _moment(dt: datetime.datetime):
    """A datetime as the raw loader writes it: SQLite stores naive UTC text, COPY takes the aware value."""
    from django.db import connection
    if connection.vendor == "postgresql":
        return dt
    return str(dt.astimezone(datetime.UTC).replace(tzinfo=None))


def _villages() -> list[str]:
    return [f"420921{t:03d}{200 + v:03d}" for t in range(1, TOWNSHIPS + 1) for v in range(1, VILLAGES + 1)]


def load(orders: int, past_days: int) -> int:
    """The county, its staff and `orders` orders with `past_days` of recorded follow-ups; returns follow-up rows."""
    from django.db import connection, transaction

    from bench.rollup import fast_loading, insert, reset_sequences
    from fangkong.accounts.models import User
    from fangkong.people.models import Person
    from fangkong.quarantine.models import FollowUp, Quarantine
    from fangkong.regions.models import Region
    from fangkong.screening.models import KeyPerson
    villages = _villages()
    now = _now()
    today_8 = now.replace(minute=0)  # today's morning slot
    fast_loading(True)
    with transaction.atomic():
        regions = [("420000000000", "湖北省", "province", None), ("420900000000", "孝感市", "city", "420000000000"),
                   (COUNTY, "孝昌县", "county", "420900000000")]
        regions += [(f"420921{t:03d}000", f"{t}镇", "township", COUNTY) for t in range(1, TOWNSHIPS + 1)]
        regions += [(v, f"{v[6:9]}镇{v[9:]}村", "village", v[:9] + "000") for v in villages]
        insert(Region, ["code", "name", "level", "parent_id"], regions)
        staff = [(1, "hq", "hq_admin", COUNTY)]
        for i, village in enumerate(villages):
            staff += [(2 + 2 * i, f"cadre{i}", "village_worker", village), (3 + 2 * i, f"doctor{i}", "doctor", village)]
        insert(User, ["id", "username", "role", "region_id", "password"], [(*row, "!") for row in staff])
        village_of = [villages[i % len(villages)] for i in range(orders)]
        insert(Person, ["id", "name", "id_type", "id_number", "id_digest", "region_id"],
                ((i + 1, f"人员{i}", "other", f"D{i:08d}", f"due{i}", village_of[i]) for i in range(orders)))
        start = now - datetime.timedelta(days=past_days, hours=1, minutes=30)  # 07:00, past_days ago
        insert(KeyPerson, ["id", "person_id", "category", "region_id", "registered_on", "status"],
                ((i + 1, i + 1, "returnee", village_of[i], start.date().isoformat(), "under_management")
                 for i in range(orders)))
        end = today_8 + datetime.timedelta(days=4)
        fixed = {"start_at": _moment(start), "counted_from": _moment(start), "end": _moment(end)}
        insert(Quarantine, ["id", "key_person_id", "region_id", "category", "kind", "status", "length_days",
                             "counts_from", "fever_threshold", "counted_from", "start_at", "policy_end", "planned_end",
                             "cadre_id", "doctor_id"],
                ((i + 1, i + 1, village_of[i], "returnee", "home", "active", 14, "order_start", "37.3",
                  fixed["counted_from"], fixed["start_at"], fixed["end"], fixed["end"],
                  2 + 2 * (i % len(villages)), 3 + 2 * (i % len(villages))) for i in range(orders)))
        rows = insert(FollowUp, ["quarantine_id", "region_id", "cadre_id", "doctor_id", "due_at", "status",
                                  "done_at", "temperature", "method", "recorded_by_id", "recorded_at"],
                       _follow_up_rows(orders, past_days, villages, today_8))
        reset_sequences([User, Person, KeyPerson, Quarantine, FollowUp])
    fast_loading(False)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")
            cursor.execute("ANALYZE")
        else:
            # what autovacuum does after a bulk load: statistics, and the visibility map that lets an
            # index-only scan skip the table
            cursor.execute("VACUUM (ANALYZE) quarantine_followup")
            cursor.execute("ANALYZE")
    return rows


def _follow_up_rows(orders: int, past_days: int, villages: list[str], today_8: datetime.datetime):
    """Past slots recorded (except last evening's of one order in fifty), today's 08:00 due for three in
    five, the next seven due: the due rows are the same whatever `past_days` is."""
    n = len(villages)
    past = [today_8 - datetime.timedelta(days=d) + datetime.timedelta(hours=h)
            for d in range(past_days, 0, -1) for h in (0, 10)]
    future = [today_8 + datetime.timedelta(hours=10) + datetime.timedelta(days=d // 2, hours=14 * (d % 2))
              for d in range(FUTURE_SLOTS)]
    past_raw = [(_moment(s), _moment(s + datetime.timedelta(minutes=7))) for s in past]
    last_evening = _moment(past[-1])
    today_raw, future_raw = _moment(today_8), [_moment(s) for s in future]
    for i in range(orders):
        village, cadre, doctor = villages[i % n], 2 + 2 * (i % n), 3 + 2 * (i % n)
        for due, done in past_raw:
            if due == last_evening and i % 50 == 0:
                yield i + 1, village, cadre, doctor, due, "due", None, None, "", None, None  # overdue
            else:
                yield i + 1, village, cadre, doctor, due, "done", done, "36.6", "phone", doctor, done
        if i % 5 < 3:
            yield i + 1, village, cadre, doctor, today_raw, "due", None, None, "", None, None  # due now
        else:
            done = _moment(today_8 + datetime.timedelta(minutes=5))
            yield i + 1, village, cadre, doctor, today_raw, "done", done, "36.5", "phone", doctor, done
        for due in future_raw:
            yield i + 1, village, cadre, doctor, due, "due", None, None, "", None, None


# Measuring ------------------------------------------------------------------------------------------

def operations() -> dict:
    from fangkong.accounts.models import User
    from fangkong.quarantine import selectors
    hq = User.objects.select_related("region").get(username="hq")
    cadre = User.objects.select_related("region").get(username="cadre0")
    now = _now()
    return {
        "county due": lambda: selectors.due_follow_ups(hq, now=now),
        "county overdue": lambda: selectors.overdue_count(hq, now=now),
        "my due": lambda: selectors.due_follow_ups(cadre, now=now, mine=True),
        "by township": lambda: selectors.due_by_region(hq, now=now),
        "my people today": lambda: selectors.my_people_today(cadre, now=now),
    }


def results(ops: dict) -> dict:
    """What each operation answers, to check both databases answer the same."""
    found = {}
    for name, op in ops.items():
        value = op()
        if isinstance(value, int):
            found[name] = value
        elif name == "by township":
            found[name] = [(row.region.code if row.region else None, row.due_now, row.overdue) for row in value]
        elif name == "my people today":
            found[name] = sorted((p.quarantine.pk, p.state, len(p.today), len(p.overdue_before)) for p in value)
        else:
            found[name] = [(fu.quarantine_id, fu.due_at) for fu in value]
    return found


def _clock():
    from django.db import connection
    return time.process_time if connection.vendor == "sqlite" else time.perf_counter


def best_times(ops: dict, repeat: int) -> dict:
    clock = _clock()
    found = {}
    for name, op in ops.items():
        op()  # warm: connection, caches, the plan
        runs = []
        for _ in range(repeat):
            started = clock()
            op()
            runs.append(clock() - started)
        found[name] = min(runs)
    return found


def _shape(plan: dict) -> list[str]:
    """The nodes of a PostgreSQL plan that touch the follow-ups (and any sequential or parallel scan): how it reads."""
    found = []
    relation = plan.get("Relation Name", "")
    kind = plan["Node Type"]
    if relation == "quarantine_followup" or "Seq Scan" in kind or plan.get("Parallel Aware") or "Gather" in kind:
        name = plan.get("Index Name", relation)
        found.append(f"{'Parallel ' if plan.get('Parallel Aware') else ''}{kind}"
                     + (f" {name}" if name else "") + (f" (heap fetches {plan['Heap Fetches']})"
                                                      if "Heap Fetches" in plan else ""))
    elif "Sort" in kind:
        found.append(kind)
    for child in plan.get("Plans", []):
        found += _shape(child)
    return found


def plans(ops: dict) -> dict[str, tuple[str, int | None, str]]:
    """For each selector's main follow-up query (the SQL it ran): the follow-up indexes its plan uses, on
    PostgreSQL the pages (buffers) it touched — the work done, whatever the clock says on a busy machine —
    and the plan's shape (how the follow-ups are read: no sequential or parallel scan may appear)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    found = {}
    for name, op in ops.items():
        with CaptureQueriesContext(connection) as ctx:
            op()
        sql = next(q["sql"] for q in ctx.captured_queries if "quarantine_followup" in q["sql"])
        pages = None
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                steps = [str(row[-1]) for row in cursor.fetchall()]
                text = "\n".join(steps)
                shape = "; ".join(s for s in steps if "followup" in s or s.startswith(("SCAN", "USE TEMP")))
            else:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
                pages = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
                text = json.dumps(plan)
                shape = "; ".join(_shape(plan))
        # the follow-up table's indexes: the model's named ones and Django's on its foreign keys
        indexes = sorted(set(re.findall(r"\b(followup_\w+|quarantine_followup_\w+)\b", text)))
        found[name] = (", ".join(indexes) or "none (a scan)", pages, shape)
    return found


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.due_now", description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5000, help="active orders (default 5000; a county at its peak: 50000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each operation; the best is kept")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_due")
    engine = "PostgreSQL (wall time)" if dbs.postgres else "SQLite (CPU time of this process)"
    scales = {1: None, 10: None}
    rows, loaded, best, answers, used = {}, {}, {}, {}, {}
    try:
        dbs.migrated_template()
        for days in scales:
            scales[days] = dbs.fresh(f"d{days}")
            use_database(scales[days])
            started = time.perf_counter()
            rows[days] = load(args.orders, days)
            loaded[days] = time.perf_counter() - started
        gc.disable()
        for _round in range(2):  # alternate the scales: a noisy neighbour slows both alike
            for days, url in scales.items():
                use_database(url)
                ops = operations()
                answers[days] = results(ops)
                times = best_times(ops, args.repeat)
                best[days] = {k: min(v, best.get(days, {}).get(k, v)) for k, v in times.items()}
                used[days] = plans(ops)
    finally:
        gc.enable()
        dbs.drop()
    assert answers[1] == answers[10], "the two databases answer differently: the due rows are not the same"
    return _report(engine, args.orders, rows, loaded, best, used)


def _report(engine: str, orders: int, rows: dict, loaded: dict, best: dict, used: dict) -> list[str]:
    lines = [f"{engine}, {orders:,} active orders: 1 day of past follow-ups = {rows[1]:,} follow-up rows "
             f"(loaded in {loaded[1]:.0f}s), 10 days = {rows[10]:,} rows ({loaded[10]:.0f}s); "
             f"the same {_due_rows(orders):,} rows due in both"]
    for name in best[1]:
        small, large = best[1][name], best[10][name]
        ratio = large / small
        (index_small, pages_small, shape_small), (index_large, pages_large, shape_large) = used[1][name], used[10][name]
        plan = f"; index: {index_large}" if index_small == index_large else \
            f"; index: {index_small} at 1 day, {index_large} at 10 days"
        if pages_small is not None:
            plan += f"; pages touched {pages_small:,} and {pages_large:,}"
        lines.append(f"  {name}: {small * 1000:.2f} ms at 1 day, {large * 1000:.2f} ms at 10 days, "
                     f"10 days/1 day = {ratio:.2f} ({'flat' if ratio <= FLAT else 'GROWS'}){plan}")
        lines.append(f"      plan: {shape_large}" if shape_small == shape_large else
                     f"      plan at 1 day: {shape_small}; at 10 days: {shape_large}")
    if orders < 50_000:
        lines.append("(a short run: a county at its peak has --orders 50000)")
    return lines


def _due_rows(orders: int) -> int:
    return orders * FUTURE_SLOTS + sum(1 for i in range(orders) if i % 5 < 3) + sum(1 for i in range(orders) if i % 50 == 0)


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
