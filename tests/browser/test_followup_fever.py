"""Nothing missed, end to end: a village doctor opens 我的包保对象 on a phone, records an evening follow-up of
38.1 °C in two taps and sees the alert; the county headquarters then finds the open transfer request on a desktop."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import FollowUpStatus, QuarantinePolicy, TransferRequest
from fangkong.quarantine.schedule import tz
from fangkong.screening import services as screening
from tests import factories
from tests.browser.helpers import log_in, open_menu

pytestmark = pytest.mark.browser


def test_an_evening_fever_on_a_phone_alerts_and_the_county_sees_the_transfer(phone_page, page, live_server):
    order, evening = isolated_returnee_with_one_evening_slot_left()
    doctor = phone_page

    log_in(doctor, live_server, "doctor1", factories.PASSWORD)
    with doctor.expect_navigation():
        open_menu(doctor).get_by_role("link", name="我的包保对象").click()
    expect(doctor.get_by_role("heading", name="我的包保对象")).to_be_visible()
    assert_fits_the_screen(doctor)
    card = doctor.locator("#people").get_by_role("listitem").filter(has_text="张三")
    expect(card).to_contain_text("居家隔离")
    slot = card.get_by_role("link", name=re.compile(rf"^{re.escape(slot_label(evening))} (逾期|待随访)$"))
    with doctor.expect_navigation():  # tap 1: the due evening slot
        slot.click()

    expect(doctor.get_by_role("heading", name="记录随访")).to_be_visible()
    assert_fits_the_screen(doctor)
    expect(doctor.locator("main")).to_contain_text(f"应随访 {timezone.localtime(evening, tz()):%m-%d %H:%M}")
    temperature = doctor.get_by_label("体温(°C)")
    expect(temperature).to_have_attribute("inputmode", "decimal")  # the numeric keypad
    expect(doctor.get_by_role("group", name="随访方式", exact=True).get_by_role("radio", name="电话")).to_be_checked()
    temperature.fill("38.1")
    with doctor.expect_navigation():  # tap 2
        doctor.get_by_role("button", name="保存").click()

    expect(doctor).to_have_url(re.compile(r"/quarantine/mine/$"))
    alert = doctor.locator(".messages .alert")
    expect(alert).to_contain_text("⚠ 预警：张三 体温 38.1°C，发热！")
    expect(alert).to_contain_text("已发起转送发热门诊申请（待处理）")
    expect(card.get_by_role("link", name=re.compile(rf"^{re.escape(slot_label(evening))} "))).to_have_count(0)
    if timezone.localtime(evening, tz()).date() == timezone.localdate():
        expect(card).to_contain_text("18:00 ⚠ 38.1°C 发热 · 已提请转送发热门诊")
    assert_fits_the_screen(doctor)
    recorded = order.follow_ups.get(due_at=evening)
    assert (recorded.status, str(recorded.temperature), recorded.method) == (FollowUpStatus.DONE, "38.1", "phone")
    transfer = TransferRequest.objects.get(quarantine=order)

    county = page
    log_in(county, live_server, "hq1", factories.PASSWORD)
    with county.expect_navigation():
        open_menu(county).get_by_role("link", name="转运请求").click()
    expect(county.get_by_role("heading", name="转运请求")).to_be_visible()
    row = county.locator(f'#transfers li[data-transfer="{transfer.pk}"]')
    expect(row).to_contain_text("张三")
    expect(row).to_contain_text("待处理")
    expect(row).to_contain_text("体温38.1°C")
    expect(row).to_contain_text("东岳村")
    expect(row.get_by_role("button", name="指派")).to_be_visible()


# --- steps ----------------------------------------------------------------------------------------

def isolated_returnee_with_one_evening_slot_left():
    """张三, a returnee of 东岳村 isolated at home since two days ago with 刘医生 as doctor. Every slot whose time
    has come is recorded except one evening slot: today's once 18:00 has passed, yesterday's before that."""
    factories.county_tree()
    install_default_policies(QuarantinePolicy)  # the live server's flushes remove the migration's rows
    hq = factories.user("hq1", role=Role.HQ_ADMIN, display_name="县指挥部")
    cadre = factories.user("village1", role=Role.VILLAGE_WORKER, region_code=factories.VILLAGE_A1,
                           display_name="王小红", phone="13800000001")
    doctor = factories.user("doctor1", role=Role.DOCTOR, region_code=factories.VILLAGE_A1, display_name="刘医生",
                            phone="13900000002")
    now = timezone.localtime(timezone.now(), tz())
    arrived = now.date() - datetime.timedelta(days=2)
    kp, _created = screening.register_key_person(
        cadre, name="张三", id_type="resident_id", id_number=resident_id("19850312", "123"),
        region_code=factories.VILLAGE_A1, category="returnee", registered_on=arrived, origin="武汉",
        arrival_date=arrived)
    order = quarantine.start_quarantine(hq, kp, cadre=cadre, doctor=doctor,
                                        start_at=local(arrived, 7), home_address="东岳村3组8号")
    evening_day = now.date() if now.hour >= 18 else now.date() - datetime.timedelta(days=1)
    evening = local(evening_day, 18)
    for fu in order.follow_ups.filter(due_at__lte=timezone.now()).exclude(due_at=evening):
        quarantine.record_follow_up(cadre, order, temperature="36.5", method="phone", at=fu.due_at, slot=fu)
    assert order.follow_ups.filter(status=FollowUpStatus.DUE, due_at__lte=timezone.now()).count() == 1
    return order, evening


def local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), tz())


def slot_label(moment: datetime.datetime) -> str:
    """How 我的包保对象 names a slot: its time today, with the date for an earlier day."""
    local_moment = timezone.localtime(moment, tz())
    return f"{local_moment:%H:%M}" if local_moment.date() == timezone.localdate() else f"{local_moment:%m-%d %H:%M}"


def resident_id(birth: str, sequence: str, area: str = "420921") -> str:
    body = f"{area}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def assert_fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a phone"
