"""Backups of a deployment (`fangkong backup OUT`, `fangkong restore IN`): one file, sealed with a passphrase.

A database dump alone does not bring a deployment back: every ID and phone look-up compares keyed digests
(people.identity), so without the digest key the restored people can no longer be found by number; uploaded
files live beside the database under MEDIA_ROOT. A backup holds all three, as a tar stream sealed by
core.sealed (scrypt + AES-GCM), never written to disk unsealed:

    manifest.json       what it is: format, time, database vendor, the migrations the database had
    digest_key          FANGKONG_DIGEST_KEY
    database.sqlite3    SQLite's online backup API (a consistent copy while writers go on), or
    database.pgdump     `pg_dump --format=custom` (one snapshot of the database)
    media/…             every file under MEDIA_ROOT

The session key (SECRET_KEY) is left out: a restored deployment keeps its own, and signs its users in again.
A restore checks everything it can before it changes anything: the passphrase and the whole file (opened into
a private temporary folder), the vendor, an empty database and upload folder (or --force), a digest key set in
the environment equal to the backup's. Only then the database is replaced, the files put back and the key
written to FANGKONG_VAR/digest_key (a different key there is kept beside it, renamed).
"""

import contextlib
import datetime
import getpass
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import sealed

FORMAT = 1
PASSPHRASE_ENV = "FANGKONG_BACKUP_PASSPHRASE"
MIN_PASSPHRASE = 12
MANIFEST, DIGEST_KEY = "manifest.json", "digest_key"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"


class BackupError(Exception):
    """What stops a backup or a restore, said so that the operator knows what to do."""


@dataclass
class Restored:
    manifest: dict
    media_files: int = 0
    key_written: bool = False
    set_aside: list[str] = field(default_factory=list)  # what was there before, kept under another name
    needs_migrate: bool = False


def read_passphrase(path: str | None) -> str:
    """The passphrase from --passphrase-file (its first line), else from FANGKONG_BACKUP_PASSPHRASE; never an
    argument, which every user of the machine can read in the process list."""
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise BackupError(f"--passphrase-file {path}: {exc.strerror or exc}") from None
        value = text.splitlines()[0] if text.strip() else ""
    else:
        value = os.environ.get(PASSPHRASE_ENV, "")
    if not value:
        raise BackupError(f"no passphrase: give --passphrase-file FILE or set {PASSPHRASE_ENV}")
    if len(value) < MIN_PASSPHRASE:
        raise BackupError(f"the passphrase has {len(value)} characters; at least {MIN_PASSPHRASE} are needed")
    return value


def _connection():
    return connections["default"]


def vendor() -> str:
    return _connection().vendor


# Backing up --------------------------------------------------------------------------------------------


def write_backup(out: Path, passphrase: str) -> dict:
    """Write the sealed backup to `out` (through `out`.partial, renamed when complete); its manifest."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} exists already: give a new file name")
    if vendor() not in DUMPS:
        raise BackupError(f"backups are made of SQLite and PostgreSQL databases, not {vendor()}")
    media = _media_files()
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": vendor(),
        "database": DUMPS[vendor()], "migrations": _applied_migrations(), "media_files": len(media),
        "made_by": f"{getpass.getuser()}@{socket.gethostname()}",
    }
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="fangkong-backup-") as work:  # made 0700 by tempfile
        dump = Path(work) / DUMPS[vendor()]
        _dump_database(dump)
        try:
            with _private_file(partial) as raw:
                sealer = sealed.SealingWriter(raw, passphrase)
                with tarfile.open(fileobj=sealer, mode="w|") as tar:
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
                    _add_bytes(tar, DIGEST_KEY, settings.FANGKONG_DIGEST_KEY.encode())
                    tar.add(dump, arcname=DUMPS[vendor()])
                    root = Path(settings.MEDIA_ROOT)
                    for path in media:
                        tar.add(path, arcname=f"{MEDIA}/{path.relative_to(root).as_posix()}", recursive=False)
                sealer.close()
                raw.flush()
                os.fsync(raw.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.rename(out)
    return manifest


@contextlib.contextmanager
def _private_file(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw:
        yield raw


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _applied_migrations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(_connection()).applied_migrations():
        found.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(found.items())}


def _dump_database(target: Path) -> None:
    if vendor() == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(target)
        try:
            # one step: the copy is the database as of one moment, while other connections go on writing
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], "pg_dump")


def _sqlite_path() -> str:
    name = str(_connection().settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return name


def _pg_environment() -> dict[str, str]:
    """The connection as libpq's variables, so no password ever appears on a command line."""
    db = _connection().settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[variable] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                          ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def _run(args: list[str], tool: str) -> None:
    try:
        done = subprocess.run(args, env=_pg_environment(), capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)") from None
    if done.returncode:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


# Restoring ---------------------------------------------------------------------------------------------


