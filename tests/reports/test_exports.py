"""Exports: one daily report and the summary workbook as .xlsx (unified headers, exporter and time in the
file, audited), through the service, the page, the API and the command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fangkong.analytics.figures import FIGURES
from fangkong.audit.models import AuditEntry
from fangkong.reports import services
from tests.factories import COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from .chain_county import DAY, at, visits


def _cell(value):
    if value == "":
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _sheets(content: bytes) -> dict:
    """{sheet name: rows}; numbers as ints, empty cells as None."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: [[_cell(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names}


def test_a_report_in_the_unified_table_format(staff):
    visits(VILLAGE_A1, 6)
    visits(VILLAGE_A2, 2)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "一户拒绝登记，已上报", now=at(DAY, 10))
    services.submit_report(staff["town_a"], TOWN_A, DAY, "镇情况正常", now=at(DAY, 17))
    visits(VILLAGE_A1, 1)  # after submission: the file keeps the submitted figures

    content, filename = services.export_report(staff["admin"], TOWN_A, DAY)

    assert filename == f"daily-report-{TOWN_A}-{DAY}-submitted.xlsx"
    sheets = _sheets(content)
    rows = sheets["每日一报"]
    assert "导出人：admin（admin）" in rows[1][0]
    headers = rows[2]
    assert headers[:2] == ["区划代码", "区划名称"]
    assert headers[2:2 + len(FIGURES)] == [f.heading for f in FIGURES]
    assert headers[-4:] == ["报送状态", "情况与问题", "报送人", "报送时间"]
    column = headers.index("走访户数")
    town, a1, a2 = rows[3], rows[4], rows[5]
    assert (town[0], town[column], town[-4], town[-3], town[-2]) == (TOWN_A, 8, "逾期报送", "镇情况正常", "town_a")
    assert town[-1] == "2020-02-02 17:00"
    assert (a1[0], a1[column], a1[-4], a1[-3]) == (VILLAGE_A1, 6, "已报送", "一户拒绝登记，已上报")
    assert (a2[0], a2[column], a2[-4]) == (VILLAGE_A2, None, "逾期未报")
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.actor, entry.region_id) == ("daily_report_submitted", staff["admin"], TOWN_A)
    assert entry.after["filters"] == {"region": TOWN_A, "date": DAY.isoformat()}


def test_differences_since_submission_get_their_own_sheet(staff):
    visits(VILLAGE_A1, 6)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    visits(VILLAGE_A1, 2)
    rows = _sheets(services.export_report(staff["v_a1"], VILLAGE_A1, DAY)[0])["报送后变化"]
    assert rows[3] == ["走访户数", 6, 8, 2]


def test_an_unsubmitted_report_is_not_exported(staff):
    with pytest.raises(services.ValidationError):
        services.export_report(staff["admin"], VILLAGE_A1, DAY)
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_summary_workbook_has_one_sheet_per_level(staff):
    visits(VILLAGE_A1, 6)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    services.submit_report(staff["v_b1"], VILLAGE_B1, DAY, "迟报", now=at(DAY, 18))

    content, filename = services.export_summary(staff["hq"], COUNTY, DAY)

    sheets = _sheets(content)
    assert list(sheets) == ["县（区）", "乡镇（街道）", "村（社区）"]
    villages = sheets["村（社区）"]
    assert "已报送2" in villages[0][0] and "hq" in villages[1][0]
    column = villages[2].index("走访户数")
    by_code = {r[0]: r for r in villages[3:]}
    assert set(by_code) == {VILLAGE_A1, VILLAGE_A2, VILLAGE_B1}
    assert (by_code[VILLAGE_A1][column], by_code[VILLAGE_A1][-4]) == (6, "已报送")
    assert by_code[VILLAGE_B1][-4] == "逾期报送" and by_code[VILLAGE_A2][-4] == "逾期未报"
    assert [r[0] for r in sheets["县（区）"][3:]] == [COUNTY]
    assert AuditEntry.objects.get(action="export").object_type == "daily_report_summary"


def test_page_and_api_downloads_are_audited_and_scoped(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    town = login(staff["town_a"])

    page = town.get(reverse("reports:report_xlsx", args=[VILLAGE_A1, DAY.isoformat()]))
    assert page.status_code == 200 and page["Content-Type"].startswith("application/vnd.openxmlformats")
    summary = town.get(reverse("reports:summary_xlsx"), {"date": DAY.isoformat()})
    assert list(_sheets(summary.content)) == ["乡镇（街道）", "村（社区）"]
    api = town.get(f"/api/reports/daily/{VILLAGE_A1}/{DAY}/xlsx")
    assert api.status_code == 200 and _sheets(api.content)["每日一报"][3][0] == VILLAGE_A1
    assert town.get("/api/reports/summary/xlsx", {"region": COUNTY, "date": DAY.isoformat()}).status_code == 404
    assert town.get(f"/api/reports/daily/{VILLAGE_A2}/{DAY}/xlsx").status_code == 422  # not submitted
    assert AuditEntry.objects.filter(action="export", actor=staff["town_a"]).count() == 3


def test_the_command_writes_both_files(staff, tmp_path):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    out = io.StringIO()

    call_command("reports", "export", "--region", VILLAGE_A1, "--date", DAY.isoformat(),
                 "--out", str(tmp_path / "r.xlsx"), stdout=out)
    call_command("reports", "export", "--region", COUNTY, "--date", DAY.isoformat(), "--summary",
                 "--user", "hq", "--out", str(tmp_path / "s.xlsx"), stdout=out)

    assert _sheets((tmp_path / "r.xlsx").read_bytes())["每日一报"][3][0] == VILLAGE_A1
    assert "导出人：hq" in _sheets((tmp_path / "s.xlsx").read_bytes())["村（社区）"][1][0]
    assert list(AuditEntry.objects.filter(action="export").values_list("source", flat=True)) == ["cli", "cli"]
    with pytest.raises(CommandError, match="尚未报送"):
        call_command("reports", "export", "--region", VILLAGE_A2, "--date", DAY.isoformat())
    with pytest.raises(CommandError, match="管辖范围"):
        call_command("reports", "export", "--region", COUNTY, "--user", "town_a", "--summary")


def test_the_status_command_prints_json(staff):
    out = io.StringIO()
    call_command("reports", "status", "--region", TOWN_A, "--date", DAY.isoformat(), stdout=out)
    assert '"level": "village"' in out.getvalue() and '"overdue": 2' in out.getvalue()
