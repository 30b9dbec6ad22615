"""Read replica (core.replica): against a real streaming replica of the test server, named by
FANGKONG_TEST_REPLICA (postgres://…; CI makes one with .ci/replica). The heavy reads are served by the replica,
a user's own pages by the primary, which has their writes at once.

Skipped without a replica, except where PostgreSQL is required (CI): there a missing replica is a failure."""

import os
import time

import dj_database_url
import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.core.replica import REPLICA
from fangkong.regions.models import Region
from tests import factories as f

URL = os.environ.get("FANGKONG_TEST_REPLICA", "")
ON_POSTGRES = connection.vendor == "postgresql"
REQUIRED = bool(os.environ.get("FANGKONG_REQUIRE_POSTGRES"))

pytestmark = [pytest.mark.postgres_only, pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")]
needs_replica = pytest.mark.skipif(not URL, reason="FANGKONG_TEST_REPLICA names no replica")


def test_a_replica_is_given_where_postgresql_is_required():
    assert URL or not REQUIRED, "FANGKONG_REQUIRE_POSTGRES=1 but no FANGKONG_TEST_REPLICA: run .ci/replica start"


def _until(check, seconds: float = 30):
    """Waits for the replica to replay what `check` looks for."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the replica did not replay the primary's write in time"
        time.sleep(0.05)


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("select pg_is_in_recovery()")
        return cursor.fetchone()[0]


@pytest.fixture
def replica(transactional_db):
    """The alias "replica" pointing at the replica's copy of the test database (a replica has no database
    of its own to create: the primary's test database is replayed there), for this test only."""
    given = dj_database_url.parse(URL)
    saved_settings = connections.settings.get(REPLICA)
    saved_connection = getattr(connections._connections, REPLICA, None)
    connections.settings[REPLICA] = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"],
                                     **{key: given[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}}
    if saved_connection is not None:
        delattr(connections._connections, REPLICA)
    # connected here, past the test case's guard, which lets a test reach only the databases it declares (and
    # declaring this one would have pytest-django create a test database on a server that only replays)
    connections[REPLICA].connect()
    yield REPLICA
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("select pg_wal_replay_resume()")
    finally:
        connections[REPLICA].close()
        delattr(connections._connections, REPLICA)
        if saved_settings is None:
            del connections.settings[REPLICA]
        else:
            connections.settings[REPLICA] = saved_settings
        if saved_connection is not None:
            connections[REPLICA] = saved_connection


@needs_replica
def test_a_write_on_the_primary_is_read_on_the_replica(replica):
    f.region(f.VILLAGE_A1, "东岳村")

    _until(lambda: Region.objects.using(replica).filter(code=f.VILLAGE_A1, name="东岳村").exists())
    assert _in_recovery(replica) and not _in_recovery("default")


@needs_replica
def test_heavy_reads_come_from_the_replica_and_own_pages_from_the_primary(replica):
    f.county_tree()
    client = Client()
    client.force_login(f.user("hq", Role.HQ_ADMIN, f.COUNTY))
    _until(lambda: Region.objects.using(replica).filter(code=f.VILLAGE_A1).exists())
    with connections[replica].cursor() as cursor:
        cursor.execute("select pg_wal_replay_pause()")
    # written on the primary while the replica replays nothing: the replica still has the old name
    Region.objects.filter(code=f.VILLAGE_A1).update(name="东岳新村")

    with CaptureQueriesContext(connections[replica]) as on_replica:
        daily = client.get(f"/rollup/?region={f.TOWN_A}").content.decode()
    assert daily.count("东岳村") and "东岳新村" not in daily
    assert on_replica.captured_queries

    with CaptureQueriesContext(connections[replica]) as on_replica:
        own = client.get(f"/regions/{f.VILLAGE_A1}/").content.decode()
    assert "东岳新村" in own
    assert on_replica.captured_queries == []

    with connections[replica].cursor() as cursor:
        cursor.execute("select pg_wal_replay_resume()")
    _until(lambda: Region.objects.using(replica).filter(code=f.VILLAGE_A1, name="东岳新村").exists())
    assert "东岳新村" in client.get(f"/rollup/?region={f.TOWN_A}").content.decode()

