"""A case's investigation end to end: an epidemiologist on a laptop opens the investigation of a case reported that
morning, records two stops of the itinerary (the market, a key place with its place code; the train home), sees
three candidate contacts proposed from what Fangkong holds (the case's household, a check-in at the market within 30
minutes, a returnee on the same train that day), confirms all three and completes the investigation; the village
worker, logging in afterwards on their phone, finds the three on today's list as close contacts, masked, and nothing
of the investigation. On the way, the contact list shows the three masked and reveals one on request, logged."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.people.models import Household
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import Quarantine, QuarantinePolicy
from fangkong.screening.models import KeyPerson
from fangkong.tracing.models import Contact
from fangkong.tracing.services import cases as case_services
from tests import factories
from tests.browser.helpers import log_in, open_menu
from tests.tracing import cases as presences
from tests.tracing import outbreak

pytestmark = pytest.mark.browser


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour,
                                                                                                 minutes=minute)


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_epidemiologist_confirms_three_proposed_contacts_and_the_village_worker_sees_them(page, phone_page,
                                                                                            live_server):
    factories.county_tree()
    install_default_policies(QuarantinePolicy)  # the live server's flushes remove the migration's rows
    tracer = factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY, display_name="流调队员小陈")
    staff = outbreak.isolation_staff(factories.VILLAGE_A1)
    home = Household.objects.create(region_id=factories.VILLAGE_A1, address="东岳村1组8号")
    patient = outbreak.person(factories.VILLAGE_A1, name="张病例", household=home)
    wife = outbreak.person(factories.VILLAGE_A1, name="刘妻", household=home)
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    neighbour = outbreak.person(factories.VILLAGE_A1, name="李邻")
    presences.check_in(market, neighbour, at(4, 9, 40))
    stranger = outbreak.person(factories.VILLAGE_A1, name="赵远")
    presences.check_in(market, stranger, at(4, 12, 0))  # hours later: no contact
    passenger = outbreak.person(factories.VILLAGE_A1, name="王乘客")
    KeyPerson.objects.create(person=passenger, category="returnee", region_id=factories.VILLAGE_A1,
                             registered_on=timezone.localdate() - datetime.timedelta(days=5), origin="武汉",
                             transport_mode="train", transport_number="G1234", arrival_date=at(6, 8).date())
    case = case_services.report_case(tracer, person_id=patient.pk, classification="confirmed", severity="mild",
                                     found_by="fever_clinic", reporting_unit="孝昌县人民医院",
                                     diagnosed_at=timezone.now() - datetime.timedelta(hours=1),
                                     onset_date=timezone.localdate() - datetime.timedelta(days=2))

    log_in(page, live_server, "liudiao", factories.PASSWORD)
    open_menu(page).get_by_role("link", name="流行病学调查").click()
    expect(page.locator("h1")).to_have_text("流行病学调查")
    page.goto(f"{live_server.url}/tracing/cases/{case.pk}/investigation/")
    with page.expect_navigation():
        page.get_by_role("button", name="开始流调").click()
    expect(page.locator("#status")).to_have_text("调查中")
    # the household is proposed before any itinerary is typed
    expect(page.locator(f"#candidate-{wife.pk}")).to_contain_text("同户")

    form = page.locator("#stop-form")
    form.locator("select[name=kind]").select_option("place")
    form.locator("input[name=starts_at]").fill(local_input(at(4, 9)))
    form.locator("input[name=ends_at]").fill(local_input(at(4, 10)))
    form.locator("select[name=key_place]").select_option(label="东岳农贸市场")
    with page.expect_navigation():
        form.get_by_role("button", name="添加行程").click()
    # a trip without its number is refused, saying what is missing
    form = page.locator("#stop-form")
    form.locator("select[name=kind]").select_option("transport")
    form.locator("input[name=starts_at]").fill(local_input(at(6, 8)))
    form.locator("input[name=ends_at]").fill(local_input(at(6, 11)))
    form.locator("select[name=transport_mode]").select_option("train")
    form.locator("input[name=place_name]").fill("武汉-孝感")
    with page.expect_navigation():
        form.get_by_role("button", name="添加行程").click()
    expect(page.locator("#stop-errors")).to_contain_text("交通出行请填写车次、航班号或车牌号")
    form = page.locator("#stop-form")
    expect(form.locator("input[name=place_name]")).to_have_value("武汉-孝感")
    form.locator("input[name=transport_number]").fill("g1234")
    form.locator("input[name=seat]").fill("05车12F")
    with page.expect_navigation():
        form.get_by_role("button", name="添加行程").click()
    expect(page.locator("#stops tbody tr")).to_have_count(2)
    expect(page.locator("#stops")).to_contain_text("G1234")

    candidates = page.locator("#candidate-list > li.person")
    expect(candidates).to_have_count(3)
    expect(page.locator(f"#candidate-{neighbour.pk}")).to_contain_text("东岳农贸市场")
    expect(page.locator(f"#candidate-{passenger.pk}")).to_contain_text("同车次/航班")
    expect(page.locator(f"#candidate-{stranger.pk}")).to_have_count(0)
    expect(page.locator("#candidate-list")).not_to_contain_text(neighbour.id_number)

    for who in (wife, neighbour, passenger):
        with page.expect_navigation():
            page.locator(f"#candidate-{who.pk}").get_by_role("button", name="确认为密切接触者").click()
        expect(page.locator(".messages")).to_contain_text(f"已确认 {who.name} 为密切接触者")
        expect(page.locator(".messages")).to_contain_text("集中医学观察至")
    expect(candidates).to_have_count(0)
    expect(page.locator("#contact-list tbody tr")).to_have_count(3)

    page.locator("#id_exposure_kind").select_option("unknown")
    page.locator("#id_summary").fill("发病前14天内无外出史，感染来源不明；密切接触者3人，均已集中医学观察。")
    with page.expect_navigation():
        page.get_by_role("button", name="完成流调").click()
    expect(page.locator("#status")).to_have_text("已完成")

    # the contact list: masked, one person revealed on request, and the reveal logged
    open_menu(page).get_by_role("link", name="密切接触者").click()
    card = page.locator("#contacts li", has_text="李邻")
    expect(card).not_to_contain_text(neighbour.id_number)
    with page.expect_navigation():
        card.get_by_role("button", name="查看完整号码").click()
    expect(page.locator("#contacts li", has_text="李邻")).to_contain_text(neighbour.id_number)
    expect(page.locator("#contacts li", has_text="刘妻")).not_to_contain_text(wife.id_number)
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(neighbour.pk)).count() == 1

    contacts = Contact.objects.filter(case=case, status="confirmed")
    assert {c.person_id for c in contacts} == {wife.pk, neighbour.pk, passenger.pk}
    for contact in contacts:
        q = Quarantine.objects.get(pk=contact.quarantine_id)
        assert (q.kind, q.status, q.cadre, q.site) == ("centralised", "active", staff["cadre"], staff["site"])
        assert q.planned_end == day_start(contact.last_exposure_date) + datetime.timedelta(days=14)

    # the village worker, afterwards, on their phone
    log_in(phone_page, live_server, staff["cadre"].username, factories.PASSWORD)
    duty = phone_page.locator(".duties a", has_text="今日待查")
    expect(duty).to_be_visible()
    with phone_page.expect_navigation():
        duty.click()
    listed = phone_page.locator("#today-list")
    for who in (wife, neighbour, passenger):
        row = listed.locator("li", has_text=who.name)
        expect(row).to_contain_text("密切接触者")
        expect(row).not_to_contain_text(who.phone)
    expect(listed).not_to_contain_text(case.number)
    expect(open_menu(phone_page)).not_to_contain_text("流行病学调查")
    phone_page.goto(f"{live_server.url}/tracing/cases/{case.pk}/investigation/")
    expect(phone_page.locator("h1")).not_to_contain_text("流行病学调查")
