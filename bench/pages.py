"""The page budget (DESIGN.md §5): every page each role opens daily, p95 at two data sizes, and their ratio.

    python -m bench.pages                                   # short: 25,000 and 100,000 persons
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.pages
    DATABASE_URL=... python -m bench.pages --persons 5000000 --residents 100000 --repeat 20    # the budget's

The budget: every page a role opens daily answers in p95 < 200 ms at 5 million persons, and flat
(5M ÷ 1.25M ≈ 1). For each of two sizes, --persons ÷ 4 and --persons, a fresh database is built from one
template: the demo county (`fangkong demo-data --residents N`: every app's rows over 14 days, one account per role
and level) plus, loaded in bulk into the same villages and days, the size's persons, a key person in ten with up to
4 daily checks each, a passage at the demo's checkpoints for one person in 25 and a check-in at its places for one
in ten (COPY on PostgreSQL, executemany on SQLite). The bulk rows change no counter: pages that read counters
read the demo's, and what grows is every table a page lists or searches.

The pages: for one demo account of each role (the county's where there is one), its home page, every entry of its
menu and, one click further, the first address of every other page those link to (never the API, a download, an
export, a print, the language switch or logging out): the pages it opens in a working day. They are found once,
on the smaller database (the demo rows, and so the addresses, are the same in both), and only pages that answer
200 are kept. Each is then read once untimed and --repeat times timed per size through Django's test client in
this process (the whole request: middleware, view, template), the sizes taking turns round by round (which goes
first alternating) so a busy neighbour slows both alike; wall time. What the setup loaded is frozen out of the
garbage collector's reach first, as each worker of `fangkong serve` freezes what it loads at start. It prints the
p95 of each page at both sizes and their ratio, the pages over 200 ms at the larger size, and the spread of the
ratios.
"""

import argparse
import datetime
import gc
import logging
import os
import re
import statistics
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from bench.databases import TempDatabases, use_database
from bench.rollup import insert, reset_sequences
from bench.stats import percentile

BUDGET_MS = 200.0
SKIP = re.compile(r"(^/api/|^/i18n/|^/static/|^/media/|^/admin/|logout|\.(xlsx|docx|pdf|csv|ods|png|svg|zip|ics)$"
                  r"|/export|/download|/print|/notice|/qr)")
