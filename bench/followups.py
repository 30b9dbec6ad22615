"""Recording a follow-up over HTTP ÷ a trivial endpoint, on the same real server, with every write checked.

    python -m bench.followups                          # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.followups
    python -m bench.followups --requests 4000 --clients 8 --auth token
    python -m bench.followups --profile 200            # where a follow-up's time goes (cProfile, in-process)

Seeds a temporary database (migrated; a county, a village cadre and doctor, --requests active home
quarantine orders with their follow-up slots, made through `quarantine.services.start_quarantine`),
starts the app in a subprocess on 127.0.0.1 (a free port) with Django's threaded WSGI server (the one
`runserver` uses: HTTP/1.1 keep-alive, a thread per connection; request logging and Nagle's algorithm
off, as in production servers), then --clients client threads, each on its own keep-alive connection,
send --requests requests in all to
  trivial   GET /healthz: the budget's baseline. Through every middleware (session, locale, CSRF, auth,
            audit source) like any request, but its view touches no database and reads no user. It is sent
            the same headers (session cookie + CSRF token, or the bearer token) as the follow-ups.
  follow-up POST /api/quarantine/orders/{id}/follow-ups {"temperature": …, "method": "phone"}, one order
            after another (each request a different person), as the village doctor: session + CSRF
            (as a browser) or --auth token (Authorization: Bearer, as a script)
  me        GET /api/me, same auth: not part of the budget, the floor under any authenticated API
            call (session or token look-up, the user and their region): what is left of a follow-up above
            it is the follow-up's own work.
  floor     POST /api/bench/floor {"note": …}, same auth: not part of the budget, the least any audited write
            can do (DESIGN.md §3: every write is audited): a one-field body, one audit row, one transaction,
            no lookup and no check. An endpoint of the bench's server only (added to the app's API there),
            never of the app.
  floor_bare POST /bench/floor-bare, the same write without django-ninja: a plain Django view (json.loads,
            the app's cached token look-up or the session's user, the same audit row, one transaction), on
            the bench's server only. What any endpoint on Django must at least spend on an audited write:
            if it stays under the budget, no registration endpoint can meet it.
for --rounds rounds (alternating, so a noisy neighbour slows all alike; the best round of each kept).
It prints requests/second of each and follow-up ÷ trivial (budget ≥ 0.5, DESIGN.md §5), the server
process's CPU time per request of each (its work, whatever the client threads on the same machine
cost) and their ratio, the client threads' CPU per request (if it came near the server's, the rate
would be the client's), the SQL statements of one follow-up, and checks that the FollowUp rows
recorded by the doctor are exactly as many as the 201 answers. The server is Django's development
server, not gunicorn or uwsgi: all endpoints go through the same one, and more worker processes would
multiply every rate alike, so the ratio (≈ CPU per trivial request ÷ CPU per follow-up) is the
application's, not the server's.
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
import uuid
from pathlib import Path

BUDGET = 0.5
WRITES = ("follow_up", "floor", "floor_bare")  # the kinds of request whose writes are counted afterwards
COUNTY, TOWN, VILLAGE = "420921000000", "420921001000", "420921001201"


# The server (a subprocess: `python -m bench.followups --serve PORT`) -----------------------------

def serve(port: int) -> None:
    """Django's threaded WSGI server (runserver's), quiet, with Nagle's algorithm off as production servers have
    it: the dev server writes headers and body apart, and a 40 ms delayed-ACK stall per request would be all
    that is measured."""
    import socketserver

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    django.setup()
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application
    from django.db import connections

    class Handler(WSGIRequestHandler):
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # one log line per request is not the app's work
            pass

        def handle(self):
            try:
                super().handle()
            finally:  # the client has gone and this thread ends: so does its database connection (CONN_MAX_AGE
                connections.close_all()  # keeps it otherwise, and PostgreSQL's 100 fill up over a few rounds)

    class Server(socketserver.ThreadingMixIn, WSGIServer):
        daemon_threads = True

    _add_floor_endpoint()
    _add_bare_floor_endpoint()
    httpd = Server(("127.0.0.1", port), Handler)
    httpd.set_app(get_internal_wsgi_application())
    httpd.serve_forever()


def _add_floor_endpoint() -> None:
    """POST /api/bench/floor on this server's API (before its URLs are built): the least an audited write does."""
    from django.db import transaction
    from ninja import Router, Schema
    from ninja.responses import Status

    from fangkong.api import api
    from fangkong.audit import services as audit

    class FloorIn(Schema):
        note: str

    router = Router(tags=["bench"])

    @router.post("/floor", response={201: dict})
    def floor(request, payload: FloorIn):
        with transaction.atomic():
            entry = audit.record(request.user, "bench.floor", request.user, region=request.user.region_id,
                                 after={"note": payload.note})
        return Status(201, {"id": entry.pk})

    api.add_router("/bench", router)


