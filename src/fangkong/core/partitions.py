"""Monthly partitions of the large registers (PostgreSQL), and how long their rows are kept.

Check-ins, passages, follow-ups and the audit trail grow by millions of rows a month in a city and are read
by time. On PostgreSQL each is a table partitioned by month of its time column (local months, TIME_ZONE):
a day's reads touch one partition, indexes stay the size of a month, and rows past their retention go by
dropping a partition instead of deleting millions of rows. SQLite keeps plain tables; retention deletes there.

Each app registers its table in AppConfig.ready() (`register`), and converts it in a migration
(`partition_table`, reversed by `unpartition_table`). The worker's daily job (`maintain`) makes the
months ahead and applies `FANGKONG_RETENTION_MONTHS`.

What partitioning asks of a table, and the schema keeps (so that Citus could later distribute it the same way):

- The primary key holds the month's column: (id, time). Django still addresses rows by id alone; ids come
  from the table's own sequence and stay unique.
- A unique rule that does not hold the time column cannot be enforced across partitions. The idempotency
  keys of passages and check-ins are such rules: there the services take a lock on the key and look it up
  before writing (core.locks), and the index stays, not unique, for that look-up.
- No foreign key may point at a partitioned table: the few that did (an arrival task's passage or check-in)
  are kept by Django, not the database, and `maintain` clears them before dropping the rows they name.
- A row whose time falls in no month made yet lands in the table's default partition; making that month
  later moves such rows into it.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import periodic

# months made ahead of the current one, so that writes never wait for the job
AHEAD = 3
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class Register:
    """A partitioned register: `name` is its key in FANGKONG_RETENTION_MONTHS; `key` the time field."""

    name: str
    model: type[models.Model]
    key: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column(self) -> str:
        return self.model._meta.get_field(self.key).column


_registers: dict[str, Register] = {}


def register(name: str, model: type[models.Model], key: str) -> None:
    _registers[name] = Register(name, model, key)


def registers() -> list[Register]:
    return sorted(_registers.values(), key=lambda r: r.name)


def retention() -> dict[str, int]:
    """FANGKONG_RETENTION_MONTHS as {register: months}; an unknown register is a configuration error."""
    months = settings.FANGKONG_RETENTION_MONTHS
    unknown = sorted(set(months) - set(_registers))
    if unknown:
        raise ImproperlyConfigured(
            f"FANGKONG_RETENTION_MONTHS names {', '.join(unknown)}: expected some of {', '.join(sorted(_registers))}")
    return months


# Months ---------------------------------------------------------------------------------------------------

def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the local month `moment` falls in."""
    return timezone.localtime(moment, _zone()).date().replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_start(month: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(month, datetime.time(), tzinfo=_zone())


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y%m}"


def _default_name(table: str) -> str:
    return f"{table}_default"


# Conversion (migrations) -----------------------------------------------------------------------------------

def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes other than its primary key."""
    cursor.execute("""
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary ORDER BY i.relname""", [table])
    return cursor.fetchall()


def _foreign_keys(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                   "AND contype = 'f' ORDER BY conname", [table])
    return cursor.fetchall()


def _incoming_keys(cursor, table: str) -> list[str]:
    cursor.execute("SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
                   "WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid", [table])
    return [row[0] for row in cursor.fetchall()]


def _is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
    return cursor.fetchone() is not None


def _rebuild(schema_editor, table: str, *, column: str | None, unique: tuple[str, ...]) -> None:
    """Rebuild `table` under its own name, partitioned by month of `column` (plain when `column` is None),
    with its rows, id sequence, indexes and foreign keys. `unique`: the names of indexes that are unique on
    the plain table and cannot be on the partitioned one (see the module docstring)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if _is_partitioned(cursor, table) == (column is not None):
            return
        # rows written earlier in this transaction have their key checks queued, and a queued table cannot be altered
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        incoming = _incoming_keys(cursor, table)
        if incoming:
            raise RuntimeError(f"{table}: foreign keys point at it ({', '.join(incoming)}); "
                               "make them db_constraint=False first")
        indexes, foreign_keys = _indexes(cursor, table), _foreign_keys(cursor, table)
        old = f"{table}__old"
        cursor.execute(f"ALTER TABLE {_quote(table)} RENAME TO {_quote(old)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {_quote(name)}")
        cursor.execute(f"ALTER TABLE {_quote(old)} DROP CONSTRAINT {_quote(table + '_pkey')}")
        _drop_id_sequence(cursor, old)

        partition_by = f" PARTITION BY RANGE ({_quote(column)})" if column else ""
        cursor.execute(f"CREATE TABLE {_quote(table)} (LIKE {_quote(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                       f"INCLUDING STORAGE INCLUDING COMMENTS){partition_by}")
        primary_key = ", ".join(map(_quote, ["id", column] if column else ["id"]))
        cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(table + '_pkey')} PRIMARY KEY ({primary_key})")
        if column:
            # identity columns on partitioned tables come with PostgreSQL 17: a sequence owned by the column
            cursor.execute(f"CREATE SEQUENCE {_quote(table + '_id_seq')} AS bigint OWNED BY {_quote(table)}.id")
            cursor.execute(f"ALTER TABLE {_quote(table)} ALTER COLUMN id SET DEFAULT nextval(%s::regclass)",
                           [table + "_id_seq"])
            cursor.execute(f"CREATE TABLE {_quote(_default_name(table))} PARTITION OF {_quote(table)} DEFAULT")
            cursor.execute(f"SELECT DISTINCT (date_trunc('month', {_quote(column)} AT TIME ZONE %s))::date "
                           f"FROM {_quote(old)}", [settings.TIME_ZONE])
            for month in sorted({row[0] for row in cursor.fetchall()} | set(_months_ahead())):
                _create_month(cursor, table, month)
        else:
            cursor.execute(f"ALTER TABLE {_quote(table)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
        cursor.execute(f"INSERT INTO {_quote(table)} SELECT * FROM {_quote(old)}")
        cursor.execute(f"DROP TABLE {_quote(old)}")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "
                       f"FROM {_quote(table)}", [table])
        for name, definition in indexes:
            if name in unique:
                definition = (definition.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1) if column
                              else definition.replace("CREATE INDEX", "CREATE UNIQUE INDEX", 1))
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}")
        # the planner's statistics of the new table now, not at autovacuum's pleasure (which never analyses a
        # partitioned parent)
        cursor.execute(f"ANALYZE {_quote(table)}")


