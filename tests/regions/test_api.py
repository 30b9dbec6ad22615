"""/api/regions: scoped, keyset-paged by code."""

import json

import pytest

from fangkong.accounts.models import Role
from tests import factories


def _get(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture
def county_client(tree, login):
    return login(factories.user("chief", Role.HQ_STAFF, factories.COUNTY))


def test_list_is_limited_to_the_scope(tree, login):
    body = _get(login(factories.user("lin", Role.TOWNSHIP_STAFF, factories.TOWN_A)), "/api/regions")
    assert [r["code"] for r in body["items"]] == [factories.TOWN_A, factories.VILLAGE_A1, factories.GRID_A1,
                                                  factories.VILLAGE_A2]
    assert body["next_after"] is None
    assert body["items"][2] == {"code": factories.GRID_A1, "name": "东岳村第1网格", "level": "grid",
                                "parent_code": factories.VILLAGE_A1}


def test_keyset_pages_follow_next_after(county_client):
    codes, after, pages = [], "", 0
    while True:
        body = _get(county_client, "/api/regions", limit=2, after=after)
        pages += 1
        codes += [r["code"] for r in body["items"]]
        if body["next_after"] is None:
            break
        assert body["next_after"] == body["items"][-1]["code"]
        after = body["next_after"]

    assert codes == [factories.COUNTY, factories.TOWN_A, factories.VILLAGE_A1, factories.GRID_A1,
                     factories.VILLAGE_A2, factories.TOWN_B, factories.VILLAGE_B1]
    assert pages == 4


def test_after_outside_the_scope_does_not_leak(tree, login):
    client = login(factories.user("lin", Role.TOWNSHIP_STAFF, factories.TOWN_A))
    # starting before the county code must still list only township A's subtree
    body = _get(client, "/api/regions", after="000000000000")
    assert {r["code"][:9] for r in body["items"]} == {factories.TOWN_A[:9]}


@pytest.mark.parametrize("limit,count", [(0, 1), (-5, 1), (3, 3), (10_000, 7)])
def test_limit_is_clamped(county_client, limit, count):
    assert len(_get(county_client, "/api/regions", limit=limit)["items"]) == count


def test_filters_by_level_and_parent(county_client):
    villages = _get(county_client, "/api/regions", level="village")
    children = _get(county_client, "/api/regions", parent=factories.TOWN_A)
    assert [r["code"] for r in villages["items"]] == [factories.VILLAGE_A1, factories.VILLAGE_A2,
                                                      factories.VILLAGE_B1]
    assert [r["code"] for r in children["items"]] == [factories.VILLAGE_A1, factories.VILLAGE_A2]


def test_one_region(county_client):
    assert _get(county_client, f"/api/regions/{factories.TOWN_B}") == {
        "code": factories.TOWN_B, "name": "丰山镇", "level": "township", "parent_code": factories.COUNTY}


def test_rename_with_empty_name_is_422(tree, login):
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A))
    response = client.patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": " "}, content_type="application/json")
    assert response.status_code == 422
    assert json.loads(response.content)["detail"] == {"name": ["名称不能为空"]}


def test_rename_with_a_too_long_name_is_422(tree, login):
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A))
    response = client.patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": "村" * 101},
                            content_type="application/json")
    assert response.status_code == 422
    assert "100" in json.loads(response.content)["detail"]["name"][0]
