"""Repeated failed logins lock the account for a while; an admin can unlock it."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.audit.models import AuditEntry
from tests import factories

LOCKED = "登录失败次数过多，账户已锁定"


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.FANGKONG_LOCKOUT_THRESHOLD = 3
    settings.FANGKONG_LOCKOUT_MINUTES = 15


@pytest.fixture
def lin(tree):
    return factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def _try(username: str, password: str, client: Client | None = None):
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def _fail(times: int, username: str = "lin"):
    for _ in range(times):
        _try(username, "wrong-password")


def test_failures_below_the_threshold_do_not_lock(lin):
    _fail(2)
    lin.refresh_from_db()
    assert (lin.failed_logins, lin.is_locked) == (2, False)
    assert _try("lin", factories.PASSWORD)[1]
    lin.refresh_from_db()
    assert lin.failed_logins == 0  # a success starts the count again


def test_threshold_locks_and_the_page_says_so(lin):
    _fail(3)

    lin.refresh_from_db()
    assert lin.is_locked
    assert lin.locked_until - timezone.now() > datetime.timedelta(minutes=14)
    response, logged_in = _try("lin", "wrong-password")
    assert LOCKED in response.content.decode()
    assert not logged_in
    entry = AuditEntry.objects.get(action="user.lock")
    assert (entry.object_id, entry.region_id, entry.actor_name) == (str(lin.pk), factories.VILLAGE_A1, "system")


def test_correct_password_is_refused_while_locked(lin):
    _fail(3)
    response, logged_in = _try("lin", factories.PASSWORD)
    assert not logged_in
    assert LOCKED in response.content.decode()


def test_lock_expires(lin):
    _fail(3)
    User.objects.filter(pk=lin.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))

    _, logged_in = _try("lin", factories.PASSWORD)

    assert logged_in
    lin.refresh_from_db()
    assert (lin.failed_logins, lin.locked_until) == (0, None)


def test_after_expiry_the_count_starts_again(lin):
    _fail(3)
    User.objects.filter(pk=lin.pk).update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    _fail(1)
    lin.refresh_from_db()
    assert not lin.is_locked


def test_admin_unlocks_by_page(lin, login):
    _fail(3)
    admin = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    client = login(admin)
    assert "已锁定" in client.get("/accounts/users/").content.decode()

    response = client.post(f"/accounts/users/{lin.pk}/unlock/")

    assert response.status_code == 302
    assert _try("lin", factories.PASSWORD)[1]
    entry = AuditEntry.objects.get(action="user.unlock")
    assert (entry.actor_name, entry.source) == ("boss", "page")


def test_admin_unlocks_by_api(lin, login):
    _fail(3)
    response = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)).post(f"/api/users/{lin.pk}/unlock")
    assert response.status_code == 204
    lin.refresh_from_db()
    assert not lin.is_locked


def test_unlock_is_post_only(lin, login):
    _fail(3)
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A))
    assert client.get(f"/accounts/users/{lin.pk}/unlock/").status_code == 405
    lin.refresh_from_db()
    assert lin.is_locked


def test_locking_one_account_leaves_others_alone(lin):
    factories.user("wu", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    _fail(3)
    assert _try("wu", factories.PASSWORD)[1]


def test_unknown_usernames_are_counted_nowhere(tree):
    _fail(5, username="ghost")
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_lock_does_not_end_the_session_of_the_user_already_at_work(lin):
    # Anyone who knows a username can lock it; that must not throw the real user out.
    at_work = Client()
    assert _try("lin", factories.PASSWORD, at_work)[1]

    _fail(3)

    lin.refresh_from_db()
    assert lin.is_locked
    assert at_work.get("/").status_code == 200


def test_deactivating_a_user_ends_their_session(lin):
    at_work = Client()
    assert _try("lin", factories.PASSWORD, at_work)[1]
    User.objects.filter(pk=lin.pk).update(is_active=False)
    assert at_work.get("/").status_code == 302