def _drop_id_sequence(cursor, table: str) -> None:
    """Free the id column of `table` from its sequence (an identity's, or one owned by it), which goes too."""
    cursor.execute("SELECT attidentity FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id'", [table])
    if cursor.fetchone()[0]:
        cursor.execute(f"ALTER TABLE {_quote(table)} ALTER COLUMN id DROP IDENTITY")
        return
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"ALTER TABLE {_quote(table)} ALTER COLUMN id DROP DEFAULT")
    if sequence:
        cursor.execute(f"DROP SEQUENCE {sequence}")


def partition_table(schema_editor, table: str, column: str, *, unique: tuple[str, ...] = ()) -> None:
    """Migrations: make `table` partitioned by month of `column` (PostgreSQL; nothing elsewhere)."""
    _rebuild(schema_editor, table, column=column, unique=unique)


def unpartition_table(schema_editor, table: str, *, unique: tuple[str, ...] = ()) -> None:
    """Migrations, backwards: `table` plain again, `unique` indexes unique again."""
    _rebuild(schema_editor, table, column=None, unique=unique)


def partitioning(table: str, column: str, *, unique: tuple[str, ...] = ()):
    """The migration operation that partitions `table` by month of `column`, and back when reversed."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: partition_table(schema_editor, table, column, unique=unique),
        lambda apps, schema_editor: unpartition_table(schema_editor, table, unique=unique))


# Months made, months dropped ---------------------------------------------------------------------------------

def _months_ahead(now: datetime.datetime | None = None) -> list[datetime.date]:
    month = month_of(now or timezone.now())
    months = [month]
    for _step in range(AHEAD):
        months.append(next_month(months[-1]))
    return months


def _create_month(cursor, table: str, month: datetime.date) -> bool:
    """Make the month's partition of `table` unless it exists; rows of that month waiting in the default
    partition move into it. True when it was made."""
    name = partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    bounds = [month_start(month).isoformat(), month_start(next_month(month)).isoformat()]
    column = _partition_column(cursor, table)
    default = _quote(_default_name(table))
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {_quote(column)} >= %s AND {_quote(column)} < %s)",
                   bounds)
    if not cursor.fetchone()[0]:
        cursor.execute(f"CREATE TABLE {_quote(name)} PARTITION OF {_quote(table)} FOR VALUES FROM (%s) TO (%s)",
                       bounds)
        return True
    cursor.execute(f"CREATE TABLE {_quote(name)} (LIKE {_quote(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"WITH moved AS (DELETE FROM {default} WHERE {_quote(column)} >= %s AND {_quote(column)} < %s "
                   f"RETURNING *) INSERT INTO {_quote(name)} SELECT * FROM moved", bounds)
    cursor.execute(f"ALTER TABLE {_quote(table)} ATTACH PARTITION {_quote(name)} FOR VALUES FROM (%s) TO (%s)", bounds)
    return True


def _partition_column(cursor, table: str) -> str:
    cursor.execute("SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid "
                   "AND a.attnum = p.partattrs[0] WHERE p.partrelid = %s::regclass", [table])
    return cursor.fetchone()[0]


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # None: the default partition
    rows: int  # the planner's estimate (pg_class.reltuples), -1 when never analysed


def partitions(table: str) -> list[Partition]:
    """The table's partitions, oldest month first, the default last; [] for a plain table."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not _is_partitioned(cursor, table):
            return []
        cursor.execute("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint FROM pg_inherits i "
                       "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass", [table])
        found = []
        for name, bound, rows in cursor.fetchall():
            month = None if bound == "DEFAULT" else datetime.date(int(name[-6:-2]), int(name[-2:]), 1)
            found.append(Partition(name, month, rows))
    return sorted(found, key=lambda p: (p.month is None, p.month or datetime.date.min))


