"""`fangkong serve` run as it runs in production, a subprocess on a free port: its gunicorn workers answer the
health check, a page and a static file, log each request without its query string, reload on SIGHUP with new
workers, and stop cleanly on SIGTERM. While the database cannot be reached every request is a 503 with
Retry-After (a Chinese page, JSON under /api/), and once it is back the same server answers again."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

import fangkong
from tests import deployments

FANGKONG = str(Path(sys.executable).parent / "fangkong")
STATIC = Path(fangkong.__file__).parent / "core" / "static" / "fangkong" / "site.css"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "FANGKONG_HTTPS")}
    env.update(FANGKONG_VAR=str(tmp / "var"), DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="fangkong.settings")
    return env


class Server:
    """`fangkong serve` with two workers of two threads on a free port of the loopback."""

    def __init__(self, tmp: Path, database_url: str):
        self.port = free_port()
        self.log_path = tmp / "serve.log"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [FANGKONG, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "2",
             "--graceful-timeout", "10"],
            env=environment(tmp, database_url), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/healthz")
                return
            except OSError:
                assert self.proc.poll() is None, self.log_path.read_text()
                time.sleep(0.2)
        raise AssertionError(f"fangkong serve did not answer:\n{self.log_path.read_text()}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def workers(self) -> set[str]:
        pid = self.proc.pid
        return set(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:  # pragma: no cover - only when the stop above failed
                self.proc.kill()
            self.log.close()


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("serve")
    return tmp, deployments.sqlite_copy(tmp / "fangkong.sqlite3")


def test_serve_answers_health_pages_and_static_files_reloads_on_sighup_and_stops_cleanly(migrated_sqlite):
    tmp, url = migrated_sqlite
    server = Server(tmp, url)
    try:
        status, headers, body = server.get("/healthz")
        assert (status, body) == (200, b'{"status": "ok"}')
        assert headers["Server"] == "gunicorn"

        status, headers, body = server.get("/accounts/login/?next=/people/%3Fq%3D420921199001011234")
        assert status == 200 and "用户名" in body.decode() and "密码" in body.decode()

        status, headers, body = server.get("/static/fangkong/site.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert body == STATIC.read_bytes()
        assert (tmp / "var" / "static" / "fangkong" / "site.css").exists()  # collected for WhiteNoise

        master, before = server.proc.pid, server.workers()
        assert len(before) == 2
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (len(server.workers()) == 2 and not server.workers() & before):
            time.sleep(0.2)
        after = server.workers()
        assert len(after) == 2 and not after & before, "SIGHUP did not replace the workers"
        assert server.proc.pid == master and server.proc.poll() is None
        assert server.get("/healthz")[0] == 200
    finally:
        returncode = server.stop()
    assert returncode == 0
    with pytest.raises(OSError):
        server.get("/healthz")  # the port is closed

    log = server.log_path.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log and '"GET /static/fangkong/site.css HTTP/1.1" 200' in log
    assert "420921199001011234" not in log  # paths only: a query string may hold an ID number
    assert "Handling signal: hup" in log.lower() or "hang up" in log.lower()


def test_while_the_database_cannot_be_opened_requests_get_503_with_retry_after(tmp_path):
    server = Server(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'folder' / 'fangkong.sqlite3'}")
    try:
        _assert_unavailable(server)
    finally:
        assert server.stop() == 0
    log = server.log_path.read_text()
    assert "database unavailable: GET /healthz answered 503 (unable to open database file)" in log
    assert "Traceback" not in log


def _assert_unavailable(server: Server) -> None:
    status, headers, body = server.get("/healthz")
    assert status == 503 and headers["Retry-After"] == "30"
    assert headers["Content-Type"] == "application/json"

    # a signed-in browser's page reads the session from the database
    status, headers, body = server.get("/people/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})
    assert status == 503 and headers["Retry-After"] == "30" and headers["Content-Type"].startswith("text/html")
    html = body.decode()
    assert "<h1>服务暂时不可用</h1>" in html and "数据库暂时无法连接" in html

    status, headers, body = server.get("/api/me", {"Authorization": "Bearer not-a-token-but-looked-up"})
    assert status == 503 and headers["Retry-After"] == "30"
    assert headers["Content-Type"] == "application/json" and "数据库暂时无法连接" in body.decode()


class Proxy:
    """A TCP relay to PostgreSQL on a port of its own: `down()` refuses new connections and cuts the open ones, as
    a database server that stops does; `up()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.port = target, free_port()
        self.listener: socket.socket | None = None
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listening = True
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self) -> None:
        with self.lock:
            self.listening = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (Linux)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.open:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self.lock:
                if not self.listening:
                    client.close()
                    return
                upstream = socket.create_connection(self.target)
                self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")
def test_postgresql_going_away_gives_503_and_coming_back_needs_no_restart(transactional_db, tmp_path):
    db = connection.settings_dict  # the test database
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.up()
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    server = Server(tmp_path, f"postgres://{db['USER']}{password}@127.0.0.1:{proxy.port}/{db['NAME']}")
    try:
        assert server.get("/healthz")[0] == 200
        assert server.get("/api/me", {"Authorization": "Bearer unknown"})[0] == 401  # looked up in the database

        proxy.down()
        for _ in range(3):  # every worker and thread, whether its connection was open or not
            _assert_unavailable(server)

        proxy.up()
        statuses = [server.get("/healthz")[0] for _ in range(6)]
        assert statuses == [200] * 6, statuses
        assert server.get("/api/me", {"Authorization": "Bearer unknown"})[0] == 401
        assert server.get("/people/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"})[0] == 302  # to login
    finally:
        assert server.stop() == 0
        proxy.down()
    assert "Traceback" not in server.log_path.read_text()
