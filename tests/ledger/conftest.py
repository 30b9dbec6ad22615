import pytest

from tests import factories


@pytest.fixture
def village_worker(tree):
    return factories.user("village_a1", "village_worker", factories.VILLAGE_A1, display_name="东岳村网格员")


@pytest.fixture
def hq(tree):
    return factories.user("hq_admin", "hq_admin", factories.COUNTY, display_name="指挥部管理员")
