"""Every bad cell is reported with its sheet, spreadsheet row, column header, value and reason."""

import datetime

import pytest

from fangkong.ledger import services
from fangkong.people.models import Person
from tests import factories
from tests.people.ids import resident_id

from .workbooks import csv_file, xlsx

TODAY = datetime.date(2020, 2, 5)
GOOD = resident_id("19800101", "123")
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
HEADER = ["序号", "姓名", "证件类型", "公民身份号码", "性别", "出生日期", "手机", "村（社区）", "离开日期", "抵达时间",
          "人员类别"]


def row(n, name="张三", id_type="", number=None, sex="", birth="", phone="13812345678", village="东岳村",
        departure="", arrival="2020-01-23", category="返乡"):
    return [n, name, id_type, resident_id("19800101", f"{n:03d}") if number is None else number, sex, birth, phone,
            village, departure, arrival, category]


def import_file(user, path, **options):
    return services.import_ledger(user, path, filename=path.name, region_code=factories.VILLAGE_A1, today=TODAY,
                                  **options)


def reasons(result):
    return [(e["sheet"], e["row"], e["column"], e["value"]) for e in result.errors]


def test_each_error_kind_names_sheet_row_column_and_value(tmp_path, village_worker):
    float_id = float(resident_id("19800101", "777").replace("X", "1"))
    path = xlsx(tmp_path / "errors.xlsx", {
        "返乡人员": [
            HEADER,
            row(1, number=BAD_CHECK),                          # row 4
            row(2, phone="1381234"),                           # row 5
            row(3, arrival="2020-03-01"),                      # row 6: arrival in the future
            row(4, id_type="护照", number="E12345678", birth="1900-01-01"),  # row 7: over 120 years old
            row(5, category="游客"),                            # row 8
            row(6, village="不存在村"),                          # row 9
            row(7, departure="上周"),                            # row 10
            row(8, departure="2020-01-25"),                     # row 11: departure after arrival
            row(9, number=float_id),                            # row 12: an 18-digit ID stored as a number
            row(10, name=""),                                   # row 13
            row(11, sex="女"),                                  # row 14: male ID number
            row(12),                                            # row 15: the one good row
        ],
        "发热人员": [["姓名", "身份证号", "手机"], ["李四", "4209211980", "13812345678"]],
    }, title="东岳村台账", title_rows=2)
    result = import_file(village_worker, path, category="fever")
    assert not result.written and result.rows_read == 13
    assert reasons(result) == [
        ("返乡人员", 4, "公民身份号码", BAD_CHECK),
        ("返乡人员", 5, "手机", "1381234"),
        ("返乡人员", 6, "抵达时间", "2020-03-01"),
        ("返乡人员", 7, "出生日期", "1900-01-01"),
        ("返乡人员", 8, "人员类别", "游客"),
        ("返乡人员", 9, "村（社区）", "不存在村"),
        ("返乡人员", 10, "离开日期", "上周"),
        ("返乡人员", 11, "离开日期", "2020-01-25"),
        ("返乡人员", 12, "公民身份号码", str(int(float_id))),
        ("返乡人员", 13, "姓名", ""),
        ("返乡人员", 14, "性别", "女"),
        ("发热人员", 4, "身份证号", "4209211980"),  # below its own two title rows
    ]
    why = [e["reason"] for e in result.errors]
    assert "校验位" in why[0]
    assert "电话号码格式错误" in why[1]
    assert "将来" in why[2]
    assert "出生日期不可能" in why[3]
    assert "未知的人员类别" in why[4]
    assert "没有这个村" in why[5]
    assert "无法识别的日期" in why[6]
    assert "晚于抵达日期" in why[7]
    assert "存成了数字" in why[8]
    assert "姓名不能为空" in why[9]
    assert "性别与身份证号不符" in why[10]
    assert "18位" in why[11]
    assert Person.objects.count() == 0


