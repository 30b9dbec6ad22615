"""Capacity (DESIGN.md §5): `fangkong serve` on PostgreSQL under the peak registration mix of a city of 5 million,
at a fixed arrival rate, with every acknowledged write looked for afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.load                 # short
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.load --scale 1 --duration 600
    python -m bench.load --workers 3 --threads 8        # the server's processes and threads

The budget: 300 registrations a second (70 % public check-ins, 15 % checkpoint passages, 15 % follow-ups) for
10 minutes with p95 < 100 ms and no lost write. `--scale` multiplies the rate (default 0.25: 75 a second) and
`--duration` sets the measured time (default 20 s); `--scale 1 --duration 600` is the budget's run. Page reads
by signed-in staff come on top, `--page-share` of the registrations (default 0.1: 30 a second at full scale):
the county's home page, dashboard and daily report, a township's orders and key persons, a village's today
list and arrival tasks, a doctor's people, a checkpoint's passages.

What it does:
1. A fresh PostgreSQL database next to DATABASE_URL's (migrated, dropped at the end), seeded through the
   services where the app seeds its own rows: a county of 12 townships × 20 villages, a key place with its
   place code in every village, a checkpoint and its staff (API token) in every township, a doctor (API token)
   and active home quarantine orders in one village of each township.
2. `fangkong serve` (gunicorn, gthread; --workers default the cores, --threads 4) on a free port, without access
   log (one log line per request is not the app's work), the public check-in's per-address limit raised out of
   reach (every request comes from 127.0.0.1).
3. The load, open-loop: requests leave at exponentially spaced moments for the rate (a Poisson arrival, fixed
   seed), whatever the answers' pace, from one asyncio thread on up to --connections keep-alive connections.
   A request's latency runs from the moment it was due, not the one it left, so a server falling behind shows
   in the latency instead of slowing the load (no coordinated omission). A warm-up of a few seconds at half the
   rate comes first (its writes are checked too, its times not counted).
     check_in   POST /api/places/c/{token}/check-in, a new phone and name each time, an idempotency key
     passage    POST /api/checkpoints/{id}/passages (Bearer), a new resident ID each time, an idempotency key
     follow_up  POST /api/quarantine/orders/{id}/follow-ups (Bearer), the orders in turn, a tagged note
     page:NAME  GET of a page with the staff's session cookie
4. It prints, per endpoint, answers, errors, p50/p95/p99 latency; the achieved rate; the CPU of the server
   (gunicorn master and workers), of PostgreSQL's backends serving this database, of this load generator, and
   of the whole machine (from /proc), so it is visible when the generator or a neighbour, not the server, was
   the limit; and then reads the database: every idempotency key and note answered 201 must be there.
"""

import argparse
import asyncio
import collections
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.passages import chinese_name, resident_id
from bench.stats import percentile

RATE = 300.0  # registrations a second at --scale 1 (DESIGN.md §5)
MIX = (("check_in", 0.70), ("passage", 0.15), ("follow_up", 0.15))
P95_BUDGET_MS = 100.0
COUNTY = "420921000000"
TOWNSHIPS, VILLAGES = 12, 20
WRITES = ("check_in", "passage", "follow_up")


def township(t: int) -> str:
    return f"420921{t:03d}000"


def village(t: int, v: int) -> str:
    return f"420921{t:03d}{200 + v:03d}"


# Seeding (in this process, on the fresh database) ----------------------------------------------------------

