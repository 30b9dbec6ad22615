import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing strength is Django's business; tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    return factories.county_tree()


@pytest.fixture
def login():
    """login(user) -> a test Client with that user's session."""
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client
    return _login


@pytest.fixture
def fresh_user_each_request(monkeypatch):
    """The session and the signed-in user read from the database on every request (no per-process
    cache), for tests that compare a page's query count at two data sizes: otherwise only the first
    request reads them."""
    from fangkong.accounts import user_cache
    monkeypatch.setattr(user_cache, "CACHE_SECONDS", 0)