def test_a_row_with_two_bad_cells_reports_both(tmp_path, village_worker):
    path = xlsx(tmp_path / "two.xlsx", {"台账": [HEADER, row(1, number=BAD_CHECK, phone="12")]})
    result = import_file(village_worker, path)
    assert reasons(result) == [("台账", 2, "公民身份号码", BAD_CHECK), ("台账", 2, "手机", "12")]


def test_no_category_anywhere(tmp_path, village_worker):
    path = csv_file(tmp_path / "no-category.csv", [["姓名", "身份证号"], ["张三", GOOD]])
    result = import_file(village_worker, path)
    assert reasons(result) == [("no-category.csv", 2, "类别", "")]
    assert "未指定人员类别" in result.errors[0]["reason"]
    assert import_file(village_worker, path, category="returnee").written


def test_missing_id_column(tmp_path, village_worker):
    path = xlsx(tmp_path / "no-id.xlsx", {"台账": [["标题"], ["姓名", "手机", "现住址"], ["张三", "13812345678", "x"]]})
    result = import_file(village_worker, path, category="returnee")
    assert reasons(result) == [("台账", 2, "", "")]
    assert "缺少必需的列：身份证号" in result.errors[0]["reason"]


def test_no_header_at_all(tmp_path, village_worker):
    path = xlsx(tmp_path / "notes.xlsx", {"说明": [["这是一份说明"]]})
    result = import_file(village_worker, path, category="returnee")
    assert reasons(result) == [("说明", 0, "", "")]
    assert "没有找到台账表头" in result.errors[0]["reason"]


def test_unsupported_and_damaged_files(tmp_path, village_worker):
    doc = tmp_path / "台账.docx"
    doc.write_bytes(b"PK\x03\x04 not really")
    assert "不支持的文件类型" in import_file(village_worker, doc, category="returnee").errors[0]["reason"]
    broken = tmp_path / "台账.xlsx"
    broken.write_bytes(b"this is not a workbook")
    result = import_file(village_worker, broken, category="returnee")
    assert not result.written and "无法读取文件" in result.errors[0]["reason"]


def test_empty_ledger_is_refused(tmp_path, village_worker):
    path = xlsx(tmp_path / "empty.xlsx", {"台账": [HEADER, [1], [2], [3]]})  # a template with only its 序号
    result = import_file(village_worker, path)
    assert (result.rows_read, result.written) == (0, False)
    assert "没有可导入的数据行" in result.errors[0]["reason"]


def test_unknown_category_option(tmp_path, village_worker):
    path = csv_file(tmp_path / "a.csv", [["姓名", "身份证号"], ["张三", GOOD]])
    with pytest.raises(Exception, match="未知的人员类别"):
        import_file(village_worker, path, category="tourists")


def test_errors_come_in_sheet_and_row_order(tmp_path, village_worker):
    header = ["姓名", "身份证号", "手机"]
    path = xlsx(tmp_path / "order.xlsx", {
        "甲": [header, ["张三", GOOD, ""], ["张三", GOOD, ""]],          # a duplicate: found after reading
        "乙": [header, ["李四", resident_id("19800101", "124"), "12"]],  # a bad phone: found while reading
    })
    result = import_file(village_worker, path, category="returnee")
    assert [(e["sheet"], e["row"]) for e in result.errors] == [("甲", 3), ("乙", 2)]


def test_row_numbers_with_empty_rows_and_columns_before_the_table(tmp_path, village_worker):
    import xlsxwriter
    path = tmp_path / "offset.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(4, 2, ["姓名", "身份证号", "手机"])  # the table starts at C5
    sheet.write_row(5, 2, ["张三", GOOD, "13812345678"])
    sheet.write_row(6, 2, ["李四", resident_id("19800101", "124"), "12"])
    book.close()
    result = import_file(village_worker, path, category="returnee")
    assert reasons(result) == [("台账", 7, "手机", "12")]
