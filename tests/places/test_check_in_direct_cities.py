"""The public check-in's place picker holds the county-level cities and counties a province administers itself
(省直辖县级: 仙桃市 429004, whose city part is 90), under their province after its cities; a visitor from one
is stored by its full name and code and tested against the risk areas like anyone else."""

import datetime
import re

import pytest
from django.test import Client

from fangkong.places.models import CheckIn
from fangkong.risk_areas import services as risk_areas
from fangkong.risk_areas.models import RiskArea
from tests.places.test_check_in import post, url

from .builders import code, fresh_cache, place  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def spot(tree):
    p = place()
    return p, code(p)


def _hubei(html: str) -> str:
    picker = re.search(r'<select name="origin_code"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<optgroup label="湖北省">(.*?)</optgroup>', picker, re.S).group(1)


def test_the_picker_holds_the_directly_administered_cities(spot):
    _p, c = spot
    hubei = _hubei(Client().get(url(c)).content.decode())

    for value, name in [("429004", "仙桃市"), ("429005", "潜江市"), ("429006", "天门市"), ("429021", "神农架林区")]:
        assert f'<option value="{value}">{name}</option>' in hubei
    assert hubei.index("恩施土家族苗族自治州") < hubei.index("仙桃市")  # after the province's cities
    assert ">林区<" not in hubei  # stdnum's old group of 神农架, no place
    assert hubei.count(">随州市<") == 1  # a city since 2000 (4213), not again as 429001


def test_other_provinces_directly_administered_units_too():
    places = {code: dict(cities) for code, _name, cities in risk_areas.places_to_pick()}
    assert places["41"]["419001"] == "济源市"
    assert places["46"]["469002"] == "琼海市" and places["46"]["469021"] == "定安县"
    assert places["65"]["659001"] == "石河子市"
    assert "429002" not in places["42"]  # 老河口市 was one from 1986 to 1989 only
    assert risk_areas.picked_place_name("429004") == "湖北省仙桃市"


def test_a_visitor_from_xiantao_is_stored_by_name_and_tested_against_the_risk_areas(spot):
    _p, c = spot
    RiskArea.objects.create(code="429004", name="仙桃市", valid_from=datetime.date.today() - datetime.timedelta(days=3))
    risk_areas.clear_cache()

    assert post(c, {"phone": "13912345678", "name": "李四", "origin_code": "429004"}).status_code == 200
    assert post(c, {"phone": "13912345679", "name": "李五", "origin_code": "429005"}).status_code == 200

    rows = {r.name: (r.origin, r.origin_code, r.from_risk_area) for r in CheckIn.objects.all()}
    assert rows == {"李四": ("湖北省仙桃市", "429004", True), "李五": ("湖北省潜江市", "429005", False)}
