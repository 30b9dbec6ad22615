import datetime

import pytest

from fangkong.accounts.models import Role
from fangkong.people import identity, selectors
from fangkong.people.selectors import DuplicateRule
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id

BIRTH = datetime.date(1980, 1, 1)


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_ADMIN)


def pairs(user):
    return {(p.first.pk, p.second.pk): p.rules for p in selectors.duplicate_pairs_for(user)}


def test_same_id_digest(hq):
    number = resident_id()
    digest = identity.digest("resident_id", number)
    a = builders.raw_person(factories.VILLAGE_A1, "张三", id_number=number, id_digest=digest)
    b = builders.raw_person(factories.VILLAGE_B1, "张叁", id_number=number, id_digest=digest)
    builders.raw_person(factories.VILLAGE_A1, "王五", id_number=resident_id(seq="999"),
                        id_digest=identity.digest("resident_id", resident_id(seq="999")))
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.SAME_ID]}


def test_same_name_and_phone(hq):
    phone = identity.digest("phone", "13812345678")
    a = builders.raw_person(factories.VILLAGE_A1, "张三", phone="13812345678", phone_digest=phone)
    b = builders.raw_person(factories.VILLAGE_B1, "张三", phone="13812345678", phone_digest=phone)
    builders.raw_person(factories.VILLAGE_A1, "李四", phone="13812345678", phone_digest=phone)  # shared family phone
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_PHONE]}


def test_same_name_and_birth_date_in_one_village(hq):
    a = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH)
    b = builders.raw_person(factories.GRID_A1, "张三", birth_date=BIRTH)  # a grid of the same village
    builders.raw_person(factories.VILLAGE_A2, "张三", birth_date=BIRTH)  # another village: not listed
    builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=datetime.date(1981, 1, 1))
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_BIRTH_VILLAGE]}


def test_a_group_of_three_gives_two_pairs_and_rules_are_combined(hq):
    phone = identity.digest("phone", "13812345678")
    a, b, c = (builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH, phone="13812345678",
                                   phone_digest=phone) for _ in range(3))
    both = [DuplicateRule.NAME_PHONE, DuplicateRule.NAME_BIRTH_VILLAGE]
    assert pairs(hq) == {(a.pk, b.pk): both, (a.pk, c.pk): both}


def test_pairs_are_listed_only_inside_the_scope(hq):
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    number = resident_id()
    digest = identity.digest("resident_id", number)
    builders.raw_person(factories.VILLAGE_A1, "张三", id_number=number, id_digest=digest)
    builders.raw_person(factories.VILLAGE_B1, "张三", id_number=number, id_digest=digest)
    assert len(pairs(hq)) == 1
    assert pairs(worker) == {}


def test_distinct_people_are_not_listed(hq):
    builders.person(hq, factories.VILLAGE_A1, "张三", phone="13812345678")
    builders.person(hq, factories.VILLAGE_A1, "李四", phone="13912345678")
    assert pairs(hq) == {}


def test_duplicate_search_uses_a_fixed_number_of_queries(hq, django_assert_max_num_queries):
    for i in range(30):
        builders.raw_person(factories.VILLAGE_A1, f"人{i}", birth_date=BIRTH)
        builders.raw_person(factories.VILLAGE_A1, f"人{i}", birth_date=BIRTH)
    with django_assert_max_num_queries(6):
        found = selectors.duplicate_pairs_for(hq, limit=100)
    assert len(found) == 30
