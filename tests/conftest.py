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
def fresh_user_each_request(settings):
    """The session and the signed-in user read from the database on every request (sessions without
    the cache in front), for tests that compare a page's query count at two data sizes: the same
    statements on every request, whatever the cache holds."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
