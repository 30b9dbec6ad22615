"""每天一查 end to end: a village worker registers a returnee and records today's check on a phone; the
township's staff then read the new figures on the roll-up page (每日一报), in the village's row and the total."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.screening import services
from tests import factories
from tests.browser.helpers import log_in, open_menu

pytestmark = pytest.mark.browser

PHONE_NUMBER = "13871234567"
# The roll-up columns this test reads, as the page heads them ("group·label").
NEW = "重点人员合计·今日新增"
UNDER = "重点人员合计·在管"
DONE = "每天一查·已查"
MISSED = "每天一查·漏查"
FEVERS = "发现发热"
RETURNEES_NEW = "疫区返乡人员·新增"
RETURNEES_UNDER = "疫区返乡人员·在管"


def resident_id(birth: str, sequence: str, area: str = "420921") -> str:
    """A valid 18-digit resident ID of the demo county: area, birth date (YYYYMMDD), sequence, check digit."""
    body = f"{area}{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the 17 digits before a placeholder


def test_returnee_registered_and_checked_on_a_phone_shows_in_the_township_roll_up(phone_page, page, live_server):
    today = timezone.localdate()
    arrived = today - datetime.timedelta(days=2)
    factories.county_tree()
    factories.user("village1", role=Role.VILLAGE_WORKER, region_code=factories.VILLAGE_A1, display_name="王小红")
    factories.user("town_a", role=Role.TOWNSHIP_STAFF, region_code=factories.TOWN_A, display_name="李镇")
    # Already on the ledger: a returnee of the other village of the township, registered three days ago and
    # not checked today, and one in another township, which the township must not count.
    hq = factories.user("hq1", role=Role.HQ_ADMIN)
    register(hq, "赵老四", resident_id("19700101", "001"), factories.VILLAGE_A2, today - datetime.timedelta(days=3))
    register(hq, "钱小五", resident_id("19900202", "002"), factories.VILLAGE_B1, today)
    worker = phone_page

    log_in(worker, live_server, "village1", factories.PASSWORD)
    go_to_todays_list(worker)
    expect(worker.locator("main")).to_contain_text("本辖区在管 0 人，当日已查 0 人，发热 0 人")
    with worker.expect_navigation():
        worker.get_by_role("link", name="登记人员").click()

    expect(worker.get_by_role("heading", name="登记人员")).to_be_visible()
    assert_fits_the_screen(worker)
    worker.get_by_label("姓名").fill("张三")
    expect(worker.get_by_label("证件类型")).to_have_value("resident_id")
    worker.get_by_label("证件号码").fill(resident_id("19850312", "123"))
    worker.get_by_label("联系电话").fill(PHONE_NUMBER)
    worker.get_by_label("所在村（社区）/网格").select_option(label="东岳村")
    worker.get_by_role("group", name="人员类别", exact=True).get_by_role("radio", name="疫区返乡人员").check()
    worker.get_by_label("来自何地").fill("武汉")
    worker.get_by_label("抵达日期").fill(arrived.isoformat())
    worker.get_by_label("交通方式").select_option(label="火车")
    worker.get_by_label("车次/航班/车牌").fill("G1722")
    with worker.expect_navigation():
        worker.get_by_role("button", name="登记", exact=True).click()

    expect(worker.locator(".messages")).to_contain_text("已登记 张三")
    expect(worker.get_by_role("heading", name="张三")).to_contain_text("疫区返乡人员")
    expect(worker.get_by_role("heading", name="张三")).to_contain_text("在管")
    facts = worker.locator("dl.facts")
    expect(facts).to_contain_text("138****4567")
    expect(facts).to_contain_text("武汉")
    expect(facts).to_contain_text(arrived.isoformat())
    expect(facts).to_contain_text("火车 G1722")
    expect(facts).to_contain_text("王小红")  # the worker who registered answers for them
    # The full ID is not shown to a village worker.
    expect(worker.locator("main")).not_to_contain_text(resident_id("19850312", "123"))

    go_to_todays_list(worker)
    with worker.expect_navigation():
        worker.get_by_role("link", name="我负责的", exact=True).click()
    card = card_of(worker, "张三")
    expect(card).to_contain_text("疫区返乡人员")
    expect(card).to_contain_text("东岳村 · 第3天 · 138****4567")
    expect(worker.locator("main")).to_contain_text("本辖区在管 1 人，当日已查 0 人，发热 0 人")
    assert_fits_the_screen(worker)
    with worker.expect_navigation():
        card.get_by_role("link", name="记录检查").click()

    expect(worker.get_by_role("heading", name="记录检查")).to_be_visible()
    assert_fits_the_screen(worker)
    worker.get_by_label("体温(°C)").fill("36.6")
    worker.get_by_role("group", name="方式", exact=True).get_by_role("radio", name="上门").check()
    with worker.expect_navigation():
        worker.get_by_role("button", name="保存").click()

    expect(worker).to_have_url(re.compile(r"/screening/today/$"))
    expect(worker.locator(".messages")).to_contain_text("已记录 张三 体温 36.6°C")
    expect(card_of(worker, "张三")).to_contain_text("✓ 36.6°C")
    expect(card_of(worker, "张三")).not_to_contain_text("发热")
    expect(card_of(worker, "张三").get_by_role("link", name="记录检查")).to_have_count(0)
    expect(worker.locator("main")).to_contain_text("本辖区在管 1 人，当日已查 1 人，发热 0 人")

    town = page
    log_in(town, live_server, "town_a", factories.PASSWORD)
    with town.expect_navigation():
        open_menu(town).get_by_role("link", name="每日一报").click()

    expect(town.get_by_role("heading", name="花园镇每日一报")).to_be_visible()
    table = roll_up(town)
    assert set(table) == {"合计", "东岳村", "桃园村"}, "the township's rows are its own villages and the total"
    # "↑1": one more than yesterday.
    assert pick(table["东岳村"]) == {NEW: "1 ↑1", UNDER: "1 ↑1", DONE: "1 ↑1", MISSED: "0", FEVERS: "0",
                                     RETURNEES_NEW: "1 ↑1", RETURNEES_UNDER: "1 ↑1"}
    assert pick(table["桃园村"]) == {NEW: "0", UNDER: "1", DONE: "0", MISSED: "1", FEVERS: "0",
                                     RETURNEES_NEW: "0", RETURNEES_UNDER: "1"}
    assert pick(table["合计"]) == {NEW: "1 ↑1", UNDER: "2 ↑1", DONE: "1 ↑1", MISSED: "1", FEVERS: "0",
                                   RETURNEES_NEW: "1 ↑1", RETURNEES_UNDER: "2 ↑1"}

    # Drill down: the village's own table has the same total.
    with town.expect_navigation():
        town.get_by_role("link", name="东岳村", exact=True).click()
    expect(town.get_by_role("heading", name="东岳村每日一报")).to_be_visible()
    assert pick(roll_up(town)["合计"])[DONE] == "1 ↑1"


def test_a_fever_recorded_on_a_phone_is_flagged_and_counted_for_the_township(phone_page, page, live_server):
    today = timezone.localdate()
    factories.county_tree()
    worker_user = factories.user("village1", role=Role.VILLAGE_WORKER, region_code=factories.VILLAGE_A1)
    factories.user("town_a", role=Role.TOWNSHIP_STAFF, region_code=factories.TOWN_A)
    register(worker_user, "张三", resident_id("19850312", "123"), factories.VILLAGE_A1,
             today - datetime.timedelta(days=1))
    register(worker_user, "李四", resident_id("19920715", "246"), factories.VILLAGE_A1,
             today - datetime.timedelta(days=1))
    worker = phone_page

    log_in(worker, live_server, "village1", factories.PASSWORD)
    go_to_todays_list(worker)
    for name, temperature in [("张三", "37.8"), ("李四", "36.5")]:
        with worker.expect_navigation():
            card_of(worker, name).get_by_role("link", name="记录检查").click()
        worker.get_by_label("体温(°C)").fill(temperature)
        with worker.expect_navigation():
            worker.get_by_role("button", name="保存").click()
        if name == "张三":
            expect(worker.locator(".messages .error")).to_contain_text("张三 体温 37.8°C，发热！")

    expect(worker).to_have_url(re.compile(r"/screening/today/$"))
    expect(card_of(worker, "张三")).to_contain_text("✓ 37.8°C 发热")
    expect(card_of(worker, "李四")).to_contain_text("✓ 36.5°C")
    expect(card_of(worker, "李四")).not_to_contain_text("发热")
    expect(worker.locator("main")).to_contain_text("本辖区在管 2 人，当日已查 2 人，发热 1 人")
    assert_fits_the_screen(worker)

    town = page
    log_in(town, live_server, "town_a", factories.PASSWORD, next_path="/rollup/")
    expect(town.get_by_role("heading", name="花园镇每日一报")).to_be_visible()
    table = roll_up(town)
    # Registered yesterday: nothing new today, both still under management, both checked, one fever.
    expected = {NEW: "0 ↓2", UNDER: "2", DONE: "2 ↑2", MISSED: "0 ↓2", FEVERS: "1 ↑1",
                RETURNEES_NEW: "0 ↓2", RETURNEES_UNDER: "2"}
    assert pick(table["东岳村"]) == expected
    assert pick(table["合计"]) == expected
    assert pick(table["桃园村"])[FEVERS] == "0"


# --- steps ----------------------------------------------------------------------------------------

def register(actor, name: str, id_number: str, region_code: str, day: datetime.date):
    """A returnee put on the ledger beforehand (through the service, as the pages do)."""
    kp, _created = services.register_key_person(
        actor, name=name, id_type="resident_id", id_number=id_number, region_code=region_code,
        category="returnee", registered_on=day, origin="武汉", arrival_date=day)
    return kp


def go_to_todays_list(page) -> None:
    with page.expect_navigation():
        open_menu(page).get_by_role("link", name="今日名单").click()
    expect(page.get_by_role("heading", name="今日名单")).to_be_visible()


def card_of(page, name: str):
    """The card of one person on today's list."""
    return page.locator("#today-list").get_by_role("listitem").filter(has_text=name)


