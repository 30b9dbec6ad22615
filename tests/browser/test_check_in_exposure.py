"""A place code end to end: headquarters prints the market's QR page, two visitors check in on their phones through
the URL it carries (no account), tracing staff confirm which registered person the first was (a check-in is nobody's
presence until then), the exposure search for the first finds the second as an unconfirmed visitor, masked, with a
link to confirm them; once confirmed, the second is the registered person, masked, until headquarters reveal the
second's numbers to call them."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place
from tests import factories
from tests.browser.conftest import PHONE, _open_page
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

FIRST_ID = "42092119950315001X"  # born after 1993: the county code of the time
assert ric.is_valid(FIRST_ID)


def test_a_qr_check_in_then_the_exposure_search_finds_the_co_present_person(page, phone_page, browser, live_server,
                                                                           request):
    factories.county_tree()
    factories.user("hq_cdc", Role.HQ_STAFF, factories.COUNTY)
    market = Place.objects.create(name="东岳农贸市场", kind="market", region_id=factories.VILLAGE_A1,
                                  address="东岳村街道口")
    registered = [_person("张三", "13900001111", FIRST_ID), _person("李四", "13700002222", "")]
    cache.clear()  # the check-in rate limit of the live server's process

    hq = page
    log_in(hq, live_server, "hq_cdc", factories.PASSWORD)
    hq.goto(f"{live_server.url}/places/{market.pk}/code/")
    expect(hq.locator("#code-title")).to_have_text("东岳农贸市场")
    expect(hq.locator("#code-image svg")).to_be_visible()
    url = hq.locator("#code-url").inner_text().strip()
    assert re.search(r"/places/c/[\w-]+/$", url), url

    # the first visitor scans the code: the page the QR leads to, on a phone, with no account
    check_in(phone_page, live_server, url, phone="13900001111", name="张三", id_number=FIRST_ID)
    # a second visitor, on their own phone, a moment later
    second_phone = _open_page(browser, live_server, request, PHONE)
    try:
        check_in(next(second_phone), live_server, url, phone="13700002222", name="李四")
    finally:
        next(second_phone, None)  # closes the context and runs the page checks (no CDN, no JS errors)
    assert CheckIn.objects.filter(place=market, person=None).count() == 2  # nobody's presence yet
    # the tracer confirms which registered person the first visitor was, from the place's check-ins
    first, second = registered
    hq.goto(f"{live_server.url}/places/{market.pk}/")
    with hq.expect_navigation():
        hq.locator(f'#check-ins tr[data-check-in="{CheckIn.objects.get(name=first.name).pk}"] a').click()
    confirm(hq, first)

    search(hq, live_server)
    # the second visitor, not confirmed yet: what they typed, masked, no reveal, a link to confirm them
    unconfirmed = hq.locator(f'#contacts tr[data-check-in="{CheckIn.objects.get(name=second.name).pk}"]')
    expect(unconfirmed).to_contain_text("李四")
    expect(unconfirmed).to_contain_text("未核对")
    expect(unconfirmed).to_contain_text("137****2222")
    expect(unconfirmed.get_by_role("button", name="查看完整号码")).to_have_count(0)
    with hq.expect_navigation():
        unconfirmed.get_by_role("link", name="核对身份").click()
    confirm(hq, second)

    search(hq, live_server)
    expect(hq.locator("#summary")).to_contain_text("本人到访 1 次")
    row = hq.locator(f'#contacts tr[data-person="{second.pk}"]')
    expect(row).to_contain_text("李四")
    expect(row).to_contain_text("东岳农贸市场")
    expect(row).to_contain_text("扫码登记")
    expect(hq.locator("#contacts tbody tr")).to_have_count(1)
    # numbers masked, the searched person's too; the second visitor's revealed on request, and logged
    expect(hq.locator("#subject")).to_contain_text("4209**********001X")
    expect(row).to_contain_text("137****2222")
    result = hq.locator("#reveal-form").inner_html()  # the page's form echoes the number typed into it
    assert "13700002222" not in result and FIRST_ID not in result
    with hq.expect_navigation():
        row.get_by_role("button", name="查看完整号码").click()
    expect(hq.locator(f'#contacts tr[data-person="{second.pk}"]')).to_contain_text("13700002222")
    assert FIRST_ID not in hq.content()  # the reveal's page is reached by the person's id, not the number
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(second.pk)).count() == 1


def confirm(hq, person: Person) -> None:
    """On a check-in's match page: confirm it was this person."""
    with hq.expect_navigation():
        hq.locator(f'#candidates tr[data-person="{person.pk}"] button').click()
    expect(hq.locator("#matched")).to_contain_text(person.name)


def search(hq, live_server) -> None:
    hq.goto(f"{live_server.url}/tracing/exposure/")
    hq.get_by_label("身份证号码或手机号").fill(FIRST_ID)
    with hq.expect_navigation():
        hq.locator("#exposure-form button[type=submit]").click()
    expect(hq.locator("#subject")).to_contain_text("张三")


def _person(name: str, phone: str, number: str) -> Person:
    return Person.objects.create(name=name, id_type="resident_id" if number else "other", id_number=number,
                                 id_digest=identity.digest("resident_id", number) if number else "", phone=phone,
                                 phone_digest=identity.digest("phone", phone), region_id=factories.VILLAGE_A1)


def check_in(visitor, live_server, url: str, **fields) -> None:
    phone = visitor
    phone.goto(url)
    expect(phone.get_by_role("heading", name="扫码登记")).to_be_visible()
    expect(phone.locator("#where")).to_have_text("东岳农贸市场")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone's screen
    expect(phone.get_by_label("手机号码")).to_have_attribute("inputmode", "tel")
    phone.get_by_label("手机号码").fill(fields["phone"])
    phone.get_by_label("姓名").fill(fields["name"])
    if fields.get("id_number"):
        phone.get_by_label("身份证号码（选填）").fill(fields["id_number"])
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#check-in-done")).to_have_text("登记成功")
    expect(phone.locator("main")).to_contain_text("东岳农贸市场")
    # nothing about anyone else, and not even the visitor's own numbers, on the answer
    html = phone.content()
    assert fields["phone"] not in html and (not fields.get("id_number") or fields["id_number"] not in html)
