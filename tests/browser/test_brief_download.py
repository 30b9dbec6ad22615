"""工作简报 end to end: headquarters opens the dashboard, goes to the brief, writes the next steps and
downloads the Word document; the file is a valid .docx with the title, the issue, today's figures and its
chart."""

import io

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def test_headquarters_downloads_the_brief(page, live_server):
    today = timezone.localdate()
    factories.county_tree()
    factories.user("hq1", role=Role.HQ_STAFF, display_name="县指挥部")
    counters.track_change([], [(factories.VILLAGE_A1, today, "households_visited", 17),
                               (factories.VILLAGE_A1, today, "kp_new.returnee", 2),
                               (factories.VILLAGE_A1, today, "kp_in.returnee", 2)])
    log_in(page, live_server, "hq1", factories.PASSWORD, next_path="/reports/dashboard/")
    expect(page.locator("h1")).to_contain_text("孝昌县指挥部看板")
    expect(page.locator('[data-figure="kp_new"] .value')).to_have_text("2")
    expect(page.locator("svg.chart").first).to_be_visible()

    page.locator("main form.filters").get_by_role("link", name="工作简报").click()
    expect(page.locator("h1")).to_contain_text("孝昌县工作简报")
    page.locator("#id_next_steps").fill("一是继续严格卡点管控。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("下步工作已保存")
    expect(page.locator("#issue-number")).to_have_text("第1期")

    with page.expect_download() as info:
        page.get_by_role("button", name="生成并下载简报（Word）").click()
    download = info.value
    assert download.suggested_filename.endswith("孝昌县-工作简报-第1期-" + today.strftime("%Y%m%d") + ".docx")
    doc = Document(io.BytesIO(download.path().read_bytes()))
    text = [p.text for p in doc.paragraphs if p.text.strip()]
    assert text[0] == "疫情防控工作简报" and text[1] == "第1期"
    assert any("当日走访17户" in line for line in text)
    assert "一是继续严格卡点管控。" in text
    assert not any("存在问题：无" in line for line in text)
    assert len(doc.inline_shapes) == 1  # the trend charts, side by side in one picture
