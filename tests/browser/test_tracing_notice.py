"""病例活动轨迹 end to end: an epidemiologist drafts a case's itinerary notice from its number, takes a row out,
is refused a row naming the case's person, publishes and downloads the Word file; anyone reads the county's
public page on a phone, without an account, with nothing personal on it."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from tests import factories
from tests.browser.helpers import log_in
from tests.browser.test_phone_lists import SIDEWAYS
from tests.tracing import outbreak

pytestmark = pytest.mark.browser


def test_an_epidemiologist_publishes_and_the_public_reads_it_on_a_phone(page, phone_page, live_server):
    factories.county_tree()
    factories.user("liudiao1", Role.EPIDEMIOLOGIST, display_name="县疾控流调队")
    case = outbreak.case(outbreak.person(name="赵保密", phone="13955556666", address="东岳村9组9号"))
    inquiry = outbreak.investigation(case)
    start = timezone.localtime() - datetime.timedelta(days=3)
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    outbreak.stop(inquiry, start, place_name="东岳村农贸市场")
    outbreak.stop(inquiry, start + datetime.timedelta(hours=3), kind="transport", transport_mode="公交",
                  transport_number="孝昌3路", seat="", place_name="东岳村→县城")
    outbreak.stop(inquiry, start + datetime.timedelta(hours=6), place_name="县城书店", note="与赵保密的朋友同去")

    log_in(page, live_server, "liudiao1", factories.PASSWORD, next_path="/tracing/notices/")
    page.locator("#draft-notice input[name=number]").fill(case.number)
    page.get_by_role("button", name="起草活动轨迹").click()
    expect(page.locator("ol.itinerary li")).to_have_count(3)
    page.get_by_role("button", name="起草").click()
    expect(page.locator("h1")).to_contain_text("孝昌县病例1活动轨迹")

    # a row naming the case's person is refused on that row
    page.locator("#id_items-2-place").fill("赵保密常去的书店")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#items")).to_contain_text("含有病例本人的姓名")
    page.locator("#id_items-2-place").fill("县城书店")
    page.locator("#id_items-1-DELETE").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("#h-preview + p + ol.itinerary li")).to_have_count(2)

    page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator("#status")).to_have_text("已发布")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word").click()
    doc = Document(io.BytesIO(info.value.path().read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "东岳村农贸市场" in text and "县城书店" in text and "孝昌3路" not in text and "赵保密" not in text

    phone_page.goto(f"{live_server.url}/tracing/public/{factories.COUNTY}/")
    expect(phone_page.locator("h1")).to_have_text("孝昌县病例活动轨迹")
    expect(phone_page.locator("article.notice ol.itinerary li")).to_have_count(2)
    body = phone_page.locator("main").inner_text()
    assert "赵保密" not in body and "13955556666" not in body and "东岳村9组9号" not in body
    assert phone_page.evaluate(SIDEWAYS, 390) == []
