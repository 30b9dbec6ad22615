"""Databases of their own for the tests that run `fangkong` in a subprocess (a server, a console command).

Migrating the whole schema is the slow part of such a test, so the schema is migrated once per test run into a
template (a SQLite file, or a PostgreSQL database used as a `CREATE DATABASE … TEMPLATE`) and each deployment
starts from a copy of it. The test database, just migrated for the run, is copied as the template of its own
vendor (`keep_as_template`, tests/conftest.py); the other vendor's template, or one asked for before the test
database was made, is migrated by `fangkong migrate`.
"""

import atexit
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from functools import cache
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
FANGKONG = str(Path(sys.executable).parent / "fangkong")


def _migrate(url: str, var: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FANGKONG_VAR": str(var)}
    subprocess.run([FANGKONG, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, capture_output=True,
                   timeout=600)


_kept: dict[str, Path | str] = {}  # vendor: the template copied from the freshly migrated test database


def keep_as_template(connection) -> None:
    """Copy the test database, migrated and not yet written by any test, as the template of its vendor."""
    if connection.vendor == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="fangkong-template-")) / "template.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        _kept["sqlite"] = path
    elif connection.vendor == "postgresql":
        name, source = f"fk_template_{uuid.uuid4().hex[:10]}", connection.settings_dict["NAME"]
        connections.close_all()  # a template is copied with no session open on it (the replica's alias too)
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        atexit.register(_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _kept["postgresql"] = name


@cache
def _sqlite_template() -> Path:
    if "sqlite" in _kept:
        return _kept["sqlite"]
    folder = Path(tempfile.mkdtemp(prefix="fangkong-template-"))
    path = folder / "template.sqlite3"
    _migrate(f"sqlite:///{path}", folder)
    return path


def sqlite_copy(path: Path) -> str:
    """A migrated SQLite database at `path` (copied by SQLite's backup API); its URL."""
    source, target = sqlite3.connect(_sqlite_template()), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


def server_url(name: str) -> str:
    """The URL of database `name` on the PostgreSQL server the tests run on."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def _admin(statement: str) -> None:
    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(statement)


@cache
def _postgres_template() -> str:
    if "postgresql" in _kept:
        return _kept["postgresql"]
    name = f"fk_template_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    atexit.register(_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _migrate(server_url(name), Path(tempfile.mkdtemp(prefix="fangkong-template-")))
    return name


def postgres_copy(prefix: str) -> tuple[str, str]:
    """A new migrated PostgreSQL database named from `prefix`: its URL and name (drop it with `drop`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{_postgres_template()}"')
    return server_url(name), name


def postgres_empty(prefix: str) -> tuple[str, str]:
    """A new empty PostgreSQL database named from `prefix` (as `createdb` makes it): its URL and name."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    return server_url(name), name


def drop(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def this_pass(items: list) -> list:
    """Every other item for this database's pass (SQLite the even ones, PostgreSQL the odd ones): for the few
    slowest tests repeated per role (the crawl, the API fuzzing), each role is covered once per CI run, which
    runs both passes, instead of twice."""
    return [item for i, item in enumerate(items) if (i % 2 == 1) == on_postgres()]