FEVERS = ["37.3", "37.8", "38.5"]
NORMAL = ["36.2", "36.4", "36.5", "36.7", "36.9"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


# The data -------------------------------------------------------------------------------------------------------

def build_demo(residents: int) -> None:
    from django.core.management import call_command
    call_command("demo-data", residents=residents, quiet_accounts=True, stdout=open(os.devnull, "w"))  # noqa: SIM115


def load_bulk(persons: int, seed: int = 5) -> dict:
    """The size's rows, in the demo's villages and days (see the module's docstring); returns their counts."""
    import random

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from fangkong.checkpoints.models import Checkpoint, Passage
    from fangkong.people.models import Person
    from fangkong.places.models import CheckIn, Place
    from fangkong.regions.models import Region
    from fangkong.screening.models import DailyCheck, KeyPerson
    rng = random.Random(seed)
    villages = list(Region.objects.filter(level="village").order_by("code").values_list("code", flat=True))
    checkpoints = list(Checkpoint.objects.values_list("id", "region_id"))
    places = list(Place.objects.values_list("id", "region_id"))
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(13, -1, -1)]
    first = (Person.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    first_kp = (KeyPerson.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    nv, key_persons = len(villages), persons // 10
    counts = {}
    with transaction.atomic():
        counts["persons"] = insert(Person, ["id", "name", "id_type", "id_number", "id_digest", "region_id", "address"], (
            (first + i, f"批量{i}", "passport", f"B{i:09d}", f"bulk{i}", villages[i % nv], f"{i}号")
            for i in range(persons)))
        plan = [(rng.randrange(14), rng.random() < 0.3) for _ in range(key_persons)]
        counts["key persons"] = insert(KeyPerson, ["id", "person_id", "category", "region_id", "registered_on",
                                                   "status", "ended_on"], (
            (first_kp + i, first + i, "returnee", villages[i % nv], days[registered],
             "released" if ended and registered < 12 else "under_management",
             days[min(13, registered + 2)] if ended and registered < 12 else None)
            for i, (registered, ended) in enumerate(plan)))

        def checks():
            for i, (registered, _ended) in enumerate(plan):
                for d in range(registered, min(14, registered + 4)):
                    temperature = rng.choice(FEVERS) if rng.random() < 0.03 else rng.choice(NORMAL)
                    yield first_kp + i, villages[i % nv], days[d], temperature, "phone"
        counts["daily checks"] = insert(DailyCheck, ["key_person_id", "region_id", "checked_on", "temperature",
                                                     "method"], checks())
        now = timezone.now()

        def moment(n: int) -> datetime.datetime:
            return now - datetime.timedelta(seconds=(n * 7919) % (14 * 86400))
        counts["passages"] = insert(Passage, ["checkpoint_id", "region_id", "passed_at", "person_id", "origin",
                                              "temperature", "outcome", "direction"], (
            (checkpoints[i % len(checkpoints)][0], checkpoints[i % len(checkpoints)][1], moment(i), first + i * 25,
             "孝感市孝南区", rng.choice(NORMAL), "pass", "in") for i in range(persons // 25))) if checkpoints else 0
        counts["check-ins"] = insert(CheckIn, ["place_id", "region_id", "name", "phone", "phone_digest",
                                               "checked_in_at"], (
            (places[i % len(places)][0], places[i % len(places)][1], f"访客{i}", f"137{i:08d}", f"bulkphone{i}",
             moment(i * 3)) for i in range(persons // 10))) if places else 0
        reset_sequences([Person, KeyPerson, DailyCheck, Passage, CheckIn])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


# The pages ------------------------------------------------------------------------------------------------------

def accounts() -> list:
    """One demo account per role: the first the demo lists of each (the county's where there is one)."""
    from fangkong.accounts.models import User
    from fangkong.demo import county
    seen, chosen = set(), []
    for account in county.demo_accounts():
        if account.role not in seen:
            seen.add(account.role)
            chosen.append(User.objects.get(username=account.username))
    return chosen


def client_for(user):
    from django.test import Client
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def discover(user) -> list[tuple[str, str]]:
    """(route name, address) of the user's daily pages: home, the menu, and one address of each route they link to."""
    from django.urls import Resolver404, resolve

    from fangkong.core.navigation import entries_for
    client = client_for(user)
    pages, seen = [], set()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 403s and 404s of links tried are expected

    def add(address: str) -> str | None:
        path = urlsplit(address).path
        if SKIP.search(path):
            return None
        try:
            name = resolve(path).view_name
        except Resolver404:
            return None
        if name in seen:
            return None
        response = client.get(address)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return None
        seen.add(name)
        pages.append((name, address))
        return response.content.decode()

    first = ["/"] + [entry["url"] for entry in entries_for(user)]
    found = [html for html in (add(address) for address in first) if html]
    for html in found:
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            address = urldefrag(urljoin("/", href))[0]
            if address.startswith("/"):
                add(address)
    return pages


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=100_000,
                        help="persons at the larger size (default 100000; the budget's: 5000000); the smaller is a quarter")
    parser.add_argument("--residents", type=int, default=5_000,
                        help="the demo county's residents under the bulk rows (default 5000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="reads of every page at each size (default 3: the p95 is then the slowest)")
    args, _rest = parser.parse_known_args(argv)
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_pages")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    scales = [args.persons // 4, args.persons]
    urls, sizes, times = {}, {}, {}
    try:
        dbs.migrated_template()
        started = time.perf_counter()
        build_demo(args.residents)
        demo_seconds = time.perf_counter() - started
        for persons in scales:
            urls[persons] = dbs.fresh(f"p{persons}")
            use_database(urls[persons])
            started = time.perf_counter()
            sizes[persons] = load_bulk(persons)
            sizes[persons]["load"] = time.perf_counter() - started
        use_database(urls[scales[0]])
        users = accounts()
        plan = [(user.username, user.get_role_display(), discover(user)) for user in users]
        clients = {}
        for persons in scales:
            use_database(urls[persons])
            clients[persons] = {username: client_for(user) for username, user in
                                ((u.username, u) for u in accounts())}
        # what the setup loaded lives as long as this process, as what a server worker loads at start does: put
        # out of the collector's reach, as fangkong.wsgi does in each worker, so a full pass scans only what the
        # requests make
        gc.collect()
        gc.freeze()
        # an untimed pass first (each database's pages and indexes in memory), then the sizes in turns, the first
        # of each round alternating
        for r in range(max(1, args.repeat) + 1):
            for persons in (scales if r % 2 else scales[::-1]):
                use_database(urls[persons])
                for username, _role, pages in plan:
                    client = clients[persons][username]
                    for name, address in pages:
                        started = time.perf_counter()
                        response = client.get(address)
                        elapsed = time.perf_counter() - started
                        assert response.status_code == 200, (persons, username, address, response.status_code)
                        if r:
                            times.setdefault((persons, username, name), []).append(elapsed)
    finally:
        dbs.drop()
    return report(engine, args, scales, sizes, demo_seconds, plan, times)


def report(engine, args, scales, sizes, demo_seconds, plan, times) -> list[str]:
    small, large = scales
    lines = [f"{engine}, the demo county ({args.residents:,} residents, built in {demo_seconds:.0f} s) under "
             f"{small:,} and {large:,} bulk persons; {args.repeat} reads of every page at each size, wall time in this "
             f"process (Django's test client)"]
    for persons in scales:
        s = sizes[persons]
        lines.append(f"  {persons:,}: " + ", ".join(f"{v:,} {k}" for k, v in s.items() if k != "load")
                     + f" (loaded in {s['load']:.0f} s)")
    lines.append(f"  {'role (account)':<24} {'page':<34} {'p95 ' + format(small, ','):>12} "
                 f"{'p95 ' + format(large, ','):>13} {'ratio':>6}")
    ratios, over, worst = [], [], (0.0, "")
    for username, role, pages in plan:
        for name, _address in pages:
            low = percentile(times[(small, username, name)], 95) * 1000
            high = percentile(times[(large, username, name)], 95) * 1000
            ratio = high / low
            ratios.append(ratio)
            if high >= BUDGET_MS:
                over.append(f"{name} ({username}) {high:.0f} ms")
            worst = max(worst, (high, f"{name} ({username})"))
            lines.append(f"  {role + ' (' + username + ')':<24} {name:<34} {low:>10.1f}ms {high:>11.1f}ms {ratio:>6.2f}")
    count = len(ratios)
    lines.append(f"  {count} pages of {len(plan)} roles: slowest p95 at {large:,} {worst[0]:.0f} ms ({worst[1]}); "
                 f"{len(over)} at or over {BUDGET_MS:.0f} ms" + (f": {'; '.join(over)}" if over else ""))
    lines.append(f"  ratio p95({large:,}) ÷ p95({small:,}): median {statistics.median(ratios):.2f}, "
                 f"highest {max(ratios):.2f}, {sum(r > 1.5 for r in ratios)} above 1.5 (flat ≈ 1)")
    if large < 5_000_000:
        lines.append("  (a short run: the budget is for 1,250,000 and 5,000,000 persons: --persons 5000000)")
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
