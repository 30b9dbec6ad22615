"""Builders and fixtures of the pharmacy register's tests: a pharmacy of 东岳村 (花园镇) and one of 红旗村 (丰山镇),
staff of each role, and a purchase registered as the pages register it."""

import pytest
from django.core.cache import cache

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.medical import services
from fangkong.places.models import Place, PlaceCode
from fangkong.places.rollup import place_contributions
from tests import factories as f
from tests.places.builders import resident_id

__all__ = ["resident_id"]

NORMAL = {"name": "王购药", "phone": "13912345678", "temperature": "36.5", "medicines": ["cough"],
          "home_region": f.VILLAGE_A1, "address": "东岳村3组5号"}


@pytest.fixture(autouse=True)
def fresh_cache():
    """The rate limit and the place codes are counted and kept in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def pharmacy(name="东岳大药房", region=f.VILLAGE_A1, kind="pharmacy", **extra) -> Place:
    """A key place as the places app registers it (its roll-up counted)."""
    place = Place.objects.create(name=name, kind=kind, region_id=region, **extra)
    counters.track_change(new=place_contributions(place))
    return place


def code(place: Place) -> PlaceCode:
    return PlaceCode.objects.create(place=place)


@pytest.fixture
def shop(tree):
    """东岳大药房, a pharmacy of 东岳村 (花园镇)."""
    return pharmacy()


@pytest.fixture
def shop_b(tree):
    """红旗药店, a pharmacy of 红旗村 (丰山镇)."""
    return pharmacy(name="红旗药店", region=f.VILLAGE_B1)


@pytest.fixture
def doctor(tree):
    """The village doctor of 东岳村."""
    return f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1)


@pytest.fixture
def worker_a1(tree):
    return f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)


@pytest.fixture
def worker_b1(tree):
    return f.user("worker_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)


@pytest.fixture
def town(tree):
    return f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)


@pytest.fixture
def hq(tree):
    return f.user("hq", Role.HQ_STAFF, f.COUNTY)


def bought(actor, where: Place, seq: int = 1, **given):
    """A purchase registered by staff: `NORMAL` with the buyer's ID number of `seq`, and what is given."""
    return services.register_purchase(actor, where, **{**NORMAL, "id_number": resident_id(seq), **given})


def typed(where: Place, seq: int = 1, **given):
    """A purchase the buyer registered on the pharmacy's public page."""
    return services.register_public_purchase(where, **{**NORMAL, "id_number": resident_id(seq), **given})
