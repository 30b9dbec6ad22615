"""One-row INSERTs for the hot write paths (passage, check-in, follow-up, the audit entry of each).

`Model.objects.create` compiles its INSERT anew on every call; on these paths that compiling cost
more than the database's work. `insert` writes what `save()` would for a new instance of a model
without save signals (none of the models it is used for has any), with the statement built once per
model and database vendor.
"""

import functools

from django.db import connection


@functools.cache
def _statement(model, vendor: str) -> tuple[str, tuple]:
    """INSERT of every column of `model` but its id, returning the id; and the fields, in column order."""
    quote = connection.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)}")
    return sql, fields


def insert(obj):
    """INSERT the new instance `obj` (its fields' defaults and `pre_save`, e.g. auto_now, as `save()` would)
    and set its id. Returns `obj`."""
    sql, fields = _statement(type(obj), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj
