"""Chain, cluster and epidemic-curve pages for an outbreak of --cases cases and 20 contacts per case.

    python -m bench.tracing                       # SQLite (a temporary file), 5,000 cases and a quarter of it
    python -m bench.tracing --cases 20000         # a larger outbreak
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.tracing

Loads, in bulk, a county of 10 townships × 15 villages and an outbreak over 120 days: --cases cases (a person
each, classified confirmed, asymptomatic or suspected, onset and report dates rising and falling), each but the
first few infected by an earlier case (transmission links: chains of every length, the timed case at the end of
a chain 12 generations long), one case in four in a cluster of 2–15 cases, 20 contacts per case (--cases × 20
rows: 100,000 at the default scale) and the counters of every case (tracing.rollup's contributions, as the
services would have added them). It does this at --cases and at a quarter of it, in two fresh databases.

Then it times, as the median wall time of --repeat requests through Django's test client as the county's
headquarters (after one warm-up request), each page as the browser gets it:
  chain     /tracing/cases/<id>/chain/ of the case at the end of the long chain (Graphviz SVG included)
  cluster   /tracing/clusters/<id>/ of the largest cluster (graph and its cases)
  clusters  /tracing/clusters/ (the first page of the list)
  epi       /tracing/epi/ for the county, 120 days (curve, Rt, indicators)
and, without the page, the reads the epi page's charts are made of:
  curve+rt  selectors.epi.curve and selectors.epi.rt for the county's 120 days, from the counters
and prints each at both scales, the ratio large ÷ small (flat ≈ 1) and whether the budgets hold: chain and
cluster pages < 1 s, curve and Rt < 100 ms. The databases are temporary and dropped at the end.
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

COUNTY = "420921000000"
TOWNSHIPS, VILLAGES = 10, 15
FIRST_DAY = datetime.date(2020, 1, 1)
DAYS = 120
LAST_DAY = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
CONTACTS_PER_CASE = 20
CHAIN_LENGTH = 12
PAGE_BUDGET_S = 1.0
CURVE_BUDGET_MS = 100.0


def _villages() -> list[str]:
    return [f"420921{t:03d}{200 + v:03d}" for t in range(1, TOWNSHIPS + 1) for v in range(1, VILLAGES + 1)]


def _regions() -> None:
    from fangkong.regions.models import Region
    rows = [("420000000000", "湖北省", "province", None), ("420900000000", "孝感市", "city", "420000000000"),
            (COUNTY, "孝昌县", "county", "420900000000")]
    for t in range(1, TOWNSHIPS + 1):
        town = f"420921{t:03d}000"
        rows.append((town, f"{t}镇", "township", COUNTY))
        rows += [(f"420921{t:03d}{200 + v:03d}", f"{t}镇{v}村", "village", town) for v in range(1, VILLAGES + 1)]
    insert(Region, ["code", "name", "level", "parent_id"], rows)


def _onset_day(rng: random.Random) -> int:
    """A day of the 120 with an epidemic's shape: rising to day 50, falling after."""
    while True:
        day = int(rng.triangular(0, DAYS - 1, 50))
        if 0 <= day < DAYS:
            return day


def load(cases: int, seed: int = 2020) -> dict:
    """The outbreak's rows and its counters; returns what was loaded and the ids to time."""
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.analytics import counters
    from fangkong.analytics.models import DailyCounter
    from fangkong.core.days import day_start
    from fangkong.people.models import Person
    from fangkong.tracing import rollup
    from fangkong.tracing.models import Case, Cluster, Contact, TransmissionLink
    rng = random.Random(seed)
    started = time.perf_counter()
    villages = _villages()
    now = timezone.now()
    with transaction.atomic():
        _regions()
        homes = [rng.choice(villages) for _ in range(cases)]
        insert(Person, ["name", "region_id", "created_at", "updated_at"],
               ((f"病人{i}", homes[i], now, now) for i in range(cases)))
        person_ids = list(Person.objects.order_by("id").values_list("id", flat=True))
        onsets = sorted(_onset_day(rng) for _ in range(cases))
        plan = []
        for i in range(cases):
            onset = FIRST_DAY + datetime.timedelta(days=onsets[i])
            reported = day_start(onset + datetime.timedelta(days=rng.randrange(3))) + datetime.timedelta(hours=10)
            classification = rng.choices(["confirmed", "asymptomatic", "suspected"], [80, 12, 8])[0]
            plan.append((f"420921-2020-{i + 1:05d}", person_ids[i], homes[i], classification,
                         "mild" if classification == "confirmed" else "", "fever_clinic", "县人民医院",
                         None if classification == "asymptomatic" else onset,
                         reported - datetime.timedelta(hours=1), reported,
                         reported if classification == "confirmed" else None, now, now))
        insert(Case, ["number", "person_id", "region_id", "classification", "severity", "found_by", "reporting_unit",
                      "onset_date", "diagnosed_at", "reported_at", "confirmed_at", "created_at", "updated_at"], plan)
        case_ids = list(Case.objects.order_by("id").values_list("id", flat=True))
        # links: each case after the first ten infected by one of the 40 cases before it; then one chain
        # CHAIN_LENGTH generations long through the last cases, the timed case at its end
        links = {(case_ids[rng.randrange(max(0, i - 40), i)], case_ids[i]) for i in range(10, cases - CHAIN_LENGTH)}
        chain = case_ids[-CHAIN_LENGTH - 1:]
        links |= set(zip(chain, chain[1:], strict=False))
        insert(TransmissionLink, ["infector_id", "infectee_id", "confidence", "created_at"],
               ((a, b, "probable", now) for a, b in links))
        # clusters: one case in four, in clusters of 2–15 neighbouring cases
        clustered = 0
        biggest = None
        i = 0
        while i < cases - 15:
            size = rng.randint(2, 15)
            members = case_ids[i:i + size]
            days = [FIRST_DAY + datetime.timedelta(days=onsets[j]) for j in range(i, i + size)]
            cluster = Cluster.objects.create(name=f"聚集{i}", region_id=COUNTY, setting="household", size=size,
                                             first_case_date=min(days), last_case_date=max(days))
            Case.objects.filter(pk__in=members).update(cluster=cluster)
            if biggest is None or size > biggest[1]:
                biggest = (cluster.pk, size)
            clustered += size
            i += size * 4
        insert(Contact, ["case_id", "kind", "level", "status", "source", "outside_name", "proposed_at",
                         "confirmed_at", "updated_at"],
               ((case_ids[i // CONTACTS_PER_CASE], "household", "close", "confirmed", "manual", f"密接{i}",
                 now, now, now) for i in range(cases * CONTACTS_PER_CASE)))
        totals = counters.expand(c for case in Case.objects.prefetch_related("changes").iterator(chunk_size=2000)
                                 for c in rollup.case_contributions(case))
        insert(DailyCounter, ["region_id", "day", "metric", "value"],
               ((code, day, metric, value) for (code, day, metric), value in totals.items() if value))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"cases": cases, "links": len(links), "clustered": clustered, "contacts": cases * CONTACTS_PER_CASE,
            "counters": len(totals), "chain_case": chain[-1], "cluster": biggest[0], "cluster_size": biggest[1],
            "load": time.perf_counter() - started}


