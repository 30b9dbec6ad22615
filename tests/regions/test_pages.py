"""The region tree and the region page, as seen from a scope."""

import re

import pytest

from fangkong.accounts.models import Role
from tests import factories


def _links(html: str) -> list[str]:
    """Region codes linked from the page's main content, in order."""
    return re.findall(r'href="/regions/(\d+)/"', html.split("<main>")[1])


def _breadcrumb(html: str) -> str:
    return html.split('<nav class="breadcrumb">')[1].split("</nav>")[0]


@pytest.mark.parametrize("role", [Role.VILLAGE_WORKER, Role.HQ_ADMIN])
def test_tree_shows_the_scope_root_and_two_levels_below(tree, login, role):
    html = login(factories.user("lin", role, factories.TOWN_A)).get("/regions/").content.decode()

    assert _links(html) == [factories.TOWN_A, factories.VILLAGE_A1, factories.GRID_A1, factories.VILLAGE_A2]
    assert "花园镇" in html and "东岳村第1网格" in html
    assert "丰山镇" not in html and "红旗村" not in html and "孝昌县" not in html


def test_tree_of_a_county_stops_at_villages(tree, login):
    html = login(factories.user("chief", Role.HQ_STAFF, factories.COUNTY)).get("/regions/").content.decode()
    assert _links(html) == [factories.COUNTY, factories.TOWN_A, factories.VILLAGE_A1, factories.VILLAGE_A2,
                            factories.TOWN_B, factories.VILLAGE_B1]
    assert "下辖2个" in html  # 花园镇 has two villages


def test_tree_of_a_grid_worker_has_no_children(tree, login):
    html = login(factories.user("g", Role.VILLAGE_WORKER, factories.GRID_A1)).get("/regions/").content.decode()
    assert _links(html) == [factories.GRID_A1]
    assert "没有下级区划" in html


def test_region_page_shows_children_and_code(tree, login):
    html = login(factories.user("chief", Role.HQ_STAFF, factories.COUNTY)).get(
        f"/regions/{factories.TOWN_A}/").content.decode()

    assert "<h1>花园镇" in html
    assert factories.TOWN_A in html
    assert _links(html)[-2:] == [factories.VILLAGE_A1, factories.VILLAGE_A2]
    assert "乡镇（街道）" in html


def test_breadcrumb_stops_at_the_scope_root(tree, login):
    county = login(factories.user("chief", Role.HQ_STAFF, factories.COUNTY))
    town = login(factories.user("lin", Role.TOWNSHIP_STAFF, factories.TOWN_A))

    from_county = _breadcrumb(county.get(f"/regions/{factories.GRID_A1}/").content.decode())
    from_town = _breadcrumb(town.get(f"/regions/{factories.GRID_A1}/").content.decode())

    assert re.findall(r'href="/regions/(\d+)/"', from_county) == [
        factories.COUNTY, factories.TOWN_A, factories.VILLAGE_A1]
    assert re.findall(r'href="/regions/(\d+)/"', from_town) == [factories.TOWN_A, factories.VILLAGE_A1]
    # above the scope: neither the county nor the city and province of the test tree
    assert "孝昌县" not in from_town and "420900000000" not in from_county


def test_scope_root_page_has_an_empty_breadcrumb(tree, login):
    html = login(factories.user("lin", Role.TOWNSHIP_STAFF, factories.TOWN_A)).get(
        f"/regions/{factories.TOWN_A}/").content.decode()
    assert re.findall(r'href="/regions/(\d+)/"', _breadcrumb(html)) == []


def test_region_without_children_says_so(tree, login):
    html = login(factories.user("lin", Role.TOWNSHIP_STAFF, factories.TOWN_A)).get(
        f"/regions/{factories.VILLAGE_A2}/").content.decode()
    assert "没有下级区划" in html


@pytest.mark.parametrize("role,shown", [(Role.HQ_ADMIN, True), (Role.HQ_STAFF, False), (Role.VIEWER, False)])
def test_rename_form_only_for_admins(tree, login, role, shown):
    html = login(factories.user("lin", role, factories.TOWN_A)).get(
        f"/regions/{factories.VILLAGE_A1}/").content.decode()
    assert (f'action="/regions/{factories.VILLAGE_A1}/rename/"' in html) is shown


def test_rename_with_an_empty_name_is_refused_with_a_message(tree, login):
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A))
    response = client.post(f"/regions/{factories.VILLAGE_A1}/rename/", {"name": "  "}, follow=True)
    assert "名称不能为空" in response.content.decode()
    assert "东岳村" in response.content.decode()


def test_rename_is_post_only(tree, login):
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A))
    assert client.get(f"/regions/{factories.VILLAGE_A1}/rename/").status_code == 405


def test_unknown_or_malformed_codes_are_404(tree, login):
    client = login(factories.user("chief", Role.HQ_STAFF, factories.COUNTY))
    for code in ("420921001299", "abc", "4209210012010011"):
        assert client.get(f"/regions/{code}/").status_code == 404