def _add_bare_floor_endpoint() -> None:
    """POST /bench/floor-bare: the same audited write without django-ninja: a plain Django view that reads
    the bearer token (the app's cached look-up) or the session's user, parses the body with json.loads and
    writes the same audit row in one transaction. What any framework on Django must at least spend."""
    import json as json_module

    from django.db import transaction
    from django.http import JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    from fangkong import urls
    from fangkong.accounts.services import user_for_token
    from fangkong.audit import services as audit

    @csrf_exempt  # the load sends the session's CSRF token or a bearer token; the floor checks neither
    def floor_bare(request):
        header = request.headers.get("Authorization", "")
        user = user_for_token(header[7:]) if header.startswith("Bearer ") else request.user
        if user is None or not user.is_authenticated:
            return JsonResponse({"detail": "unauthorized"}, status=401)
        note = json_module.loads(request.body)["note"]
        with transaction.atomic():
            entry = audit.record(user, "bench.floor", user, region=user.region_id, after={"note": note})
        return JsonResponse({"id": entry.pk}, status=201)

    urls.urlpatterns.insert(0, path("bench/floor-bare", floor_bare))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, log: Path, module: str = "bench.followups") -> tuple[subprocess.Popen, int]:
    """The server (`python -m MODULE --serve PORT`) in a subprocess, its output to `log` (a pipe nobody
    reads would block it once full)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    root = Path(__file__).resolve().parent.parent
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", module, "--serve", str(port)], cwd=root, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port
        except OSError:
            time.sleep(.2)
    process.kill()
    raise SystemExit("the server did not answer within 60 s")


# Seeding -----------------------------------------------------------------------------------------

def seed(orders: int) -> dict:
    """A county with one village, its cadre and doctor, `orders` active home orders (through the service)."""
    import datetime

    from django.test import Client
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_token
    from fangkong.analytics import counters
    from fangkong.people.models import Person
    from fangkong.quarantine import services
    from fangkong.quarantine.defaults import install_default_policies
    from fangkong.quarantine.models import QuarantinePolicy
    from fangkong.regions.models import Region
    from fangkong.screening import rollup
    from fangkong.screening.models import KeyPerson
    for code, name, level, parent in [("420000000000", "湖北省", "province", None),
                                      ("420900000000", "孝感市", "city", "420000000000"),
                                      (COUNTY, "孝昌县", "county", "420900000000"), (TOWN, "花园镇", "township", COUNTY),
                                      (VILLAGE, "东岳村", "village", TOWN)]:
        Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    install_default_policies(QuarantinePolicy)
    users = {}
    for username, role, region in [("bench_hq", Role.HQ_ADMIN, COUNTY), ("bench_cadre", Role.VILLAGE_WORKER, VILLAGE),
                                   ("bench_doctor", Role.DOCTOR, VILLAGE)]:
        users[username] = User.objects.create_user(username, password=None, role=role, region_id=region,
                                                   display_name=username, phone="13800000000")
    hq, cadre, doctor = users["bench_hq"], users["bench_cadre"], users["bench_doctor"]
    now = timezone.now()
    people = Person.objects.bulk_create([Person(name=f"人员{i}", id_type="other", id_number=f"B{i:07d}",
                                                region_id=VILLAGE, address=f"东岳村{i}号") for i in range(orders)])
    key_persons = KeyPerson.objects.bulk_create([
        KeyPerson(person=p, category="returnee", region_id=VILLAGE, registered_on=timezone.localdate(now),
                  arrival_date=timezone.localdate(now) - datetime.timedelta(days=1)) for p in people])
    counters.track_change([], [c for kp in key_persons for c in rollup.key_person_contributions(kp)])
    ids = [services.start_quarantine(hq, kp, cadre=cadre, doctor=doctor,
                                     start_at=now - datetime.timedelta(days=1)).pk for kp in key_persons]
    client = Client()
    client.force_login(doctor)
    return {"order_ids": ids, "doctor_id": doctor.pk, "session": client.cookies["sessionid"].value,
            "token": create_token(doctor, doctor, "bench")}


# The load ----------------------------------------------------------------------------------------

class Load:
    """`clients` threads, each on one keep-alive connection, sending `total` requests in all."""

    def __init__(self, port: int, server_pid: int, clients: int, auth: str, seeded: dict):
        self.port, self.server_pid, self.clients, self.seeded = port, server_pid, clients, seeded
        csrf = uuid.uuid4().hex  # any 32-character secret: the cookie and the header must agree
        self.headers = {"Content-Type": "application/json"}
        if auth == "token":
            self.headers["Authorization"] = f"Bearer {seeded['token']}"
        else:
            self.headers |= {"Cookie": f"sessionid={seeded['session']}; csrftoken={csrf}", "X-CSRFToken": csrf}
        # the answers to the writes, by kind (as bench/passages.py keeps them): counted against the rows after
        self.statuses: dict[str, dict[int, int]] = {kind: {} for kind in WRITES}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def run(self, kind: str, total: int, offset: int = 0) -> tuple[float, float, float]:
        """Requests/second of `total` requests of `kind` (see the module's docstring), the server's CPU
        seconds per request (its work, whatever the client threads on the same machine cost) and the
        client's (this process: if it nears the server's, the client sets the pace)."""
        shares = [total // self.clients + (1 if i < total % self.clients else 0) for i in range(self.clients)]
        starts = [sum(shares[:i]) for i in range(self.clients)]
        ready = threading.Barrier(self.clients + 1)
        threads = [threading.Thread(target=self._client, args=(kind, offset + start, share, ready))
                   for start, share in zip(starts, shares, strict=True)]
        for t in threads:
            t.start()
        ready.wait()  # connections open: time the requests only
        started, cpu, client_cpu = time.perf_counter(), self.server_cpu(), time.process_time()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        return total / elapsed, (self.server_cpu() - cpu) / total, (time.process_time() - client_cpu) / total

    def server_cpu(self) -> float:
        """CPU seconds (user + system) the server process has used so far (Linux /proc; 0 elsewhere)."""
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
        ids = self.seeded["order_ids"]
        statuses: dict[int, int] = {}
        for n in range(first, first + count):
            if kind == "trivial":
                conn.request("GET", "/healthz", headers=self.headers)
            elif kind == "me":
                conn.request("GET", "/api/me", headers=self.headers)
            elif kind == "floor":
                conn.request("POST", "/api/bench/floor", body=json.dumps({"note": f"n{n}"}), headers=self.headers)
            elif kind == "floor_bare":
                conn.request("POST", "/bench/floor-bare", body=json.dumps({"note": f"b{n}"}), headers=self.headers)
            else:
                body = json.dumps({"temperature": f"36.{n % 9}", "method": "phone"})
                conn.request("POST", f"/api/quarantine/orders/{ids[n % len(ids)]}/follow-ups", body=body,
                             headers=self.headers)
            response = conn.getresponse()
            payload = response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status >= 300 and len(self.errors) < 5:
                with self.lock:
                    self.errors.append(f"{response.status} {payload[:300]!r}")
        conn.close()
        if kind in WRITES:
            with self.lock:
                counts = self.statuses[kind]
                for status, n in statuses.items():
                    counts[status] = counts.get(status, 0) + n


def _queries_of_one(seeded: dict, headers: dict) -> int:
    """SQL statements of one follow-up request, through Django's test client in this process (one more write)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    client = Client(HTTP_HOST="127.0.0.1", headers={k: v for k, v in headers.items() if k != "Content-Type"})
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/api/quarantine/orders/{seeded['order_ids'][0]}/follow-ups",
                               data={"temperature": "36.6", "method": "phone"}, content_type="application/json")
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


