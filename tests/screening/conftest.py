import pytest

from fangkong.accounts.models import Role
from tests import factories as f

# the arrival-task tests' checkpoint, its staff and the villages' workers (`town` is the same user here)
from tests.checkpoints.fixtures import cp, fresh_risk_areas, staff, worker_a1, worker_b1  # noqa: F401


@pytest.fixture
def worker(tree):
    """A village worker of 东岳村 (VILLAGE_A1)."""
    return f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)


@pytest.fixture
def other_worker(tree):
    """A village worker of the neighbouring 桃园村 (VILLAGE_A2)."""
    return f.user("worker_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)


@pytest.fixture
def town(tree):
    return f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)


@pytest.fixture
def hq(tree):
    return f.user("hq", Role.HQ_STAFF, f.COUNTY)