def seed(orders: int) -> dict:
    import datetime

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from fangkong.accounts.models import Role, User
    from fangkong.accounts.services import create_token
    from fangkong.analytics import counters
    from fangkong.checkpoints.models import Checkpoint
    from fangkong.people.models import Person
    from fangkong.places.models import Place, PlaceCode
    from fangkong.quarantine import services
    from fangkong.quarantine.defaults import install_default_policies
    from fangkong.quarantine.models import QuarantinePolicy
    from fangkong.regions.models import Region
    from fangkong.screening import rollup
    from fangkong.screening.models import KeyPerson

    regions = [Region(code="420000000000", name="湖北省", level="province"),
               Region(code="420900000000", name="孝感市", level="city", parent_id="420000000000"),
               Region(code=COUNTY, name="孝昌县", level="county", parent_id="420900000000")]
    for t in range(1, TOWNSHIPS + 1):
        regions.append(Region(code=township(t), name=f"第{chinese_name('', t)}镇", level="township", parent_id=COUNTY))
        regions += [Region(code=village(t, v), name=f"{chinese_name('', t)}镇{chinese_name('', v)}村",
                           level="village", parent_id=township(t)) for v in range(1, VILLAGES + 1)]
    Region.objects.bulk_create(regions)
    install_default_policies(QuarantinePolicy)

    def user(username, role, region):
        return User.objects.create_user(username, password=None, role=role, region_id=region,
                                        display_name=username, phone="13800000000")

    hq = user("load_hq", Role.HQ_ADMIN, COUNTY)
    today = timezone.localdate()
    places = []
    for t in range(1, TOWNSHIPS + 1):
        for v in range(1, VILLAGES + 1):
            place = Place.objects.create(name=f"{t}镇{v}村农贸市场", kind="market", region_id=village(t, v))
            places.append((place.pk, PlaceCode.objects.create(place=place).token))
    checkpoints = []
    for t in range(1, TOWNSHIPS + 1):
        staff = user(f"load_cp{t}", Role.CHECKPOINT_STAFF, township(t))
        checkpoint = Checkpoint.objects.create(name=f"{t}镇卡点", kind="highway_exit", region_id=township(t),
                                               opened_on=today - datetime.timedelta(days=1))
        checkpoints.append({"id": checkpoint.pk, "token": create_token(staff, staff, "load"), "staff": staff.pk,
                            "destinations": [village(t, v) for v in range(1, VILLAGES + 1)]})
    now = timezone.now()
    per_village = max(1, orders // TOWNSHIPS)
    doctors, order_ids = [], []
    for t in range(1, TOWNSHIPS + 1):
        home = village(t, 1)
        cadre = user(f"load_cadre{t}", Role.VILLAGE_WORKER, home)
        doctor = user(f"load_doctor{t}", Role.DOCTOR, home)
        people = Person.objects.bulk_create([Person(name=f"隔离{t}{chinese_name('', i)}", id_type="other",
                                                    id_number=f"L{t:02d}{i:06d}", region_id=home,
                                                    address=f"{t}镇一村{i}号")
                                             for i in range(per_village)])
        key_persons = KeyPerson.objects.bulk_create([
            KeyPerson(person=p, category="returnee", region_id=home, registered_on=today,
                      arrival_date=today - datetime.timedelta(days=1)) for p in people])
        counters.track_change([], [c for kp in key_persons for c in rollup.key_person_contributions(kp)])
        token = create_token(doctor, doctor, "load")
        ids = [services.start_quarantine(hq, kp, cadre=cadre, doctor=doctor,
                                         start_at=now - datetime.timedelta(days=1)).pk for kp in key_persons]
        doctors.append(doctor.pk)
        order_ids += [(pk, token) for pk in ids]
    # order by doctor in turn, so consecutive follow-ups go to different villages
    order_ids = [o for group in itertools.zip_longest(*[order_ids[i::TOWNSHIPS] for i in range(TOWNSHIPS)])
                 for o in group if o is not None]
    readers = {
        "hq": (hq, ["core:home", "briefing:dashboard", "analytics:daily"]),
        "town": (user("load_town", Role.TOWNSHIP_STAFF, township(1)), ["quarantine:orders", "screening:key_persons"]),
        "village": (user("load_village", Role.VILLAGE_WORKER, village(1, 1)),
                    ["screening:today", "screening:arrival_tasks"]),
        "doctor": (User.objects.get(pk=doctors[0]), ["quarantine:mine"]),
        "checkpoint": (User.objects.get(pk=checkpoints[0]["staff"]), ["checkpoints:passages"]),
    }
    pages = []
    for label, (reader, names) in readers.items():
        client = Client()
        client.force_login(reader)
        cookie = client.cookies["sessionid"].value
        pages += [(f"{label} {name}", reverse(name), cookie) for name in names]
    return {"places": places, "checkpoints": checkpoints, "orders": order_ids, "pages": pages,
            "doctors": doctors, "staff": [c["staff"] for c in checkpoints]}


# The server ------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, folder: Path, workers: int, threads: int) -> tuple[subprocess.Popen, int, Path]:
    """`fangkong serve` on a free port of the loopback; returns the process (the gunicorn master), the port and
    its log."""
    import http.client
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "FANGKONG_HTTPS")}
    from django.conf import settings
    # the seeding's keys: its sessions are signed with SECRET_KEY and its people's digests keyed with the other
    env.update(DATABASE_URL=database_url, FANGKONG_VAR=str(folder / "var"), FANGKONG_CHECK_IN_RATE=str(10 ** 9),
               DJANGO_SETTINGS_MODULE="fangkong.settings", SECRET_KEY=settings.SECRET_KEY,
               FANGKONG_DIGEST_KEY=settings.FANGKONG_DIGEST_KEY)
    (folder / "var").mkdir(exist_ok=True)
    script = Path(sys.executable).parent / "fangkong"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "fangkong"]
    log = folder / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                    "--threads", str(threads), "--access-log", ""], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"fangkong serve did not start:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process, port, log
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("fangkong serve did not answer within 90 s")


