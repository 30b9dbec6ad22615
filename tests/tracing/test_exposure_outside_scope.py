"""Exposure search: what lies outside the searcher's scope is counted, never shown. A doctor of 花园镇 searching a
person of the township who was also at a hotel in 丰山镇 learns that there are N more records outside their area
(the person's visits there and the presences around them, an unconfirmed visitor's among them), not who nor where;
a search that finds nothing in the area says so instead of a bare 未发现. County headquarters, whose scope holds
both townships, see those contacts and count nothing outside."""

import datetime

import pytest

from fangkong.accounts.models import Role
from fangkong.places.models import CheckIn
from fangkong.tracing.selectors import exposure as selectors
from tests import factories
from tests.places.builders import at, checkpoint, passage, person, place, staff, visit

PAGE, API = "/tracing/exposure/", "/api/tracing/exposure"
M = datetime.timedelta(minutes=1)
OUTSIDE_NAMES = ["丰山邻居", "丰山路人", "丰山访客", "丙宾馆", "丰山卡点"]


@pytest.fixture
def scene(tree):
    """病例甲 of 东岳村 (花园镇): at a supermarket of the village with a neighbour two days ago; yesterday at a hotel
    of 丰山镇 with a neighbour of the hotel, a passer-by 30 minutes later (inside the window), an unconfirmed
    visitor and one person 31 minutes later (outside it), then through a checkpoint of 丰山镇 with one other."""
    shop = place("甲超市", factories.VILLAGE_A1)
    hotel = place("丙宾馆", factories.VILLAGE_B1, "hotel")
    gate = checkpoint("丰山卡点", factories.TOWN_B)
    subject = person("病例甲", 1, "13800000001", factories.VILLAGE_A1)
    neighbour = person("邻居张", 2, "13800000002", factories.VILLAGE_A1)
    t0, t1 = at(10, day=2), at(9, day=1)
    visit(subject, shop, t0)
    visit(neighbour, shop, t0 + 5 * M)
    visit(subject, hotel, t1)
    visit(person("丰山邻居", 3, "13800000003", factories.VILLAGE_B1), hotel, t1 + 5 * M)
    visit(person("丰山路人", 4, "13800000004", factories.VILLAGE_B1), hotel, t1 - 30 * M)
    visit(person("丰山远客", 5, "13800000005", factories.VILLAGE_B1), hotel, t1 + 31 * M)
    CheckIn.objects.create(place=hotel, region_id=hotel.region_id, checked_in_at=t1 + 10 * M, name="丰山访客",
                           phone="13900009999")
    passage(subject, gate, t1 + 60 * M)
    passage(person("丰山司机", 6, "13800000006", factories.VILLAGE_B1), gate, t1 + 70 * M)
    return {"subject": subject, "shop": shop, "hotel": hotel}


def search(user, subject):
    found, = selectors.subjects_for(user, person_id=subject.pk)
    return selectors.exposure_search(user, found)


def test_the_selector_counts_what_lies_outside_the_scope(scene):
    doctor = staff("doc", Role.DOCTOR, factories.TOWN_A)
    found = search(doctor, scene["subject"])
    assert {c.person.name for c in found.contacts} == {"邻居张"}
    assert len(found.presences) == 1
    # the hotel and the checkpoint: two visits; around them the neighbour, the passer-by, the unconfirmed visitor
    # and the driver (the guest 31 minutes later is outside the window)
    assert (found.outside_presences, found.outside_contacts) == (2, 4)
    # the county's headquarters see all of it, nothing is outside their scope
    county = search(staff("hq", Role.HQ_STAFF, factories.COUNTY), scene["subject"])
    assert {c.person.name for c in county.contacts} == {"邻居张", "丰山邻居", "丰山路人", "丰山访客", "丰山司机"}
    assert (county.outside_presences, county.outside_contacts) == (0, 0)


def test_nothing_outside_counts_nothing(scene):
    subject = scene["subject"]
    subject.check_ins.filter(place=scene["hotel"]).delete()
    subject.passages.all().delete()
    found = search(staff("doc", Role.DOCTOR, factories.TOWN_A), subject)
    assert (found.outside_presences, found.outside_contacts) == (0, 0)


def test_the_page_says_how_many_records_lie_outside_and_shows_none_of_them(scene, login):
    client = login(staff("doc", Role.DOCTOR, factories.TOWN_A))
    body = client.get(PAGE, {"person": scene["subject"].pk}).content.decode()
    assert 'id="outside-scope"' in body and "另有 4 条记录在您的管辖范围之外" in body and "到访 2 次" in body
    assert "邻居张" in body
    for name in OUTSIDE_NAMES:
        assert name not in body
    api = client.get(API, {"person_id": scene["subject"].pk}).json()
    assert (api["outside_presences"], api["outside_contacts"]) == (2, 4)
    assert {c["name"] for c in api["contacts"]} == {"邻居张"}


def test_a_search_with_nothing_in_the_area_is_not_a_bare_nothing_found(scene, login):
    scene["subject"].check_ins.filter(place=scene["shop"]).delete()
    client = login(staff("doc", Role.DOCTOR, factories.TOWN_A))
    body = client.get(PAGE, {"person": scene["subject"].pk}).content.decode()
    assert "管辖范围内未发现时空伴随人员" in body and "另有 4 条记录在您的管辖范围之外" in body
    assert ">未发现时空伴随人员<" not in body
    for name in OUTSIDE_NAMES:
        assert name not in body
    # nowhere else either: a bare 未发现, and no count
    scene["subject"].check_ins.all().delete()
    scene["subject"].passages.all().delete()
    body = client.get(PAGE, {"person": scene["subject"].pk}).content.decode()
    assert ">未发现时空伴随人员<" in body and 'id="outside-scope"' not in body


def test_the_county_reads_no_count_line(scene, login):
    body = login(staff("hq", Role.HQ_STAFF, factories.COUNTY)).get(PAGE, {"person": scene["subject"].pk})
    text = body.content.decode()
    assert 'id="outside-scope"' not in text and "丰山邻居" in text and "丙宾馆" in text
