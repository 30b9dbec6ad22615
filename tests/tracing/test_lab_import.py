"""A lab's result list imported from Excel: header aliases under a title row, every bad cell named exactly,
all-or-nothing or keep-valid, a second import changing nothing, a positive result proposing; through the
service, the CLI, the upload page and the API."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import tz
from fangkong.tracing.models import LabTest
from fangkong.tracing.services import lab as services
from tests import factories as f
from tests.ledger.workbooks import xlsx

from .case_fixtures import registered, resident_id

LAB = "孝昌县疾控中心"
HEADER = ["序号", "受检者姓名", "身份证号码", "标本编号", "采集时间", "检测项目", "检测结果", "报告时间", "送检单位"]


def local(days_ago: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour, minute))


def text(moment: datetime.datetime) -> str:
    return f"{moment:%Y.%m.%d %H:%M}"


@pytest.fixture
def people(epi):
    numbers = [resident_id(n) for n in (101, 102, 103)]
    return {"numbers": numbers, "persons": [registered(epi, name, number=number) for name, number in
                                            zip(("张三", "李四", "王五"), numbers, strict=True)]}


def clean_rows(people) -> list[list]:
    n = people["numbers"]
    return [HEADER,
            [1, "张三", n[0], "HX001", text(local(1, 9)), "核酸", "阴性", text(local(1, 20)), "东岳村"],
            [2, "李 四", n[1], "hx002", text(local(1, 9, 30)), "核酸检测", "(+)", text(local(1, 22)), "东岳村"],
            [3, "王五", n[2], "HX003", text(local(1, 23)), "", "", "", "东岳村"]]


def workbook(tmp_path, rows, name="结果.xlsx"):
    return xlsx(tmp_path / name, {"检测结果": rows}, title="孝昌县疾控中心核酸检测结果报告单", title_rows=1)


def test_a_clean_list_under_a_title_row_is_imported(epi, people, tmp_path):
    result = services.import_lab_results(epi, workbook(tmp_path, clean_rows(people)), filename="结果.xlsx", lab=LAB)
    assert result.errors == [] and result.written
    assert (result.rows_read, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert result.ignored_columns == ["送检单位"]
    tests = {t.sample_number: t for t in LabTest.objects.all()}
    assert tests["HX001"].result == "negative" and tests["HX001"].lab == LAB
    assert timezone.localtime(tests["HX001"].sampled_at, tz()).replace(tzinfo=None) == local(1, 9)
    assert tests["HX002"].result == "positive" and tests["HX002"].proposal == "pending"  # proposed, not decided
    assert tests["HX003"].result == "pending" and tests["HX003"].result_at is None
    assert result.proposals == 1
    assert AuditEntry.objects.filter(action="lab_test.import").count() == 1


def test_importing_the_same_list_again_changes_nothing_and_a_new_result_updates_its_row(epi, people, tmp_path):
    rows = clean_rows(people)
    services.import_lab_results(epi, workbook(tmp_path, rows), filename="结果.xlsx", lab=LAB)
    again = services.import_lab_results(epi, workbook(tmp_path, rows, "again.xlsx"), filename="again.xlsx", lab=LAB)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, True)
    rows[3][6:8] = ["阴性", text(local(1, 23, 30))]  # 王五's result has come
    later = services.import_lab_results(epi, workbook(tmp_path, rows, "later.xlsx"), filename="later.xlsx", lab=LAB)
    assert (later.created, later.updated, later.unchanged) == (0, 1, 2)
    assert LabTest.objects.count() == 3
    assert LabTest.objects.get(sample_number="HX003").result == "negative"


def test_every_bad_cell_is_named_and_nothing_is_written(epi, people, tmp_path):
    n = people["numbers"]
    unknown = resident_id(199)
    future = timezone.localtime(timezone.now() + datetime.timedelta(days=2), tz()).replace(tzinfo=None)
    rows = clean_rows(people) + [
        [4, "赵六", unknown, "HX004", text(local(1, 9)), "核酸", "阴性", "", ""],
        [5, "张三", "420921198001011239", "HX005", text(local(1, 9)), "核酸", "阴性", "", ""],
        [6, "张四", n[0], "HX006", text(local(1, 9)), "核酸", "阴性", "", ""],
        [7, "李四", n[1], "HX007", text(local(1, 9)), "核酸", "阳X", "", ""],
        [8, "李四", n[1], "HX008", text(future), "核酸", "", "", ""],
        [9, "李四", n[1], "HX009", text(local(1, 9)), "核酸", "阴性", text(local(2, 9)), ""],
        [10, "王五", n[2], "hx001", text(local(1, 9)), "核酸", "阴性", "", ""],
        [11, "王五", n[2], "HX011", "下午", "核酸", "阴性", "", ""],
    ]
    result = services.import_lab_results(epi, workbook(tmp_path, rows), filename="结果.xlsx", lab=LAB)
    assert not result.written and LabTest.objects.count() == 0
    sheet = "检测结果"
    assert [(e["sheet"], e["row"], e["column"], e["value"], e["reason"]) for e in result.errors] == [
        (sheet, 6, "身份证号码", unknown, "未找到该证件号码登记的人员（请先登记人员）"),
        (sheet, 7, "身份证号码", "420921198001011239",
         "身份证号校验位错误：420921198001011239；未找到该证件号码登记的人员（请先登记人员）"),
        (sheet, 8, "受检者姓名", "张四", "姓名与该证件号码登记的姓名“张三”不符"),
        (sheet, 9, "检测结果", "阳X", "无法识别的检测结果：阳X"),
        (sheet, 10, "采集时间", text(future), f"采集时间 {future:%Y-%m-%d %H:%M} 是将来的时间"),
        (sheet, 11, "报告时间", text(local(2, 9)),
         f"出结果时间 {local(2, 9):%Y-%m-%d %H:%M} 早于采样时间 {local(1, 9):%Y-%m-%d %H:%M}"),
        (sheet, 12, "标本编号", "hx001", "与第3行的样本编号重复"),
        (sheet, 13, "采集时间", "下午", "无法识别的日期：下午（请写成2020-01-23）"),
    ]
    kept = services.import_lab_results(epi, workbook(tmp_path, rows, "keep.xlsx"), filename="keep.xlsx", lab=LAB,
                                       keep_valid=True)
    assert kept.written and kept.created == 3 and kept.error_count == 8
    assert sorted(LabTest.objects.values_list("sample_number", flat=True)) == ["HX001", "HX002", "HX003"]


def test_a_list_without_the_columns_it_needs_is_refused_whole(epi, people, tmp_path):
    rows = [["姓名", "身份证号", "检测结果"], ["张三", people["numbers"][0], "阴性"]]
    result = services.import_lab_results(epi, workbook(tmp_path, rows), filename="结果.xlsx", lab=LAB)
    assert not result.written
    assert [(e["row"], e["reason"]) for e in result.errors] == [(2, "缺少必需的列：样本编号、采样时间")]


def test_a_person_outside_the_importers_scope_is_as_unknown(epi, tmp_path, tree):
    doctor = f.user("doctor_a", Role.DOCTOR, f.TOWN_A)
    number = resident_id(150)
    registered(epi, "红旗", f.VILLAGE_B1, number)
    rows = [HEADER, [1, "红旗", number, "HX1", text(local(1, 9)), "核酸", "阴性", "", ""]]
    result = services.import_lab_results(doctor, workbook(tmp_path, rows), filename="结果.xlsx", lab=LAB)
    assert [e["reason"] for e in result.errors] == ["未找到该证件号码登记的人员（请先登记人员）"]


def test_the_command_line(epi, people, tmp_path, capsys):
    path = workbook(tmp_path, clean_rows(people))
    call_command("lab-import", str(path), "--lab", LAB)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (out["created"], out["written"]) == (3, True)
    call_command("lab-import", str(path), "--lab", LAB, "--user", "epi")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["unchanged"] == 3
    bad = workbook(tmp_path, clean_rows(people) + [[4, "赵六", resident_id(199), "HX4", text(local(1, 9)), "", "阴性"]],
                   "bad.xlsx")
    with pytest.raises(SystemExit) as exit_:
        call_command("lab-import", str(bad), "--lab", LAB)
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "第6行 身份证号码" in captured.err
    call_command("lab-import", str(bad), "--lab", LAB, "--keep-valid")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["error_count"] == 1


def test_the_upload_page_and_the_api(epi, people, tmp_path, login, worker_a1):
    client = login(epi)
    path = workbook(tmp_path, clean_rows(people))
    assert client.get("/tracing/lab/import/").status_code == 200
    with open(path, "rb") as handle:
        page = client.post("/tracing/lab/import/", {"file": handle, "lab": LAB})
    assert page.status_code == 200 and 'data-figure="created">3<' in page.content.decode()
    with open(path, "rb") as handle:
        answer = client.post("/api/tracing/lab-tests/import", {"file": handle, "lab": LAB})
    assert answer.status_code == 200 and answer.json()["unchanged"] == 3
    bad = workbook(tmp_path, clean_rows(people) + [[4, "赵六", resident_id(199), "HX4", text(local(1, 9)), "", "阴性"]],
                   "bad.xlsx")
    with open(bad, "rb") as handle:
        answer = client.post("/api/tracing/lab-tests/import", {"file": handle, "lab": LAB})
    assert answer.status_code == 422
    assert [(e["row"], e["column"]) for e in answer.json()["errors"]] == [(6, "身份证号码")]
    with open(bad, "rb") as handle:
        page = client.post("/tracing/lab/import/", {"file": handle, "lab": LAB})
    assert page.status_code == 422 and "未找到该证件号码登记的人员" in page.content.decode()
    assert login(worker_a1).get("/tracing/lab/import/").status_code == 403
    with open(path, "rb") as handle:
        assert login(worker_a1).post("/api/tracing/lab-tests/import", {"file": handle, "lab": LAB}).status_code == 403
