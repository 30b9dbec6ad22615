from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import reports, selectors
from fangkong.core.actors import SYSTEM
from tests import factories as f

from .counts import BEFORE, DAY, add

URL = "/api/rollup/daily"


def test_daily_table_json(tree, login):
    add(f.VILLAGE_A1, "kp_new.returnee", 2)
    add(f.VILLAGE_A1, "kp_in.returnee", 2)
    add(f.VILLAGE_A2, "checks_done", 1, BEFORE)
    client = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    response = client.get(URL, {"region": f.TOWN_A, "date": DAY.isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert data["region"] == {"code": f.TOWN_A, "name": "花园镇", "level": "township"}
    assert data["date"] == "2020-02-03"
    assert data["totals"]["kp_new_returnee"] == 2
    assert data["totals"]["checks_missed"] == 2
    assert [(c["code"], c["name"], c["kp_under_management"]) for c in data["children"]] == [
        (f.VILLAGE_A1, "东岳村", 2), (f.VILLAGE_A2, "桃园村", 0)]
    assert set(data["children"][0]) == {"code", "name", "level", *data["totals"]}
    assert data["previous"]["date"] == "2020-02-02"
    assert data["previous"]["children"][1]["checks_done"] == 1
    # the same object as `fangkong report daily --format json`
    assert data == reports.as_json(selectors.daily_table(SYSTEM, f.TOWN_A, DAY))


def test_defaults_to_scope_and_today(tree, login):
    client = login(f.user("village", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    data = client.get(URL).json()
    assert data["region"]["code"] == f.VILLAGE_A1
    assert data["date"] == timezone.localdate().isoformat()


def test_out_of_scope_is_404(tree, login):
    client = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    for code in (f.TOWN_B, f.VILLAGE_B1, f.COUNTY):
        response = client.get(URL, {"region": code, "date": DAY.isoformat()})
        assert response.status_code == 404, code
        assert "detail" in response.json()


def test_bad_date_is_422(tree, login):
    client = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    assert client.get(URL, {"date": "2020-13-01"}).status_code == 422


def test_anonymous_is_401(tree, client):
    assert client.get(URL).status_code == 401


def test_openapi_lists_every_figure(tree, login):
    schema = login(f.user("viewer", Role.VIEWER, f.COUNTY)).get("/api/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/rollup/daily"]["get"]["parameters"]}
    assert parameters == {"region", "date"}
    child = schema["components"]["schemas"]["DailyChild"]
    assert {"code", "name", "households_visited", "kp_under_management_returnee", "checks_missed"} \
        <= set(child["properties"])
    assert child["properties"]["kp_new_fever"]["description"] == "发热咳嗽人员·新增"
