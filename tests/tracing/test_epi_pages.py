"""The epidemic curve page (curve, Rt, indicators), its PNGs and the JSON series of the API, scoped per role."""

import datetime

import pytest

from fangkong.accounts.models import Role
from tests import factories as f

from . import outbreak

D0 = datetime.date(2020, 1, 20)
LAST = D0 + datetime.timedelta(days=20)
PERIOD = f"first={D0.isoformat()}&last={LAST.isoformat()}"


@pytest.fixture
def epi_team(tree):
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


def _cases():
    """Five a day from D0 in 东岳村, and one case in 红旗村 (the other township) on D0."""
    for i in range(21):
        day = D0 + datetime.timedelta(days=i)
        for _n in range(5):
            outbreak.counted(outbreak.case(region=f.VILLAGE_A1, reported_at=outbreak.at(day, 20), onset_date=day))
    outbreak.counted(outbreak.case(region=f.VILLAGE_B1, classification="suspected", reported_at=outbreak.at(D0, 9),
                                   onset_date=D0))


def test_epi_page_shows_curve_rt_and_indicators(login, epi_team):
    _cases()
    page = login(epi_team).get(f"/tracing/epi/?{PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    for part in ['id="curve"', 'id="rt"', 'id="indicator-table"', '<svg class="chart"', "已管控人群中发现比例",
                 "确诊后24小时内隔离的密切接触者比例", "发病至隔离时间中位数", "诊断至报告时间中位数",
                 "每例病例追踪密切接触者人数"]:
        assert part in html, part
    assert "1/20 确诊病例：5" in html  # a bar's own value
    assert "1/20 疑似病例：1" in html
    assert 'data-end="2020-02-09"' in html  # the last window of the Rt table
    # a township's row leads to its own curve
    assert f"?region={f.TOWN_A}" in html
    town = login(epi_team).get(f"/tracing/epi/?region={f.TOWN_B}&{PERIOD}").content.decode()
    assert "1/20 疑似病例：1" in town and "确诊病例：5" not in town


def test_epi_page_bad_parameters_are_400(login, epi_team):
    client = login(epi_team)
    for query, word in [("first=2020-02-30", "first"), (f"first={LAST}&last={D0}", "晚于"), ("basis=x", "basis"),
                        ("mean_si=0.5", "序列间隔均值")]:
        answer = client.get(f"/tracing/epi/?{query}")
        assert answer.status_code == 400, query
        assert word in answer.content.decode(), query


def test_epi_pngs(login, epi_team):
    _cases()
    client = login(epi_team)
    for name in ["curve", "rt"]:
        answer = client.get(f"/tracing/epi/{name}.png?{PERIOD}")
        assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
        assert answer.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_epi_scope_per_role(login, tree):
    _cases()
    town_a = login(f.user("town_hq", Role.HQ_STAFF, f.TOWN_A))
    assert "疑似病例：1" not in town_a.get(f"/tracing/epi/?{PERIOD}").content.decode()
    assert town_a.get(f"/tracing/epi/?region={f.COUNTY}&{PERIOD}").status_code == 404
    assert town_a.get(f"/api/tracing/epi/curve?region={f.TOWN_B}&{PERIOD}").status_code == 404
    county = login(f.user("hq", Role.HQ_ADMIN, f.COUNTY)).get(f"/api/tracing/epi/curve?{PERIOD}").json()
    assert county["region_code"] == f.COUNTY and county["days"][0]["total"] == 6
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert worker.get("/tracing/epi/").status_code == 403
    assert worker.get("/api/tracing/epi/rt").status_code == 403


def test_api_series(login, epi_team):
    _cases()
    client = login(epi_team)
    curve = client.get(f"/api/tracing/epi/curve?basis=report&{PERIOD}").json()
    assert curve["basis"] == "report" and len(curve["days"]) == 21
    assert curve["days"][0] == {"day": "2020-01-20", "confirmed": 5, "asymptomatic": 0, "suspected": 1, "total": 6}
    rt = client.get(f"/api/tracing/epi/rt?{PERIOD}&mean_si=7.5&std_si=3.4").json()
    assert (rt["mean_si"], rt["std_si"], rt["min_cases"]) == (7.5, 3.4, 11)
    last = rt["rows"][-1]
    assert last["end"] == LAST.isoformat() and last["cases"] == 35 and last["enough"]
    assert last["lower"] < last["mean"] < last["upper"]
    early = rt["rows"][0]  # the window ending on the first day holds 5 cases: no interval
    assert early["end"] == D0.isoformat() and not early["enough"] and early["lower"] is None
    bad = client.get(f"/api/tracing/epi/rt?{PERIOD}&mean_si=0.5")
    assert bad.status_code == 422 and "mean_si" in bad.json()["detail"]
    indicators = client.get(f"/api/tracing/epi/indicators?first={D0}&last={D0}").json()
    assert (indicators["new_cases"], indicators["contacts_per_case"]) == (5, 0.0)
    assert indicators["median_diagnosis_to_report_hours"] == 1.0
    assert client.get("/api/tracing/epi/curve?first=2020-13-01").status_code == 422