def is_partitioned(table: str) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        return _is_partitioned(cursor, table)


def cutoff(months: int, now: datetime.datetime) -> datetime.datetime:
    """The start of the oldest local month kept when `months` months are kept, the current one included."""
    month = month_of(now)
    for _step in range(months - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month_start(month)


def _clear_references(reg: Register, ids_sql: str, params: list) -> int:
    """Set to null what points at the rows about to go (the foreign keys Django keeps: SET_NULL ones only)."""
    cleared = 0
    # hidden relations (related_name="+") point here too
    pointing = [f for f in reg.model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for rel in pointing:
        if rel.on_delete is not models.SET_NULL:
            raise ImproperlyConfigured(f"{rel.related_model._meta.label}.{rel.field.name} points at "
                                       f"{reg.model._meta.label} without on_delete=SET_NULL: its rows cannot expire")
        related, col = rel.related_model._meta.db_table, rel.field.column
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_quote(related)} SET {_quote(col)} = NULL WHERE {_quote(col)} IN ({ids_sql})",
                           params)
            cleared += cursor.rowcount
    return cleared


def expire(reg: Register, months: int, now: datetime.datetime, *, dry_run: bool = False) -> dict:
    """Remove the register's rows older than the `months` kept: whole partitions dropped on PostgreSQL,
    rows deleted elsewhere (or waiting in the default partition). Returns what went (or would go)."""
    before = cutoff(months, now)
    table, column = _quote(reg.table), _quote(reg.column)
    dropped = [p for p in partitions(reg.table) if p.month is not None and month_start(next_month(p.month)) <= before]
    with connection.cursor() as cursor:
        counted = 0
        for part in dropped:
            cursor.execute(f"SELECT count(*) FROM {_quote(part.name)}")
            counted += cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {column} < %s", [before])
        rows = cursor.fetchone()[0]
    summary = {"before": before.isoformat(), "rows": rows, "partitions": [p.name for p in dropped]}
    if dry_run or not rows and not dropped:
        return summary
    with transaction.atomic():
        if dropped:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        for part in dropped:
            _clear_references(reg, f"SELECT id FROM {_quote(part.name)}", [])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {_quote(part.name)}")
                cursor.execute(f"DROP TABLE {_quote(part.name)}")
        _clear_references(reg, f"SELECT id FROM {table} WHERE {column} < %s", [before])
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {column} < %s", [before])
    return summary


def ensure_months(reg: Register, now: datetime.datetime) -> list[str]:
    """Make the current month's partition and the next ones (and any month whose rows wait in the default
    partition); the names made. Nothing on a plain table."""
    if not is_partitioned(reg.table):
        return []
    made = []
    with transaction.atomic(), connection.cursor() as cursor:
        # making a partition locks the whole table for a moment: wait for a long read at most this long, rather
        # than queue every writer behind it; the job is tried again later
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        column = _quote(reg.column)
        cursor.execute(f"SELECT DISTINCT (date_trunc('month', {column} AT TIME ZONE %s))::date "
                       f"FROM {_quote(_default_name(reg.table))}", [settings.TIME_ZONE])
        waiting = {row[0] for row in cursor.fetchall()}
        for month in sorted(waiting | set(_months_ahead(now))):
            if _create_month(cursor, reg.table, month):
                made.append(partition_name(reg.table, month))
    return made


def maintain(at: datetime.datetime, *, dry_run: bool = False) -> dict:
    """The daily job: months ahead made, each table's statistics refreshed, rows past their retention removed;
    a summary per register."""
    kept = retention()
    summary = {}
    for reg in registers():
        entry = {"made": [] if dry_run else ensure_months(reg, at)}
        if not dry_run and is_partitioned(reg.table):
            # autovacuum analyses the partitions, never their parent, whose statistics plan reads across months
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {_quote(reg.table)}")
        if reg.name in kept:
            entry["expired"] = expire(reg, kept[reg.name], at, dry_run=dry_run)
        summary[reg.name] = entry
    return summary


# timeout: dropping a month waits for the reads that hold it; a run still going after an hour has died
periodic.register(periodic.Job("core.partitions", _("分区维护与保留期限"), maintain,
                               periodic.Daily(at=datetime.time(1, 15)), timeout_minutes=60))
