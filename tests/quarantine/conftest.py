import pytest

from fangkong.accounts.models import Role
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from tests import factories as f


@pytest.fixture(autouse=True)
def _default_policies(request):
    """The data migration installs them; a flushing (transactional) test elsewhere may have removed them."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            install_default_policies(QuarantinePolicy)
            return


@pytest.fixture
def cadre(tree):
    """A village worker of 东岳村 (VILLAGE_A1): the usual 包保干部."""
    return f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1, phone="13800000001")


@pytest.fixture
def doctor(tree):
    """The village doctor of 东岳村."""
    return f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1, phone="13800000002")


@pytest.fixture
def town(tree):
    return f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)


@pytest.fixture
def hq(tree):
    return f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
