"""Cell parsing: the date, number and label forms that village ledgers contain."""

import datetime

import pytest

from fangkong.ledger import cells

TODAY = datetime.date(2020, 2, 5)
D = datetime.date(2020, 1, 23)


@pytest.mark.parametrize("value", [
    "2020-01-23", "2020-1-23", "2020.1.23", "2020/1/23", "2020年1月23日", "2020 年 1 月 23 日", "20200123",
    "１月２３日", "1月23日", "1月23号", "2020-01-23 14:30", "2020/1/23 8:05:00", 43853, 43853.5, "43853",
    D, datetime.datetime(2020, 1, 23, 10, 0),
])
def test_every_date_form_reads_as_the_same_day(value):
    assert cells.parse_date(value, TODAY) == D


def test_month_and_day_only_takes_the_year_that_is_not_in_the_future():
    assert cells.parse_date("1月23日", TODAY) == datetime.date(2020, 1, 23)
    assert cells.parse_date("12月30日", TODAY) == datetime.date(2019, 12, 30)
    assert cells.parse_date("2月5日", TODAY) == datetime.date(2020, 2, 5)


def test_empty_date_is_none():
    assert cells.parse_date("", TODAY) is None
    assert cells.parse_date("  ", TODAY) is None


@pytest.mark.parametrize("value, reason", [
    ("2020-02-30", "日期不存在"), ("1月32日", "日期不存在"), ("上周三", "无法识别的日期"), ("1.23", "无法识别的日期"),
    ("1850-01-01", "日期不可能"), (0, "无法识别的日期"), (True, "无法识别的日期"),
])
def test_bad_dates_say_why(value, reason):
    with pytest.raises(cells.CellError, match=reason):
        cells.parse_date(value, TODAY)


def test_numbers_stored_by_excel():
    assert cells.number_text(13812345678.0) == "13812345678"
    assert cells.number_text(420921800101123) == "420921800101123"
    with pytest.raises(cells.CellError, match="存成了数字"):
        cells.number_text(4.20921198001011e17)


def test_text_folds_full_width_and_spaces():
    assert cells.text("  ＡＢ１２　 鄂Ｋ ") == "AB12 鄂K"
    assert cells.name_text(" 张 三 ") == "张三"
    assert cells.name_text("John  Smith") == "John Smith"
    assert cells.raw_text(13812345678.0) == "13812345678"


@pytest.mark.parametrize("value, expected", [
    ("疫区返乡人员", "returnee"), ("返乡", "returnee"), ("returnee", "returnee"), ("发热咳嗽人员", "fever"),
    ("密接", "close_contact"), ("密切接触者", "close_contact"), ("次密接", "secondary_contact"),
    ("疑似病例", "suspected"), ("确诊", "confirmed"), ("无症状感染者", "asymptomatic"), ("过境流动人员", "transient"),
    (" 疫区 返乡人员 ", "returnee"), ("", ""),
])
def test_categories(value, expected):
    assert cells.parse_category(value) == expected


def test_unknown_category():
    with pytest.raises(cells.CellError, match="未知的人员类别"):
        cells.parse_category("游客")


@pytest.mark.parametrize("value, expected", [
    ("自驾", "car"), ("高铁", "train"), ("火车", "train"), ("飞机", "plane"), ("长途汽车", "bus"), ("轮船", "ship"),
    ("步行", "other"), ("", ""), ("train", "train"),
])
def test_transport_modes(value, expected):
    assert cells.parse_transport_mode(value) == expected


def test_totals_and_signature_lines():
    assert cells.is_total_label("合计")
    assert cells.is_total_label("总 计：25人")
    assert cells.is_total_label("填表人：张三")
    assert not cells.is_total_label("张三")
    assert not cells.is_total_label(3)


def test_29_february_without_a_year():
    assert cells.parse_date("2月29日", datetime.date(2020, 3, 1)) == datetime.date(2020, 2, 29)
    assert cells.parse_date("2月29日", datetime.date(2021, 3, 1)) == datetime.date(2020, 2, 29)
    with pytest.raises(cells.CellError, match="日期不存在"):
        cells.parse_date("2月29日", datetime.date(2022, 3, 1))
