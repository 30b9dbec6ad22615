import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from fangkong.demo.clock import Clock

# Small, but with two grids a village: the demo accounts' grid (420921001201001) and another one.
SMALL = {"residents": 2000, "villages_per_township": 2, "grids_per_village": 2, "quiet_accounts": True}


@dataclass(frozen=True)
class BuiltDemo:
    clock: Clock  # the clock it was built on: its days are the demo days
    log: str  # what `fangkong demo-data` printed


@pytest.fixture(scope="package")
def _built(django_db_setup, django_db_blocker):
    """One small demo county for every test of the package, rolled back at its end (building takes a while)."""
    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        clock = Clock.ending_now()
        out = io.StringIO()
        call_command("demo-data", stdout=out, clock=clock, **SMALL)
        yield BuiltDemo(clock, out.getvalue())
        transaction.set_rollback(True)


@pytest.fixture
def demo(_built, db) -> BuiltDemo:
    return _built
