"""The daily table page reads the same few queries for every role that opens it, with or without figures."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from tests import factories as f

from .counts import BEFORE, DAY, add

ROLES = [Role.HQ_STAFF, Role.EPIDEMIOLOGIST, Role.VIEWER]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/rollup/", {"date": DAY.isoformat()}).status_code == 200
    return len(queries)


def test_the_daily_table_reads_as_many_queries_for_every_role_with_or_without_figures(login, tree):
    clients = [login(f.user(f"u_{role}", role, f.COUNTY)) for role in ROLES]
    empty = [_queries(client) for client in clients]
    for code in (f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1, f.GRID_A1):
        for day in (DAY, BEFORE):
            add(code, "households_visited", 3, day)
            add(code, "checks_done", 7, day)
    full = [_queries(client) for client in clients]
    assert empty == full == [empty[0]] * len(ROLES)
