"""A village worker on a phone corrects yesterday's hygiene log of a market: the reason is asked for first,
then the place's log shows the correction and the audit trail has the before, after and reason."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.places.models import HygieneLog, Place
from fangkong.places.services import places as services
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_a_village_worker_corrects_yesterdays_hygiene_log_with_a_reason(phone_page, live_server):
    factories.county_tree()
    worker = factories.user("cun_worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    market = Place.objects.create(name="东岳农贸市场", kind="market", region_id=factories.VILLAGE_A1,
                                  address="东岳村街道口")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    log = services.log_hygiene(worker, market, day=yesterday, cleaned=True, disinfected=False, patrolled=True)

    page = phone_page
    log_in(page, live_server, "cun_worker", factories.PASSWORD)
    page.goto(f"{live_server.url}/places/{market.pk}/")
    row = page.locator("#hygiene tbody tr", has_text=yesterday.isoformat())
    expect(row).to_contain_text("✗")  # not disinfected, as logged
    with page.expect_navigation():
        row.get_by_role("link", name="更正").click()
    expect(page.locator("h1")).to_contain_text(yesterday.isoformat())

    page.get_by_label("已消毒").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存更正").click()
    expect(page.locator("form.stack")).to_contain_text("请填写更正原因")
    assert HygieneLog.objects.get(pk=log.pk).disinfected is False  # refused: nothing written

    expect(page.get_by_label("已消毒")).to_be_checked()  # what was typed is kept
    page.get_by_label("更正原因").fill("当天漏勾消毒")
    with page.expect_navigation():
        page.get_by_role("button", name="保存更正").click()
    assert page.url.endswith(f"/places/{market.pk}/")
    expect(page.locator("body")).to_contain_text(f"已更正 {yesterday.isoformat()} 的卫生记录")
    expect(page.locator("#hygiene tbody tr", has_text=yesterday.isoformat())).not_to_contain_text("✗")

    stored = HygieneLog.objects.get(pk=log.pk)
    assert (stored.cleaned, stored.disinfected, stored.patrolled) == (True, True, True)
    entry = AuditEntry.objects.get(action="hygiene_log.correct")
    assert entry.before == {"disinfected": False}
    assert entry.after == {"disinfected": True, "reason": "当天漏勾消毒"}
