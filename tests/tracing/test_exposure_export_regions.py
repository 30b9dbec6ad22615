"""The exposure search names where each person lives by the region's full name, from the county down
(孝昌县花园镇东岳村): in the contact list's 现住区划 column, never the code, and on the page's list of persons
found; a village's name repeats across townships, and a contact list spans a county."""

import datetime

import pytest

from fangkong.regions import selectors as region_selectors
from fangkong.tracing.selectors import exposure as exposure_selectors
from tests import factories as f
from tests.audit.xlsx import sheet_rows
from tests.places.builders import at, person, place, staff, visit

M = datetime.timedelta(minutes=1)


@pytest.fixture
def scene(tree):
    f.region("420900000000", "孝感市")
    shop = place("甲超市", f.VILLAGE_A1)
    subject = person("病例甲", 1, "13800000001", region=f.VILLAGE_A1)
    near = person("邻居乙", 2, "13800000002", region=f.GRID_A1)
    far = person("外镇丙", 3, "13800000003", region=f.VILLAGE_B1)
    t0 = at(10, day=2)
    visit(subject, shop, t0)
    visit(near, shop, t0 + 5 * M)
    visit(far, shop, t0 + 10 * M)
    return subject


def _column(content: bytes, heading: str) -> list:
    rows = sheet_rows(content)
    header = next(i for i, row in enumerate(rows) if heading in row)
    index = rows[header].index(heading)
    return [row[index] for row in rows[header + 1:] if row[0]]


def test_the_contact_list_names_the_regions_in_full(scene, login):
    client = login(staff("hq"))
    response = client.get("/tracing/exposure/export/", {"person": scene.pk})
    assert response.status_code == 200
    assert sorted(_column(response.content, "现住区划")) == ["孝昌县丰山镇红旗村", "孝昌县花园镇东岳村第1网格"]


def test_the_persons_found_are_named_alike(scene):
    """The search's persons (the candidates of a search by number, a check-in's match candidates) read the same."""
    found, = exposure_selectors.subjects_for(staff("hq"), number="13800000002")
    assert (found.name, found.region_name) == ("邻居乙", "孝昌县花园镇东岳村第1网格")


@pytest.mark.parametrize("values, expected", [
    (("东岳村第1网格", "grid", "东岳村", "village", "花园镇", "township", "孝昌县", "county"), "孝昌县花园镇东岳村第1网格"),
    (("第2网格", "grid", "东岳村", "village", "花园镇", "township", "孝昌县", "county"), "孝昌县花园镇东岳村第2网格"),
    (("东岳村", "village", "花园镇", "township", "孝昌县", "county", "孝感市", "city"), "孝昌县花园镇东岳村"),
    (("花园镇", "township", "孝昌县", "county", "孝感市", "city", "湖北省", "province"), "孝昌县花园镇"),
    (("孝昌县", "county", None, None, None, None, None, None), "孝昌县"),
    (("湖北省", "province", None, None, None, None, None, None), ""),
])
def test_a_full_name_from_the_county_down(values, expected):
    assert region_selectors.path_name(values) == expected
