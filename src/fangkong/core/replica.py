"""Read replicas: the heavy reads go to a streaming replica of PostgreSQL, everything else to the primary.

DATABASE_REPLICA_URL adds the database "replica" (settings.py). Which reads go there is decided here and
nowhere else, by view: a view marked @heavy_read (the dashboard, the daily report tables, the exposure search,
exports, briefs) reads the replica while it answers a GET; every other page and API call reads the primary.
So a user's own pages (a person, a key person, a list after an edit) always read their own writes, and the
heavy pages, which show figures of the day, may lag the primary by the replica's replay delay (normally well
under a second). Writes always go to the primary; so does a read made inside a transaction (it may need what
the transaction wrote), which keeps a heavy view's audited export reading the rows it audits.
"""

import contextvars
import functools

from django.db import connections

REPLICA = "replica"

_heavy = contextvars.ContextVar("fangkong_heavy_read", default=False)


def heavy_read(view):
    """Marks a view whose GET reads may be served by the replica."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        token = _heavy.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _heavy.reset(token)

    return wrapped


def replica_in_use() -> bool:
    return REPLICA in connections.settings


class HeavyReadRouter:
    """The database router (settings.DATABASE_ROUTERS): the replica for heavy reads outside a transaction."""

    def db_for_read(self, model, **hints):
        if _heavy.get() and replica_in_use() and not connections["default"].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
