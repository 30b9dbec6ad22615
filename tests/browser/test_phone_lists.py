"""Phone-first lists: every page a village worker, a checkpoint staff member or a village doctor opens from their
menu, and the lists those pages lead to, reads on a 390 px phone without sideways scrolling (of the page, or of a
table inside it) and shows its rows, the tables as one card per row; on a 1366 px desktop a two-character name stays
on one line. With them, what every page shares: a header whose 退出登录 stays on one line on a phone, a favicon,
and a place code that prints without the page's buttons and trail."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.checkpoints.services import passages as passage_services
from fangkong.core.actors import SYSTEM
from fangkong.medical import services as medical
from fangkong.people import services as people_services
from fangkong.places.models import CheckIn
from fangkong.places.services import places as place_services
from fangkong.quarantine import services as quarantine
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.risk_areas import services as risk_areas
from fangkong.screening import services as screening
from fangkong.screening.services import arrival_tasks
from fangkong.tracing.services import chains, lab, notices
from tests import factories
from tests.browser.conftest import _open_page
from tests.browser.helpers import log_in
from tests.tracing import outbreak

pytestmark = pytest.mark.browser

# Sideways scrolling, of the page or of any box in it (a table's wrapper), as the browser measures it. A phone's
# browser widens its window to a page wider than the screen (and zooms out), so the window is measured too: the
# elements that stick out past the screen's edge are named.
SIDEWAYS = """(screen) => {
  const wide = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth) { wide.push(`the page is ${page.scrollWidth}px wide`); }
  if (window.innerWidth > screen) {
    const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > screen + 1);
    const outermost = out.filter(e => !out.includes(e.parentElement)).slice(0, 3);
    wide.push(`the window is ${window.innerWidth}px wide for a ${screen}px screen: `
              + outermost.map(e => `<${e.tagName.toLowerCase()} id="${e.id}" class="${e.className}">`
                                   + ` ends at ${Math.round(e.getBoundingClientRect().right)}px`).join(", "));
  }
  for (const box of document.querySelectorAll("body *")) {
    if (box.matches("input, select, textarea")) { continue; }
    if (/auto|scroll/.test(getComputedStyle(box).overflowX) && box.scrollWidth > box.clientWidth + 1) {
      const inner = box.firstElementChild;
      wide.push(`<${box.tagName.toLowerCase()} class="${box.className}"> holding <${inner && inner.tagName.toLowerCase()}`
                + ` id="${inner && inner.id}" class="${inner && inner.className}"> scrolls sideways`
                + ` (${box.scrollWidth}px in ${box.clientWidth}px)`);
    }
  }
  return wide;
}"""
# The rows of the page's lists: a table's body rows (not its "nothing found" row), a list's cards.
ROWS = """() => document.querySelectorAll(
  "main tbody tr:not(:has(> td[colspan])), main ul.cards > li:not(.muted), main ul.region-tree > li").length"""
# How many lines an element's text takes (its line boxes).
LINES = """element => { const range = document.createRange(); range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; }"""
# Menu entries that are no lists (a start page, forms, the dashboard's tiles and charts): they must fit the phone
# too, rows are not asked of them.
NOT_LISTS = {"core:home", "ledger:index", "tracing:exposure", "briefing:dashboard"}
PHONE_WIDTH = 390
# where a returnee came from, as village workers type it: long enough to crowd a table's other columns
ORIGIN = "湖北省武汉市江汉区汉兴街道常青花园小区1月20日与妻子、儿子自驾返乡途经孝感、大悟1月21日凌晨到家"
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.mark.parametrize("username", ["village1", "kadian1", "doctor1"])
def test_every_list_of_the_role_fits_a_phone_and_shows_its_rows(phone_page, live_server, username):
    scene = county_at_work()
    page = phone_page
    log_in(page, live_server, username, factories.PASSWORD)
    menu = page.locator("nav.mainnav a").evaluate_all(
        "links => links.map(a => [a.dataset.nav, new URL(a.href).pathname])")
    assert len(menu) >= 6, menu
    problems = []
    for name, path in [*menu, *scene["lists"][username]]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        problems += [f"{name} {path}: {p}" for p in page.evaluate(SIDEWAYS, PHONE_WIDTH)]
        if name not in NOT_LISTS and not page.evaluate(ROWS):
            problems.append(f"{name} {path}: no rows")
    assert not problems, "\n".join(problems)


def test_a_list_on_a_phone_is_a_card_per_row_with_each_value_under_its_name(phone_page, live_server):
    county_at_work()
    page = phone_page
    log_in(page, live_server, "village1", factories.PASSWORD, next_path="/screening/")
    row = page.locator("#key-persons tbody tr").filter(has_text="张三")
    assert page.locator("#key-persons thead").bounding_box()["height"] <= 1  # for screen readers only
    name = row.locator("td").first
    origin = row.locator('td[data-label="来自何地"]')
    expect(origin).to_contain_text(ORIGIN)
    box, name_box = row.bounding_box(), name.bounding_box()
    assert box["width"] <= PHONE_WIDTH
    assert origin.bounding_box()["y"] > name_box["y"]  # below the name heading the card, not beside it
    # the column's name beside the value
    assert origin.evaluate("td => getComputedStyle(td, '::before').content") == '"来自何地"'


def test_names_stay_on_one_line_on_a_desktop(browser, live_server, request):
    county_at_work()
    opened = _open_page(browser, live_server, request, DESKTOP)
    page = next(opened)
    try:
        log_in(page, live_server, "town1", factories.PASSWORD)
        for path, table in (("/screening/", "#key-persons"), ("/quarantine/orders/", "#orders"),
                            ("/people/", "#people")):
            page.goto(f"{live_server.url}{path}")
            cell = page.locator(f"{table} tbody tr").filter(has_text="张三").locator("td").first
            expect(cell).to_have_text("张三")
            assert cell.evaluate(LINES) == 1, f"张三 takes {cell.evaluate(LINES)} lines on {path} at 1366 px"
            assert page.evaluate(SIDEWAYS, DESKTOP["viewport"]["width"]) == [], path
    finally:
        next(opened, None)


def test_the_header_keeps_log_out_on_one_line_on_a_phone(phone_page, live_server):
    county_at_work()
    page = phone_page
    log_in(page, live_server, "doctor1", factories.PASSWORD)
    log_out = page.get_by_role("button", name="退出登录")
    expect(log_out).to_be_visible()
    assert log_out.evaluate(LINES) == 1
    height = log_out.evaluate("""b => { const s = getComputedStyle(b);
      return b.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom); }""")
    line = log_out.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
    assert height <= line * 1.2, (height, line)
    assert page.evaluate(SIDEWAYS, PHONE_WIDTH) == []


def test_every_page_names_a_favicon_that_answers(page, live_server):
    factories.county_tree()
    factories.user("hq1", Role.HQ_ADMIN)
    log_in(page, live_server, "hq1", factories.PASSWORD)
    icon = page.locator('head link[rel="icon"]')
    expect(icon).to_have_count(1)
    answer = page.request.get(icon.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"].startswith("image/")
    legacy = page.request.get(f"{live_server.url}/favicon.ico")  # asked by browsers that read no <link>
    assert legacy.ok and legacy.headers["content-type"].startswith("image/")


def test_a_place_code_prints_without_the_buttons_and_the_trail(page, live_server):
    scene = county_at_work()
    log_in(page, live_server, "town1", factories.PASSWORD, next_path=f"/places/{scene['market'].pk}/code/")
    print_button = page.get_by_role("button", name="打印")
    expect(print_button).to_be_visible()
    expect(page.locator("nav.breadcrumb")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#code-title")).to_be_visible()
    expect(page.locator("#code-image svg")).to_be_visible()
    expect(page.locator("#code-url")).to_be_visible()
    for hidden in (print_button, page.get_by_role("link", name="下载 PNG"), page.get_by_role("button", name="作废并重新生成"),
                   page.locator("nav.breadcrumb"), page.locator("header.topbar"), page.locator("footer")):
        expect(hidden).to_be_hidden()


# --- the county at work ---------------------------------------------------------------------------------------

def resident_id(birth: str, sequence: str) -> str:
    body = f"420921{birth}{sequence}"
    return body + ric.calc_check_digit(body + "0")


def county_at_work() -> dict:
    """东岳村 of 花园镇 at work, through the services as the pages write: its village worker, its doctor and the
    checkpoint staff of the township; on the ledger a returnee isolated at home (the worker and the doctor
    responsible for him, an evening fever sent to the fever clinic) and a fever patient checked today; a sweep with
    one household visited and one not; a checkpoint whose five haves fail, with a passage that opened an arrival
    task; a risk area; a market with a hygiene log and two check-ins (the returnee's, for the doctor's exposure
    search); registrations by the worker and the doctor held for the township's review."""
    factories.county_tree()
    install_default_policies(QuarantinePolicy)  # the live server's flushes remove the migration's rows
    risk_areas.clear_cache()
    today = timezone.localdate()
    now = timezone.now()
    hq = factories.user("hq1", Role.HQ_ADMIN, display_name="县指挥部")
    town = factories.user("town1", Role.TOWNSHIP_STAFF, factories.TOWN_A, display_name="花园镇")
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="王小红",
                            phone="13800000001")
    doctor = factories.user("doctor1", Role.DOCTOR, factories.VILLAGE_A1, display_name="东岳村卫生室乡村医生刘芳",
                            phone="13900000002")
    factories.user("kadian1", Role.CHECKPOINT_STAFF, factories.TOWN_A, display_name="卡点值守员")

    arrived = today - datetime.timedelta(days=2)
    zhang, _ = screening.register_key_person(
        worker, name="张三", id_type="resident_id", id_number=resident_id("19850312", "123"), phone="13712345678",
        region_code=factories.VILLAGE_A1, category="returnee", registered_on=arrived, origin=ORIGIN,
        arrival_date=arrived, transport_mode="train", transport_number="G1722", responsible=worker.pk)
    li, _ = screening.register_key_person(
        worker, name="李四", id_type="resident_id", id_number=resident_id("19900101", "456"),
        region_code=factories.VILLAGE_A1, category="fever", registered_on=today)
    screening.record_daily_check(worker, li, temperature="36.6", method="visit")
    order = quarantine.start_quarantine(hq, zhang, cadre=worker, doctor=doctor,
                                        start_at=now - datetime.timedelta(days=2), home_address="东岳村3组8号")
    quarantine.record_follow_up(doctor, order, temperature="38.2", method="phone")

    sweep = screening.create_sweep(town, name="春节返乡人员摸排", region_code=factories.VILLAGE_A1,
                                   start_date=today - datetime.timedelta(days=1), end_date=today)
    visited = people_services.create_household(worker, region_code=factories.VILLAGE_A1, address="东岳村一组1号",
                                               head_name="王大")
    people_services.create_household(worker, region_code=factories.VILLAGE_A1, address="东岳村一组2号",
                                     head_name="王二")
    screening.record_household_visit(worker, sweep, visited, present_count=3, away_note="王小明 在武汉务工")

    checkpoint = checkpoint_services.create_checkpoint(
        town, name="东岳村路口卡点", kind="village_entrance", region_code=factories.VILLAGE_A1,
        location="东岳村村委会东100米", opened_on=today - datetime.timedelta(days=3))
    checkpoint_services.record_inspection(hq, checkpoint, barrier=True, staff_on_duty=True, register=False,
                                          thermometer=True, disinfection=False, note="登记本未见，消毒液用完")
    risk_areas.create_risk_area(hq, code="420100", name="湖北省武汉市", valid_from=today - datetime.timedelta(days=10))
    passer = passage_services.register_passage(
        town, checkpoint, id_number=resident_id("19700303", "789"), name="王五", phone="13700001234",
        temperature="36.4", outcome="pass", vehicle_plate="鄂K12345", origin="湖北省武汉市",
        destination=factories.VILLAGE_A1, passed_at=now - datetime.timedelta(hours=1))
    arrival_tasks.open_task(SYSTEM, kind="arrival", region_code=factories.VILLAGE_A1, person=passer.person,
                            passage=passer)
    # 赵六 lives in the neighbouring village: registering him again here is held for the township's review
    for submitter, region in ((town, factories.VILLAGE_A2), (worker, factories.VILLAGE_A1),
                              (doctor, factories.VILLAGE_A1)):
        screening.register_key_person(submitter, name="赵六", id_type="resident_id",
                                      id_number=resident_id("19750505", "321"), region_code=region,
                                      category="close_contact", registered_on=today)

    market = place_services.create_place(town, name="东岳农贸市场", kind="market", region_code=factories.VILLAGE_A1,
                                         address="东岳村街道口", operator="东岳村委会")
    place_services.log_hygiene(worker, market, cleaned=True, disinfected=True, patrolled=False, note="下午补巡查")
    for who, minutes in ((zhang.person, 0), (li.person, 10)):
        CheckIn.objects.create(person=who, place=market, region_id=market.region_id,
                               checked_in_at=now - datetime.timedelta(days=1, minutes=minutes))

    # a pharmacy of the village, where the doctor registered a buyer of cough medicine
    pharmacy = place_services.create_place(town, name="东岳大药房", kind="pharmacy", region_code=factories.VILLAGE_A1)
    medical.register_purchase(doctor, pharmacy, name="钱七", id_number=resident_id("19800808", "654"),
                              phone="13600001234", temperature="36.7", symptoms=["cough"], medicines=["cough"],
                              home_region=factories.VILLAGE_A1, address="东岳村5组2号", medicine_names="川贝枇杷膏")

    # 张三 and 李四 are cases too, in one cluster, 李四 infected by 张三
    first, second = (outbreak.counted(outbreak.case(who, reported_at=now - datetime.timedelta(days=days)))
                     for who, days in ((zhang.person, 3), (li.person, 1)))
    chains.link_cases(hq, infector=first.pk, infectee=second.pk, confidence="confirmed")
    cluster = chains.create_cluster(hq, name="东岳村家庭聚集", setting="household", region=factories.VILLAGE_A1,
                                    cases=[first.pk, second.pk])
    # 李四's sample still at the lab (the doctor's pending lab tests) and 张三's household contact (the contacts)
    lab.record_sample(doctor, person_id=li.person_id, lab="孝昌县疾控中心", sampled_at=now - datetime.timedelta(hours=5))
    outbreak.contact(first)
    # 张三's itinerary as the county published it (病例活动轨迹): the list of notices has its row
    outbreak.stop(outbreak.investigation(first), now - datetime.timedelta(days=4), place_name="东岳村农贸市场")
    notices.publish_notice(hq, notices.draft_notice(hq, first))

    everyone = [("checkpoints:detail", f"/checkpoints/{checkpoint.pk}/"),
                ("checkpoints:failing", "/checkpoints/five-haves/failing/"), ("risk_areas:list", "/risk-areas/"),
                ("places:detail", f"/places/{market.pk}/"), ("people:households", "/people/households/")]
    village = [("screening:sweep", f"/screening/sweeps/{sweep.pk}/"),
               ("quarantine:order", f"/quarantine/orders/{order.pk}/"), ("quarantine:orders", "/quarantine/orders/"),
               ("quarantine:due", "/quarantine/due/"), ("quarantine:overdue", "/quarantine/overdue/?all=1"),
               ("medical:pharmacies", "/medical/pharmacies/")]
    exposure = ("tracing:exposure_result", f"/tracing/exposure/?person={zhang.person_id}")
    outbreak_pages = [("tracing:cluster", f"/tracing/clusters/{cluster.pk}/"),
                      ("tracing:case_chain", f"/tracing/cases/{second.pk}/chain/")]
    return {"market": market,
            "lists": {"village1": [*everyone, *village], "kadian1": everyone,
                      "doctor1": [*everyone, *village, exposure, *outbreak_pages]}}
