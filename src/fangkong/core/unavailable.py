"""While the database is down: a clear 503 with Retry-After instead of a 500, and recovery without a restart.

A request that cannot reach the database (PostgreSQL restarting or unreachable, the SQLite file unopenable)
fails with Django's OperationalError or InterfaceError wrapped around the driver's error. `handler500`
(core.views.server_error) asks `is_database_down` about the exception and answers `response(request)`:
503, `Retry-After`, a short Chinese page for browsers and JSON under /api/. Every other error stays a 500.

Recovery needs nothing here: Django marks a connection that raised, closes it at the next request when it is
no longer usable (CONN_HEALTH_CHECKS, settings.database_setting) and opens a new one, so once the database
is back the next request is served.
"""

import logging
import sqlite3

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("fangkong.unavailable")
RETRY_AFTER_SECONDS = 30
# SQLSTATEs of a server that cannot be reached or is going away: connection exception (class 08), too many
# connections, and the server shutting down, crashed or not yet accepting connections (57P01–57P03).
_DOWN_STATES = ("08", "53300", "57P01", "57P02", "57P03")
_SQLITE_DOWN = ("unable to open database file", "disk i/o error")


def is_database_down(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached now (rather than that a query was wrong)."""
    if isinstance(exc, InterfaceError):  # the connection is closed or broken
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).lower().startswith(_SQLITE_DOWN)
    if cause is None or not hasattr(cause, "sqlstate"):  # not psycopg's
        return False
    # psycopg gives no SQLSTATE when it could not connect, or lost the server mid-query
    return cause.sqlstate is None or cause.sqlstate.startswith(_DOWN_STATES)


def response(request, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: JSON under /api/ (as every error there) and for /healthz, else a page. The page
    is rendered without the request's context, which would read the session (the database). Logged as one
    line, not as a traceback per request: while the database is away every request would log one."""
    reason = str(exc.__cause__ or exc).strip().partition("\n")[0] if exc is not None else ""
    logger.warning("database unavailable: %s %s answered 503%s", request.method, request.path,
                   f" ({reason})" if reason else "")
    message = _("数据库暂时无法连接，请稍后重试")
    if request.path.startswith("/api/") or request.path == "/healthz":
        answer = JsonResponse({"detail": message, "status": "unavailable"}, status=503,
                              json_dumps_params={"ensure_ascii": False})
    else:
        answer = HttpResponse(loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS}),
                              status=503)
    answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    answer["Cache-Control"] = "no-store"
    answer._has_been_logged = True  # Django's request log: logged above
    return answer
