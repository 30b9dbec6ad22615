"""Days and moments asked for in the API and on the pages: one accepted range (core.days: 2000-01-01 …
2100-12-31, offsets within ±14 h). Outside it the API answers 422 naming the parameter and the range, a page
answers 400 or shows a form error saying why; never a 500. Values inside it still work."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.core import days
from fangkong.core.forms import parse_day
from tests import factories as f
from tests.places.builders import checkpoint, person

RANGE = "2000-01-01 至 2100-12-31"
OUT_OF_RANGE = ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"]
NOT_A_DAY = ["2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00-14:00", "2026-01-01T00:00:00+15:00", "garbage"]
BAD_MOMENTS = OUT_OF_RANGE + ["2026-01-01T00:00:00+15:00", "2026-01-01T00:00:00-14:01",
                              "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "garbage"]
GOOD_MOMENTS = ["2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00-14:00", "2020-02-03T08:00:00", "2020-02-03"]
GOOD_DAY = "2020-02-03"


# The rule itself ---------------------------------------------------------------------------------------------

def test_the_accepted_days_are_2000_to_2100_inclusive():
    assert days.day_problem(datetime.date(2000, 1, 1)) is None
    assert days.day_problem(datetime.date(2100, 12, 31)) is None
    for day in (datetime.date(1999, 12, 31), datetime.date(2101, 1, 1), datetime.date.min, datetime.date.max):
        assert RANGE in days.day_problem(day)


def test_a_moment_needs_an_offset_within_14_hours_and_a_local_day_in_range():
    def tz(hours, minutes=0):
        return datetime.timezone(datetime.timedelta(hours=hours, minutes=minutes))

    ok = [datetime.datetime(2026, 1, 1, tzinfo=tz(14)), datetime.datetime(2026, 1, 1, tzinfo=tz(-14)),
          datetime.datetime(2100, 12, 31, 23, 59),  # naive: local time
          datetime.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))]
    assert [days.moment_problem(m) for m in ok] == [None] * len(ok)
    assert "±14" in days.moment_problem(datetime.datetime(2026, 1, 1, tzinfo=tz(14, 1)))
    assert "±14" in days.moment_problem(datetime.datetime(2026, 1, 1, tzinfo=tz(-15)))
    # 2000-01-01 00:00 at +09:00 is 1999-12-31 23:00 in the county: outside
    assert RANGE in days.moment_problem(datetime.datetime(2000, 1, 1, tzinfo=tz(9)))
    # the far ends of Python's calendar, where converting to UTC would overflow
    assert RANGE in days.moment_problem(datetime.datetime(1, 1, 1, tzinfo=tz(14)))
    assert RANGE in days.moment_problem(datetime.datetime(9999, 12, 31, 23, 59, tzinfo=tz(-14)))


def test_a_page_reads_iso_days_in_range_only():
    assert parse_day(" ２０２０-02-03 ") == datetime.date(2020, 2, 3)
    for text in OUT_OF_RANGE:
        with pytest.raises(ValueError, match=RANGE):
            parse_day(text)
    for text in NOT_A_DAY:
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_day(text)


# The API -----------------------------------------------------------------------------------------------------

@pytest.fixture
def scene(tree):
    boss = f.user("boss", Role.HQ_ADMIN)
    client = Client()
    client.force_login(boss)
    return {"client": client, "cp": checkpoint().pk, "person": person().pk, "county": f.COUNTY}


API_DAYS = [  # (URL with {day}, parameter, where it is)
    ("/api/rollup/daily?date={day}", "date", "query"),
    ("/api/reports/status?date={day}", "date", "query"),
    ("/api/reports/dashboard?date={day}", "date", "query"),
    ("/api/reports/summary/xlsx?date={day}", "date", "query"),
    ("/api/reports/daily/{county}/{day}", "date", "path"),
    ("/api/reports/daily/{county}/{day}/xlsx", "date", "path"),
    ("/api/ledger/export?region={county}&date={day}", "date", "query"),
    ("/api/places/compliance?day={day}", "day", "query"),
    ("/api/checkpoints/{cp}/passages?day={day}", "day", "query"),
    ("/api/checkpoints/{cp}/figures?day={day}", "day", "query"),
]


def _url(template: str, scene: dict, value: str) -> str:
    return template.format(day=value.replace("+", "%2B"), county=scene["county"], cp=scene["cp"],
                           person=scene["person"])


def _detail_of(response, place: str, name: str) -> str:
    assert response.status_code == 422, (response.status_code, response.content[:300])
    errors = [e for e in response.json()["detail"] if e["loc"][:1] == [place] and e["loc"][-1] == name]
    assert errors, response.json()
    return errors[0]["msg"]


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_DAY)
@pytest.mark.parametrize("template,name,place", API_DAYS)
def test_an_api_day_outside_the_range_is_a_422_naming_it(scene, template, name, place, value):
    response = scene["client"].get(_url(template, scene, value))

    message = _detail_of(response, place, name)
    assert (RANGE in message) if value in OUT_OF_RANGE else ("YYYY-MM-DD" in message)


@pytest.mark.parametrize("template,name,place", API_DAYS)
def test_an_api_day_in_range_still_works(scene, template, name, place):
    response = scene["client"].get(_url(template, scene, GOOD_DAY))

    # a report not yet submitted has no workbook: 422 saying so
    assert response.status_code == (422 if template.endswith("/xlsx") and "/daily/" in template else 200), \
        response.content[:300]
    if response.status_code == 422:
        assert "尚未报送" in response.json()["detail"]["report"][0]


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_DAY)
def test_api_writes_refuse_a_day_outside_the_range(scene, value):
    client, day = scene["client"], value.replace("+", "%2B")
    body = json.dumps({"next_steps": "继续做好排查"})
    put = client.put(f"/api/reports/briefs/{f.COUNTY}/{day}/next-steps", body, content_type="application/json")
    docx = client.post(f"/api/reports/briefs/{f.COUNTY}/{day}/docx")
    draft = client.post(f"/api/reports/daily/{f.VILLAGE_A1}/{day}/draft", json.dumps({"situation": ""}),
                        content_type="application/json")
    sweep = client.post("/api/screening/sweeps", json.dumps({
        "name": "第一轮", "region_code": f.COUNTY, "start_date": value, "end_date": GOOD_DAY}),
        content_type="application/json")

    for response in (put, docx, draft):
        _detail_of(response, "path", "date")
    _detail_of(sweep, "body", "start_date")


@pytest.mark.parametrize("value", BAD_MOMENTS)
@pytest.mark.parametrize("name", ["start", "end"])
def test_an_api_moment_outside_the_range_is_a_422_naming_it(scene, name, value):
    url = f"/api/tracing/exposure?person_id={scene['person']}&{name}={value.replace('+', '%2B')}"

    message = _detail_of(scene["client"].get(url), "query", name)
    expected = "datetime" if value == "garbage" else "±14" if value.endswith(("+15:00", "-14:01")) else RANGE
    assert expected in message


@pytest.mark.parametrize("value", GOOD_MOMENTS)
def test_an_api_moment_in_range_still_works_at_any_offset_up_to_14_hours(scene, value):
    url = f"/api/tracing/exposure?person_id={scene['person']}&start={value.replace('+', '%2B')}"

    response = scene["client"].get(url)

    assert response.status_code == 200, response.content[:300]
    assert response.json()["person_id"] == scene["person"]


@pytest.mark.parametrize("value", BAD_MOMENTS)
def test_moments_in_request_bodies_are_checked_by_the_services(scene, value):
    client, cp = scene["client"], scene["cp"]
    passage = client.post(f"/api/checkpoints/{cp}/passages", json.dumps({
        "id_number": "420921199001011239", "name": "张三", "temperature": "36.5", "outcome": "pass",
        "passed_at": value}), content_type="application/json")
    inspection = client.post(f"/api/checkpoints/{cp}/inspections", json.dumps({
        "barrier": True, "staff_on_duty": True, "entry_register": True, "thermometer": True, "disinfection": True,
        "inspected_at": value}), content_type="application/json")

    assert passage.status_code == 422 and "passed_at" in passage.json()["detail"], passage.content[:300]
    assert inspection.status_code == 422 and "inspected_at" in inspection.json()["detail"], inspection.content[:300]


# The pages ---------------------------------------------------------------------------------------------------

PAGES_WITH_A_FORM = ["/rollup/?date={day}", "/reports/?date={day}", "/reports/dashboard/?date={day}",
                     "/reports/brief/?date={day}", "/audit/?date_from={day}", "/audit/?date_to={day}"]
PAGES_400 = ["/rollup/daily.xlsx?date={day}", "/reports/summary.xlsx?date={day}",
             "/reports/daily/{county}/{day}/", "/reports/daily/{county}/{day}/report.xlsx",
             "/screening/today/?day={day}", "/checkpoints/{cp}/?day={day}",
             "/tracing/exposure/?person={person}&start={day}", "/ledger/export/?region={county}&date={day}"]


def _says_why(html: str, value: str) -> bool:
    if value in OUT_OF_RANGE:
        return RANGE in html
    return bool(re.search(r"YYYY-MM-DD|有效日期|日期格式错误|请检查输入的日期|输入一个有效的日期|Enter a valid date", html))


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_DAY)
@pytest.mark.parametrize("template", PAGES_WITH_A_FORM)
def test_a_page_shows_why_a_day_cannot_be_used(scene, template, value):
    response = scene["client"].get(_url(template, scene, value))

    assert response.status_code == 200
    assert _says_why(response.content.decode(), value)


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_DAY)
@pytest.mark.parametrize("template", PAGES_400)
def test_a_page_or_download_for_a_day_outside_the_range_is_a_400_saying_why(scene, template, value):
    response = scene["client"].get(_url(template, scene, value))

    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert _says_why(response.content.decode(), value)


@pytest.mark.parametrize("value", OUT_OF_RANGE + NOT_A_DAY)
def test_the_brief_actions_refuse_a_day_outside_the_range(scene, value):
    client = scene["client"]
    for url in ("/reports/brief/docx/", "/reports/brief/next-steps/"):
        response = client.post(url, {"region": f.COUNTY, "date": value, "next_steps": "继续"})
        assert response.status_code == 400 and _says_why(response.content.decode(), value)


@pytest.mark.parametrize("template", PAGES_WITH_A_FORM + PAGES_400)
def test_a_page_for_a_day_in_range_still_works(scene, template):
    response = scene["client"].get(_url(template, scene, GOOD_DAY))

    # a report not yet submitted has no workbook: back to the report's page
    assert response.status_code == (302 if template.endswith("report.xlsx") else 200), response.content[:300]


@pytest.mark.parametrize("command", [
    ["report", "daily", "--region", f.COUNTY, "--format", "json"],
    ["brief", "--region", f.COUNTY, "--out", "brief.docx"],
    ["export-ledger", "--region", f.COUNTY, "--out", "ledger.xlsx"],
    ["reports", "status", "--region", f.COUNTY],
    ["rollup", "check"],
])
@pytest.mark.parametrize(("value", "says"), [("0001-01-01", "超出范围"), ("9999-12-31", "超出范围"),
                                             ("2026-13-01", "YYYY-MM-DD")])
def test_a_command_refuses_a_day_outside_the_range_naming_the_option(tree, tmp_path, monkeypatch, command,
                                                                      value, says):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError) as info:
        call_command(*command, "--date", value)
    assert "--date" in str(info.value) and says in str(info.value) and value in str(info.value)
