import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from tests import factories as f
from tests.audit.xlsx import sheet_rows

from . import ledger
from .counts import BEFORE, DAY, add


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_report_daily_json(tree):
    add(f.VILLAGE_A1, "households_visited", 5)
    add(f.VILLAGE_B1, "kp_new.transient", 2)
    add(f.VILLAGE_B1, "households_visited", 1, BEFORE)
    data = json.loads(_run("report", "daily", "--region", f.COUNTY, "--date", "2020-02-03", "--format", "json"))
    assert list(data)[:5] == ["region", "date", "figures", "totals", "children"]
    assert data["region"]["name"] == "孝昌县" and data["date"] == "2020-02-03"
    assert (data["totals"]["households_visited"], data["totals"]["kp_new_transient"]) == (5, 2)
    assert [(c["code"], c["name"], c["households_visited"], c["kp_new"]) for c in data["children"]] == [
        (f.TOWN_A, "花园镇", 5, 0), (f.TOWN_B, "丰山镇", 0, 2)]
    assert data["previous"]["totals"]["households_visited"] == 1


def test_report_daily_json_to_a_file(tree, tmp_path):
    add(f.VILLAGE_A1, "checks_done", 3)
    out = tmp_path / "daily.json"
    _run("report", "daily", "--region", f.TOWN_A, "--date", "2020-02-03", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["totals"]["checks_done"] == 3


def test_report_daily_xlsx_carries_exporter_and_is_audited(tree, tmp_path):
    user = f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A, display_name="王镇长")
    add(f.VILLAGE_A2, "fevers_found", 1)
    out = tmp_path / "daily.xlsx"
    printed = _run("report", "daily", "--region", f.TOWN_A, "--date", "2020-02-03", "--format", "xlsx",
                   "--out", str(out), "--user", "town")
    assert printed.strip() == str(out)
    rows = sheet_rows(out.read_bytes())
    assert "王镇长（town）" in rows[1][0]
    fevers = rows[2].index("发现发热")
    assert [(r[0], r[fevers]) for r in rows[3:]] == [(f.TOWN_A, 1), (f.VILLAGE_A1, 0), (f.VILLAGE_A2, 1)]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.source, entry.region_id) == (user, "cli", f.TOWN_A)


def test_report_as_the_system_writes_the_default_file(tree, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run("report", "daily", "--region", f.COUNTY, "--date", "2020-02-03", "--format", "xlsx")
    rows = sheet_rows((tmp_path / f"daily-report-{f.COUNTY}-2020-02-03.xlsx").read_bytes())
    assert "system" in rows[1][0]
    assert AuditEntry.objects.get(action="export").actor_name == "system"


@pytest.mark.parametrize("args, message", [
    (["--region", f.TOWN_B, "--user", "town"], "不在管辖范围内"),
    (["--region", "420921099000"], "不存在"),
    (["--region", f.TOWN_A, "--user", "nobody"], "用户不存在"),
    (["--region", f.TOWN_A, "--date", "2020-02-30"], "--date"),
])
def test_report_refuses_bad_input(tree, args, message):
    f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A)
    with pytest.raises(CommandError, match=message):
        _run("report", "daily", *args)


def test_rollup_rebuild_one_day_and_a_range(tree):
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    kp = ledger.key_person(hq, 1, f.VILLAGE_A1, day=BEFORE)
    ledger.check(hq, kp, day=DAY)
    expected = {day: counters.live(day) for day in (BEFORE, DAY)}
    DailyCounter.objects.all().delete()
    assert _run("rollup", "rebuild", "--date", "2020-02-03").strip() == f"2020-02-03: {len(expected[DAY])} counters"
    assert counters.live(DAY) == expected[DAY] and counters.live(BEFORE) == {}
    DailyCounter.objects.all().delete()
    printed = _run("rollup", "rebuild", "--from", "2020-02-01", "--to", "2020-02-03").splitlines()
    assert printed == ["2020-02-01: 0 counters", f"2020-02-02: {len(expected[BEFORE])} counters",
                       f"2020-02-03: {len(expected[DAY])} counters"]
    assert {day: counters.live(day) for day in (BEFORE, DAY)} == expected
    assert AuditEntry.objects.filter(action="rebuild_counters", source="cli").count() == 4


def test_rollup_check_reports_differences(tree):
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    ledger.key_person(hq, 1, f.VILLAGE_A1)
    assert "agree" in _run("rollup", "check", "--date", "2020-02-03")
    DailyCounter.objects.filter(region_id=f.TOWN_A).update(value=7)
    with pytest.raises(CommandError, match="differ"):
        _run("rollup", "check", "--from", "2020-02-02", "--to", "2020-02-03")


@pytest.mark.parametrize("args", [
    [],
    ["--from", "2020-02-03"],
    ["--from", "2020-02-03", "--to", "2020-02-01"],
    ["--date", "2020-02-03", "--to", "2020-02-04"],
    ["--date", "yesterday"],
    ["--from", "2019-01-01", "--to", "2020-02-01"],
])
def test_rollup_refuses_bad_days(tree, args):
    with pytest.raises(CommandError):
        _run("rollup", "rebuild", *args)
    assert not AuditEntry.objects.exists()
