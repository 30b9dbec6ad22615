"""Transaction locks on names: two writes about the same thing (one new person, one vehicle) wait for each other."""

from django.db import connection


def xact_lock(*keys: str) -> None:
    """PostgreSQL: a transaction advisory lock on each key, in one statement, held until the commit.
    SQLite needs none: its transactions begin IMMEDIATE, so its write lock already serialises writers.
    Callers take their keys in the same order, so two of them never wait for each other in a circle."""
    if keys and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["pg_advisory_xact_lock(hashtextextended(%s, 0))"] * len(keys)),
                           list(keys))
