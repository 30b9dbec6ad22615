import pytest

from fangkong.accounts.models import Role
from tests import factories as f


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
