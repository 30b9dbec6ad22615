"""Login and logout pages: sessions, cookie flags, CSRF, who may log in at all."""

import pytest
from django.test import Client

from fangkong.accounts.models import Role, User
from tests import factories


def _login(client: Client, username: str, password: str = factories.PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_correct_password_logs_in_and_goes_home(tree):
    factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    client = Client()

    response = _login(client, "lin")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in(client)
    assert client.get("/").status_code == 200


def test_session_cookie_is_httponly_and_samesite_lax(tree):
    factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    cookie = _login(Client(), "lin").cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_wrong_password_shows_the_error_and_no_session(tree):
    factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    client = Client()

    response = _login(client, "lin", "wrong-password")

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.parametrize("change", ["inactive", "no_region"])
def test_inactive_or_unscoped_accounts_cannot_log_in(tree, change):
    lin = factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    if change == "inactive":
        lin.is_active = False
    else:
        lin.region = None
    lin.save()
    client = Client()

    assert _login(client, "lin").status_code == 200
    assert not _logged_in(client)


def test_pages_need_a_login(tree):
    response = Client().get(f"/regions/{factories.COUNTY}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_next_is_followed_only_within_the_site(tree):
    factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    inside = _login(Client(), "lin", next=f"/regions/{factories.VILLAGE_A1}/")
    outside = _login(Client(), "lin", next="https://evil.example/")
    assert inside["Location"] == f"/regions/{factories.VILLAGE_A1}/"
    assert outside["Location"] == "/"


def test_logout_is_post_only(tree, login):
    client = login(factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1))

    assert client.get("/accounts/logout/").status_code == 405
    assert _logged_in(client)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not _logged_in(client)
    assert client.get("/").status_code == 302


def test_login_form_enforces_csrf(tree):
    factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    client = Client(enforce_csrf_checks=True)

    refused = _login(client, "lin")
    assert refused.status_code == 403
    assert not _logged_in(client)

    client.get("/accounts/login/")
    accepted = _login(client, "lin", csrfmiddlewaretoken=client.cookies["csrftoken"].value)
    assert accepted.status_code == 302
    assert _logged_in(client)


def test_logout_enforces_csrf(tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1))
    assert client.post("/accounts/logout/").status_code == 403
    assert _logged_in(client)


def test_logged_in_user_opening_login_goes_home(tree, login):
    client = login(factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1))
    assert client.get("/accounts/login/")["Location"] == "/"


def test_password_is_stored_hashed(tree):
    lin = factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    assert factories.PASSWORD not in User.objects.get(pk=lin.pk).password
