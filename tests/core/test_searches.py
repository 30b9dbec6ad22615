"""Every list whose search box takes an ID number, a phone or an address (人员, 户, 重点人员) keeps it out of addresses
(core.searches): the box posts, a number comes back as a key kept in the user's session, a name as itself; the
list's own links carry the key; a number written into an address is not searched."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.core.searches import KEPT
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id
from tests.screening.helpers import key_person
from tests.screening.helpers import resident_id as ledger_id

NUMBER, PHONE = ledger_id(1), "13812345678"
LISTS = ["people:list", "screening:key_persons"]  # 户 (people:households): below


@pytest.fixture
def staff(tree):
    return factories.user("town_a", Role.TOWNSHIP_STAFF, factories.TOWN_A)


@pytest.fixture
def found(staff):
    """张三 (the number and phone searched for) and 王芳, registered on the ledger, so on the people register too."""
    key_person(staff, 2, name="王芳", phone="13912345678")
    return key_person(staff, 1, name="张三", phone=PHONE)


@pytest.mark.parametrize("name", LISTS)
def test_a_number_typed_into_the_box_is_searched_without_standing_in_the_address(login, staff, found, name):
    client, url = login(staff), reverse(name)
    form = client.get(url).content.decode()
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    for number in (NUMBER, PHONE) if name == "people:list" else (NUMBER,):
        posted = client.post(url, {"q": number, "region": factories.VILLAGE_A1})
        assert posted.status_code == 302
        location = posted["Location"]
        assert number not in location and number[-4:] not in location
        params = parse_qs(urlsplit(location).query)
        assert params["region"] == [factories.VILLAGE_A1] and "q" not in params and len(params["s"]) == 1
        page = client.get(location).content.decode()
        assert "张三" in page and "王芳" not in page
        assert f'value="{number}"' in page  # the box shows what was typed, on the page only
        assert not [link for link in re.findall(r'href="([^"]*)"', page) if number in link]  # nor in any link


@pytest.mark.parametrize("name", LISTS)
def test_a_name_stays_in_the_address_and_a_number_written_into_one_is_not_searched(login, staff, found, name):
    client, url = login(staff), reverse(name)
    posted = client.post(url, {"q": "王"})
    assert parse_qs(urlsplit(posted["Location"]).query)["q"] == ["王"]
    assert "王芳" in client.get(posted["Location"]).content.decode()
    written = client.get(url, {"q": NUMBER})
    body = written.content.decode()
    assert written.status_code == 400 and "不要放在网址中" in body and "张三" not in body


@pytest.mark.parametrize("name", LISTS)
def test_a_key_works_only_in_the_session_that_made_it(login, staff, found, name):
    url = reverse(name)
    location = login(staff).post(url, {"q": NUMBER})["Location"]
    other = Client()
    other.force_login(staff)  # another browser of the same user
    page = other.get(location).content.decode()
    assert "张三" in page and "王芳" in page  # an unknown key searches nothing: the whole list


def test_the_latest_searches_are_kept_and_the_same_number_gets_the_same_key(login, staff, found):
    client, url = login(staff), reverse("people:list")
    first = client.post(url, {"q": NUMBER})["Location"]
    assert client.post(url, {"q": NUMBER})["Location"] == first
    for n in range(KEPT):
        client.post(url, {"q": f"1380000{n:04d}"})
    page = client.get(first).content.decode()
    assert "王芳" in page  # forgotten after KEPT newer searches: the whole list again, nothing wrong shown


def test_the_next_page_link_carries_the_key(login, staff, found, settings):
    hq = factories.user("hq2", Role.HQ_ADMIN, factories.COUNTY)
    for n in range(60):  # more than a page of namesakes sharing the phone
        builders.person(hq, factories.VILLAGE_A1, "张三", number=resident_id(seq=f"{200 + n}"), phone=PHONE)
    client, url = login(staff), reverse("people:list")
    location = client.post(url, {"q": PHONE})["Location"]
    key = parse_qs(urlsplit(location).query)["s"][0]
    page = client.get(location).content.decode()
    assert f"s={key}" in page and PHONE not in page.split('class="pager"')[1]


def test_the_households_box_keeps_a_house_number_out_of_the_address(login, staff, found):
    from fangkong.people import services as people_services
    people_services.create_household(staff, region_code=factories.GRID_A1, address="东岳村3号")
    people_services.create_household(staff, region_code=factories.GRID_A1, address="东岳村5号")
    client, url = login(staff), reverse("people:households")
    location = client.post(url, {"q": "东岳村3号"})["Location"]
    assert "3" not in parse_qs(urlsplit(location).query).get("q", [""])[0] and "s" in parse_qs(urlsplit(location).query)
    page = client.get(location).content.decode()
    assert "东岳村3号" in page and "东岳村5号" not in page
    assert client.get(url, {"q": "东岳村3号"}).status_code == 400


# The lists' APIs: a number only in a POST body -----------------------------------------------------------------

APIS = [("/api/people", "/api/people/search", "items"),
        ("/api/people/households", "/api/people/households/search", "items"),
        ("/api/screening/key-persons", "/api/screening/key-persons/search", "items")]


@pytest.mark.parametrize(("listing", "search", "key"), APIS)
def test_an_api_list_takes_a_number_only_in_a_post_body(login, staff, found, listing, search, key):
    from fangkong.people import services as people_services
    people_services.create_household(staff, region_code=factories.GRID_A1, address="东岳村3号")
    client = login(staff)
    text = "东岳村3号" if "households" in listing else NUMBER
    refused = client.get(listing, {"q": text})
    assert refused.status_code == 422 and "POST" in refused.json()["detail"]["q"][0]
    searched = client.post(search, {"q": text}, content_type="application/json")
    assert searched.status_code == 200 and len(searched.json()[key]) == 1
    assert len(client.get(listing).json()[key]) >= 1  # no q: the list as before