def warm_pages(port: int, pages: list, rounds: int, parallel: int) -> None:
    """Every page a few times from several threads, so each worker has imported and compiled what the pages need
    before the load: a first render's seconds in one thread of a worker stall its others (the GIL)."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def get(page):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", page[1], headers={"Cookie": f"sessionid={page[2]}"})
        status = conn.getresponse().status
        conn.close()
        assert status == 200, f"{page[0]}: {status}"

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(get, pages * rounds))


# CPU from /proc -----------------------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def process_cpu(pid: int, children_done: bool = False) -> float:
    """CPU seconds (user + system) of a process; with `children_done`, also of its children it has waited for."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children_done else 0)
    return ticks / TICK


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds of the gunicorn master (with workers it reaped) and of each living worker, by process id."""
    found = {master: process_cpu(master, children_done=True)}
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    for child in children:
        found[int(child)] = process_cpu(int(child))
    return found


def postgres_cpu(url: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to the database of `url` but this look-up's own (when the
    server runs on this machine: otherwise none is found)."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    return {pid: process_cpu(pid) for pid in pids if _stat(pid) is not None}


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat's first line)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


def grown(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two samples by processes keyed by id (one that started in between counts whole)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# The load ------------------------------------------------------------------------------------------------------

class Plan:
    """The requests of one run, each made when it is due (so building them costs at the pace of the load)."""

    def __init__(self, seeded: dict, port: int, tag: str, rng: random.Random, page_share: float):
        self.seeded, self.host, self.tag, self.rng = seeded, f"127.0.0.1:{port}", tag, rng
        kinds, weights = zip(*MIX, strict=True)
        self.kinds, self.weights = list(kinds), list(weights)
        self.page_share = page_share
        self.numbers = collections.Counter()

    def pick(self) -> str:
        if self.rng.random() < self.page_share / (1 + self.page_share):
            return "page"
        return self.rng.choices(self.kinds, self.weights)[0]

    def build(self, kind: str) -> tuple[str, bytes, str]:
        """(endpoint label, request bytes, the key written when it is answered 201)."""
        n = self.numbers[kind]
        self.numbers[kind] += 1
        s = self.seeded
        if kind == "page":
            label, path, cookie = s["pages"][n % len(s["pages"])]
            return f"page {label}", self._request("GET", path, {"Cookie": f"sessionid={cookie}"}), ""
        key = f"{self.tag}{kind[0]}{n}"
        if kind == "check_in":
            place_id, token = s["places"][n % len(s["places"])]
            body = {"phone": f"137{n % 10 ** 8:08d}", "name": chinese_name("王", n), "client_key": key}
            return kind, self._request("POST", f"/api/places/c/{token}/check-in", {}, body), key
        if kind == "passage":
            cp = s["checkpoints"][n % len(s["checkpoints"])]
            body = {"id_number": resident_id(n), "name": chinese_name("李", n), "phone": f"139{n % 10 ** 8:08d}",
                    "vehicle_plate": f"鄂K{n % 90000 + 10000}" if n % 3 == 0 else "", "origin": "孝感市孝南区",
                    "origin_code": "420902", "destination": cp["destinations"][n % VILLAGES],
                    "temperature": f"36.{n % 9}", "outcome": "pass", "client_key": key}
            return kind, self._request("POST", f"/api/checkpoints/{cp['id']}/passages",
                                       {"Authorization": f"Bearer {cp['token']}"}, body), key
        order_id, token = s["orders"][n % len(s["orders"])]
        body = {"temperature": f"36.{n % 7}", "method": "phone", "note": key}
        return kind, self._request("POST", f"/api/quarantine/orders/{order_id}/follow-ups",
                                   {"Authorization": f"Bearer {token}"}, body), key

    def _request(self, method: str, path: str, headers: dict, body: dict | None = None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Accept: application/json, text/html"]
        data = b""
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class Connections:
    """Keep-alive connections to the server, at most `limit` open; a request waits for one when all are busy.
    A connection idle for `IDLE` seconds is closed rather than used: gunicorn closes its side after 2 s
    (--keep-alive), and a request sent as it does would fail for the client's sake, not the server's."""

    IDLE = 1.0

    def __init__(self, port: int, limit: int):
        self.port, self.limit, self.open = port, limit, 0
        self.idle: list[tuple[float, tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = []
        self.free = asyncio.Condition()

    async def take(self):
        loop = asyncio.get_running_loop()
        async with self.free:
            while not self.idle and self.open >= self.limit:
                await self.free.wait()
            while self.idle:
                since, conn = self.idle.pop()
                if loop.time() - since < self.IDLE:
                    return conn
                conn[1].close()
                self.open -= 1
            self.open += 1
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            await self.lost()
            raise
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return reader, writer

    async def give_back(self, conn) -> None:
        async with self.free:
            self.idle.append((asyncio.get_running_loop().time(), conn))
            self.free.notify()

    async def lost(self, conn=None) -> None:
        if conn is not None:
            conn[1].close()
        async with self.free:
            self.open -= 1
            self.free.notify()

    async def close(self) -> None:
        for _since, (_reader, writer) in self.idle:
            writer.close()


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> tuple[int, bytes, bool]:
    """Send one request and read its answer: (status, body, whether the connection stays open)."""
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    else:
        body = await reader.read()
        return status, body, False
    return status, body, headers.get("connection", "").lower() != "close"


class Results:
    def __init__(self):
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.errors: list[str] = []
        self.acknowledged: dict[str, set[str]] = {kind: set() for kind in WRITES}
        self.unanswered: dict[str, set[str]] = {kind: set() for kind in WRITES}
        self.lag: list[float] = []  # how late the generator sent requests (its own slowness)
        self.done = 0


async def one(connections: Connections, results: Results, label: str, kind: str, key: str, data: bytes,
              due: float, record: bool, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    status, body = 0, b""
    try:
        conn = await asyncio.wait_for(connections.take(), timeout)
        if record:
            results.lag.append(loop.time() - due)
        try:
            status, body, keep = await asyncio.wait_for(exchange(*conn, data), timeout)
        except BaseException:
            await connections.lost(conn)
            raise
        if keep:
            await connections.give_back(conn)
        else:
            await connections.lost(conn)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        status, body = 0, f"{type(exc).__name__}: {exc}".encode()
    elapsed = loop.time() - due
    if kind in WRITES:
        (results.acknowledged if status == 201 else results.unanswered)[kind].add(key)
    results.done += 1
    if not record:
        return
    results.latency[label].append(elapsed)
    results.statuses[label][status] += 1
    ok = 200 <= status < 300 and (kind != "page" or status == 200)
    if not ok and len(results.errors) < 8:
        results.errors.append(f"{label}: {status} {body[:200]!r}")


async def drive(plan: Plan, port: int, rate: float, seconds: float, warmup: float, connections_limit: int,
                results: Results, timeout: float = 30.0) -> dict:
    """Send the load: `warmup` seconds at half the rate (not timed), then `seconds` at `rate`. Returns the
    measured window's start and end (monotonic) and the requests sent in it."""
    loop = asyncio.get_running_loop()
    connections = Connections(port, connections_limit)
    tasks = set()
    total_rate = rate * (1 + plan.page_share)
    start = loop.time() + 0.2
    due, measured_from = start, start + warmup
    end = measured_from + seconds
    sent = 0
    while True:
        step = plan.rng.expovariate((total_rate / 2) if due < measured_from else total_rate)
        due += step
        if due >= end:
            break
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        kind = plan.pick()
        label, data, key = plan.build(kind)
        record = due >= measured_from
        sent += record
        task = asyncio.create_task(one(connections, results, label, kind, key, data, due, record, timeout))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    sending_ended = loop.time()
    if tasks:
        await asyncio.wait(set(tasks))
    await connections.close()
    return {"from": measured_from, "until": end, "sending_ended": sending_ended, "sent": sent,
            "drained": loop.time()}


