"""Inserting tens of thousands of rows: ids reserved up front, then COPY (PostgreSQL) or executemany (SQLite).

Django's `bulk_create` builds, prepares and compiles a model instance per row: measured here at
60–90 µs a row, several times what reading and checking the row costs, so a 100,000-row ledger
spent most of its time there. The importer hands plain tuples to the database driver instead
(3–5 µs a row). Columns come from the model's own field definitions, and every column the caller
does not give gets the field's default, so a field added later with a default needs no change
here. Only SQLite and PostgreSQL are supported, like the rest of Fangkong.

What it buys (DESIGN §5, ledger import end to end): a new county's 20,000-row ledger imports 3.2×
as fast on SQLite and 2.35× on PostgreSQL with `insert` as with `bulk_create` (median of 5
interleaved rounds, bench/layers.py ledger_bulk, 2026-12-05). It skips Model.save() and its
signals: tests/ledger/test_bulk_guard.py fails if a model written here gains either.
"""

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models

BATCH = 5000


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, which the caller then inserts explicitly.

    PostgreSQL takes them from the identity sequence (safe with concurrent writers). SQLite
    continues after the highest id ever used (AUTOINCREMENT keeps it in sqlite_sequence); that is
    safe because Fangkong's SQLite transactions BEGIN IMMEDIATE, so no one else writes meanwhile.
    """
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [table, pk, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT MAX("{pk}") FROM "{table}"')  # noqa: S608 (names from the model)
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(highest, found[0] if found else 0) + 1
    return list(range(start, start + count))


def _db_value(field: models.Field, value):
    """A constant (or default) value as the driver wants it; per-row values are passed as given."""
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, ensure_ascii=False)
    return field.get_db_prep_save(value, connection)


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence],
           constants: dict | None = None) -> None:
    """Insert `rows` (tuples in the order of `fields`; foreign keys by their `_id` attname, JSON
    already dumped to text) with `constants` and the model's defaults for every other column."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    constants = dict(constants or {})
    for field in meta.concrete_fields:
        if field in given or field.primary_key or field.name in constants or field.attname in constants:
            continue
        constants[field.name] = field.get_default()
    extra = [meta.get_field(name) for name in constants]
    tail = tuple(_db_value(f, constants[name]) for f, name in zip(extra, constants, strict=True))
    columns = [f.column for f in given] + [f.column for f in extra]
    write_rows(meta.db_table, columns, rows, tail)


def write_rows(table: str, columns: list[str], rows: Iterable[Sequence], tail: tuple = ()) -> None:
    """Rows of `columns`, each followed by `tail`, into `table`: COPY on PostgreSQL, executemany elsewhere."""
    if connection.vendor == "postgresql":
        _copy(table, columns, rows, tail)
    else:
        _executemany(table, columns, rows, tail)


def _executemany(table: str, columns: list[str], rows: Iterable[Sequence], tail: tuple) -> None:
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        table, ", ".join(f'"{c}"' for c in columns), ", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append((*row, *tail))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _copy(table: str, columns: list[str], rows: Iterable[Sequence], tail: tuple) -> None:
    sql = 'COPY "{}" ({}) FROM STDIN'.format(table, ", ".join(f'"{c}"' for c in columns))
    # the raw psycopg cursor (COPY is not in Django's API); errors still surface as django.db errors
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *tail))
