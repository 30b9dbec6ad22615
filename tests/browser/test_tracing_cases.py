"""A case on a phone: a township hospital's doctor reports a suspected case on the report form, finds it as a card
in 病例管理, sees the lab's positive result waiting on 实验室检测 and confirms the case in one click; none of the
pages scrolls sideways on a 390 px phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.tracing.models import Case
from fangkong.tracing.services import lab as lab_services
from tests import factories
from tests.browser.helpers import log_in, open_menu
from tests.browser.test_phone_lists import PHONE_WIDTH, SIDEWAYS
from tests.tracing.case_fixtures import resident_id

pytestmark = pytest.mark.browser


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_doctor_reports_a_case_on_a_phone_and_confirms_it_by_the_labs_result(phone_page, live_server):
    factories.county_tree()
    factories.user("doctor_a", Role.DOCTOR, factories.TOWN_A, display_name="花园镇卫生院王医生")
    page = phone_page
    log_in(page, live_server, "doctor_a", factories.PASSWORD)
    open_menu(page).get_by_role("link", name="病例管理").click()
    expect(page.locator("main h1")).to_have_text("病例管理")
    page.locator("nav.tabs").get_by_role("link", name="报告病例").click()
    number = resident_id()
    page.locator("#id_name").fill("张三")
    page.locator("#id_id_number").fill(number)
    page.locator("#id_region_code").select_option(factories.VILLAGE_A1)
    page.locator("#id_phone").fill("13912345678")
    page.locator("#id_classification").select_option("suspected")
    page.locator("#id_found_by").select_option("fever_clinic")
    page.locator("#id_reporting_unit").fill("花园镇卫生院")
    page.locator("#id_diagnosed_at").fill(local_input(timezone.now() - datetime.timedelta(hours=1)))
    assert page.evaluate(SIDEWAYS, PHONE_WIDTH) == []
    with page.expect_navigation():
        page.get_by_role("button", name="报告").click()
    case = Case.objects.get()
    expect(page.locator("main h1")).to_contain_text("张三")
    expect(page.locator("main h1")).to_contain_text("疑似病例")
    assert number not in page.content()  # masked
    assert page.evaluate(SIDEWAYS, PHONE_WIDTH) == []

    page.goto(f"{live_server.url}/tracing/cases/")
    card = page.locator(f'#cases tbody tr[data-case="{case.pk}"]')
    expect(card).to_contain_text(case.number)
    assert card.bounding_box()["width"] <= PHONE_WIDTH
    assert page.evaluate(SIDEWAYS, PHONE_WIDTH) == []

    lab_services.record_sample(case.created_by, person_id=case.person_id, lab="孝昌县疾控中心", sample_number="HX1",
                               sampled_at=timezone.now() - datetime.timedelta(minutes=50), result="positive")
    page.goto(f"{live_server.url}/tracing/lab/")
    proposal = page.locator("#proposals li").filter(has_text="张三")
    expect(proposal).to_contain_text("建议订正为确诊病例")
    assert page.evaluate(SIDEWAYS, PHONE_WIDTH) == []
    with page.expect_navigation():
        proposal.get_by_role("button", name="订正为确诊").click()
    expect(page.locator("main h1")).to_contain_text("确诊病例")
    case.refresh_from_db()
    assert case.classification == "confirmed" and case.changes.count() == 2
