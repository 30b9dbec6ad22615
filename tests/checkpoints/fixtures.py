"""Users of each role, a checkpoint and fresh risk areas: the fixtures of the roadside, places, tracing and
arrival-task tests (each directory's conftest.py takes them from here)."""

import pytest

from fangkong.accounts.models import Role
from fangkong.risk_areas import services as risk_areas
from tests import factories as f

from .builders import checkpoint


@pytest.fixture(autouse=True)
def fresh_risk_areas():
    """The active risk areas are cached per process: a test never sees another test's (rolled back) areas."""
    risk_areas.clear_cache()
    yield
    risk_areas.clear_cache()


# Users of each role and a checkpoint -------------------------------------------------------------------------

@pytest.fixture
def hq(tree):
    return f.user("hq_staff", Role.HQ_STAFF, f.COUNTY)


@pytest.fixture
def town(tree):
    return f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)


@pytest.fixture
def town_b(tree):
    return f.user("town_b", Role.TOWNSHIP_STAFF, f.TOWN_B)


@pytest.fixture
def staff(tree):
    """Checkpoint staff of 花园镇 (TOWN_A)."""
    return f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)


@pytest.fixture
def staff_b(tree):
    return f.user("kadian_b", Role.CHECKPOINT_STAFF, f.TOWN_B)


@pytest.fixture
def supervisor(tree):
    return f.user("duzha", Role.SUPERVISOR, f.COUNTY)


@pytest.fixture
def worker_b1(tree):
    """The village worker of 红旗村 (VILLAGE_B1, in the other township)."""
    return f.user("worker_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)


@pytest.fixture
def worker_a1(tree):
    return f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)


@pytest.fixture
def cp(town):
    """An open checkpoint of 花园镇."""
    return checkpoint(town)
