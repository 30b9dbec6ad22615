"""A hand-made ledger with every quirk of DESIGN.md §4 imports correctly, value by value."""

import datetime

import pytest

from fangkong.ledger import services
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson
from tests import factories
from tests.people.ids import full_width, resident_id, resident_id_ending_in_x

from .workbooks import csv_file, ods, xlsx

TODAY = datetime.date(2020, 2, 5)
HEADER = ["序号", " 姓 名 ", "公民身份号码", "手机", "现住址", "村（社区）", "来自何地", "离开日期", "抵达时间",
          "交通方式", "车次/航班/车牌", "人员类别", "症状", "备注"]
ZHANG = resident_id("19800101", "123")
LI = resident_id_ending_in_x("19850305")
WANG_15 = "420921800101125"  # legacy 15-digit number: 1980-01-01, converted to 18 digits
ZHAO = resident_id("19900707", "456")
QIAN = resident_id("20000229", "789")


def messy_workbook(path):
    rows = [
        HEADER,
        [1, "张三", ZHANG, "13812345678", "东岳村3组12号", "东岳村", "湖北省武汉市江汉区", "2020.1.21", "2020-01-23",
         "高铁", "g1234", "疫区返乡人员", "无", ""],
        [2, " 李 四 ", full_width(LI.lower()), 13912345678, " 桃园村 5组 ", "桃园村", "武汉", "", "2020/1/23", "自驾",
         "鄂Ｋ１２３４５", "返乡", "", "独居"],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        [3, "王五", WANG_15, "138 1234 5679", "东岳村1组", "东岳", "武汉市洪山区", "2020年1月20日", "1月23日", "火车",
         "K81", "密接", "发热、咳嗽", ""],
        [4, "赵六", ZHAO, "0712-1234567", "东岳村2组", "420921001201", "广东省深圳市", None, 43853, "飞机",
         "CZ3456", "发热咳嗽人员", "咳嗽", ""],
        [5, "钱七", f" {QIAN} ", "１３７１２３４５６７８", "桃园村1组", "桃园村", "武汉", "", "2020年1月23日", "",
         "", "疫区返乡人员", "/", ""],
        [],
        ["合计", "5人"],
        ["填表人：孙八    审核人：周九"],
    ]
    # 赵六's departure is a real Excel date cell (row index 5 = the 6th row written, column 7)
    return xlsx(path, {"返乡人员台账": rows}, title="花园镇重点人员台账", title_rows=2,
                date_cells={("返乡人员台账", 5, 7): datetime.date(2020, 1, 22)})


@pytest.fixture
def town_staff(tree):
    return factories.user("town_a", "township_staff", factories.TOWN_A)


def test_every_quirk_imports(tmp_path, town_staff):
    path = messy_workbook(tmp_path / "花园镇台账.xlsx")
    result = services.import_ledger(town_staff, path, filename=path.name, region_code=factories.TOWN_A,
                                    today=TODAY)
    assert result.errors == []
    assert result.as_dict() == {"rows_read": 5, "created": 5, "updated": 0, "duplicates": 0, "pending": 0, "errors": [],
                                "error_count": 0, "error_columns": [], "stopped": False, "written": True, "checks": 0,
                                "ignored_columns": [], "skipped_sheets": [],
                                "sheet_dates": [{"sheet": "返乡人员台账", "date": "2020-01-25"}]}

    zhang = Person.objects.get(name="张三")
    assert (zhang.id_number, zhang.sex, zhang.birth_date) == (ZHANG, "male", datetime.date(1980, 1, 1))
    assert (zhang.phone, zhang.region_id, zhang.address) == ("13812345678", factories.VILLAGE_A1, "东岳村3组12号")
    kp = KeyPerson.objects.get(person=zhang)
    # no 登记日期 column: registered on the sheet's date, its title's 填报日期
    assert (kp.category, kp.region_id, kp.registered_on) == ("returnee", factories.VILLAGE_A1, datetime.date(2020, 1, 25))
    assert (kp.origin, kp.departure_date, kp.arrival_date) == (
        "湖北省武汉市江汉区", datetime.date(2020, 1, 21), datetime.date(2020, 1, 23))
    assert (kp.transport_mode, kp.transport_number, kp.symptoms, kp.note) == ("train", "G1234", "", "")

    li = Person.objects.get(name="李四")  # spaces inside a Chinese name removed
    assert li.id_number == LI and li.id_number.endswith("X")  # full-width digits, lowercase x
    assert (li.phone, li.address, li.region_id) == ("13912345678", "桃园村 5组", factories.VILLAGE_A2)
    kp = KeyPerson.objects.get(person=li)
    assert (kp.category, kp.arrival_date, kp.departure_date) == ("returnee", datetime.date(2020, 1, 23), None)
    assert (kp.transport_mode, kp.transport_number, kp.note) == ("car", "鄂K12345", "独居")

    wang = Person.objects.get(name="王五")
    assert wang.id_number == resident_id("19800101", "125")  # 15 → 18 digits
    assert (wang.phone, wang.region_id) == ("13812345679", factories.VILLAGE_A1)  # "东岳" found as 东岳村
    kp = KeyPerson.objects.get(person=wang)
    assert (kp.category, kp.departure_date, kp.arrival_date) == (
        "close_contact", datetime.date(2020, 1, 20), datetime.date(2020, 1, 23))  # 1月23日 → this year
    assert kp.symptoms == "发热、咳嗽"

    zhao = Person.objects.get(name="赵六")
    assert (zhao.phone, zhao.region_id) == ("07121234567", factories.VILLAGE_A1)  # village by code
    kp = KeyPerson.objects.get(person=zhao)
    assert (kp.category, kp.departure_date, kp.arrival_date) == (
        "fever", datetime.date(2020, 1, 22), datetime.date(2020, 1, 23))  # Excel date cell and Excel serial
    assert (kp.transport_mode, kp.symptoms) == ("plane", "咳嗽")

    qian = Person.objects.get(name="钱七")
    assert (qian.id_number, qian.birth_date, qian.sex) == (QIAN, datetime.date(2000, 2, 29), "male")
    assert qian.phone == "13712345678"
    kp = KeyPerson.objects.get(person=qian)
    assert (kp.arrival_date, kp.transport_mode, kp.symptoms) == (datetime.date(2020, 1, 23), "", "")


