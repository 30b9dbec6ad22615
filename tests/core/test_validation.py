"""core.validation: one rule for each kind of value a service takes, the same in every app."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.core import validation as v
from fangkong.core.days import tz
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.screening.services import sweeps
from tests import factories as f


class Colour(models.TextChoices):
    RED = "red", "红"
    BLUE = "blue", "蓝"


# Text ---------------------------------------------------------------------------------------------

def test_a_name_is_folded_and_a_note_kept_as_written():
    errors: dict = {}
    assert v.name_text("Ｇ４高速\u200b  １号口", "name", "名称", 100, errors) == "G4高速 1号口"
    assert v.text("已上门核实，居家观察\u200b", "note", "备注", 100, errors) == "已上门核实，居家观察"
    assert v.prose("第一段\r\n\u202e第二段 ", "situation", "情况", 100, errors) == "第一段\n第二段"
    assert errors == {}


def test_required_and_too_long_text_are_named_by_label():
    errors: dict = {}
    assert v.name_text(" \u200b ", "name", "名称", 10, errors, required=True) == ""
    v.text("一" * 11, "note", "备注", 10, errors)
    assert errors == {"name": "请填写名称", "note": "备注不能超过10个字"}


def test_without_an_errors_dict_the_first_problem_raises():
    with pytest.raises(ValidationError) as exc:
        v.text("一" * 11, "note", "备注", 10)
    assert exc.value.message_dict == {"note": ["备注不能超过10个字"]}


def test_the_first_error_of_a_field_is_kept():
    errors: dict = {}
    v.name_text("", "name", "名称", 10, errors, required=True)
    v.name_text("一" * 11, "name", "名称", 10, errors)
    assert errors == {"name": "请填写名称"}


# Choices ------------------------------------------------------------------------------------------

def test_a_choice_is_folded_as_a_name():
    errors: dict = {}
    assert v.choice(" ｒｅｄ\u200b", Colour, "colour", "颜色", errors) == "red"
    assert errors == {}


@pytest.mark.parametrize(("value", "blank", "message"), [
    ("", False, "请选择颜色"), (None, False, "请选择颜色"), ("green", False, "未知的颜色：green"),
    ("green", True, "未知的颜色：green"), ("", True, None)])
def test_an_empty_or_unknown_choice(value, blank, message):
    errors: dict = {}
    v.choice(value, Colour, "colour", "颜色", errors, blank=blank)
    assert errors.get("colour") == message


# Moments and days ---------------------------------------------------------------------------------

def test_a_moment_without_offset_is_local_time_and_a_date_its_midnight():
    expected = datetime.datetime(2020, 2, 3, 8, 30, tzinfo=tz())
    assert v.as_moment("２０２０-０２-０３ ０８:３０", "at", "时间") == expected
    assert v.as_moment(datetime.datetime(2020, 2, 3, 8, 30), "at", "时间") == expected
    assert v.as_moment(datetime.date(2020, 2, 3), "at", "时间") == expected.replace(hour=0, minute=0)
    assert v.as_moment("2020-02-03T00:30:00+00:00", "at", "时间") == expected.replace(minute=30)
    default = timezone.now()
    assert v.as_moment("", "at", "时间", default=default) is default


@pytest.mark.parametrize(("value", "message"), [
    ("3 February", "时间不是有效的时间：3 February"),
    ("1999-12-31 08:00", "时间：时间须在 2000-01-01 至 2100-12-31 之间"),
    ("2020-02-03T08:00:00+15:00", "时间：时间的时区偏移须在 ±14 小时以内")])
def test_what_is_no_moment(value, message):
    errors: dict = {}
    assert v.as_moment(value, "at", "时间", errors) is None
    assert errors["at"].startswith(message)


def test_the_future_starts_after_the_clock_slack():
    now = timezone.now()
    soon, later = now + v.CLOCK_SLACK - datetime.timedelta(seconds=30), now + v.CLOCK_SLACK * 2
    assert v.as_moment(soon, "at", "通行时间", allow_future=False) == soon
    errors: dict = {}
    assert v.as_moment(later, "at", "通行时间", errors, allow_future=False) is None
    assert errors == {"at": f"通行时间 {v.fmt(later)} 是将来的时间"}
    assert v.as_moment(later, "at", "通行时间") == later  # a planned moment may be ahead
    v.not_future(later, "planned", "计划时间", errors)
    assert errors["planned"] == f"计划时间 {v.fmt(later)} 是将来的时间"


def test_a_day_from_text_a_date_or_a_moment():
    assert v.as_date(" ２０２０-０２-０３ ", "day", "日期") == datetime.date(2020, 2, 3)
    # 20:00 UTC on 2 February is 04:00 on 3 February in the county
    moment = datetime.datetime(2020, 2, 2, 20, tzinfo=datetime.UTC)
    assert v.as_date(moment, "day", "日期") == datetime.date(2020, 2, 3)
    assert v.as_date(datetime.datetime(2020, 2, 2, 20), "day", "日期") == datetime.date(2020, 2, 2)
    assert v.as_date(None, "day", "日期") is None


def test_what_is_no_day_and_a_day_in_the_future():
    errors: dict = {}
    v.as_date("2020-02-30", "a", "起始日期", errors)
    v.as_date(datetime.date(1999, 12, 31), "b", "截止日期", errors)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    v.as_date(tomorrow, "c", "检查日期", errors, allow_future=False)
    assert errors["a"] == "起始日期不是有效日期：2020-02-30"
    assert errors["b"].startswith("截止日期：日期须在 2000-01-01 至 2100-12-31 之间")
    assert errors["c"] == f"检查日期 {tomorrow} 是将来的日期"
    assert v.as_date(tomorrow, "d", "结束日期") == tomorrow


def test_a_time_of_day():
    assert v.as_time("8:00", "t", "随访时间") == datetime.time(8)
    assert v.as_time("１８：３０", "t", "随访时间") == datetime.time(18, 30)
    assert v.as_time(datetime.time(16, 0, 59), "t", "截止时间") == datetime.time(16)
    with pytest.raises(ValidationError, match="截止时间应为 时:分，例如 16:00：25:00"):
        v.as_time("25:00", "deadline", "截止时间", example="16:00")


# Whole numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (3, 3), ("３", 3), (" 12 ", 12), (4.0, 4), (Decimal("5"), 5)])
def test_a_whole_number(value, expected):
    assert v.as_whole(value, "n", "床位数", least=0, most=20) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "在家人数应为整数：abc"), (2.5, "在家人数应为整数：2.5"), (True, "在家人数应为整数：True"),
    (None, "在家人数应为整数：None"), ("3.0", "在家人数应为整数：3.0"), (100, "在家人数应在0到99之间：100"),
    (-1, "在家人数应在0到99之间：-1")])
def test_what_is_no_whole_number(value, message):
    errors: dict = {}
    assert v.as_whole(value, "n", "在家人数", errors, least=0, most=99) is None
    assert errors == {"n": message}


# The same value is the same in every app -----------------------------------------------------------

def test_names_are_folded_alike_in_every_app(tree):
    """A site's address in quarantine, a checkpoint's location and a sweep's name: full-width forms fold
    in all three (quarantine and screening kept them before), while a note keeps its punctuation (the
    checkpoints folded it)."""
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    site = quarantine_services.create_site(hq, name="县宾馆观察点", region_code=f.COUNTY, address="城关镇１号楼（Ａ座）")
    cp = checkpoint_services.create_checkpoint(hq, name="花园高速出口", kind="highway_exit", region_code=f.TOWN_A,
                                               location="城关镇１号楼（Ａ座）")
    sweep = sweeps.create_sweep(hq, name="第１轮（全县）", region_code=f.COUNTY, start_date=timezone.localdate(),
                                end_date=timezone.localdate())
    assert site.address == cp.location == "城关镇1号楼(A座)"
    assert sweep.name == "第1轮(全县)"
    inspection = checkpoint_services.record_inspection(
        hq, cp, barrier=True, staff_on_duty=True, register=True, thermometer=True, disinfection=True,
        note="已整改，登记本补齐")
    assert inspection.note == "已整改，登记本补齐"


def test_an_empty_choice_asks_for_it_in_every_app(tree):
    """Quarantine answered "未知的隔离方式：" to an empty choice; now every app asks for it."""
    hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    with pytest.raises(ValidationError) as exc:
        checkpoint_services.create_checkpoint(hq, name="花园高速出口", kind="", region_code=f.TOWN_A)
    assert exc.value.message_dict["kind"] == ["请选择卡点类型"]
    with pytest.raises(ValidationError) as exc:
        quarantine_services.update_policy(hq, QuarantinePolicy.objects.get(category="returnee"), kind="")
    assert exc.value.message_dict["kind"] == ["请选择隔离方式"]
