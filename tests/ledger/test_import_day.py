"""A ledger of any day: the sheet's date from its title rows (or --as-of / the upload's field), year-less dates
in the sheet's year, the day's temperature and symptom columns as that day's checks, the columns not imported
named, one sheet per category with a summary sheet skipped, and the export read back unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.ledger import services
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.quarantine.models import TransferRequest
from fangkong.screening.models import DailyCheck, KeyPerson, KeyPersonEvent
from tests import factories
from tests.people.ids import resident_id

from .builders import key_person
from .test_api import bearer
from .workbooks import xlsx

A, B, C = (resident_id("19800101", s) for s in ("301", "302", "303"))
SHEET_DAY = datetime.date(2020, 2, 3)


def book(path, rows, *, title="", header=("姓名", "身份证号", "抵达日期", "来自何地"), name="返乡人员"):
    sheet = ([[title]] if title else []) + [list(header), *rows]
    return xlsx(path, {name: sheet})


def run(user, path, **options):
    return services.import_ledger(user, path, filename=path.name, region_code=factories.VILLAGE_A1, **options)


@pytest.mark.parametrize("title", ["填报单位：东岳村    填报日期：2020年2月3日", "截至2月3日18时", "统计时间：2020.2.3",
                                   "东岳村返乡人员台账（截至２０２０年２月３日）", "2020-02-03 东岳村摸排台账"])
def test_a_sheet_is_read_as_of_the_date_in_its_title(tmp_path, village_worker, title):
    # the ledger of 3 February 2020, imported years later: its arrivals are no typos and nothing is in the future
    path = book(tmp_path / "a.xlsx", [["张三", A, "2020-01-21", "武汉"]], title=title)
    result = run(village_worker, path, today=datetime.date(2020, 3, 1) if "截至2月3日" in title else None)
    assert (result.written, result.errors, result.sheet_dates) == (True, [], [{"sheet": "返乡人员", "date": "2020-02-03"}])
    kp = KeyPerson.objects.get()
    assert (kp.registered_on, kp.arrival_date) == (SHEET_DAY, datetime.date(2020, 1, 21))


def test_the_future_counts_from_the_sheets_date(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "2020-02-04", "武汉"]], title="填报日期：2020年2月3日")
    result = run(village_worker, path)
    assert not result.written
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in result.errors] == [
        (3, "抵达日期", "2020-02-04", "抵达日期 2020-02-04 是将来的日期")]


def test_year_less_dates_take_the_sheets_year(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "1月21日", "武汉"], ["李四", B, "12月28日", "广州"]],
                title="填报日期：2020年2月3日")
    assert run(village_worker, path).written
    arrivals = dict(KeyPerson.objects.values_list("person__name", "arrival_date"))
    assert arrivals == {"张三": datetime.date(2020, 1, 21), "李四": datetime.date(2019, 12, 28)}


def test_as_of_decides_over_the_title_and_may_not_be_in_the_future(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "1月21日", "武汉"]], title="填报日期：2021年2月3日")
    result = run(village_worker, path, as_of=SHEET_DAY)
    assert result.sheet_dates == [{"sheet": "返乡人员", "date": "2020-02-03"}]
    assert KeyPerson.objects.get().arrival_date == datetime.date(2020, 1, 21)
    with pytest.raises(ValidationError) as refused:
        run(village_worker, path, as_of=datetime.date.today() + datetime.timedelta(days=1))
    assert "as_of" in refused.value.message_dict


def test_a_title_date_in_the_future_refuses_the_sheet(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "2020-01-21", "武汉"]], title="填报日期：2020年2月3日")
    result = run(village_worker, path, today=datetime.date(2020, 2, 1))
    assert not result.written and "将来" in result.errors[0]["reason"]


def test_the_upload_page_and_the_api_take_the_sheets_date(tmp_path, village_worker, login):
    path = book(tmp_path / "a.xlsx", [["张三", A, "1月21日", "武汉"]])
    with open(path, "rb") as handle:
        page = login(village_worker).post(reverse("ledger:import"), {
            "file": handle, "region": factories.VILLAGE_A1, "as_of": "2020-02-03"})
    assert page.status_code == 200 and 'name="as_of"' in page.content.decode()
    assert KeyPerson.objects.get().registered_on == SHEET_DAY
    KeyPerson.objects.all().delete()
    with open(path, "rb") as handle:
        answer = login(village_worker).post("/api/ledger/import", {
            "file": handle, "region": factories.VILLAGE_A1, "as_of": "2020-02-03"}, **bearer(village_worker))
    assert answer.status_code == 200 and answer.json()["sheet_dates"] == [{"sheet": "返乡人员", "date": "2020-02-03"}]
    assert KeyPerson.objects.get().arrival_date == datetime.date(2020, 1, 21)


CHECK_HEADER = ("姓名", "身份证号", "体温（℃）", "是否有发热、咳嗽症状", "抵达日期")


def test_temperature_and_symptom_columns_are_the_days_checks(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "36.5", "否", "2020-01-21"],
                                      ["李四", B, "38.2", "是", "2020-01-22"],
                                      ["王五", C, "", "", "2020-01-22"]],
                title="填报日期：2020年2月3日", header=CHECK_HEADER)
    result = run(village_worker, path)
    assert (result.written, result.checks, result.ignored_columns) == (True, 2, [])
    checks = {c.key_person.person.name: c for c in DailyCheck.objects.select_related("key_person__person")}
    assert set(checks) == {"张三", "李四"}
    zhang, li = checks["张三"], checks["李四"]
    assert (zhang.checked_on, zhang.temperature, zhang.symptoms) == (SHEET_DAY, Decimal("36.5"), "")
    assert (li.temperature, li.symptoms, li.checked_by) == (Decimal("38.2"), "发热、咳嗽", village_worker)
    figures = counters.figures([factories.VILLAGE_A1], SHEET_DAY)[factories.VILLAGE_A1]
    assert (figures.get("checks_done"), figures.get("fevers_found")) == (2, 1)
    # the fever reaches the fever clinic as one recorded on the page would
    assert list(TransferRequest.objects.values_list("person__name", flat=True)) == [li.key_person.person.name]
    assert set(KeyPersonEvent.objects.filter(kind__in=["check", "fever_check"]).values_list("kind", flat=True)) == {
        "check", "fever_check"}
    audit = AuditEntry.objects.get(action="daily_check.import")
    assert sorted(audit.after["daily_checks"]) == sorted(c.pk for c in checks.values())
    assert counters.differences(SHEET_DAY) == {}

    again = run(village_worker, book(tmp_path / "b.xlsx", [["张三", A, "37.0", "否", "2020-01-21"]],
                                     title="填报日期：2020年2月3日", header=CHECK_HEADER))
    assert (again.created, again.checks) == (0, 1)  # one check per person and day: the later one replaces it
    assert DailyCheck.objects.get(key_person__person__name="张三").temperature == Decimal("37.0")
    assert counters.differences(SHEET_DAY) == {}


def test_an_impossible_temperature_is_a_bad_cell(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "20", "否", "2020-01-21"], ["李四", B, "36.6", "否", "2020-01-21"]],
                title="填报日期：2020年2月3日", header=CHECK_HEADER)
    result = run(village_worker, path)
    assert not result.written and DailyCheck.objects.count() == 0
    [error] = result.errors
    assert (error["row"], error["column"], error["value"]) == (3, "体温（℃）", "20")
    assert "超出可能范围" in error["reason"]
    kept = run(village_worker, path, keep_valid=True)
    assert (kept.written, kept.created, kept.checks) == (True, 1, 1)


def test_yes_no_symptoms_without_a_temperature_go_to_the_entry(tmp_path, village_worker):
    path = book(tmp_path / "a.xlsx", [["张三", A, "是", "2020-01-21"]], title="填报日期：2020年2月3日",
                header=("姓名", "身份证号", "是否咳嗽", "抵达日期"))
    result = run(village_worker, path)
    assert (result.written, result.checks) == (True, 0)
    assert KeyPerson.objects.get().symptoms == "咳嗽"


def test_a_check_before_the_entrys_registration_is_a_bad_cell(tmp_path, village_worker, tree):
    key_person("张三", "301", factories.VILLAGE_A1, registered_on=datetime.date(2020, 2, 10))
    path = book(tmp_path / "a.xlsx", [["张三", A, "36.5", "否", ""]], title="填报日期：2020年2月3日", header=CHECK_HEADER)
    result = run(village_worker, path)
    assert not result.written
    assert (result.errors[0]["column"], result.errors[0]["reason"]) == ("体温（℃）", "检查日期 2020-02-03 早于登记日期 2020-02-10")


IGNORED_HEADER = ("序号", "姓名", "身份证号", "年龄", "核酸结果", "包保干部")


def test_columns_not_imported_are_named(tmp_path, village_worker, login):
    path = book(tmp_path / "a.xlsx", [[1, "张三", A, 40, "阴性", "王干部"]], header=IGNORED_HEADER)
    result = run(village_worker, path)
    assert result.written and result.ignored_columns == ["年龄", "核酸结果", "包保干部"]  # 序号 is no data
    assert result.as_dict()["ignored_columns"] == ["年龄", "核酸结果", "包保干部"]
    with open(path, "rb") as handle:
        page = login(village_worker).post(reverse("ledger:import"), {"file": handle, "region": factories.VILLAGE_A1})
    html = page.content.decode()
    assert 'id="ignored-columns"' in html and "核酸结果" in html
    with open(path, "rb") as handle:
        answer = login(village_worker).post("/api/ledger/import", {"file": handle, "region": factories.VILLAGE_A1},
                                            **bearer(village_worker))
    assert answer.json()["ignored_columns"] == ["年龄", "核酸结果", "包保干部"]


def test_one_sheet_per_category_and_the_summary_sheet_skipped(tmp_path, village_worker):
    header = ["姓名", "身份证号"]
    path = xlsx(tmp_path / "a.xlsx", {
        "汇总": [["类别", "人数"], ["返乡", 1], ["密接", 1]],
        "返乡人员": [header, ["张三", A]],
        "密切接触者": [header, ["李四", B]],
        "全部人员汇总表": [["姓名", "身份证号", "类别"], ["张三", A, "返乡"], ["李四", B, "密接"]],
    })
    result = run(village_worker, path)
    assert (result.written, result.created, result.errors) == (True, 2, [])
    assert dict(KeyPerson.objects.values_list("person__name", "category")) == {"张三": "returnee", "李四": "close_contact"}
    assert result.skipped_sheets == [{"sheet": "汇总", "reason": "汇总表，未导入"},
                                     {"sheet": "全部人员汇总表", "reason": "汇总表，未导入"}]


def test_the_export_imports_back_unchanged(tmp_path, tree, village_worker):
    day = datetime.date(2020, 2, 1)
    key_person("张三", "301", factories.VILLAGE_A1, origin="武汉", arrival_date=datetime.date(2020, 1, 23),
               transport_mode="train", transport_number="G1234")
    key_person("李四", "302", factories.GRID_A1, "fever", symptoms="发热")
    key_person("王五", "303", factories.VILLAGE_A1, "close_contact", phone="")
    for person in Person.objects.exclude(phone=""):  # as a registration stores them
        Person.objects.filter(pk=person.pk).update(phone_digest=identity.digest("phone", person.phone))
    hq = factories.user("hq", "hq_admin", factories.COUNTY)
    content, name, rows = services.export_ledger(hq, region_code=factories.VILLAGE_A1, day=day, reveal=True)
    path = tmp_path / name
    path.write_bytes(content)
    before = (Person.objects.count(), KeyPerson.objects.count(),
              list(KeyPerson.objects.order_by("pk").values()), list(Person.objects.order_by("pk").values()))
    result = run(village_worker, path)
    assert (result.written, result.created, result.error_count, result.updated, result.pending) == (True, 0, 0, 3, 0)
    assert result.ignored_columns == ["责任人", "状态"]
    assert {d["date"] for d in result.sheet_dates} == {"2020-02-01"}
    after = (Person.objects.count(), KeyPerson.objects.count(),
             list(KeyPerson.objects.order_by("pk").values()), list(Person.objects.order_by("pk").values()))
    assert after == before  # the grid entry stays in its grid, though the export names its village