def written(doctor_id: int) -> int:
    from fangkong.quarantine.models import FollowUp
    return FollowUp.objects.filter(recorded_by_id=doctor_id, status="done").count()


def profile(seeded: dict, headers: dict, count: int) -> list[str]:
    """cProfile of `count` follow-ups through Django's test client in this process (the same handler and
    middleware as the server, without the socket): function calls per request, and where the time goes."""
    import cProfile
    import pstats

    from django.test import Client
    client = Client(HTTP_HOST="127.0.0.1", headers={k: v for k, v in headers.items() if k != "Content-Type"})
    ids = seeded["order_ids"]
    count = min(count, len(ids) - 1)

    def post(pk):
        response = client.post(f"/api/quarantine/orders/{pk}/follow-ups", data={"temperature": "36.6",
                               "method": "phone"}, content_type="application/json")
        assert response.status_code == 201, response.content

    def trivial():
        assert client.get("/healthz").status_code == 200

    post(ids[-1])
    trivial()
    lines = []
    for name, run in (("trivial", lambda: [trivial() for _ in range(count)]),
                      ("follow-up", lambda: [post(pk) for pk in ids[:count]])):
        profiler = cProfile.Profile()
        profiler.enable()
        run()
        profiler.disable()
        stats = pstats.Stats(profiler)
        lines.append(f"  {name}: {stats.total_calls / count:,.0f} function calls per request "
                     f"(profiled: {stats.total_tt / count * 1000:.2f} ms)")
    # the follow-up's heaviest callees, by cumulative time, the application's and the database's
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])
    keep = ("fangkong/", "ninja/operation", "contrib/auth/", "contrib/sessions/", "execute", "commit", "compiler.py")
    shown = 0
    for (path, line, func), (_cc, calls, _tt, cumulative, _callers) in rows:
        where = path.split("site-packages/")[-1].split("src/")[-1]
        if not any(k in where or k in func for k in keep) or "bench/" in where:
            continue
        lines.append(f"    {cumulative / count * 1000:7.3f} ms {calls / count:5.1f}× {where}:{line}({func})")
        shown += 1
        if shown == 25:
            break
    return lines


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.followups", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=500,
                        help="requests per endpoint and round, and active orders seeded (default 500)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all endpoints; the best of each kept")
    parser.add_argument("--auth", choices=["session", "token"], default="session")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead of the load: profile N follow-ups in this process (cProfile) and print "
                             "function calls per request and the heaviest calls")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args(argv)
    if args.serve:
        serve(args.serve)
        return []
    from bench.databases import TempDatabases, use_database
    dbs = TempDatabases(os.environ.get("DATABASE_URL", ""), prefix="fangkong_bench_followups")
    engine = "PostgreSQL" if dbs.postgres else "SQLite"
    server, server_log = None, ""
    try:
        dbs.migrated_template()
        url = dbs.fresh("followups")
        use_database(url)
        started = time.perf_counter()
        seeded = seed(max(args.requests, args.profile + 2))
        seeding = time.perf_counter() - started
        if args.profile:
            headers = Load(0, 0, 1, args.auth, seeded).headers
            return [f"{engine}, {args.auth} auth, profile of {args.profile} follow-ups (Django test client)",
                    *profile(seeded, headers, args.profile)]
        from django.db import connections
        connections.close_all()
        server, port = start_server(url, dbs.folder / "server.log")
        load = Load(port, server.pid, args.clients, args.auth, seeded)
        load.run("trivial", 50)  # warm all paths up (imports, URL resolver, connections)
        load.run("me", 50)
        load.run("floor", 50)
        load.run("floor_bare", 50)
        load.run("follow_up", 20, offset=args.requests)
        kinds = ["trivial", "me", "floor", "floor_bare", "follow_up"]
        best = {kind: (0.0, 0.0, 0.0) for kind in kinds}
        for r in range(max(1, args.rounds)):
            for kind in kinds:
                rate, cpu, client_cpu = load.run(kind, args.requests, offset=r * args.requests)
                old_rate, old_cpu, old_client = best[kind]
                best[kind] = (max(old_rate, rate), min(old_cpu or cpu, cpu), min(old_client or client_cpu, client_cpu))
        use_database(url)
        found = written(seeded["doctor_id"])
        from fangkong.audit.models import AuditEntry
        floor_found = AuditEntry.objects.filter(action="bench.floor", after__note__startswith="n").count()
        bare_found = AuditEntry.objects.filter(action="bench.floor", after__note__startswith="b").count()
        queries = _queries_of_one(seeded, load.headers)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
            server_log = (dbs.folder / "server.log").read_text()[-3000:]
        dbs.drop()
    ok, answered = load.statuses["follow_up"].get(201, 0), sum(load.statuses["follow_up"].values())
    (trivial, trivial_cpu, trivial_client), (me, me_cpu, me_client), (floor, floor_cpu, _floor_client), \
        (bare, bare_cpu, _bare_client), (follow_up, follow_up_cpu, follow_up_client) = (best[kind] for kind in kinds)
    ratio = follow_up / trivial
    lines = [
        f"{engine}, threaded WSGI server, {args.clients} clients, {args.requests} requests per endpoint and round, "
        f"{args.auth} auth, {args.requests} active orders (seeded in {seeding:.0f}s)",
        f"  trivial GET /healthz {trivial:.0f} req/s, follow-up POST {follow_up:.0f} req/s, "
        f"follow-up/trivial = {ratio:.2f} (budget ≥ {BUDGET}: {'met' if ratio >= BUDGET else 'NOT met'})",
        f"  server CPU per request: trivial {trivial_cpu * 1000:.2f} ms, follow-up {follow_up_cpu * 1000:.2f} ms "
        f"(ratio {trivial_cpu / follow_up_cpu:.2f}); a follow-up runs {queries} SQL queries",
        f"  for reference, GET /api/me (authenticated, no write) {me:.0f} req/s, server CPU {me_cpu * 1000:.2f} ms "
        f"(follow-up/me = {follow_up / me:.2f})",
        f"  the least audited write (POST /api/bench/floor: one audit row, one transaction) {floor:.0f} req/s, "
        f"server CPU {floor_cpu * 1000:.2f} ms: floor/trivial = {floor / trivial:.2f}"
        + (" (below the budget)" if floor / trivial < BUDGET else ""),
        f"  the same write without django-ninja (POST /bench/floor-bare: a plain Django view, json.loads) {bare:.0f} "
        f"req/s, server CPU {bare_cpu * 1000:.2f} ms: bare floor/trivial = {bare / trivial:.2f}"
        + (" (below the budget, and every registration does at least this)" if bare / trivial < BUDGET else ""),
        f"  client CPU per request: trivial {trivial_client * 1000:.2f} ms, me {me_client * 1000:.2f} ms, follow-up "
        f"{follow_up_client * 1000:.2f} ms"
        + (" (the client nears the server: the trivial rate is partly the client's)"
           if trivial_client > 0.8 * trivial_cpu else " (below the server's: the rates are the server's)"),
        f"  writes: {ok} answered 201 (of {answered}), {found} FollowUp rows recorded: "
        f"{'every write present' if found == ok and ok == answered else 'MISMATCH'}",
    ]
    for label, statuses, found_rows in (("floor", load.statuses["floor"], floor_found),
                                        ("bare floor", load.statuses["floor_bare"], bare_found)):
        created = statuses.get(201, 0)
        lines.append(f"  {label} writes: {created} answered 201 (of {sum(statuses.values())}), {found_rows} audit "
                     f"rows: {'every write present' if found_rows == created else 'MISMATCH'}")
    if load.errors:
        lines.append(f"  errors: {load.errors}")
    if server_log.strip():
        lines.append(f"  server said: {server_log}")
    assert found == ok, f"{ok} follow-ups answered 201 but {found} rows were written"
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
