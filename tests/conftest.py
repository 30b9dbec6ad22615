import pytest
from django.db import connections
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import Client

from tests import deployments, factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Hashing strength is Django's business; tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, just migrated, is also the template of the databases of the tests that run `fangkong`
    in a subprocess (tests.deployments): the run migrates the schema once less."""
    with django_db_blocker.unblock():
        deployments.keep_as_template(connections["default"])
    yield


@pytest.fixture(scope="session", autouse=True)
def _flush_postgres_by_deleting():
    """A transactional test ends with Django's flush, on PostgreSQL one TRUNCATE of every table: it makes new files
    for each table and index, about a second with this schema, whatever the test wrote. Deleting the rows of the
    tables that have any leaves the same empty tables in milliseconds. The tables are locked first, as TRUNCATE
    locks them, so that a write still under way is waited for and deleted too; foreign keys are checked at commit
    (Django makes them deferrable), when every row is gone. SQLite's flush deletes already."""
    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        names = [self.quote_name(table) for table in tables]
        return [f"""DO $$
            DECLARE t text; found boolean;
            BEGIN
                LOCK TABLE {", ".join(names)} IN EXCLUSIVE MODE;
                FOREACH t IN ARRAY ARRAY[{", ".join(f"'{name}'" for name in names)}] LOOP
                    EXECUTE 'SELECT EXISTS (SELECT FROM ' || t || ')' INTO found;
                    IF found THEN EXECUTE 'DELETE FROM ' || t; END IF;
                END LOOP;
            END $$"""]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


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
