"""The public check-in asks where the visitor came from as a place to pick (a province or its city), never a
region code, on a page of its own layout: no menu, no account box, nothing of the staff pages."""

import re

import pytest
from django.test import Client

from fangkong.places.models import CheckIn
from fangkong.places.services import check_ins
from fangkong.risk_areas import services as risk_areas
from tests.places.test_check_in import post, url

from .builders import code, fresh_cache, place  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def spot(tree):
    p = place()
    return p, code(p)


def test_the_origin_is_a_place_picker_without_codes_to_read(spot):
    _p, c = spot
    html = Client().get(url(c)).content.decode()

    assert "区划代码" not in html
    picker = re.search(r'<select name="origin_code"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert '<optgroup label="湖北省">' in picker
    assert '<option value="42">湖北省（全省）</option>' in picker
    assert '<option value="4201">武汉市</option>' in picker
    assert '<option value="110105">朝阳区</option>' in picker  # a municipality by its districts
    assert "沙市市" not in picker  # a city of the past is no choice
    assert not re.search(r">[^<]*\d{4,}[^<]*<", picker)  # no option reads as a code


def test_the_picked_place_is_stored_by_name_and_code_and_tested_against_risk_areas(spot, monkeypatch):
    _p, c = spot
    monkeypatch.setattr(check_ins.risk_areas, "is_risk_origin", lambda origin_code, day: origin_code.startswith("4201"))

    assert post(c, {"phone": "13912345678", "name": "李四", "origin_code": "4201"}).status_code == 200
    assert post(c, {"phone": "13912345679", "name": "李五", "origin_code": "42"}).status_code == 200
    assert post(c, {"phone": "13912345670", "name": "李六"}).status_code == 200

    rows = {r.name: (r.origin, r.origin_code, r.from_risk_area) for r in CheckIn.objects.all()}
    assert rows == {"李四": ("湖北省武汉市", "4201", True), "李五": ("湖北省", "42", False), "李六": ("", "", False)}


def test_the_places_are_todays(spot):
    places = {code: (name, dict(cities)) for code, name, cities in risk_areas.places_to_pick()}
    assert places["42"][1]["4206"] == "襄阳市"  # renamed in 2010 from 襄樊市
    assert "4204" not in places["42"][1]  # 沙市市, merged in 1994
    assert risk_areas.picked_place_name("4206") == "湖北省襄阳市"
    assert risk_areas.picked_place_name("4204") == ""


@pytest.mark.parametrize("page", ["form", "done", "gone"])
def test_the_public_pages_carry_no_staff_layout(spot, page):
    _p, c = spot
    if page == "form":
        response = Client().get(url(c))
    elif page == "done":
        response = post(c, {"phone": "13912345678", "name": "李四"})
    else:
        response = Client().get("/places/c/no-such-code/")
    html = response.content.decode()

    assert 'class="brand"' in html and "防控指挥平台" in html
    for staff_only in ('class="mainnav"', 'class="userbox"', "/accounts/", "set_language", 'href="/"'):
        assert staff_only not in html, staff_only
