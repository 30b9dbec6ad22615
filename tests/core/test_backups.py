"""`fangkong backup` while writes go on, `fangkong restore` into a new deployment: every write acknowledged before
the backup started is there, every person is found again by ID number, the uploaded file is back, and a wrong
passphrase or a database that is not empty is refused. Each deployment is its own processes, with its own folder
(FANGKONG_VAR) and database: a new SQLite file, or on the PostgreSQL pass new databases on the same server."""

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests import deployments
from tests.core.backup_writer import UPLOAD_TEXT

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"


class Deployment:
    """A Fangkong deployment of its own: its folder and database; commands and the writer run as processes."""

    def __init__(self, folder: Path, database_url: str):
        folder.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FANGKONG_", "DJANGO_", "PYTEST"))}
        self.env = env | {"FANGKONG_VAR": str(folder), "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
        self.folder = folder

    def fangkong(self, *args, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "fangkong", *map(str, args)], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert not check or done.returncode == 0, done.stderr
        return done

    def writer(self, *args) -> list[str]:
        return [sys.executable, "-m", "tests.core.backup_writer", *map(str, args)]

    def run_writer(self, *args) -> str:
        done = subprocess.run(self.writer(*args), env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def new_deployment(tmp_path_factory):
    """new_deployment(name, migrated=False) -> a Deployment with an empty database, or with the schema migrated
    (a copy of the test run's migrated template); PostgreSQL's are dropped afterwards."""
    made, folder = [], tmp_path_factory.mktemp("deployments")

    def make(name: str, migrated: bool = False) -> Deployment:
        if not deployments.on_postgres():
            deployment = Deployment(folder / name, "")
            if migrated:
                deployments.sqlite_copy(deployment.folder / "fangkong.sqlite3")
            return deployment
        url, database = (deployments.postgres_copy if migrated else deployments.postgres_empty)(f"fk_backup_{name}")
        made.append(database)
        return Deployment(folder / name, url)

    yield make
    for database in made:
        deployments.drop(database)


class Acknowledged:
    """The writer's acknowledged writes, each with when the test read it."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[tuple[float, list[str]]] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process) -> None:
        for line in process.stdout:
            self.lines.append((time.monotonic(), line.split()))

    def wait_for(self, count: int, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        while len(self.lines) < count:
            assert time.monotonic() < end, f"the writer acknowledged {len(self.lines)} writes in {timeout} s"
            time.sleep(0.05)


@dataclass
class BackedUp:
    source: Deployment
    backup: Path
    secret: Path
    before: list[list[str]]  # the writes acknowledged before the backup started
    during: int  # writes acknowledged while it ran
    stdout: str


@pytest.fixture(scope="module")
def backed_up(new_deployment, tmp_path_factory) -> BackedUp:
    """A deployment at work, backed up while its writer commits people and follow-ups."""
    folder = tmp_path_factory.mktemp("backup")
    secret = folder / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    source = new_deployment("source", migrated=True)
    source.run_writer("setup")
    stop = folder / "stop"
    writer = subprocess.Popen(source.writer("write", stop), env=source.env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    acked = Acknowledged(writer)
    try:
        acked.wait_for(40)
        started = time.monotonic()
        before = [words for _at, words in list(acked.lines)]
        backup = folder / "county.fkbackup"
        made = source.fangkong("backup", backup, "--passphrase-file", secret)
        ended = time.monotonic()
    finally:
        stop.touch()
        writer.wait(60)
        acked.thread.join(10)
    assert writer.returncode == 0, writer.stderr.read()
    during = sum(1 for at, _words in acked.lines if started <= at <= ended)
    return BackedUp(source, backup, secret, before, during, made.stdout)


def test_a_backup_taken_while_writes_go_on_restores_every_acknowledged_write(backed_up, new_deployment, tmp_path):
    assert backed_up.during > 0, "no write went on during the backup"
    assert "digest key" in backed_up.stdout
    content = backed_up.backup.read_bytes()
    digest_key = (backed_up.source.folder / "digest_key").read_text().strip()
    assert digest_key.encode() not in content and "隔离对象".encode() not in content and b"SQLite format" not in content

    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n")
    target = new_deployment("target")
    refused = target.fangkong("restore", backed_up.backup, "--passphrase-file", wrong, check=False)
    assert refused.returncode != 0 and "wrong passphrase" in refused.stderr
    restored = target.fangkong("restore", backed_up.backup, "--passphrase-file", backed_up.secret)
    assert "the digest key" in restored.stdout and "run `fangkong migrate`" not in restored.stdout
    assert (target.folder / "digest_key").read_text().strip() == digest_key

    persons = {words[2]: int(words[1]) for words in backed_up.before if words[0] == "person"}
    follow_ups = [int(words[1]) for words in backed_up.before if words[0] == "follow_up"]
    asked = tmp_path / "acknowledged.json"
    asked.write_text(json.dumps({"persons": list(persons), "follow_ups": follow_ups}))
    found = json.loads(target.run_writer("check", asked))
    assert found["found"] == {number: [pk] for number, pk in persons.items()}  # every ID look-up still works
    assert found["follow_ups"] == sorted(follow_ups)
    assert found["unaudited"] == []  # no write was copied half-done
    assert found["upload"] == UPLOAD_TEXT

    again = target.fangkong("restore", backed_up.backup, "--passphrase-file", backed_up.secret, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr and "--force" in again.stderr


def test_a_restore_with_force_replaces_a_database_that_is_not_empty(backed_up, new_deployment, tmp_path):
    assert backed_up.backup.exists()
    again = backed_up.source.fangkong("backup", backed_up.backup, "--passphrase-file", backed_up.secret, check=False)
    assert again.returncode != 0 and "exists already" in again.stderr  # a backup is never overwritten

    target = new_deployment("target_force")
    database = target.env["DATABASE_URL"]
    if database:
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute("CREATE TABLE something_else (id integer)")
    else:
        with sqlite3.connect(target.folder / "fangkong.sqlite3") as conn:
            conn.execute("CREATE TABLE something_else (id integer)")
    refused = target.fangkong("restore", backed_up.backup, "--passphrase-file", backed_up.secret, check=False)
    assert refused.returncode != 0 and "something_else" in refused.stderr
    target.fangkong("restore", backed_up.backup, "--passphrase-file", backed_up.secret, "--force")
    asked = tmp_path / "nothing.json"
    asked.write_text(json.dumps({"persons": [], "follow_ups": []}))
    found = json.loads(target.run_writer("check", asked))
    assert found["upload"] == UPLOAD_TEXT and found["unaudited"] == []
    assert list(target.folder.glob("digest_key.before-restore-*"))  # the key it had is kept aside


def test_the_passphrase_comes_from_a_file_or_the_environment_and_is_long_enough(tmp_path, monkeypatch):
    from fangkong.core import backups

    monkeypatch.delenv(backups.PASSPHRASE_ENV, raising=False)
    with pytest.raises(backups.BackupError, match="no passphrase"):
        backups.read_passphrase(None)
    monkeypatch.setenv(backups.PASSPHRASE_ENV, "short")
    with pytest.raises(backups.BackupError, match="at least 12"):
        backups.read_passphrase(None)
    monkeypatch.setenv(backups.PASSPHRASE_ENV, PASSPHRASE)
    assert backups.read_passphrase(None) == PASSPHRASE
    path = tmp_path / "passphrase"
    path.write_text("from the file, first line\nsecond line\n")
    assert backups.read_passphrase(str(path)) == "from the file, first line"
    with pytest.raises(backups.BackupError, match="passphrase-file"):
        backups.read_passphrase(str(tmp_path / "missing"))
