"""Passage registration and the public check-in over HTTP ÷ a trivial endpoint, on the same real server,
with every write checked.

    python -m bench.passages                          # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.passages
    python -m bench.passages --requests 2000 --clients 8
    python -m bench.passages --profile 300            # also: where a request's time goes (cProfile)

Seeds a temporary database (migrated; a county, a township, a village, a checkpoint and a market
with its place code, a checkpoint staff account with an API token, the risk area 湖北省武汉市), starts
the app in a subprocess with Django's threaded WSGI server (as bench/followups.py does: keep-alive,
a thread per connection, request logging and Nagle off), then --clients client threads, each on
its own keep-alive connection, send --requests requests in all to
  trivial   GET /healthz (no database)
  passage   POST /api/checkpoints/{id}/passages (Authorization: Bearer, as a checkpoint's phone app
            or script): a different person each request (a valid resident ID new to the county), a
            third in a car (plate), from a place that is not a risk area, bound for the village
  check-in  POST /api/places/c/{token}/check-in (no account, as the public page's script): a
            different phone and name each request, no ID number
for --rounds rounds (alternating, so a noisy neighbour slows all alike; the best round of each kept).
It prints requests/second of each, passage ÷ trivial and check-in ÷ trivial (budget ≥ 0.5, DESIGN.md
§5), the server process's CPU time per request, the SQL statements of one request of each, and checks
that the rows written (passages recorded by the staff account, check-ins at the market) are exactly as
many as the 201 answers. Last, in this process without HTTP: the check-in service called directly
and a whole /healthz request through Django's test client (`service_floor`), and from them the HTTP
server's own cost per request that half of /healthz's rate would take, whatever the framework.

The public check-in is rate-limited per client address (FANGKONG_CHECK_IN_RATE a minute, default 10);
every request here comes from 127.0.0.1, so the server runs with the limit raised out of reach: the
limit's cache counter is still counted on every request, only never refused.
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.followups import serve as serve_app
from bench.followups import start_server as start_followups_server

BUDGET = 0.5
COUNTY, TOWN, VILLAGE = "420921000000", "420921001000", "420921001201"
KINDS = ("trivial", "passage", "check_in")


def serve(port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    django.setup()
    from django.conf import settings
    settings.FANGKONG_CHECK_IN_RATE = 10 ** 9
    serve_app(port)


def start_server(database_url: str, log: Path) -> tuple[subprocess.Popen, int]:
    return start_followups_server(database_url, log, module="bench.passages")


# Seeding and request bodies ------------------------------------------------------------------------

def seed() -> dict:
    import datetime

    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_token
    from fangkong.checkpoints.models import Checkpoint
    from fangkong.places.models import Place, PlaceCode
    from fangkong.regions.models import Region
    from fangkong.risk_areas.models import RiskArea
    for code, name, level, parent in [("420000000000", "湖北省", "province", None),
                                      ("420900000000", "孝感市", "city", "420000000000"),
                                      (COUNTY, "孝昌县", "county", "420900000000"), (TOWN, "花园镇", "township", COUNTY),
                                      (VILLAGE, "东岳村", "village", TOWN)]:
        Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    staff = User.objects.create_user("bench_staff", password=None, role=Role.CHECKPOINT_STAFF, region_id=TOWN,
                                     display_name="卡点值守", phone="13800000000")
    checkpoint = Checkpoint.objects.create(name="G4京港澳高速孝昌出口", kind="highway_exit", region_id=TOWN,
                                           opened_on=timezone.localdate() - datetime.timedelta(days=1))
    market = Place.objects.create(name="花园农贸市场", kind="market", region_id=VILLAGE)
    code = PlaceCode.objects.create(place=market)
    RiskArea.objects.create(code="4201", name="湖北省武汉市", valid_from=datetime.date(2020, 1, 23))
    return {"checkpoint_id": checkpoint.pk, "place_id": market.pk, "token": code.token, "staff_id": staff.pk,
            "api_token": create_token(staff, staff, "bench")}


def resident_id(n: int) -> str:
    """A valid resident ID number for request n (distinct for every n below 12 million)."""
    import datetime

    from stdnum.cn import ric
    birth = datetime.date(1985, 1, 1) + datetime.timedelta(days=n // 1000 % 12000)
    body = f"420102{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def chinese_name(surname: str, n: int) -> str:
    """A name of Chinese characters only (names with digits are refused), distinct for each n."""
    return surname + "".join("零一二三四五六七八九"[int(d)] for d in str(n))


def passage_body(n: int) -> dict:
    return {"id_number": resident_id(n), "name": chinese_name("李", n), "phone": f"139{n:08d}",
            "vehicle_plate": f"鄂K{n % 90000 + 10000}" if n % 3 == 0 else "", "origin": "孝感市孝南区",
            "origin_code": "420902", "destination": VILLAGE, "temperature": f"36.{n % 9}", "outcome": "pass"}


def check_in_body(n: int) -> dict:
    return {"phone": f"137{n:08d}", "name": chinese_name("王", n)}


def request_of(kind: str, n: int, seeded: dict) -> tuple[str, str, dict | None]:
    if kind == "passage":
        return "POST", f"/api/checkpoints/{seeded['checkpoint_id']}/passages", passage_body(n)
    if kind == "check_in":
        return "POST", f"/api/places/c/{seeded['token']}/check-in", check_in_body(n)
    return "GET", "/healthz", None


# The load ------------------------------------------------------------------------------------------------

class Load:
    """`clients` threads, each on one keep-alive connection, sending `total` requests in all."""

    def __init__(self, port: int, server_pid: int, clients: int, seeded: dict):
        self.port, self.server_pid, self.clients, self.seeded = port, server_pid, clients, seeded
        self.statuses: dict[str, dict[int, int]] = {kind: {} for kind in KINDS}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def run(self, kind: str, total: int, offset: int = 0) -> tuple[float, float]:
        shares = [total // self.clients + (1 if i < total % self.clients else 0) for i in range(self.clients)]
        starts = [sum(shares[:i]) for i in range(self.clients)]
        ready = threading.Barrier(self.clients + 1)
        threads = [threading.Thread(target=self._client, args=(kind, offset + start, share, ready))
                   for start, share in zip(starts, shares, strict=True)]
        for t in threads:
            t.start()
        ready.wait()
        started, cpu = time.perf_counter(), self.server_cpu()
        for t in threads:
            t.join()
        return total / (time.perf_counter() - started), (self.server_cpu() - cpu) / total

    def server_cpu(self) -> float:
        try:
            fields = Path(f"/proc/{self.server_pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _client(self, kind: str, first: int, count: int, ready: threading.Barrier) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ready.wait()
        headers = {"Content-Type": "application/json"}
        if kind == "passage":
            headers["Authorization"] = f"Bearer {self.seeded['api_token']}"
        statuses: dict[int, int] = {}
        for n in range(first, first + count):
            method, path, body = request_of(kind, n, self.seeded)
            if body is None:
                conn.request(method, path)
            else:
                conn.request(method, path, body=json.dumps(body, ensure_ascii=False).encode(), headers=headers)
            response = conn.getresponse()
            payload = response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status >= 300 and len(self.errors) < 5:
                with self.lock:
                    self.errors.append(f"{kind} {response.status} {payload[:300]!r}")
        conn.close()
        with self.lock:
            for status, n in statuses.items():
                self.statuses[kind][status] = self.statuses[kind].get(status, 0) + n


# In this process: SQL of one request, rows written, and the profile ------------------------------------

def _client_for(kind: str, seeded: dict):
    from django.test import Client
    headers = {"Authorization": f"Bearer {seeded['api_token']}"} if kind == "passage" else {}
    return Client(HTTP_HOST="127.0.0.1", headers=headers)


def _queries_of_one(kind: str, seeded: dict, n: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    client = _client_for(kind, seeded)
    _method, path, body = request_of(kind, n, seeded)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


def service_floor(seeded: dict, count: int, first: int) -> tuple[float, float]:
    """(ms per public check-in through the service alone, ms per whole /healthz request), both in this
    process: the service called directly (no HTTP, no django-ninja, no middleware) against /healthz
    through Django's test client (the whole request: handler and every middleware), alternating in
    rounds, the best round of each. The service alone above 2× /healthz means no server could give
    the endpoint half of /healthz's rate, whatever its HTTP layer."""
    from fangkong.places.selectors.check_ins import active_code_by_token
    from fangkong.places.services.check_ins import check_in
    code, client = active_code_by_token(seeded["token"]), _client_for("trivial", seeded)
    best = {"service": float("inf"), "trivial": float("inf")}
    per_round = max(1, count // 3)
    for r in range(3):
        started = time.perf_counter()
        for n in range(first + r * per_round, first + (r + 1) * per_round):
            check_in(code, **check_in_body(n))
        best["service"] = min(best["service"], (time.perf_counter() - started) / per_round)
        started = time.perf_counter()
        for _ in range(per_round):
            client.get("/healthz")
        best["trivial"] = min(best["trivial"], (time.perf_counter() - started) / per_round)
    return best["service"] * 1000, best["trivial"] * 1000


def written(seeded: dict) -> dict[str, int]:
    from fangkong.checkpoints.models import Passage
    from fangkong.places.models import CheckIn
    return {"passage": Passage.objects.filter(recorded_by_id=seeded["staff_id"]).count(),
            "check_in": CheckIn.objects.filter(place_id=seeded["place_id"]).count()}


# (label, file suffix, function name): the parts of a request whose cumulative time the profile reports
PARTS = {
    "passage": [
        ("whole request (test client → response)", "django/test/client.py", "request"),
        ("  the view (ninja: auth, parsing, the endpoint, rendering)", "ninja/operation.py", "run"),
        ("  bearer token → user (TokenAuth)", "ninja/security/http.py", "__call__"),
        ("  body parsing and validation (ninja/pydantic)", "ninja/operation.py", "_get_values"),
        ("  passage_checkpoint (selector, scope; cached)", "checkpoints/selectors/checkpoints.py",
         "passage_checkpoint"),
        ("  register_passage (service)", "checkpoints/services/passages.py", "register_passage"),
        ("    clean_person_fields (ID check digit, keyed digests)", "fangkong/people/cleaning.py", "clean_person_fields"),
        ("    the transaction's writes (_record)", "checkpoints/services/passages.py", "_record"),
        ("    find or record the person", "checkpoints/services/passages.py", "_find_or_record_person"),
        ("    is_risk_origin", "checkpoints/services/risk_areas.py", "is_risk_origin"),
        ("    counters.track_change", "fangkong/analytics/counters.py", "track_change"),
        ("    audit.record", "fangkong/audit/services.py", "record"),
        ("  passage_out (response body)", "checkpoints/schemas_checkpoints.py", "passage_out"),
        ("  ninja response rendering", "ninja/operation.py", "_result_to_response"),
        ("  transaction commit", "django/db/backends/base/base.py", "commit"),
    ],
    "check_in": [
        ("whole request (test client → response)", "django/test/client.py", "request"),
        ("  the view (ninja: parsing, the endpoint, rendering)", "ninja/operation.py", "run"),
        ("  body parsing and validation (ninja/pydantic)", "ninja/operation.py", "_get_values"),
        ("  active_code_by_token (selector)", "checkpoints/selectors/check_ins.py", "active_code_by_token"),
        ("  allow_attempt (rate limit, cache)", "checkpoints/services/check_ins.py", "allow_attempt"),
        ("  check_in (service)", "checkpoints/services/check_ins.py", "check_in"),
        ("    clean_check_in (phone check)", "checkpoints/services/check_ins.py", "clean_check_in"),
        ("    find or create the person (digest, lookup, insert)", "checkpoints/services/check_ins.py",
         "_find_or_create_person"),
        ("    counters.track_change", "fangkong/analytics/counters.py", "track_change"),
        ("    audit.record", "fangkong/audit/services.py", "record"),
        ("  ninja response rendering", "ninja/operation.py", "_result_to_response"),
        ("  transaction commit", "django/db/backends/base/base.py", "commit"),
    ],
    "trivial": [
        ("whole request (test client → response)", "django/test/client.py", "request"),
        ("  the view (healthz)", "fangkong/core/views.py", "healthz"),
    ],
}
# across the whole request: building SQL in the ORM vs running it in the database driver
SQL_PARTS = [("  (all SQL) ORM compiling queries (as_sql)", "django/db/models/sql/compiler.py", "as_sql"),
             ("  (all SQL) executing (driver + database)", "django/db/backends/utils.py", "_execute")]


def _cumulative(stats, suffix: str, name: str) -> float:
    """Cumulative seconds of the function, counted once per outermost call (recursion not double-counted)."""
    return sum(ct for (path, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
               if func == name and path.endswith(suffix))


def profile(seeded: dict, count: int, first: int) -> list[str]:
    """cProfile of `count` requests of each kind through Django's test client (the WSGI handler, no socket):
    the time of each part of a request (ms per request under the profiler, and its share of the request),
    then the functions with the most time of their own."""
    import cProfile
    import io
    import pstats

    from django.conf import settings
    settings.FANGKONG_CHECK_IN_RATE = 10 ** 9
    lines = []
    for kind in ("passage", "check_in", "trivial"):
        client = _client_for(kind, seeded)
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(first, first + count):
            _method, path, body = request_of(kind, n, seeded)
            if body is None:
                client.get(path)
            else:
                client.post(path, data=body, content_type="application/json")
        profiler.disable()
        stats = pstats.Stats(profiler)
        whole = _cumulative(stats, "django/test/client.py", "request") or 1e-9
        lines.append(f"profile of {kind}: {count} requests in this process under cProfile "
                     f"({whole / count * 1000:.1f} ms a request; shares are what matter)")
        for label, suffix, name in PARTS[kind] + SQL_PARTS:
            seconds = _cumulative(stats, suffix, name)
            lines.append(f"    {label:<58} {seconds / count * 1000:7.2f} ms  {seconds / whole:6.1%}")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        table = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next((i for i, line in enumerate(table) if line.lstrip().startswith("ncalls")), 0)
        lines.append("    most time of their own:")
        lines += ["      " + line.strip() for line in table[start:start + 13]]
    return lines


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.passages", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per endpoint and round (default 500)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of every endpoint; the best of each kept")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile N requests of each kind in process with cProfile")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(argv)
    if args.serve:
        serve(args.serve)
        return []
    from bench.databases import TempDatabases, use_database
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_passages")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    server, server_log = None, ""
    try:
        dbs.migrated_template()
        url = dbs.fresh("passages")
        use_database(url)
        seeded = seed()
        from django.db import connections
        connections.close_all()
        server, port = start_server(url, dbs.folder / "server.log")
        load = Load(port, server.pid, args.clients, seeded)
        warm = 10 ** 6  # request numbers of the warm-up, apart from the measured ones
        for kind, count in (("trivial", 50), ("passage", 20), ("check_in", 20)):
            load.run(kind, count, offset=warm)
        best = {kind: (0.0, 0.0) for kind in KINDS}
        for r in range(max(1, args.rounds)):
            for kind in KINDS:
                rate, cpu = load.run(kind, args.requests, offset=r * args.requests)
                best[kind] = (max(best[kind][0], rate), min(best[kind][1] or cpu, cpu))
        server.terminate()
        server.wait(10)
        server_log = (dbs.folder / "server.log").read_text()[-3000:]
        server = None
        use_database(url)
        found = written(seeded)
        queries = {kind: _queries_of_one(kind, seeded, 2 * 10 ** 6) for kind in ("passage", "check_in")}
        floor = service_floor(seeded, args.requests, 4 * 10 ** 6)
        profiled = profile(seeded, args.profile, 3 * 10 ** 6) if args.profile else []
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        dbs.drop()
    (trivial, trivial_cpu) = best["trivial"]
    lines = [f"{engine}, threaded WSGI server, {args.clients} clients, {args.requests} requests per endpoint and round, "
             f"best of {max(1, args.rounds)}; trivial GET /healthz {trivial:.0f} req/s "
             f"(server CPU {trivial_cpu * 1000:.2f} ms per request)"]
    mismatch = []
    for kind, label in (("passage", "passage POST (token)"), ("check_in", "public check-in POST")):
        rate, cpu = best[kind]
        ratio = rate / trivial
        ok = load.statuses[kind].get(201, 0)
        total = sum(load.statuses[kind].values())
        rows = found[kind]  # counted before the in-process requests below wrote theirs
        agree = rows == ok and ok == total
        if not agree:
            mismatch.append(kind)
        lines += [
            f"  {label}: {rate:.0f} req/s, ÷ trivial = {ratio:.2f} (budget ≥ {BUDGET}: "
            f"{'met' if ratio >= BUDGET else 'NOT met'}); server CPU {cpu * 1000:.2f} ms per request, "
            f"{queries[kind]} SQL queries",
            f"    writes: {ok} answered 201 (of {total}), {rows} rows: "
            f"{'every write present' if agree else 'MISMATCH'}",
        ]
    service_ms, trivial_ms = floor
    # rate ratio ≈ (server + /healthz) ÷ (server + check-in) ≤ (server + /healthz) ÷ (server + service): at least
    # half only if the server's own work per request is ≥ service − 2 × /healthz
    needed, this_server = service_ms - 2 * trivial_ms, trivial_cpu * 1000 - trivial_ms
    lines.append(f"  in process, no HTTP: the check-in service alone {service_ms:.2f} ms, a whole /healthz request "
                 f"{trivial_ms:.2f} ms; half of /healthz's rate would need an HTTP server spending ≥ {needed:.2f} ms "
                 f"of its own on every request, whatever the framework (this one: ≈ {this_server:.2f} ms)")
    if load.errors:
        lines.append(f"  errors: {load.errors}")
    if server_log.strip():
        lines.append(f"  server said: {server_log}")
    lines += profiled
    assert not mismatch, f"lost or extra writes: {mismatch} ({load.statuses}, rows {found})"
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
