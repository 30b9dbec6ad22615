"""Steps shared by browser tests: ``from tests.browser.helpers import log_in, open_menu``."""

from urllib.parse import quote, urlsplit


def log_in(page, live_server, username: str, password: str, next_path: str = "") -> None:
    """Logs in through the real login form and waits for the page that follows it.

    Raises AssertionError with the form's error messages when the login is refused.
    """
    query = f"?next={quote(next_path)}" if next_path else ""
    page.goto(f"{live_server.url}/accounts/login/{query}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()
    if urlsplit(page.url).path.rstrip("/").endswith("/accounts/login"):
        errors = page.locator(".errorlist").all_inner_texts()
        raise AssertionError(f"login as {username!r} was refused: {errors}")


def open_menu(page):
    """The main menu, opened with the ☰ button first when the phone layout hides it."""
    menu = page.locator("nav.mainnav")
    if not menu.is_visible():
        page.locator("label.menu-button").click()
    return menu
