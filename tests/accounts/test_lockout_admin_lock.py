"""An admin's lock means locked: no login, and the sessions and API tokens already out stop at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fangkong.accounts import services
from fangkong.accounts.models import Role, User
from fangkong.audit.models import AuditEntry
from tests import factories


@pytest.fixture
def boss(tree):
    return factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)


@pytest.fixture
def lin(tree):
    return factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def _logged_in_client(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": factories.PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_lock_by_page_ends_the_session_and_the_token_at_once(boss, lin, login):
    at_work = _logged_in_client("lin")
    token = services.create_token(lin, lin, "script")
    # both read once, so the user is in this process's cache when the lock comes
    assert at_work.get("/").status_code == 200
    assert Client().get("/api/me", **_bearer(token)).status_code == 200

    response = login(boss).post(f"/accounts/users/{lin.pk}/lock/")

    assert response.status_code == 302
    assert at_work.get("/").status_code == 302
    assert at_work.get("/api/me").status_code == 401
    assert Client().get("/api/me", **_bearer(token)).status_code == 401
    refused = Client().post("/accounts/login/", {"username": "lin", "password": factories.PASSWORD})
    assert "用户名或密码不正确" in refused.content.decode()
    entry = AuditEntry.objects.get(action="user.lock")
    assert (entry.actor_name, entry.source, entry.object_id) == ("boss", "page", str(lin.pk))


def test_a_lock_by_api_and_the_unlock_lets_the_user_work_again(boss, lin, login):
    token = services.create_token(lin, lin, "script")
    admin = login(boss)

    assert admin.post(f"/api/users/{lin.pk}/lock").status_code == 204
    assert User.objects.get(pk=lin.pk).is_locked
    assert Client().get("/api/me", **_bearer(token)).status_code == 401
    assert "已锁定" in admin.get("/accounts/users/").content.decode()

    assert admin.post(f"/api/users/{lin.pk}/unlock").status_code == 204
    assert Client().get("/api/me", **_bearer(token)).status_code == 200
    assert _logged_in_client("lin").get("/").status_code == 200
    assert AuditEntry.objects.get(action="user.unlock").before == {"locked_at": pytest.approx(
        AuditEntry.objects.get(action="user.lock").after["locked_at"])}


def test_locking_twice_is_one_lock(boss, lin):
    services.lock_user(boss, lin)
    services.lock_user(boss, lin)
    assert AuditEntry.objects.filter(action="user.lock").count() == 1


def test_only_an_admin_of_the_scope_locks_and_never_themselves(boss, lin, login):
    with pytest.raises(ValidationError):
        services.lock_user(boss, boss)
    with pytest.raises(PermissionDenied):
        services.lock_user(factories.user("far", Role.HQ_ADMIN, factories.TOWN_B), lin)
    with pytest.raises(PermissionDenied):
        services.lock_user(factories.user("staff", Role.HQ_STAFF, factories.COUNTY), lin)
    assert login(factories.user("far2", Role.HQ_ADMIN, factories.TOWN_B)).post(
        f"/api/users/{lin.pk}/lock").status_code == 404
    assert login(factories.user("staff2", Role.HQ_STAFF, factories.COUNTY)).post(
        f"/api/users/{lin.pk}/lock").status_code == 403
    assert login(boss).get(f"/accounts/users/{lin.pk}/lock/").status_code == 405
    assert not User.objects.get(pk=lin.pk).is_locked


def test_an_admin_edit_meanwhile_does_not_unlock(boss, lin):
    stale = User.objects.get(pk=lin.pk)
    services.lock_user(boss, lin)
    services.update_user(boss, stale, role=stale.role, region_code=stale.region_id, display_name="林",
                         phone="", is_active=True)
    assert User.objects.get(pk=lin.pk).is_locked


def test_deactivation_ends_the_token_at_once(boss, lin):
    token = services.create_token(lin, lin, "script")
    assert Client().get("/api/me", **_bearer(token)).status_code == 200
    services.update_user(boss, lin, role=lin.role, region_code=lin.region_id, display_name="", phone="",
                         is_active=False)
    assert Client().get("/api/me", **_bearer(token)).status_code == 401
