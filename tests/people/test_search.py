import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.people import selectors, services
from tests import factories
from tests.pager import every_cursor_page
from tests.people import builders
from tests.people.ids import full_width, resident_id


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_ADMIN)


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def test_typed_id_number_is_found_by_digest(hq):
    target = builders.person(hq, factories.VILLAGE_A1, number=resident_id(seq="555"))
    builders.person(hq, factories.VILLAGE_A1, name="李四")
    typed = full_width(resident_id(seq="555")[:6]) + resident_id(seq="555")[6:].lower()
    assert [p.pk for p in selectors.persons_for(hq, q=typed).items] == [target.pk]


def test_fifteen_digit_search_finds_the_converted_number(hq):
    target = builders.person(hq, factories.VILLAGE_A1, number=resident_id("19800101", "123"))
    assert [p.pk for p in selectors.persons_for(hq, q="420921800101123").items] == [target.pk]


def test_phone_and_passport_are_found_by_digest(hq):
    by_phone = builders.person(hq, factories.VILLAGE_A1, phone="13812345678")
    by_passport = builders.person(hq, factories.VILLAGE_A1, name="Tom", id_type="passport", number="E1234567")
    assert [p.pk for p in selectors.persons_for(hq, q="138-1234-5678").items] == [by_phone.pk]
    assert [p.pk for p in selectors.persons_for(hq, q="e1234567").items] == [by_passport.pk]


def test_search_by_number_never_compares_raw_numbers(hq):
    builders.person(hq, factories.VILLAGE_A1, phone="13812345678")
    with CaptureQueriesContext(connection) as ctx:
        selectors.persons_for(hq, q="13812345678")
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "13812345678" not in sql and "phone_digest" in sql


def test_partial_number_does_not_match(hq):
    builders.person(hq, factories.VILLAGE_A1, number=resident_id(seq="555"))
    assert selectors.persons_for(hq, q=resident_id(seq="555")[:10]).items == []


def test_search_by_name(hq):
    target = builders.person(hq, factories.VILLAGE_A1, name="欧阳娜娜")
    builders.person(hq, factories.VILLAGE_A1, name="李四")
    assert [p.pk for p in selectors.persons_for(hq, q="阳娜").items] == [target.pk]


def test_keyset_pages_cover_everyone_once_in_region_order(hq):
    codes = [factories.VILLAGE_B1, factories.GRID_A1, factories.VILLAGE_A1, factories.VILLAGE_A2]
    made = [builders.person(hq, codes[i % 4], name=f"人{i}") for i in range(9)]
    def fetch(after):
        page = selectors.persons_for(hq, after=after or "", limit=2)
        return [p.pk for p in page.items], page.next_after

    assert every_cursor_page(fetch) == [p.pk for p in sorted(made, key=lambda p: (p.region_id, p.pk))]


def test_a_bad_cursor_starts_from_the_beginning(hq):
    made = builders.person(hq, factories.VILLAGE_A1)
    assert [p.pk for p in selectors.persons_for(hq, after="x:1; drop").items] == [made.pk]


def test_scope_hides_other_villages(worker, hq):
    mine = builders.person(hq, factories.GRID_A1, number=resident_id(seq="101"))
    theirs = builders.person(hq, factories.VILLAGE_B1, number=resident_id(seq="102"))
    assert [p.pk for p in selectors.persons_for(worker).items] == [mine.pk]
    assert selectors.persons_for(worker, q=resident_id(seq="102")).items == []
    assert selectors.persons_for(worker, region=factories.VILLAGE_B1).items == []
    with pytest.raises(Http404):
        selectors.person_for(worker, theirs.pk)
    assert selectors.person_for(worker, mine.pk) == mine


def test_households_for_is_scoped(worker, hq):
    mine = services.create_household(hq, region_code=factories.GRID_A1, address="东岳村1号")
    services.create_household(hq, region_code=factories.VILLAGE_B1, address="红旗村1号")
    assert [h.pk for h in selectors.households_for(worker).items] == [mine.pk]
    assert [h.pk for h in selectors.households_for(hq, factories.VILLAGE_A1).items] == [mine.pk]
    assert [h.address for h in selectors.households_for(hq, q="红旗").items] == ["红旗村1号"]
