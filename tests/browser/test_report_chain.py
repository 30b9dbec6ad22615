"""The daily report chain end to end: a village worker reviews and submits the day's report; the township
staff then sees it submitted on the status page and another village of the township late."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.reports.models import DailyReport, ReportSettings, ReportStatus
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_village_submits_and_the_township_sees_submitted_and_late(page, live_server):
    factories.county_tree()
    factories.user("worker1", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="东岳村网格员")
    factories.user("town1", Role.TOWNSHIP_STAFF, factories.TOWN_A, display_name="花园镇工作人员")
    today = timezone.localdate()
    counters.track_change(new=[(factories.VILLAGE_A1, today, "households_visited", 23)])
    settings = ReportSettings.objects.create(region_id=factories.COUNTY, deadline=datetime.time(23, 59))

    log_in(page, live_server, "worker1", factories.PASSWORD, next_path="/reports/")
    expect(page.get_by_role("heading", name=re.compile("每日一报报送情况"))).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="填报本级每日一报").click()
    expect(page.get_by_role("heading", name=re.compile(r"东岳村每日一报"))).to_be_visible()
    expect(page.locator('#figures tr[data-figure="households_visited"] td.live')).to_have_text("23")
    page.get_by_label("情况与问题").fill("今日走访23户，无异常。\n存在问题：无。")
    with page.expect_navigation():
        page.get_by_role("button", name="确认报送").click()
    expect(page.locator(".messages")).to_contain_text("已报送，报送数据已固定")
    expect(page.locator("#report-state")).to_have_text("已报送")
    expect(page.locator("#situation")).to_contain_text("今日走访23户")
    report = DailyReport.objects.get(region_id=factories.VILLAGE_A1, day=today)
    assert (report.status, report.figures["households_visited"], report.late) == (ReportStatus.SUBMITTED, 23, False)

    # headquarters moves the deadline to the start of the day: whoever has not submitted is now late
    settings.deadline = datetime.time(0, 0)
    settings.save()
    page.context.clear_cookies()  # the village worker's session ends; the township staff logs in
    township = page
    log_in(township, live_server, "town1", factories.PASSWORD, next_path="/reports/")
    villages = township.locator('table.chain-level[data-level="village"]')
    submitted = villages.locator(f'tr[data-region="{factories.VILLAGE_A1}"]')
    expect(submitted).to_contain_text("东岳村")
    expect(submitted).to_contain_text("已报送")
    expect(submitted).to_contain_text("东岳村网格员")
    late = villages.locator(f'tr[data-region="{factories.VILLAGE_A2}"]')
    expect(late).to_contain_text("桃园村")
    expect(late).to_contain_text("逾期未报")
    counts = township.locator('#level-counts tr[data-level="village"]')
    expect(counts.locator("td.submitted")).to_have_text("1")
    expect(counts.locator("td.overdue")).to_have_text("1")

    with township.expect_navigation():
        submitted.get_by_role("link", name="东岳村").click()
    expect(township.locator("#situation")).to_contain_text("今日走访23户")
    expect(township.locator("#return-form")).to_be_visible()
