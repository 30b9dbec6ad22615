"""Faults under load, on `fangkong serve` run as in production (a subprocess, two gunicorn workers) while a few
threads register public check-ins and follow-ups through it:

- a worker killed with SIGKILL: no acknowledged write is lost, the master starts a new worker, requests succeed
  again, and an unanswered registration sent again with its idempotency key is stored once;
- PostgreSQL cut off (a TCP relay in front of it taken down: the machine's shared cluster is never stopped):
  503 with Retry-After while it is away, never a 500, and served again once it is back, with no restart;
- the disk of the upload folder full: 507 saying nothing was saved, no half-written file, no row, the other
  requests served meanwhile;
- the scheduler (`fangkong worker`) killed mid-job: another worker runs the job again, once.

The subprocess tests need PostgreSQL (the server and this process share the test database); the 507 of a full
disk is also tested in this process, on both databases.
"""

import contextlib
import errno
import http.client
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import types
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import uploadedfile, uploadhandler
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.core.models import PeriodicRun, RunState
from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place, PlaceCode
from fangkong.quarantine.models import FollowUp
from tests import factories
from tests.core import fault_jobs
from tests.core.test_serve import FANGKONG, Proxy, free_port

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgres = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL"),
            pytest.mark.django_db(transaction=True)]
DISK_FULL = "服务器存储空间已满，本次提交没有保存"


# The server, its data and the load ----------------------------------------------------------------------------

def database_url(port: int | None = None) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{port or db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """`fangkong serve`: two workers of two threads, the test's keys, the public check-in's limit out of reach."""

    def __init__(self, tmp: Path, url: str, env: dict | None = None, preexec=None):
        self.port = free_port()
        self.log_path = tmp / f"serve-{self.port}.log"
        self.log = self.log_path.open("w")
        environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "FANGKONG_HTTPS")}
        environment.update(FANGKONG_VAR=str(tmp / "var"), DATABASE_URL=url, DJANGO_SETTINGS_MODULE="fangkong.settings",
                           SECRET_KEY=settings.SECRET_KEY, FANGKONG_DIGEST_KEY=settings.FANGKONG_DIGEST_KEY,
                           FANGKONG_CHECK_IN_RATE="1000000", **(env or {}))
        self.proc = subprocess.Popen(
            [FANGKONG, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "2",
             "--graceful-timeout", "5", "--no-collectstatic", "--access-log", ""],
            env=environment, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=preexec)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200 and len(self.workers()) == 2:
                    return
            except OSError:
                pass
            assert self.proc.poll() is None, self.log_path.read_text()
            time.sleep(0.2)
        raise AssertionError(f"fangkong serve did not answer:\n{self.log_path.read_text()}")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def workers(self) -> set[int]:
        pid = self.proc.pid
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:  # pragma: no cover - only when the stop above failed
                self.proc.kill()
            self.log.close()


