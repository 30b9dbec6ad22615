"""Pages a person clicks through: a day of the dashboard's 14-day chart of new key persons opens that day's list
(its points and day columns are links), and an admin creates an account picking its region by name, never typing a
12-digit code."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role, User
from tests import factories
from tests.analytics import ledger
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_a_day_of_the_chart_opens_that_days_list(page, live_server):
    factories.county_tree()
    worker = factories.user("village1", role=Role.VILLAGE_WORKER, region_code=factories.VILLAGE_A1)
    factories.user("hq1", role=Role.HQ_STAFF, display_name="县指挥部")
    earlier = timezone.localdate() - datetime.timedelta(days=3)
    for n in (1, 2):
        ledger.key_person(worker, n, factories.VILLAGE_A1, day=earlier)
    ledger.key_person(worker, 3, factories.VILLAGE_A1, day=timezone.localdate())

    log_in(page, live_server, "hq1", factories.PASSWORD, next_path="/reports/dashboard/")
    day_link = page.locator(f'figure[data-trend="kp_new"] svg a[href*="registered={earlier.isoformat()}"] circle').first
    day_link.click()

    expect(page.locator("h1")).to_contain_text("重点人员")
    expect(page.locator("#key-persons tbody tr")).to_have_count(2)
    expect(page.locator('input[name="registered"]')).to_have_value(earlier.isoformat())


def test_an_account_is_given_its_region_by_name(page, live_server):
    factories.county_tree()
    factories.user("admin1", role=Role.HQ_ADMIN, region_code=factories.TOWN_A)

    log_in(page, live_server, "admin1", factories.PASSWORD, next_path="/accounts/users/new/")
    page.locator("#id_username").fill("wangwu")
    page.locator("#id_display_name").fill("王五")
    page.locator("#id_role").select_option(Role.VILLAGE_WORKER)
    page.locator("#id_region_code").select_option(label="东岳村第1网格")
    page.locator("#id_password").fill("Spring-festival-2020")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".messages")).to_contain_text("已创建用户 wangwu")
    assert User.objects.get(username="wangwu").region_id == factories.GRID_A1
    assert "区划代码" not in page.goto(f"{live_server.url}/accounts/users/new/").text()
