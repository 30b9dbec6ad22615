"""A village worker logs in on a phone, reads the Chinese interface, switches to English, logs out."""

import pytest
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from tests import factories
from tests.browser.helpers import log_in, open_menu

pytestmark = pytest.mark.browser


def test_village_worker_on_a_phone_switches_to_english_and_logs_out(phone_page, live_server):
    factories.county_tree()
    factories.user("village1", role=Role.VILLAGE_WORKER, region_code=factories.VILLAGE_A1,
                   display_name="王小红")
    page = phone_page

    log_in(page, live_server, "village1", factories.PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.locator("main")).to_contain_text("村（社区）网格员")
    expect(page.locator("main")).to_contain_text("东岳村")
    assert_fits_the_screen(page)
    # The phone layout folds the menu behind ☰.
    menu = page.locator("nav.mainnav")
    expect(menu).to_be_hidden()
    open_menu(page)
    expect(menu.get_by_role("link", name="首页")).to_be_visible()
    expect(menu.get_by_role("link", name="行政区划")).to_be_visible()
    # A village worker does not manage users.
    expect(menu.get_by_role("link", name="用户管理")).to_have_count(0)

    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Village (community) grid worker")
    open_menu(page)
    expect(page.locator("nav.mainnav").get_by_role("link", name="Regions")).to_be_visible()
    expect(page.get_by_text("退出登录")).to_have_count(0)
    assert_fits_the_screen(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("#id_username")).to_be_visible()
    # The language chosen stays with the browser after logging out.
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")


def assert_fits_the_screen(page):
    # Village staff work on phones: nothing may push the page wider than the screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width}px wide on a phone"


def test_wrong_password_shows_the_chinese_error(page, live_server):
    factories.user("hq1", role=Role.HQ_ADMIN)

    with pytest.raises(AssertionError, match="区分大小写"):
        log_in(page, live_server, "hq1", "not-the-password")

    expect(page.locator("form.stack .errorlist")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
    expect(page.locator("#id_username")).to_have_value("hq1")
