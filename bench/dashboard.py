"""Headquarters dashboard and county daily report from the counters ÷ the same figures by scans; the brief's time.

    python -m bench.dashboard                       # SQLite (a temporary file), --persons 200000 and a quarter
    python -m bench.dashboard --persons 5000000     # the budget's city (DESIGN.md §5)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.dashboard --persons 5000000

The city is bench.rollup's (7 counties, 12 townships each, 20 villages each; one key person in ten, up
to 4 daily checks each, one household in twenty visited; counters built from the same rows with the
apps' own contribution functions). For the last day and the timed county it measures, same run:

  dashboard  the page (briefing:dashboard, rendered by its view with its SVG charts) for the county:
             today's figures and change, 14-day trends, regions, alerts — counters only
             vs the same figures by GROUP BY over the raw rows (the county and its townships today and
             the day before, new key persons by category and fevers per day over 14 days)
  report     the county's daily report page (reports:report, the report chain's view)
             vs its figures by GROUP BY (county and townships, today and the day before)

asserting that the scans give the figures the counters give, and prints scans ÷ counters (budget ≥ 20×)
and counters(N) ÷ counters(N/4) (flat ≈ 1). Then the county's work brief (briefing.services.generate_brief:
context, charts as PNG, docxtpl render, audit), median of 5 (budget < 3 s), at the short scale (a county of
the demo's size) and at --persons, in wall time (the budget's) and in CPU time (what it costs on a
shared machine whose other load inflates the wall time).
Times: best of --repeat rounds; CPU time of this process on SQLite, wall time on PostgreSQL; the brief in
wall time. The databases are temporary (SQLite files, or PostgreSQL databases next to DATABASE_URL's).
"""

import argparse
import datetime
import gc
import os
import statistics
import time
from collections import Counter

from bench import rollup
from bench.databases import TempDatabases, use_database

BUDGET = 20.0
BRIEF_BUDGET = 3.0
COUNTY = rollup.COUNTY
DAY = rollup.LAST_DAY
WINDOW = [DAY - datetime.timedelta(days=n) for n in range(13, -1, -1)]


def _hq_user():
    from fangkong.accounts.models import Role, User
    user, _created = User.objects.get_or_create(username="bench_hq", defaults={
        "role": Role.HQ_ADMIN, "region_id": COUNTY, "display_name": "指挥部"})
    return user


def _request(user, path: str, params: dict):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    request = RequestFactory().get(path, params)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


# The counters' side: the pages themselves -----------------------------------------------------------

def dashboard_page(user) -> bytes:
    from fangkong.briefing import views
    response = views.dashboard_page(_request(user, "/reports/dashboard/",
                                             {"region": COUNTY, "date": DAY.isoformat()}))
    assert response.status_code == 200, response.status_code
    return response.content


def report_page(user) -> bytes:
    from fangkong.reports import views
    response = views.report(_request(user, "/reports/", {}), COUNTY, DAY.isoformat())
    assert response.status_code == 200, response.status_code
    return response.content


# The scans' side --------------------------------------------------------------------------------------

def naive_dashboard() -> dict:
    """The dashboard's figures by GROUP BY over the raw rows."""
    from django.db.models import Count, Q

    from fangkong.core.health import fever_threshold
    from fangkong.core.region_codes import within
    from fangkong.screening.models import DailyCheck, KeyPerson
    table = rollup.naive(COUNTY, DAY)  # county and townships, today and the day before
    new = Counter()
    for r in (KeyPerson.objects.filter(within(COUNTY), registered_on__gte=WINDOW[0], registered_on__lte=DAY)
              .values("registered_on", "category").annotate(n=Count("id"))):
        new[(r["category"], r["registered_on"])] += r["n"]
    fevers = Counter()
    for r in (DailyCheck.objects.filter(within(COUNTY), checked_on__gte=WINDOW[0], checked_on__lte=DAY)
              .values("checked_on").annotate(n=Count("id", filter=Q(temperature__gte=fever_threshold())))):
        fevers[r["checked_on"]] += r["n"]
    return {"table": table, "new": new, "fevers": [fevers[d] for d in WINDOW]}