def test_two_row_header_instructions_sheet_and_category_sheets(tmp_path, village_worker):
    path = xlsx(tmp_path / "东岳村.xlsx", {
        "填表说明": [["1. 身份证号请设为文本格式"], ["2. 日期写成2020-01-23"]],
        "返乡人员": [["序号", "姓名", "身份证号", "人员类别", "返乡信息", "", ""],
                     ["", "", "", "", "来自何地", "返回日期", "交通方式"],
                     [1, "张三", ZHANG, "返乡", "武汉", "2020-01-23", "火车"]],
        "发热人员": [["序号", "姓名", "证件号码", "联系电话", "症状"],
                     [1, "张三", ZHANG, "13812345678", "发热"],
                     [2, "李四", LI, "13912345678", "咳嗽"]],
    })
    result = services.import_ledger(village_worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                    category="fever", today=TODAY)
    assert result.as_dict() == {"rows_read": 3, "created": 2, "updated": 0, "duplicates": 0, "pending": 0, "errors": [],
                                "error_count": 0, "error_columns": [], "stopped": False, "written": True, "checks": 0,
                                "ignored_columns": [], "sheet_dates": [{"sheet": "返乡人员", "date": "2020-02-05"},
                                                                       {"sheet": "发热人员", "date": "2020-02-05"}],
                                "skipped_sheets": [{"sheet": "填表说明", "reason": "没有台账表头，未导入"}]}
    zhang = Person.objects.get(name="张三")
    assert zhang.phone == "13812345678"  # the second sheet's row of the same person adds the phone
    entries = {kp.category: kp for kp in KeyPerson.objects.filter(person=zhang)}
    assert set(entries) == {"returnee", "fever"}
    assert (entries["returnee"].origin, entries["returnee"].arrival_date) == ("武汉", datetime.date(2020, 1, 23))
    assert entries["returnee"].transport_mode == "train"
    assert entries["fever"].symptoms == "发热"
    assert KeyPerson.objects.get(person__name="李四").category == "fever"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_the_encodings_excel_writes(tmp_path, village_worker, encoding):
    path = csv_file(tmp_path / "台账.csv", [
        ["东岳村返乡人员登记表"],
        ["姓名", "身份证号码", "联系电话", "返乡时间", "从何地返回", "类别"],
        ["张三", ZHANG.lower(), "13812345678", "2020/1/23", "武汉", "疫区返乡人员"],
        ["", "", "", "", "", ""],
        ["李四", LI, "", "1月24日", "孝感", "发热咳嗽人员"],
    ], encoding=encoding)
    result = services.import_ledger(village_worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                    today=TODAY)
    assert result.errors == [] and (result.rows_read, result.created) == (2, 2)
    kp = KeyPerson.objects.get(person__name="张三")
    assert (kp.category, kp.arrival_date, kp.origin) == ("returnee", datetime.date(2020, 1, 23), "武汉")
    kp = KeyPerson.objects.get(person__name="李四")
    assert (kp.category, kp.arrival_date, kp.person.phone) == ("fever", datetime.date(2020, 1, 24), "")


def test_month_day_dates_in_january_of_a_ledger_typed_late_december(tmp_path, village_worker):
    path = csv_file(tmp_path / "台账.csv", [["姓名", "身份证号", "抵达日期"], ["张三", ZHANG, "12月30日"]])
    services.import_ledger(village_worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                           category="returnee", today=datetime.date(2020, 1, 5))
    assert KeyPerson.objects.get().arrival_date == datetime.date(2019, 12, 30)


def test_opendocument_spreadsheet(tmp_path, village_worker):
    path = ods(tmp_path / "东岳村.ods", {"台账": [["东岳村返乡人员台账"], [], ["姓名", "身份证号", "手机", "返回日期"],
                                                ["张三", ZHANG, 13812345678, "2020.1.23"], [], ["合计", 1]]})
    result = services.import_ledger(village_worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                    category="returnee", today=TODAY)
    assert (result.errors, result.rows_read, result.created) == ([], 1, 1)
    kp = KeyPerson.objects.get()
    assert (kp.person.name, kp.person.phone, kp.arrival_date) == ("张三", "13812345678", datetime.date(2020, 1, 23))
