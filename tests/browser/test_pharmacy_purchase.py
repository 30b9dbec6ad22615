"""药店购药登记 end to end on phones: the township prints a pharmacy's registration code, a buyer of fever medicine scans
it and registers on a 390 px phone (no account, no sideways scrolling, the village picked by name, symptoms and
medicines tapped), is told to go to the fever clinic; the buyer's village worker finds the purchase on the register,
as a card, waiting to be confirmed, confirms it after a call, and the transfer to the fever clinic is opened."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.medical.models import PharmacyPurchase
from fangkong.places.models import Place
from fangkong.quarantine.models import TransferRequest
from tests import factories
from tests.browser.helpers import log_in
from tests.browser.test_phone_lists import PHONE_WIDTH, SIDEWAYS
from tests.places.builders import resident_id

pytestmark = pytest.mark.browser


def test_a_buyer_registers_on_a_phone_and_the_village_confirms_the_fever(page, phone_page, browser, live_server):
    factories.county_tree()
    factories.user("town1", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    factories.user("village_b1", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    shop = Place.objects.create(name="东岳大药房", kind="pharmacy", region_id=factories.VILLAGE_A1)
    cache.clear()  # the public page's rate limit in the live server's process

    log_in(page, live_server, "town1", factories.PASSWORD, next_path=f"/medical/pharmacies/{shop.pk}/code/")
    expect(page.locator("#code-title")).to_have_text("东岳大药房")
    expect(page.locator("#code-image svg")).to_be_visible()
    url = page.locator("#code-url").inner_text().strip()
    assert re.search(r"/medical/p/[\w-]+/$", url), url

    buyer = phone_page
    buyer.goto(url)
    expect(buyer.locator("h1")).to_have_text("药店购药登记")
    expect(buyer.locator("#where")).to_have_text("东岳大药房")
    assert buyer.evaluate(SIDEWAYS, PHONE_WIDTH) == []
    buyer.locator("#id_name").fill("王购药")
    buyer.locator("#id_id_number").fill(resident_id(5))
    buyer.locator("#id_phone").fill("13912345678")
    buyer.locator("#id_home_region").select_option(label="红旗村")
    buyer.locator("#id_address").fill("红旗村2组8号")
    buyer.locator("#id_temperature").fill("38.4")
    buyer.locator("#id_symptoms").get_by_text("咳嗽").click()
    buyer.locator("#id_medicines").get_by_text("退烧药").click()
    buyer.locator("#id_medicines").get_by_text("止咳药").click()
    with buyer.expect_navigation():
        buyer.get_by_role("button", name="提交").click()
    expect(buyer.locator("#purchase-done")).to_have_text("登记成功")
    expect(buyer.locator("#fever-advice")).to_contain_text("发热门诊")
    assert buyer.evaluate(SIDEWAYS, PHONE_WIDTH) == []
    purchase = PharmacyPurchase.objects.get()
    assert (purchase.home_region_id, purchase.symptoms, purchase.medicines, purchase.person_id) == (
        factories.VILLAGE_B1, ["cough"], ["antipyretic", "cough"], None)
    assert not TransferRequest.objects.exists()  # who it was is not known yet

    # the buyer's village worker, on a phone: the register as cards, the purchase waiting to be confirmed
    worker = browser.new_context(base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 844},
                                 is_mobile=True, has_touch=True, locale="zh-CN").new_page()
    try:
        log_in(worker, live_server, "village_b1", factories.PASSWORD, next_path="/medical/?pending=1")
        card = worker.locator(f'#purchases tr[data-purchase="{purchase.pk}"]')
        expect(card).to_contain_text("王购药")
        expect(card).to_contain_text("待核实")
        expect(card).not_to_contain_text(resident_id(5))
        assert worker.locator("#purchases thead").bounding_box()["height"] <= 1  # a card, not a table row
        assert worker.evaluate(SIDEWAYS, PHONE_WIDTH) == []
        with worker.expect_navigation():
            card.get_by_role("link", name="王购药").click()
        with worker.expect_navigation():
            worker.get_by_role("button", name="核实").click()
        expect(worker.locator(".messages")).to_contain_text("转送发热门诊")
        assert worker.evaluate(SIDEWAYS, PHONE_WIDTH) == []
    finally:
        worker.context.close()
    transfer = TransferRequest.objects.get()
    assert (transfer.source, transfer.region_id, str(transfer.temperature)) == ("pharmacy", factories.VILLAGE_B1,
                                                                                "38.4")
