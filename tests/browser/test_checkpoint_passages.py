"""A queue at the highway exit, on a phone: checkpoint staff register three passages in a row (one with a
fever, which needs the fever-clinic outcome; one who passed here yesterday, prefilled from their ID; one in
the same car as the first), each time back on an empty form; then the day's counts on the checkpoint page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.checkpoints.services import passages as passage_services
from fangkong.risk_areas import services as risk_areas
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

ZHANG, LI, WANG = "420921199001011239", "420921198505050026", "420102197003030036"


def test_three_passages_in_a_row_on_a_phone(phone_page, live_server):
    risk_areas.clear_cache()
    checkpoint = highway_exit_with_a_known_person()
    page = phone_page
    log_in(page, live_server, "kadian1", factories.PASSWORD, next_path=f"/checkpoints/{checkpoint.pk}/")
    expect(page.get_by_role("heading", name=re.compile("花园高速出口"))).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="＋ 登记通行").click()
    expect(page.get_by_role("heading", name=re.compile("登记通行"))).to_be_visible()
    assert_fits_the_screen(page)

    # 1: 张三 drives in
    expect(page.get_by_label("证件号码")).to_be_focused()
    expect(page.locator("#fever-hint")).to_be_hidden()
    page.get_by_label("证件号码").fill(ZHANG)
    page.get_by_label("姓名").fill("张三")
    page.get_by_label("体温(°C)").fill("36.5")
    expect(page.locator("#fever-hint")).to_be_hidden()
    page.get_by_label("车牌号").fill("鄂k12345")
    save(page)
    expect(page.locator(".messages")).to_contain_text("已登记：张三（4209**********1239），体温 36.5°C，放行")
    expect(page.get_by_label("证件号码")).to_have_value("")
    expect(page.get_by_label("证件号码")).to_be_focused()

    # 2: 李四 walks in with a fever: 放行 is refused, 送发热门诊 is what it takes
    page.get_by_label("证件号码").fill(LI)
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("体温(°C)").fill("38.4")
    expect(page.locator("#fever-hint")).to_be_visible()
    outcome = page.get_by_role("group", name="处置", exact=True)
    outcome.get_by_role("radio", name="放行").check()
    save(page)
    expect(page.locator(".field.invalid")).to_contain_text("达到发热标准")
    assert not Passage.objects.filter(person__name="李四").exists()
    page.get_by_role("group", name="处置", exact=True).get_by_role("radio", name="送发热门诊").check()
    save(page)
    expect(page.locator(".messages .alert")).to_contain_text("已登记：李四（4209**********0026），体温 38.4°C，送发热门诊")

    # 3: 王五, who passed here yesterday, rode in 张三's car: the ID fills the name, 同车 the plate
    page.get_by_label("证件号码").fill(WANG)
    page.get_by_label("证件号码").press("Tab")
    expect(page.get_by_label("姓名")).to_have_value("王五")
    expect(page.locator("#known-person")).to_contain_text("本卡点登记过：王五，已有电话")
    expect(page.locator("#known-person")).not_to_contain_text("0036")
    page.get_by_role("link", name="同车：鄂K12345").click()
    expect(page.get_by_label("车牌号")).to_have_value("鄂K12345")
    page.get_by_label("体温(°C)").fill("36.8")
    save(page)
    expect(page.locator(".messages")).to_contain_text("已登记：王五（4201**********0036），体温 36.8°C，放行")
    assert_fits_the_screen(page)

    # the day's counts on the checkpoint page
    with page.expect_navigation():
        page.get_by_role("link", name="卡点情况").click()
    figures = page.locator("#day-figures")
    expect(figures.locator('[data-figure="persons"]')).to_have_text("3")
    expect(figures.locator('[data-figure="vehicles"]')).to_have_text("1")
    expect(figures.locator('[data-figure="fevers"]')).to_have_text("1")
    expect(figures.locator('[data-figure="turned_back_persons"]')).to_have_text("0")
    expect(page.locator("#passages")).to_contain_text("送发热门诊")
    assert list(Passage.objects.order_by("id").values_list("person__name", "counts_vehicle", "outcome"))[1:] == [
        ("张三", True, "pass"), ("李四", False, "fever_clinic"), ("王五", False, "pass")]


def save(page):
    with page.expect_navigation():
        page.get_by_role("button", name="保存并登记下一位").click()


def highway_exit_with_a_known_person():
    factories.county_tree()
    town = factories.user("town1", Role.TOWNSHIP_STAFF, factories.TOWN_A, display_name="花园镇")
    factories.user("kadian1", Role.CHECKPOINT_STAFF, factories.TOWN_A, display_name="卡点值守员")
    checkpoint = checkpoint_services.create_checkpoint(town, name="花园高速出口", kind="highway_exit",
                                                       region_code=factories.TOWN_A,
                                                       opened_on=timezone.localdate() - datetime.timedelta(days=2))
    passage_services.register_passage(town, checkpoint, id_number=WANG, name="王五", phone="13700001234",
                                      temperature="36.4", outcome="pass", destination=factories.VILLAGE_B1,
                                      passed_at=timezone.now() - datetime.timedelta(days=1))
    return checkpoint


def assert_fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a phone"
