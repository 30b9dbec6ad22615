"""One-row statements for the hot write paths (the follow-up, the public check-in, the audit entry of
every write, the person a register records).

`Model.objects.create`, `save(update_fields=…)` and a queryset compile their SQL anew on every call;
on these paths that compiling cost more than the database's work. `insert` and `update` write what
`save()` would for a model without save signals and without a save() of its own (`require_plain_save`
refuses any other when its statement is built; tests/core/test_rows_guard.py holds the models written
here to it), `select` reads rows as the ORM would convert them, each statement built once per model and
database vendor. The thread's database connection is looked up once per call: every
`django.db.connection` attribute goes through a thread-local proxy, which on these paths cost as much
as running the statement.

What it buys (DESIGN §5, registration writes; bench/layers.py rows, 2026-12-05, over HTTP, with ÷
without, median of 7–9 interleaved rounds): follow-ups/s 1.38–1.47× and public check-ins/s 1.34–1.48×
on SQLite with these statements as with save() and querysets; on PostgreSQL 1.17–1.18× and 1.15–1.16×
(server CPU per request 1.30× and 1.33×). Passages gained 1.09–1.22× and write their own rows with
save() and querysets.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.signals import post_save, pre_save


def _db():
    return connections[DEFAULT_DB_ALIAS]


# Statements by (model, …, vendor): keyed by the vendor, not the connection, as the threaded server
# opens a connection per thread and the caches must not grow with them.
_inserts: dict[tuple, tuple[str, tuple]] = {}
_updates: dict[tuple, tuple[str, tuple]] = {}
_selects: dict[tuple, tuple[str, tuple, tuple]] = {}


def require_plain_save(model) -> None:
    """`insert` and `update` write what save() would only for a model whose save() is Django's own and which
    no pre_save or post_save receiver listens to: refuse any other (checked when its statement is built)."""
    if model.save is not models.Model.save:
        raise ImproperlyConfigured(f"core.rows cannot write {model.__name__}: it has a save() of its own")
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise ImproperlyConfigured(f"core.rows cannot write {model.__name__}: save signals listen to it")


def _statement(model, db) -> tuple[str, tuple]:
    """INSERT of every column of `model` but its id, returning the id; and the fields, in column order."""
    key = (model, db.vendor)
    if key not in _inserts:
        require_plain_save(model)
        quote = db.ops.quote_name
        fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
        _inserts[key] = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                         f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)}",
                         fields)
    return _inserts[key]


def insert(obj):
    """INSERT the new instance `obj` (its fields' defaults and `pre_save`, e.g. auto_now, as `save()` would)
    and set its id. Returns `obj`."""
    db = _db()
    sql, fields = _statement(type(obj), db)
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, db.alias
    return obj


def _select(model, names: tuple[str, ...], where: str, suffix: str, db) -> tuple[str, tuple, tuple]:
    """SELECT of the columns `names` (attnames, put in the model's column order), their attnames, and per
    column the converters the ORM would apply to its value (SQLite hands datetimes, decimals and JSON back
    as text). Built once per statement and vendor (the converters of the first connection serve all: they
    read only settings and the values)."""
    key = (model, names, where, suffix, db.vendor)
    if key not in _selects:
        quote = db.ops.quote_name
        fields = tuple(f for f in model._meta.concrete_fields if f.attname in names)
        table = quote(model._meta.db_table)
        sql = f"SELECT {', '.join(f'{table}.{quote(f.column)}' for f in fields)} FROM {table} WHERE {where} {suffix}"
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converters.append((column, db.ops.get_db_converters(column) + field.get_db_converters(db)))
        _selects[key] = (sql, tuple(f.attname for f in fields), tuple(converters))
    return _selects[key]


def select(model, names: tuple[str, ...], where: str, params, suffix: str = "") -> list:
    """Instances of `model` with only the columns `names` loaded (the others deferred), read by
    `SELECT … FROM table WHERE where suffix` (`where` in SQL with %s placeholders, e.g. "id = %s"; `suffix`
    e.g. "ORDER BY id FOR UPDATE"), their values converted as the ORM would. For hot paths where compiling
    a queryset cost more than the database."""
    db = _db()
    sql, attnames, converters = _select(model, tuple(names), where, suffix, db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for i, (column, funcs) in enumerate(converters):
            for convert in funcs:
                values[i] = convert(values[i], column, db)
        found.append(model.from_db(db.alias, attnames, values))
    return found


def _update(model, names: tuple[str, ...], db) -> tuple[str, tuple]:
    key = (model, names, db.vendor)
    if key not in _updates:
        require_plain_save(model)
        quote = db.ops.quote_name
        fields = tuple(model._meta.get_field(name) for name in names)
        _updates[key] = (f"UPDATE {quote(model._meta.db_table)} "
                         f"SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
                         f"WHERE {quote(model._meta.pk.column)} = %s", fields)
    return _updates[key]


def update(obj, names: tuple[str, ...]) -> None:
    """`obj.save(update_fields=names)` for a model without save signals, the statement built once."""
    db = _db()
    sql, fields = _update(type(obj), tuple(names), db)
    params = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields] + [obj.pk]
    with db.cursor() as cursor:
        cursor.execute(sql, params)

