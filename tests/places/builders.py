"""Builders for the tests of places, place codes, check-ins and the exposure search."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.people import identity
from fangkong.people.models import IdType, Person
from fangkong.places.models import CheckIn, Place, PlaceCode
from tests import factories


@pytest.fixture
def fresh_cache():
    """The rate limit counts in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def resident_id(seq: int, birth: str = "19800101") -> str:
    body = f"420921{birth}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def staff(name: str, role=Role.HQ_ADMIN, region=factories.COUNTY):
    return factories.user(name, role=role, region_code=region)


def place(name="东岳村超市", region=factories.VILLAGE_A1, kind="supermarket", **extra) -> Place:
    return Place.objects.create(name=name, kind=kind, region_id=region, **extra)


def checkpoint(name="孝昌北高速出口", region=factories.TOWN_A) -> Checkpoint:
    return Checkpoint.objects.create(name=name, kind="highway_exit", region_id=region)


def code(target) -> PlaceCode:
    if isinstance(target, Place):
        return PlaceCode.objects.create(place=target)
    return PlaceCode.objects.create(checkpoint=target)


def person(name="张三", seq=1, phone="13800000001", region=factories.VILLAGE_A1) -> Person:
    number = resident_id(seq)
    return Person.objects.create(
        name=name, id_type=IdType.RESIDENT_ID, id_number=number, id_digest=identity.digest(IdType.RESIDENT_ID, number),
        phone=phone, phone_digest=identity.digest("phone", phone), region_id=region)


def at(hour: int, minute: int = 0, second: int = 0, day: int = 0) -> datetime.datetime:
    """A moment `day` days before today, local time."""
    base = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=day)
    return base.replace(hour=hour, minute=minute, second=second)


def visit(who: Person, where, moment: datetime.datetime) -> CheckIn:
    kwargs = {"place": where} if isinstance(where, Place) else {"checkpoint": where}
    return CheckIn.objects.create(person=who, region_id=where.region_id, checked_in_at=moment, **kwargs)


def passage(who: Person, where: Checkpoint, moment: datetime.datetime) -> Passage:
    return Passage.objects.create(checkpoint=where, region_id=where.region_id, person=who, passed_at=moment,
                                  temperature="36.5", outcome="pass")