def check_same_figures() -> None:
    """The scans give what the counters give (the dashboard's figures and trends, the report's table)."""
    from fangkong.briefing import dashboard
    from fangkong.core.actors import SYSTEM
    from fangkong.screening.models import Category
    board = dashboard.dashboard(SYSTEM, COUNTY, DAY)
    scans = naive_dashboard()
    today, yesterday = scans["table"][COUNTY]
    for tile in board.tiles:
        if tile.key in today:
            assert (tile.value, tile.change) == (today[tile.key], today[tile.key] - yesterday[tile.key]), tile.key
    trends = {t.id: dict(t.lines) for t in board.trends}
    for value, label in Category.choices:
        expected = [scans["new"][(value, d)] for d in WINDOW]
        assert trends["kp_new"].get(str(label), [0] * len(WINDOW)) == expected, value
    assert trends["fevers"]["摸排发现"] == scans["fevers"]
    assert rollup.from_counters(COUNTY, DAY) == scans["table"]


# Measuring ------------------------------------------------------------------------------------------

def _brief_times(rounds: int = 5) -> list[tuple[float, float]]:
    """(wall, CPU of this process) of each of `rounds` generations of the county's brief."""
    from fangkong.briefing import services
    from fangkong.core.actors import SYSTEM
    times = []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        content, _name = services.generate_brief(SYSTEM, COUNTY, DAY)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
        assert content[:2] == b"PK"
    return times


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=200_000,
                        help="people in the city (default 200000; the budget's city is 5000000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of timing (each: 5 page renders and 1 scan per page and scale); best kept")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_dash")
    engine = "PostgreSQL (wall time)" if dbs.postgres else "SQLite (CPU time of this process)"
    scales = [args.persons // 4, args.persons]
    urls, sizes, best, briefs = {}, {}, {}, {}
    try:
        dbs.migrated_template()
        for persons in scales:
            urls[persons] = dbs.fresh(f"p{persons}")
            use_database(urls[persons])
            started = time.perf_counter()
            sizes[persons] = rollup.load_city(persons)
            sizes[persons]["load"] = time.perf_counter() - started
            check_same_figures()
            briefs[persons] = _brief_times()
        gc.disable()
        for _round in range(max(1, args.repeat)):
            for persons in scales:
                use_database(urls[persons])
                user = _hq_user()
                for name, page, scan in (("dashboard", dashboard_page, naive_dashboard),
                                         ("county daily report", report_page, lambda: rollup.naive(COUNTY, DAY))):
                    page(user)  # templates compiled, connection warm, for both sides alike
                    fast = min(rollup.timed(lambda page=page, user=user: page(user)) for _ in range(5))
                    slow = rollup.timed(scan)
                    old = best.get((persons, name), (fast, slow))
                    best[(persons, name)] = (min(fast, old[0]), min(slow, old[1]))
                gc.collect()
    finally:
        gc.enable()
        dbs.drop()
    return _report(engine, scales, sizes, best, briefs)


def _report(engine, scales, sizes, best, briefs) -> list[str]:
    lines = []
    for persons in scales:
        s = sizes[persons]
        lines.append(f"{engine}, {persons:,} persons: {s['key persons']:,} key persons, {s['daily checks']:,} checks, "
                     f"{s['counters']:,} counters (loaded in {s['load']:.0f}s)")
        for name in ("dashboard", "county daily report"):
            fast, slow = best[(persons, name)]
            ratio = slow / fast
            lines.append(f"  {name}: page from counters {fast * 1000:.1f} ms, same figures by scans "
                         f"{slow * 1000:.1f} ms, scans/counters = {ratio:.0f}× "
                         f"(budget ≥ {BUDGET:.0f}×: {'met' if ratio >= BUDGET else 'NOT met'})")
        median = statistics.median(wall for wall, _cpu in briefs[persons])
        cpu = statistics.median(cpu for _wall, cpu in briefs[persons])
        lines.append(f"  county brief (.docx with charts): median of 5 = {median:.2f} s wall, {cpu:.2f} s CPU of this "
                     f"process (budget < {BRIEF_BUDGET:.0f} s: {'met' if median < BRIEF_BUDGET else 'NOT met'})")
    small, large = scales
    if large < 5_000_000:
        lines.append(f"(a short run: the budget is for --persons 5000000, where the scans read "
                     f"{5_000_000 / large:.0f}× more rows while the pages read the same counters)")
    for name in ("dashboard", "county daily report"):
        lines.append(f"{name} from counters at {large:,} ÷ at {small:,} persons = "
                     f"{best[(large, name)][0] / best[(small, name)][0]:.2f} (flat ≈ 1; scans grew "
                     f"{best[(large, name)][1] / best[(small, name)][1]:.1f}×)")
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