# Afterwards: every acknowledged write ---------------------------------------------------------------------------

def stored(tag: str, seeded: dict) -> dict[str, set[str]]:
    """The keys of this run found in the database, by kind."""
    from fangkong.checkpoints.models import Passage
    from fangkong.places.models import CheckIn
    from fangkong.quarantine.models import FollowUp
    return {
        "check_in": set(CheckIn.objects.filter(place_id__in=[p for p, _t in seeded["places"]],
                                               client_key__startswith=tag).values_list("client_key", flat=True)),
        "passage": set(Passage.objects.filter(recorded_by_id__in=seeded["staff"], client_key__startswith=tag)
                       .values_list("client_key", flat=True)),
        "follow_up": set(FollowUp.objects.filter(doctor_id__in=seeded["doctors"], note__startswith=tag,
                                                 status="done").values_list("note", flat=True)),
    }


def main(argv=None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.25,
                        help=f"share of the budget's {RATE:.0f} registrations a second (default 0.25; 1 = the budget)")
    parser.add_argument("--duration", type=float, default=20.0,
                        help="measured seconds (default 20; the budget's run: 600)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds at half the rate first (default 5)")
    parser.add_argument("--page-share", type=float, default=0.1,
                        help="page reads per registration (default 0.1)")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: the cores)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (default 4)")
    parser.add_argument("--connections", type=int, default=64, help="most connections open at once (default 64)")
    parser.add_argument("--orders", type=int, default=0,
                        help="active quarantine orders seeded (default 600 × scale, at least 240)")
    parser.add_argument("--seed", type=int, default=2020)
    args, _rest = parser.parse_known_args(argv)
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return ["skipped: the capacity budget is for PostgreSQL (set DATABASE_URL to a PostgreSQL server)"]
    from bench.databases import TempDatabases, use_database
    rate = RATE * args.scale
    workers = args.workers or len(os.sched_getaffinity(0))
    orders = args.orders or max(240, int(600 * args.scale))
    dbs = TempDatabases(base, prefix="fangkong_bench_load")
    server, log = None, None
    results = Results()
    tag = "L" + uuid.uuid4().hex[:6]
    try:
        dbs.migrated_template()
        url = dbs.fresh("load")
        use_database(url)
        started = time.perf_counter()
        seeded = seed(orders)
        seeding = time.perf_counter() - started
        from django.db import connection, connections
        connection.cursor().execute("ANALYZE")
        connections.close_all()
        server, port, log = start_server(url, dbs.folder, workers, args.threads)
        warm_pages(port, seeded["pages"], rounds=2 * workers, parallel=workers * args.threads)
        plan = Plan(seeded, port, tag, random.Random(args.seed), args.page_share)

        async def run():
            loop = asyncio.get_running_loop()
            job = asyncio.create_task(drive(plan, port, rate, args.duration, args.warmup, args.connections, results))
            await asyncio.sleep(max(0.0, args.warmup + 0.2 - 0.05))  # the measured window begins
            before = (server_cpu(server.pid), postgres_cpu(url), time.process_time(), machine_cpu(), loop.time())
            window = await job
            after = (server_cpu(server.pid), postgres_cpu(url), time.process_time(), machine_cpu(), loop.time())
            return window, before, after

        window, before, after = asyncio.run(run())
        found = stored(tag, seeded)
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        server = None
    finally:
        if server is not None:
            server.kill()
            server.wait(10)
        server_log = log.read_text()[-2000:] if log is not None and log.exists() else ""
        dbs.drop()
    return report(args, rate, workers, orders, seeding, window, before, after, results, found, server_log)