def _client():
    from django.conf import settings
    from django.test import Client

    from fangkong.accounts.models import Role, User
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    hq, _ = User.objects.get_or_create(username="bench_hq", defaults={"role": Role.HQ_STAFF, "region_id": COUNTY})
    client = Client()
    client.force_login(hq)
    return client, hq


def timed(work, repeat: int) -> float:
    work()  # warm-up: connection, caches, templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(loaded: dict, repeat: int) -> dict:
    from fangkong.tracing.selectors import epi as epi_selectors
    client, hq = _client()
    period = f"first={FIRST_DAY.isoformat()}&last={LAST_DAY.isoformat()}"

    def page(path):
        def get():
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
        return get

    def curve_and_rt():
        epi_selectors.curve(hq, COUNTY, first=FIRST_DAY, last=LAST_DAY)
        epi_selectors.rt(hq, COUNTY, first=FIRST_DAY, last=LAST_DAY)

    return {
        "chain": timed(page(f"/tracing/cases/{loaded['chain_case']}/chain/"), repeat),
        "cluster": timed(page(f"/tracing/clusters/{loaded['cluster']}/"), repeat),
        "clusters": timed(page("/tracing/clusters/"), repeat),
        "epi": timed(page(f"/tracing/epi/?{period}"), repeat),
        "curve+rt": timed(curve_and_rt, repeat * 3),
    }


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.tracing", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5000, help="cases of the outbreak (default 5000, the budget's); "
                                                                "20 contacts each")
    parser.add_argument("--repeat", type=int, default=7, help="requests timed per page (median kept)")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_tracing")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    scales = [args.cases // 4, args.cases]
    urls, loaded, results = {}, {}, {}
    try:
        dbs.migrated_template()
        for cases in scales:
            urls[cases] = dbs.fresh(f"c{cases}")
            use_database(urls[cases])
            loaded[cases] = load(cases)
        gc.disable()
        for cases in scales:
            use_database(urls[cases])
            results[cases] = measure(loaded[cases], args.repeat)
            gc.collect()
    finally:
        gc.enable()
        dbs.drop()
    lines = []
    for cases in scales:
        s = loaded[cases]
        lines.append(f"{engine}, {cases:,} cases: {s['links']:,} links, {s['clustered']:,} cases in clusters (largest "
                     f"{s['cluster_size']}), {s['contacts']:,} contacts, {s['counters']:,} counters "
                     f"(loaded in {s['load']:.0f}s)")
        lines.append("  " + ", ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in results[cases].items()))
    small, large = scales
    big = results[large]
    lines.append("large ÷ small (flat ≈ 1): " + ", ".join(f"{name} {big[name] / results[small][name]:.2f}"
                                                         for name in big))
    pages_ok = max(big["chain"], big["cluster"], big["clusters"]) < PAGE_BUDGET_S
    lines.append(f"chain and cluster pages < {PAGE_BUDGET_S:.0f} s: {'met' if pages_ok else 'NOT met'}; "
                 f"curve and Rt from counters < {CURVE_BUDGET_MS:.0f} ms: "
                 f"{'met' if big['curve+rt'] * 1000 < CURVE_BUDGET_MS else 'NOT met'}")
    return lines


if __name__ == "__main__":
    print("\n".join(main()))
