"""The report chain API: status, one report, submit, draft, return, settings; scope and errors."""

import datetime
import json

from fangkong.reports import services
from fangkong.reports.models import DailyReport, ReportStatus
from tests.factories import COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_B1

from .chain_county import DAY, at, visits

BASE = "/api/reports"


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_submit_and_read_back_with_differences(staff, login):
    visits(VILLAGE_A1, 4)
    client = login(staff["v_a1"])

    created = _post(client, f"{BASE}/daily/{VILLAGE_A1}/{DAY}/submit", {"situation": "无异常"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] in ("on_time", "late_submitted") and body["figures"]["households_visited"] == 4
    assert body["differences"] == []

    visits(VILLAGE_A1, 1)
    read = login(staff["town_a"]).get(f"{BASE}/daily/{VILLAGE_A1}/{DAY}").json()
    assert read["figures"]["households_visited"] == 4 and read["live"]["households_visited"] == 5
    assert read["differences"] == [{"key": "households_visited", "frozen": 4, "live": 5}]
    assert [h["action"] for h in read["history"]] == ["report_submitted"]


def test_errors_are_422_403_404(staff, login):
    client = login(staff["v_a1"])
    empty = _post(client, f"{BASE}/daily/{VILLAGE_A1}/{DAY}/submit", {"situation": ""})
    assert empty.status_code == 422 and "situation" in empty.json()["detail"]
    assert _post(login(staff["town_a"]), f"{BASE}/daily/{VILLAGE_A1}/{DAY}/submit",
                 {"situation": "x"}).status_code == 403
    assert login(staff["town_a"]).get(f"{BASE}/daily/{VILLAGE_B1}/{DAY}").status_code == 404
    assert login(staff["town_a"]).get(f"{BASE}/status", {"region": TOWN_B}).status_code == 404
    assert not DailyReport.objects.exists()


def test_return_through_the_api(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    assert _post(login(staff["v_a1"]), f"{BASE}/daily/{VILLAGE_A1}/{DAY}/return", {"comment": "x"}).status_code == 403
    response = _post(login(staff["town_a"]), f"{BASE}/daily/{VILLAGE_A1}/{DAY}/return", {"comment": "请核实"})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert DailyReport.objects.get().status == ReportStatus.RETURNED
    again = _post(login(staff["v_a1"]), f"{BASE}/daily/{VILLAGE_A1}/{DAY}/submit", {"situation": "已核实"})
    assert again.status_code == 201 and [h["action"] for h in again.json()["history"]] == [
        "report_submitted", "report_returned", "report_resubmitted"]


def test_status_per_level(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    body = login(staff["hq"]).get(f"{BASE}/status", {"region": COUNTY, "date": DAY.isoformat()}).json()
    levels = {lv["level"]: lv for lv in body["levels"]}
    assert body["past_deadline"] is True  # 2020 is long past
    assert (levels["village"]["total"], levels["village"]["submitted"], levels["village"]["overdue"]) == (3, 1, 2)
    assert levels["county"]["missing"] == 1
    assert {r["code"]: r["state"] for r in levels["village"]["regions"]}[VILLAGE_A1] == "on_time"
    town = login(staff["town_a"]).get(f"{BASE}/status", {"date": DAY.isoformat()}).json()
    assert [lv["level"] for lv in town["levels"]] == ["township", "village"] and town["region"] == TOWN_A


def test_settings(staff, login):
    assert login(staff["hq"]).get(f"{BASE}/settings").json()["deadline"] == "16:00"
    put = login(staff["admin"]).put(f"{BASE}/settings", json.dumps({"deadline": "17:30"}),
                                    content_type="application/json")
    assert put.status_code == 200 and put.json()["deadline"] == "17:30"
    assert login(staff["hq"]).put(f"{BASE}/settings", json.dumps({"deadline": "09:00"}),
                                  content_type="application/json").status_code == 403
    bad = login(staff["admin"]).put(f"{BASE}/settings", json.dumps({"deadline": "99"}),
                                    content_type="application/json")
    assert bad.status_code == 422
    assert login(staff["town_a"]).get(f"{BASE}/settings").json()["deadline"] == "17:30"


def test_draft_through_the_api(staff, login):
    response = _post(login(staff["town_a"]), f"{BASE}/daily/{TOWN_A}/{DAY}/draft", {"situation": "草稿"})
    assert response.status_code == 200 and response.json()["state"] == "overdue"
    assert DailyReport.objects.get().situation == "草稿"
    assert datetime.date.fromisoformat(response.json()["date"]) == DAY