def assert_fits_the_screen(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide on a phone"


def pick(row: dict) -> dict:
    return {k: row[k] for k in (NEW, UNDER, DONE, MISSED, FEVERS, RETURNEES_NEW, RETURNEES_UNDER)}


def roll_up(page) -> dict[str, dict[str, str]]:
    """The roll-up table as displayed: {row name: {column heading: cell text}}, whitespace collapsed.

    The heading of a column under a group is "group·label", as the two header rows show it.
    """
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    # One round trip for the whole table (it has dozens of columns): each cell's rendered text and spans.
    found = table.evaluate("""table => {
        const cells = row => [...row.cells].map(c => ({text: c.innerText, colspan: c.colSpan, rowspan: c.rowSpan}));
        return {head: [...table.tHead.rows].map(cells), body: [...table.tBodies[0].rows].map(cells)};
    }""")
    top, bottom = found["head"]
    labels = iter(text(cell) for cell in bottom)
    headings = [text(top[0])]
    for cell in top[1:]:
        if cell["rowspan"] == 2:
            headings.append(text(cell))
        else:
            headings += [f"{text(cell)}·{next(labels)}" for _ in range(cell["colspan"])]
    rows = {}
    for row in found["body"]:
        cells = [text(cell) for cell in row]
        assert len(cells) == len(headings), f"row {cells[0]} has {len(cells)} cells for {len(headings)} columns"
        rows[cells[0]] = dict(zip(headings, cells, strict=True))
    return rows


def text(cell: dict) -> str:
    return " ".join(cell["text"].split())