def seed(orders: int = 6) -> dict:
    """A county, a market's place code in one village, a doctor with active home orders there and an API token."""
    import datetime

    from fangkong.analytics import counters
    from fangkong.quarantine import services
    from fangkong.quarantine.defaults import install_default_policies
    from fangkong.quarantine.models import QuarantinePolicy
    from fangkong.screening import rollup
    from fangkong.screening.models import KeyPerson

    factories.county_tree()
    install_default_policies(QuarantinePolicy)  # a transactional test starts from an empty database
    hq = factories.user("hq")
    cadre = factories.user("cadre", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    doctor = factories.user("doctor", Role.DOCTOR, factories.VILLAGE_A1)
    place = Place.objects.create(name="花园农贸市场", kind="market", region_id=factories.VILLAGE_A1)
    code = PlaceCode.objects.create(place=place)
    now, today = timezone.now(), timezone.localdate()
    order_ids = []
    for i in range(orders):
        person = Person.objects.create(name=f"隔离{'一二三四五六七八九十'[i % 10]}", id_type="other", id_number=f"F{i:05d}",
                                       region_id=factories.VILLAGE_A1, address=f"东岳村{i}号")
        kp = KeyPerson.objects.create(person=person, category="returnee", region_id=factories.VILLAGE_A1,
                                      registered_on=today, arrival_date=today - datetime.timedelta(days=1))
        counters.track_change([], rollup.key_person_contributions(kp))
        order_ids.append(services.start_quarantine(hq, kp, cadre=cadre, doctor=doctor,
                                                   start_at=now - datetime.timedelta(days=1)).pk)
    return {"place": place.pk, "token": code.token, "orders": order_ids, "hq": hq,
            "doctor_token": create_token(doctor, doctor, "faults"), "hq_token": create_token(hq, hq, "faults")}


class Load:
    """`threads` threads, each on its own keep-alive connection, registering one after another: public check-ins
    (an idempotency key each) and, one request in three, a follow-up (a note as its key). Every answer is kept:
    (thread, moment, kind, key, status, Retry-After); status 0 when the connection failed."""

    def __init__(self, port: int, seeded: dict, threads: int = 3):
        self.port, self.seeded, self.tag = port, seeded, f"F{uuid.uuid4().hex[:6]}"
        self.answers: list[tuple] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def start(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(60)

    def count(self, status: int | None = None, since: float = 0.0) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[1] >= since and (status is None or a[4] == status))

    def wait_for(self, answers: int, status: int | None = None, since: float = 0.0, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.count(status, since) < answers:
            assert time.monotonic() < deadline, f"only {self.count(status, since)} answers: {self.answers[-5:]}"
            time.sleep(0.05)

    def keys(self, kind: str, statuses: set[int]) -> set[str]:
        return {a[3] for a in self.answers if a[2] == kind and a[4] in statuses}

    def send(self, conn, kind: str, key: str) -> tuple[int, str]:
        if kind == "check_in":
            body = {"phone": f"137{abs(hash(key)) % 10 ** 8:08d}", "name": "王小明", "client_key": key}
            path, headers = f"/api/places/c/{self.seeded['token']}/check-in", {}
        else:
            orders = self.seeded["orders"]
            body = {"temperature": "36.5", "method": "phone", "note": key}
            path = f"/api/quarantine/orders/{orders[hash(key) % len(orders)]}/follow-ups"
            headers = {"Authorization": f"Bearer {self.seeded['doctor_token']}"}
        conn.request("POST", path, body=json.dumps(body, ensure_ascii=False).encode(),
                     headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        payload = response.read()
        if response.status >= 500:
            assert response.getheader("Content-Type") == "application/json", payload
        return response.status, response.getheader("Retry-After") or ""

    def _run(self, thread: int) -> None:
        conn, n = None, 0
        while not self.stopping.is_set():
            n += 1
            kind = "follow_up" if n % 3 == 0 else "check_in"
            key = f"{self.tag}t{thread}n{n}"
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
                status, retry_after = self.send(conn, kind, key)
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn, status, retry_after = None, 0, ""
                time.sleep(0.05)
            with self.lock:
                self.answers.append((thread, time.monotonic(), kind, key, status, retry_after))
            if status == 503:
                time.sleep(0.1)  # as a client told to retry later would, without hammering
        if conn is not None:
            conn.close()


def stored_check_ins(keys: set[str]) -> dict[str, int]:
    """How many rows each of the keys has."""
    from django.db.models import Count
    return dict(CheckIn.objects.filter(client_key__in=keys).values("client_key").annotate(n=Count("id"))
                .values_list("client_key", "n"))


def stored_follow_ups(tag: str) -> set[str]:
    return set(FollowUp.objects.filter(note__startswith=tag, status="done").values_list("note", flat=True))


def assert_acknowledged_writes_present(load: Load) -> None:
    acknowledged = load.keys("check_in", {201})
    found = stored_check_ins(acknowledged)
    assert set(found) == acknowledged and set(found.values()) <= {1}, "an acknowledged check-in is missing"
    assert load.keys("follow_up", {201}) <= stored_follow_ups(load.tag), "an acknowledged follow-up is missing"


def assert_unanswered_check_ins_sent_again_are_stored_once(server: Server, load: Load, statuses: set[int]) -> int:
    """The client's retry: an unanswered check-in sent again with its key is answered 201 and stored once."""
    unanswered = load.keys("check_in", statuses) - load.keys("check_in", {201})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    for key in unanswered:
        assert load.send(conn, "check_in", key)[0] == 201
    conn.close()
    assert stored_check_ins(unanswered) == dict.fromkeys(unanswered, 1)
    return len(unanswered)


# One server for the faults it survives --------------------------------------------------------------------------

def ledger_csv(rows: int) -> bytes:
    """A ledger in CSV: a header and `rows` rows (the content matters only for the small one)."""
    from tests.people.ids import resident_id
    ids = [resident_id("19800101", f"{i:03d}") for i in range(min(rows, 1000))]
    lines = ["姓名,身份证号,类别"] + [f"张{i},{ids[i % 1000]},返乡" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _file_size_limit():  # pragma: no cover - runs in the server's process before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024 * 1024, 1024 * 1024))


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """A TCP relay to PostgreSQL and `fangkong serve` connected through it to the test database, its upload folder
    (TMPDIR) on a filesystem of 1 MB (a tmpfs; where this process may not mount one, a file-size limit of 1 MB on
    the server's process). One server for the module: each start costs seconds, and every test leaves it serving.
    Each test seeds its own rows (`seeded`), emptied after it as any transactional test's."""
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL")
    tmp = tmp_path_factory.mktemp("faults")
    disk = tmp / "uploads"
    disk.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0777", "tmpfs", str(disk)], capture_output=True).returncode == 0
    with django_db_blocker.unblock():
        db = connection.settings_dict
        proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
        proxy.up()
        server = None
        try:
            server = Server(tmp, database_url(proxy.port), env={"TMPDIR": str(disk)},
                            preexec=None if mounted else _file_size_limit)
            yield types.SimpleNamespace(server=server, proxy=proxy, disk=disk)
        finally:
            if server is not None:
                server.stop()
            proxy.down()
            if mounted:
                subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def seeded(transactional_db) -> dict:
    return seed()


def served_cleanly(server: Server) -> None:
    log = server.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]


@pytest.mark.postgres_only
def test_a_worker_killed_under_load_loses_no_acknowledged_write_and_is_replaced(served, seeded):
    server = served.server
    load = Load(server.port, seeded).start()
    try:
        load.wait_for(20, 201)
        master, before = server.proc.pid, server.workers()
        victim = min(before)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not (len(server.workers()) == 2 and victim not in server.workers()):
            assert time.monotonic() < deadline, "the master did not replace the killed worker"
            time.sleep(0.1)
        replaced_at = time.monotonic()
        load.wait_for(20, 201, since=replaced_at + 1)
        load.stop()

        assert server.proc.pid == master and server.proc.poll() is None
        statuses = {a[4] for a in load.answers}
        assert statuses <= {201, 0}, statuses  # a connection cut with its worker at worst, never a 5xx
        after = [a for a in load.answers if a[1] >= replaced_at + 1]
        assert after and all(a[4] == 201 for a in after), after[:5]
        assert_acknowledged_writes_present(load)
        assert_unanswered_check_ins_sent_again_are_stored_once(server, load, {0})
        assert server.request("GET", "/healthz")[0] == 200
    finally:
        load.stop()
    served_cleanly(server)


@pytest.mark.postgres_only
def test_postgresql_cut_off_under_load_answers_503_with_retry_after_and_recovers_without_restart(served, seeded):
    server, proxy = served.server, served.proxy
    load = Load(server.port, seeded).start()
    try:
        load.wait_for(15, 201)
        processes = (server.proc.pid, server.workers())
        proxy.down()
        down_at = time.monotonic()
        load.wait_for(6, 503, since=down_at)
        time.sleep(1)
        proxy.up()
        up_at = time.monotonic()
        load.wait_for(20, 201, since=up_at + 1)
        load.stop()

        assert (server.proc.pid, server.workers()) == processes  # nothing restarted
        statuses = {a[4] for a in load.answers}
        assert statuses == {201, 503}, statuses  # never a 500, nor a dropped connection
        assert {a[5] for a in load.answers if a[4] == 503} == {"30"}
        while_down = [a for a in load.answers if down_at + 0.5 <= a[1] < up_at]
        assert while_down and all(a[4] == 503 for a in while_down)
        # served again once the database is back (a thread's first request may still meet the cut connection)
        late = [a for a in load.answers if a[1] >= up_at + 1]
        assert late and all(a[4] == 201 for a in late), late[:5]
        assert_acknowledged_writes_present(load)
        assert_unanswered_check_ins_sent_again_are_stored_once(server, load, {503})
    finally:
        load.stop()
        with contextlib.suppress(OSError):
            proxy.up()  # for the next test, should this one have failed while it was down
    assert "answered 503" in server.log_path.read_text()
    served_cleanly(server)


@pytest.mark.postgres_only
def test_an_upload_onto_a_full_disk_answers_507_leaves_no_file_and_no_row(served, seeded):
    server, disk = served.server, served.disk
    load = Load(server.port, seeded, threads=2).start()
    token = {"Authorization": f"Bearer {seeded['hq_token']}"}
    try:
        load.wait_for(10, 201)
        big = ledger_csv(90_000)  # ~3 MB: beyond what an upload keeps in memory (2.5 MB), so spooled to disk
        assert len(big) > 2 * 1024 * 1024 + 512 * 1024
        body, content_type = multipart({"region": factories.VILLAGE_A1}, "台账.csv", big)
        status, headers, answer = server.request("POST", "/api/ledger/import", body,
                                                 {"Content-Type": content_type, **token})
        assert status == 507, answer
        assert headers["Content-Type"] == "application/json"
        assert json.loads(answer) == {"detail": json.loads(answer)["detail"], "status": "insufficient_storage"}
        assert json.loads(answer)["detail"].startswith(DISK_FULL)
        assert list(disk.iterdir()) == []  # nothing half-written is left, the space is free again
        assert Person.objects.filter(name__startswith="张").count() == 0
        sent_at = time.monotonic()
        load.wait_for(10, 201, since=sent_at)

        body, content_type = multipart({"region": factories.VILLAGE_A1}, "台账.csv", ledger_csv(1))
        status, _headers, answer = server.request("POST", "/api/ledger/import", body,
                                                  {"Content-Type": content_type, **token})
        assert status == 200 and json.loads(answer)["created"] == 1, answer  # in memory: still taken
        load.stop()
        assert {a[4] for a in load.answers} == {201}  # the other requests went on meanwhile
        assert_acknowledged_writes_present(load)
    finally:
        load.stop()
    assert "disk full: POST /api/ledger/import answered 507" in server.log_path.read_text()
    served_cleanly(server)


# The same in this process, on both databases -------------------------------------------------------------------

class _SmallDiskFile(uploadedfile.TemporaryUploadedFile):
    """A spooled upload on a disk with 1 MB left: the write past it fails as the kernel's would."""

    room = 1024 * 1024

    def write(self, data):
        written = self.file.tell()
        if written + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.file.write(data)


@pytest.fixture
def full_disk(monkeypatch, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", _SmallDiskFile)
    return tmp_path


def test_an_upload_the_disk_cannot_hold_is_507_through_the_page_and_the_api_and_nothing_is_kept(tree, full_disk,
                                                                                                caplog):
    hq = factories.user("hq_upload")
    people = Person.objects.count()
    big = ledger_csv(90_000)
    page = Client(raise_request_exception=False)
    page.force_login(hq)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = page.post("/ledger/import/", {"region": factories.VILLAGE_A1, "file": SimpleUploadedFile(
        "台账.csv", big, content_type="text/csv")})
    assert response.status_code == 507
    html = response.content.decode()
    assert "<h1>服务器存储空间已满</h1>" in html and DISK_FULL in html

    api = Client(raise_request_exception=False)
    response = api.post("/api/ledger/import", {"region": factories.VILLAGE_A1, "file": SimpleUploadedFile(
        "台账.csv", big, content_type="text/csv")}, HTTP_AUTHORIZATION=f"Bearer {create_token(hq, hq, 't')}")
    assert response.status_code == 507 and response.json()["detail"].startswith(DISK_FULL)
    assert list(full_disk.iterdir()) == []  # the part written was removed at once
    assert Person.objects.count() == people
    assert [r.getMessage() for r in caplog.records if r.name == "fangkong.disk_full"] == [
        "disk full: POST /ledger/import/ answered 507 (No space left on device)",
        "disk full: POST /api/ledger/import answered 507 (No space left on device)"]


def test_other_errors_stay_500():
    from fangkong.core import disk_full
    assert disk_full.is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert disk_full.is_disk_full(RuntimeError("wrapped").with_traceback(None)) is False
    try:
        try:
            raise OSError(errno.EDQUOT, "Disk quota exceeded")
        except OSError as exc:
            raise ValueError("could not save") from exc
    except ValueError as wrapped:
        assert disk_full.is_disk_full(wrapped)
    assert not disk_full.is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not disk_full.is_disk_full(None)


# The scheduler killed mid-job -----------------------------------------------------------------------------------

def start_worker(tmp: Path, name: str) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(DATABASE_URL=database_url(), FANGKONG_VAR=str(tmp / "var"), DJANGO_SETTINGS_MODULE="fangkong.settings",
               FAULT_DIR=str(tmp), SECRET_KEY=settings.SECRET_KEY, FANGKONG_DIGEST_KEY=settings.FANGKONG_DIGEST_KEY,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])))
    log = tmp / f"worker-{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.core.fault_jobs"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    return process, log


def calls(tmp: Path) -> list[list[str]]:
    path = tmp / "calls"
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_killed_mid_job_runs_the_job_again_once(tmp_path):
    (tmp_path / "hang").touch()
    first, first_log = start_worker(tmp_path, "a")
    second = None
    try:
        deadline = time.monotonic() + 60
        while not calls(tmp_path):
            assert time.monotonic() < deadline and first.poll() is None, first_log.read_text()
            time.sleep(0.1)
        [(word, period, pid)] = calls(tmp_path)
        assert (word, int(pid)) == ("start", first.pid)
        (tmp_path / "hang").unlink()
        first.kill()  # SIGKILL mid-job: nothing records the attempt's end
        first.wait(10)
        run = PeriodicRun.objects.get(job=fault_jobs.KEY)
        assert (run.state, run.attempts) == (RunState.RUNNING, 1)

        second, second_log = start_worker(tmp_path, "b")
        deadline = time.monotonic() + 60
        while PeriodicRun.objects.get(pk=run.pk).state != RunState.DONE:
            assert time.monotonic() < deadline and second.poll() is None, second_log.read_text()
            time.sleep(0.2)
        time.sleep(1.5)  # a few more of the worker's rounds: nothing runs it a third time
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(10)
    run.refresh_from_db()
    assert (run.state, run.attempts) == (RunState.DONE, 2)
    assert "taken for dead" in second_log.read_text()
    of_period = [c for c in calls(tmp_path) if c[1] == period]
    assert of_period == [["start", period, str(first.pid)], ["start", period, str(second.pid)],
                         ["done", period, str(second.pid)]]


# A backup onto a full disk --------------------------------------------------------------------------------------

@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (pg_dump of the test database)")
def test_a_backup_onto_a_full_disk_says_so_and_leaves_no_file(transactional_db, tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    from fangkong.core import backups
    disk = tmp_path / "backups"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small filesystem needs root")
    try:
        factories.county_tree()
        monkeypatch.setenv(backups.PASSPHRASE_ENV, "a passphrase long enough")
        with pytest.raises(CommandError) as refused:
            call_command("backup", str(disk / "fangkong.fkbackup"))
        assert str(refused.value).startswith(f"{disk / 'fangkong.fkbackup'}: the disk is full")
        assert "nothing was kept" in str(refused.value)
        assert list(disk.iterdir()) == []  # neither the backup nor its .partial
    finally:
        subprocess.run(["umount", str(disk)], check=True)
