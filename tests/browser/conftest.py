"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

One Chromium per test session; each test gets a fresh browser context (cookies, storage), so tests
never see each other's sessions. Every page is bound to the live server (``page.goto("/accounts/login/")``
works) and must not fetch anything from another host: Fangkong is served on intranets with no CDN; nor may
the Content-Security-Policy refuse anything on it.

Fixtures: ``browser`` (one per run), ``page`` (desktop, 1280x800), ``phone_page`` (390x844, touch, zh-CN); every
test's clock starts at 10:00 local of today (``working_hours``).
Helpers for the tests themselves are in tests/browser/helpers.py (``log_in``, ``open_menu``).
Run only these tests with ``pytest -m browser``; leave them out with ``-m "not browser"``.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API keeps an asyncio loop in the main thread, which trips Django's
# "async unsafe" guard on every ORM call made by the test itself (factories, assertions).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FANGKONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Generous: CI machines are shared and the first page of a run compiles templates.
TIMEOUT_MS = 15_000
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}
FAILURE_SHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's outcome on the test item so the page fixtures can screenshot failures.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# Package scope is one browser per test run (every browser test lives in this package), and it
# also ends Playwright's event loop when the browser tests are over: the non-browser tests that
# pytest-django runs after them would otherwise run inside a "running" asyncio loop.
@pytest.fixture(scope="package")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`), never a download")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


def _open_page(browser, live_server, request, options: dict):
    """A page in a fresh context bound to the live server; external requests are blocked and reported."""
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    own_host = urlsplit(live_server.url).netloc
    external, js_errors, refused = [], [], []

    def only_own_host(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route(re.compile(r"^https?://"), only_own_host)
    page = context.new_page()
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    # what the Content-Security-Policy blocked (an inline script or style left in a template)
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        FAILURE_SHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(FAILURE_SHOTS / f"{name}.png"), full_page=True)
    context.close()
    assert not external, f"the page fetched from other hosts (no CDN allowed): {external}"
    assert not js_errors, f"JavaScript errors on the page: {js_errors}"
    assert not refused, f"the Content-Security-Policy refused something on the page: {refused}"


@pytest.fixture(autouse=True)
def working_hours():
    """Every browser test runs in the county's working hours of today, its clock ticking from 10:00 local: a test
    run near local midnight (16:00 UTC, when CI often runs) would otherwise see its day end between the rows it
    made and the pages that list them, or a deadline of today pass. The server thread shares the process, so it
    reads the same clock; the pages' scripts never read the browser's."""
    import datetime

    import time_machine
    from django.utils import timezone

    ten = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    with time_machine.travel(ten, tick=True):
        yield


@pytest.fixture
def page(browser, live_server, request):
    """A desktop-sized page (1280x800, Chinese browser)."""
    yield from _open_page(browser, live_server, request, DESKTOP)


@pytest.fixture
def phone_page(browser, live_server, request):
    """A phone-sized page (390x844, touch, Chinese browser), as village and checkpoint staff use it."""
    yield from _open_page(browser, live_server, request, PHONE)