def report(args, rate, workers, orders, seeding, window, before, after, results, found, server_log) -> list[str]:
    elapsed = after[4] - before[4]
    measured = window["until"] - window["from"]
    server = grown(before[0], after[0])
    database = grown(before[1], after[1])
    generator = after[2] - before[2]
    machine_busy = after[3][0] - before[3][0]
    cores = len(os.sched_getaffinity(0))
    registrations = sum(len(results.latency[k]) for k in WRITES)
    answered = sum(results.statuses[k][201] for k in WRITES)
    pages = sum(len(v) for k, v in results.latency.items() if k.startswith("page"))
    lines = [f"PostgreSQL, fangkong serve: {workers} workers × {args.threads} threads; target {rate:.0f} registrations/s "
             f"(scale {args.scale:g}; budget {RATE:.0f}/s) + {rate * args.page_share:.0f} page reads/s, "
             f"{args.duration:g} s measured after {args.warmup:g} s warm-up; {orders} orders seeded in {seeding:.0f} s",
             f"  achieved: {registrations / measured:.1f} registrations/s sent, {answered / measured:.1f}/s answered 201, "
             f"{pages / measured:.1f} pages/s; the last answer {window['drained'] - window['until']:.1f} s after the "
             f"last request was due; generator lag p99 {percentile(results.lag, 99) * 1000:.0f} ms",
             f"  CPU over the window ({elapsed:.0f} s, {cores} cores = {cores * elapsed:.0f} core-s): server "
             f"{server:.0f} s ({server / elapsed:.2f} cores, {server / max(1, answered + pages) * 1000:.2f} ms a request), "
             f"PostgreSQL backends {database:.0f} s ({database / elapsed:.2f} cores), load generator {generator:.0f} s "
             f"({generator / elapsed:.2f} cores), the whole machine {machine_busy:.0f} s ({machine_busy / elapsed:.2f} "
             f"cores; others {max(0.0, machine_busy - server - database - generator) / elapsed:.2f})",
             f"  {'endpoint':<34} {'answers':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    worst = 0.0
    for label in sorted(results.latency, key=lambda k: (k.startswith("page"), k)):
        values = results.latency[label]
        statuses = results.statuses[label]
        errors = sum(n for status, n in statuses.items() if not 200 <= status < 300)
        p95 = percentile(values, 95) * 1000
        if label in WRITES:
            worst = max(worst, p95)
        lines.append(f"  {label:<34} {len(values):>8} {errors:>7} {percentile(values, 50) * 1000:>8.1f} "
                     f"{p95:>8.1f} {percentile(values, 99) * 1000:>8.1f}")
    every = [v for k in WRITES for v in results.latency[k]]
    lines.append(f"  {'all registrations':<34} {len(every):>8} {'':>7} {percentile(every, 50) * 1000:>8.1f} "
                 f"{percentile(every, 95) * 1000:>8.1f} {percentile(every, 99) * 1000:>8.1f}")
    met = worst < P95_BUDGET_MS and answered / measured >= 0.98 * rate
    lines.append(f"  budget (p95 < {P95_BUDGET_MS:.0f} ms on every registration endpoint at {RATE:.0f}/s): "
                 + ("met at this rate" if met else "NOT met at this rate")
                 + ("" if args.scale >= 1 and args.duration >= 600 else " (a short run: the budget's is --scale 1 --duration 600)"))
    served = max(1, answered + pages)
    per_request = (server + database) / served
    needed = per_request * RATE * (1 + args.page_share)
    lines.append(f"  floor from this run: {per_request * 1000:.2f} ms of server + PostgreSQL CPU a request, so the budget's "
                 f"{RATE:.0f} registrations + {RATE * args.page_share:.0f} pages a second need {needed:.2f} cores of CPU "
                 f"alone; this machine has {cores}" + (" (the budget cannot be met here)" if needed >= cores else ""))
    lost_total = 0
    for kind in WRITES:
        acknowledged, written = results.acknowledged[kind], found[kind]
        lost = acknowledged - written
        extra = written - acknowledged
        lost_total += len(lost)
        lines.append(f"  {kind} writes: {len(acknowledged)} answered 201 (warm-up included), {len(written)} found: "
                     + (f"{len(lost)} LOST, e.g. {sorted(lost)[:3]}" if lost else "every acknowledged write present")
                     + (f"; {len(extra)} written though their answer never came" if extra else ""))
    if results.errors:
        lines.append(f"  first errors: {results.errors}")
    if "Traceback" in server_log or "ERROR" in server_log:
        lines.append(f"  server log: {server_log}")
    assert lost_total == 0, "acknowledged writes are missing"
    return lines


if __name__ == "__main__":
    for line in main(sys.argv[1:]):
        print(line)
