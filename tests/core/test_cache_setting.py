"""FANGKONG_CACHE: the public check-in's rate limit per process by default, or shared by every worker
process through the database or Redis, so running several workers does not multiply the limit."""

import socket
import uuid

import pytest
import redis
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client

from fangkong import settings as project_settings
from fangkong.core.apps import create_cache_table
from fangkong.places.services import check_ins
from tests.places.builders import code, place


def test_the_setting_names_each_backend_and_refuses_anything_else():
    assert project_settings.cache_setting("")["BACKEND"].endswith("LocMemCache")
    assert project_settings.cache_setting(" local ")["BACKEND"].endswith("LocMemCache")
    assert project_settings.cache_setting("database") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fangkong_cache"}
    assert project_settings.cache_setting("redis://cache.internal:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://cache.internal:6379/2"}
    with pytest.raises(ImproperlyConfigured, match="FANGKONG_CACHE='memcached'.*local, database or a Redis"):
        project_settings.cache_setting("memcached")


def _attempts(address: str, n: int) -> list[bool]:
    return [check_ins.allow_attempt(address, now=1_000_000.0) for _ in range(n)]


@pytest.mark.django_db(transaction=True)
def test_with_the_database_cache_migrate_makes_its_table_and_the_limit_counts_there(settings):
    settings.CACHES = {"default": project_settings.cache_setting("database")}
    settings.FANGKONG_CHECK_IN_RATE = 3
    create_cache_table(sender=None, using="default")  # what `fangkong migrate` runs after the migrations
    assert "fangkong_cache" in connection.introspection.table_names()
    create_cache_table(sender=None, using="default")  # again: nothing to do, no error
    try:
        address = f"10.9.{uuid.uuid4().int % 250}.7"
        assert _attempts(address, 4) == [True, True, True, False]
        with connection.cursor() as cursor:  # in the table, so every worker process reads the same count
            cursor.execute("SELECT COUNT(*) FROM fangkong_cache")
            assert cursor.fetchone()[0] >= 1
        caches["default"].clear()
        assert _attempts(address, 1) == [True]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE fangkong_cache")


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
def test_with_redis_the_limit_counts_in_the_server(settings):
    settings.CACHES = {"default": project_settings.cache_setting("redis://127.0.0.1:6379/15")}
    settings.FANGKONG_CHECK_IN_RATE = 2
    address = f"10.8.{uuid.uuid4().int % 250}.9"
    try:
        assert _attempts(address, 3) == [True, True, False]
        keys = redis.Redis(host="127.0.0.1", port=6379, db=15).keys(f"*fangkong:check_in:{address}:*")
        assert len(keys) == 1  # one key of this client and minute, in the server every process talks to
    finally:
        caches["default"].clear()


def test_the_public_check_in_api_answers_429_past_the_rate_with_the_database_cache(tree, settings):
    settings.CACHES = {"default": project_settings.cache_setting("database")}
    settings.FANGKONG_CHECK_IN_RATE = 2
    create_cache_table(sender=None, using="default")  # inside this test's transaction: gone afterwards
    token = code(place()).token
    body = '{"phone": "13912345678", "name": "李四"}'
    statuses = [Client(REMOTE_ADDR="10.7.0.1").post(f"/api/places/c/{token}/check-in", body,
                                                     content_type="application/json").status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM fangkong_cache")
        assert cursor.fetchone()[0] >= 1