def open_backup(path: Path, passphrase: str, into: Path) -> dict:
    """Open the sealed backup into the folder `into` and check it whole; its manifest."""
    try:
        raw = open(path, "rb")  # closed below, once the stream is read
    except OSError as exc:
        raise BackupError(f"{path}: {exc.strerror or exc}") from None
    with raw:
        try:
            reader = sealed.OpeningReader(raw, passphrase)
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    _check_member(member)
                    tar.extract(member, into, filter="data")
            reader.read()  # the last part must be there and intact, whatever tar read of it
        except sealed.WrongPassphrase:
            raise BackupError(f"{path}: wrong passphrase: the file is not opened with it") from None
        except (sealed.Damaged, tarfile.TarError) as exc:
            raise BackupError(f"{path}: damaged or not a Fangkong backup ({exc})") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{path}: no readable {MANIFEST} in the backup") from None
    if manifest.get("format") != FORMAT or manifest.get("vendor") not in DUMPS:
        raise BackupError(f"{path}: backup format {manifest.get('format')} of {manifest.get('vendor')} unknown here")
    for name in (DIGEST_KEY, DUMPS[manifest["vendor"]]):
        if not (into / name).is_file():
            raise BackupError(f"{path}: {name} is missing from the backup")
    return manifest


def _check_member(member: tarfile.TarInfo) -> None:
    name = member.name
    allowed = name in (MANIFEST, DIGEST_KEY, *DUMPS.values()) or (name.startswith(MEDIA + "/") and member.isfile())
    if not allowed or not (member.isfile() or member.isdir()):
        raise tarfile.TarError(f"unexpected member {name!r}")


def database_contents() -> dict[str, int]:
    """The tables of the database, each with its number of rows (empty: a database made by createdb)."""
    conn = _connection()
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def restore(path: Path, passphrase: str, *, force: bool = False) -> Restored:
    """Put the deployment of the backup `path` back (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="fangkong-restore-") as work:
        into = Path(work)
        manifest = open_backup(Path(path), passphrase, into)
        if manifest["vendor"] != vendor():
            raise BackupError(f"a backup of a {manifest['vendor']} database cannot be restored into {vendor()}: "
                              f"set DATABASE_URL to a {manifest['vendor']} database")
        key = (into / DIGEST_KEY).read_text(encoding="utf-8").strip()
        _check_key_setting(key)
        _check_empty(force)
        result = Restored(manifest)
        if vendor() == "sqlite":
            _restore_sqlite(into / DUMPS["sqlite"])
        else:
            _restore_postgres(into / DUMPS["postgresql"], force)
        result.media_files, moved = _restore_media(into / MEDIA)
        result.set_aside += moved
        result.key_written, moved = _write_key(key)
        result.set_aside += moved
    result.needs_migrate = _needs_migrate()
    return result


def _check_key_setting(key: str) -> None:
    set_here = os.environ.get("FANGKONG_DIGEST_KEY")
    if set_here and set_here.strip() != key:
        raise BackupError(
            "FANGKONG_DIGEST_KEY is set to another key than the backup's: ID and phone look-ups of the restored "
            "people would find nobody. Unset it (the restore writes the backup's key to FANGKONG_VAR/digest_key) "
            "or set it to the key the backed-up deployment used.")


def _check_empty(force: bool) -> None:
    if force:
        return
    tables = database_contents()
    if tables:
        busiest = sorted(tables.items(), key=lambda item: -item[1])[:3]
        rows = ", ".join(f"{table} {n} rows" for table, n in busiest)
        raise BackupError(f"the database is not empty ({len(tables)} tables; {rows}): restore into a new database "
                          "(createdb, or a new SQLite file), or give --force to replace this one")
    if _media_files():
        raise BackupError(f"the upload folder {settings.MEDIA_ROOT} holds files: empty it, or give --force "
                          "(its files are then kept beside it, renamed)")


def _restore_sqlite(copy: Path) -> None:
    connections.close_all()
    source, target = sqlite3.connect(copy), sqlite3.connect(_sqlite_path())
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgres(dump: Path, force: bool) -> None:
    conn = _connection()
    if force:
        with conn.cursor() as cursor:
            tables = conn.introspection.table_names(cursor)
            if tables:
                cursor.execute("DROP TABLE IF EXISTS " + ", ".join(conn.ops.quote_name(t) for t in tables)
                               + " CASCADE")
    connections.close_all()
    _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={_connection().settings_dict['NAME']}", str(dump)], "pg_restore")


def _aside(path: Path) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    return path.with_name(f"{path.name}.before-restore-{stamp}")


def _restore_media(folder: Path) -> tuple[int, list[str]]:
    root, moved = Path(settings.MEDIA_ROOT), []
    if _media_files():
        moved.append(str(root.rename(_aside(root))))
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    for path in files:
        target = root / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return len(files), moved


def _write_key(key: str) -> tuple[bool, list[str]]:
    if os.environ.get("FANGKONG_DIGEST_KEY"):
        return False, []  # the environment's key is the backup's (checked before anything was changed)
    path, moved = Path(settings.VAR_DIR) / DIGEST_KEY, []
    if path.exists():
        if path.read_text(encoding="utf-8").strip() == key:
            return False, []
        moved.append(str(path.rename(_aside(path))))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key)
    settings.FANGKONG_DIGEST_KEY = key  # this process digests with it from now on too
    return True, moved


def _needs_migrate() -> bool:
    conn = _connection()
    executor = MigrationExecutor(conn)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
