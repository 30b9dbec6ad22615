"""Under the strict Content-Security-Policy (settings.FANGKONG_CSP) the main pages of each role load and work
with nothing refused: no inline script, handler or style left that the browser would block, the API docs
(Swagger UI) included. A refused script would break a page silently, so the browser's own reports are read."""

import re

import pytest
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.places.models import Place, PlaceCode
from fangkong.quarantine.services import sites as site_services
from tests import factories
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

# Recorded in the page itself from its first moment (an init script runs outside the page's policy).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  function (e) { window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile); });
"""


def watch(page) -> list[str]:
    """Console reports of the Content-Security-Policy, collected for the page's whole life."""
    refused: list[str] = []
    # Chromium words them "Refused to …" or "… violates the following Content Security Policy directive …"
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return refused


def visit(page, path: str) -> list[str]:
    """Open the page, let its scripts run, and return the violations the page itself recorded."""
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}, path
    page.wait_for_load_state("networkidle")
    return [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]


def test_the_watch_sees_a_violation(browser, live_server):
    # The listeners themselves: a page of this server with an inline script under the policy is reported.
    # (Its own context: the page fixture fails any test whose page the policy refused something on.)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refused = watch(page)
    page.route(f"{live_server.url}/inline-test", lambda route: route.fulfill(
        status=200, content_type="text/html", headers={"Content-Security-Policy": "script-src 'self'"},
        body="<!DOCTYPE html><title>t</title><script>document.title = 'ran';</script>"))
    page.goto("/inline-test")
    page.wait_for_load_state("networkidle")
    title, recorded = page.title(), page.evaluate("window.__csp")
    context.close()
    assert title == "t"
    assert recorded and [m for m in refused if "script-src" in m]


def test_headquarters_pages_and_the_api_docs(page, live_server):
    factories.county_tree()
    admin = factories.user("hq1", Role.HQ_ADMIN, factories.COUNTY, display_name="指挥部")
    market = Place.objects.create(name="东岳村农贸市场", kind="market", region_id=factories.VILLAGE_A1)
    token = PlaceCode.objects.create(place=market).token
    site = site_services.create_site(admin, name="花园宾馆", region_code=factories.TOWN_A, address="花园镇1号",
                                     rooms=[("101", 2)])
    refused = watch(page)
    log_in(page, live_server, "hq1", factories.PASSWORD)

    found = []
    for path in ("/", "/people/", "/screening/", "/ledger/", "/rollup/", "/reports/dashboard/", "/reports/brief/",
                 "/reports/", "/audit/", "/quarantine/", f"/quarantine/sites/{site.pk}/", "/checkpoints/",
                 f"/places/{market.pk}/", f"/places/{market.pk}/code/",
                 "/tracing/exposure/", "/accounts/users/"):
        found += visit(page, path)
    # the print page's buttons are bound by the site script, not inline handlers
    page.goto(f"/places/{market.pk}/code/")
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") is True
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="作废并重新生成").click()
    expect(page).to_have_url(re.compile(rf"/places/{market.pk}/code/$"))
    assert asked == ["旧码将作废，确定重新生成？"]
    assert list(PlaceCode.objects.filter(place=market).values_list("token", flat=True)) == [token]  # not sent

    # Swagger UI renders the document under the same policy
    found += visit(page, "/api/docs")
    expect(page.locator("#swagger-ui")).to_contain_text("Fangkong API")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()

    assert found == [] and refused == []


def test_village_and_checkpoint_staff_on_a_phone(phone_page, live_server):
    factories.county_tree()
    admin = factories.user("hq1", Role.HQ_ADMIN, factories.COUNTY)
    factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    factories.user("kadian1", Role.CHECKPOINT_STAFF, factories.TOWN_A)
    checkpoint = checkpoint_services.create_checkpoint(admin, name="花园高速出口", kind="highway_exit",
                                                       region_code=factories.TOWN_A)
    market = Place.objects.create(name="东岳村农贸市场", kind="market", region_id=factories.VILLAGE_A1)
    code = PlaceCode.objects.create(place=market)
    page = phone_page
    refused = watch(page)

    found = visit(page, "/accounts/login/")
    found += visit(page, f"/places/c/{code.token}/")  # the public check-in, no account
    log_in(page, live_server, "village1", factories.PASSWORD)
    for path in ("/", "/screening/today/", "/screening/register/", "/quarantine/mine/", "/screening/tasks/"):
        found += visit(page, path)
    # the language switch sends its form from the site script
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.context.clear_cookies()

    log_in(page, live_server, "kadian1", factories.PASSWORD)
    found += visit(page, f"/checkpoints/{checkpoint.pk}/passages/new/")
    # the passage form's script runs: a fever shows the hint
    page.get_by_label("体温(°C)").fill("38.5")
    expect(page.locator("#fever-hint")).to_be_visible()

    assert found == [] and refused == []
