"""每天一查: one check per person and day, temperature rules, fever flag, timeline, audit and counters."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.audit.models import AuditEntry
from fangkong.screening import services
from fangkong.screening.models import DailyCheck
from tests import factories as f

from .helpers import all_counters, check, days_ago, figures, key_person, today


def test_a_check_is_recorded_counted_and_on_the_timeline(worker):
    kp = key_person(worker, 1, registered_on=days_ago(3))
    found, created = check(worker, kp, "36.5", day=days_ago(1))
    assert created
    found.refresh_from_db()
    assert (found.temperature, found.method, found.region_id, found.checked_by) == (
        Decimal("36.5"), "phone", f.VILLAGE_A1, worker)
    assert figures(f.TOWN_A, days_ago(1)) == {"checks_done": 1}
    assert kp.events.last().kind == "check"
    assert kp.events.last().text == f"{days_ago(1)} 体温 36.5°C（电话）"
    assert AuditEntry.objects.filter(action="daily_check.record", object_id=str(found.pk)).exists()


def test_default_day_is_today(worker):
    kp = key_person(worker, 1)
    found, _ = check(worker, kp, "36.7")
    assert found.checked_on == today()


@pytest.mark.parametrize(("temperature", "fever"), [("37.2", False), ("37.3", True), ("39.1", True)])
def test_fever_from_37_3(worker, temperature, fever):
    kp = key_person(worker, 1)
    check(worker, kp, temperature, symptoms="咳嗽")
    # a fever opens the transfer to the fever clinic (tr_opened), as a fever found by any register does
    expected = {"kp_new.returnee": 1, "kp_in.returnee": 1, "checks_done": 1,
                **({"fevers_found": 1, "tr_opened": 1} if fever else {})}
    assert figures(f.COUNTY, today()) == expected
    event = kp.events.filter(kind__in=["check", "fever_check"]).last()
    assert event.kind == ("fever_check" if fever else "check")
    assert (f"发热 {temperature}°C" in event.text) is fever
    assert event.text.endswith("，症状：咳嗽")


def test_a_second_check_the_same_day_replaces_the_first(worker, town):
    kp = key_person(worker, 1)
    first, _ = check(worker, kp, "38.0", method="visit")
    second, created = check(town, kp, "36.6", method="phone")
    assert not created and second.pk == first.pk
    assert DailyCheck.objects.count() == 1
    second.refresh_from_db()
    assert (second.temperature, second.method, second.checked_by) == (Decimal("36.6"), "phone", town)
    # the first reading's fever opened a transfer, which the correction leaves to those who handle transfers
    assert figures(f.VILLAGE_A1, today()) == {"kp_new.returnee": 1, "kp_in.returnee": 1, "checks_done": 1,
                                              "tr_opened": 1}
    assert kp.events.last().text.startswith("更正：")
    assert AuditEntry.objects.get(action="daily_check.update").after == {
        "temperature": "36.6", "method": "phone", "checked_by": town.pk}


@pytest.mark.parametrize(("value", "stored"), [
    ("34.0", "34.0"), ("43.0", "43.0"), ("３６．８", "36.8"), ("36,5", "36.5"), (" 36.55 ", "36.6"),
    (37, "37.0"), (36.9, "36.9"), ("38.2℃", "38.2")])
def test_temperatures_accepted(worker, value, stored):
    kp = key_person(worker, 1)
    found, _ = check(worker, kp, value)
    found.refresh_from_db()
    assert str(found.temperature) == stored


@pytest.mark.parametrize(("value", "words"), [
    ("33.9", "超出可能范围（34.0–43.0°C）"), ("43.1", "超出可能范围"), ("20", "超出可能范围"), ("365", "超出可能范围"),
    ("abc", "体温应为数字"), ("", "体温应为数字"), ("NaN", "超出可能范围"), (None, "体温应为数字")])
def test_impossible_temperatures_are_refused(worker, value, words):
    kp = key_person(worker, 1)
    with pytest.raises(ValidationError) as caught:
        check(worker, kp, value)
    assert words in caught.value.message_dict["temperature"][0]
    assert not DailyCheck.objects.exists()
    assert "checks_done" not in figures(f.VILLAGE_A1, today())


def test_date_and_method_rules(worker):
    kp = key_person(worker, 1, registered_on=days_ago(2))
    cases = [({"day": today() + datetime.timedelta(days=1)}, "checked_on", "将来"),
             ({"day": days_ago(3)}, "checked_on", "早于登记日期"),
             ({"method": "pigeon"}, "method", "未知的检查方式")]
    for extra, field, words in cases:
        with pytest.raises(ValidationError) as caught:
            check(worker, kp, "36.5", **extra)
        assert words in caught.value.message_dict[field][0]
    assert not DailyCheck.objects.exists()


def test_no_check_for_a_released_person(worker):
    kp = key_person(worker, 1, registered_on=days_ago(14))
    services.change_key_person_status(worker, kp, status="released", ended_on=days_ago(1))
    with pytest.raises(ValidationError) as caught:
        check(worker, kp, "36.5")
    assert "不能再记录检查" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        check(worker, kp, "36.5", day=days_ago(2))
    assert not DailyCheck.objects.exists()


def test_no_check_for_another_village(worker, other_worker):
    kp = key_person(worker, 1)
    with pytest.raises(PermissionDenied):
        check(other_worker, kp, "36.5")
    assert not DailyCheck.objects.exists()


def test_delete_a_check(worker):
    kp = key_person(worker, 1, registered_on=days_ago(1))
    found, _ = check(worker, kp, "38.5", day=days_ago(1))
    services.delete_daily_check(worker, found)
    assert not DailyCheck.objects.exists()
    assert figures(f.COUNTY, days_ago(1)) == {"kp_new.returnee": 1, "kp_in.returnee": 1}
    assert kp.events.last().kind == "check_deleted"
    assert AuditEntry.objects.get(action="daily_check.delete").before["temperature"] == "38.5"
    # the transfer its fever opened stays (opened today)
    assert all_counters() == {(code, day, metric): 1 for code in (f.VILLAGE_A1, f.TOWN_A, f.COUNTY,
                                                                 "420900000000", "420000000000")
                              for day, metric in ((days_ago(1), "kp_new.returnee"), (days_ago(1), "kp_in.returnee"),
                                                  (today(), "tr_opened"))}
