"""Failed logins refuse a username from one client address for a while, and an address that fails on many
usernames (password spraying) for every username; the page says the same thing whatever the cause; an admin can
lift a username's."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.accounts import services
from fangkong.accounts.models import LoginThrottle, Role
from fangkong.audit.models import AuditEntry
from tests import factories

REFUSED = "用户名或密码不正确"
HERE, THERE = "10.0.0.7", "10.0.0.8"


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.FANGKONG_LOCKOUT_THRESHOLD = 3
    settings.FANGKONG_LOCKOUT_MINUTES = 15
    settings.FANGKONG_LOCKOUT_ADDRESS_THRESHOLD = 8


@pytest.fixture
def lin(tree):
    return factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def _try(username: str, password: str, client: Client | None = None, address: str = HERE):
    client = client or Client()
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return response, "_auth_user_id" in client.session


def _usernames():
    """The per-username counts (each address also keeps its own, across usernames)."""
    return LoginThrottle.objects.exclude(username_key=services.EVERY_USERNAME)


def _fail(times: int, username: str = "lin", address: str = HERE):
    for _ in range(times):
        _try(username, "wrong-password", address=address)


def test_failures_below_the_threshold_do_not_lock(lin):
    _fail(2)
    assert not services.login_throttled("lin", HERE)
    assert _try("lin", factories.PASSWORD)[1]
    assert not _usernames().exists()  # a success starts the username's count again
    _fail(2)
    assert _try("lin", factories.PASSWORD)[1]


def test_threshold_refuses_the_right_password_from_that_address(lin):
    _fail(3)

    assert services.login_throttled("lin", HERE)
    row = _usernames().get()
    assert row.locked_until - timezone.now() > datetime.timedelta(minutes=14)
    assert "lin" not in row.username_key  # the username as typed is not stored
    response, logged_in = _try("lin", factories.PASSWORD)
    assert not logged_in and REFUSED in response.content.decode()
    entry = AuditEntry.objects.get(action="user.login_throttle")
    assert (entry.object_id, entry.region_id, entry.actor_name) == (str(lin.pk), factories.VILLAGE_A1, "system")
    assert entry.after["client"] == HERE


def test_an_attacker_cannot_lock_the_owner_out_of_their_own_address(lin):
    _fail(10, address=THERE)
    assert _try("lin", factories.PASSWORD, address=HERE)[1]
    assert not _try("lin", factories.PASSWORD, address=THERE)[1]


def test_staff_sharing_one_address_count_each_under_their_own_username(lin):
    factories.user("wu", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    _fail(3)
    assert _try("wu", factories.PASSWORD)[1]


def test_the_same_message_for_unknown_user_wrong_password_throttled_and_locked(lin, settings):
    admin = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    factories.user("kept", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    services.lock_user(admin, factories.User.objects.get(username="kept"))
    _fail(3)
    answers = {
        "unknown": _try("ghost", "wrong-password", address=THERE)[0],
        "wrong password": _try("boss", "wrong-password", address=THERE)[0],
        "throttled": _try("lin", factories.PASSWORD)[0],
        "locked by an admin": _try("kept", factories.PASSWORD, address=THERE)[0],
    }
    errors = {cause: response.context["form"].non_field_errors() for cause, response in answers.items()}
    assert len({tuple(e) for e in errors.values()}) == 1, errors
    assert REFUSED in errors["unknown"][0] and "15" in errors["unknown"][0]


def test_unknown_usernames_are_throttled_alike_but_never_audited(tree):
    _fail(3, username="ghost")
    assert services.login_throttled("ghost", HERE)
    assert not AuditEntry.objects.exists()


def test_the_username_counts_ignoring_case(lin):
    _fail(2, username="LIN")
    _fail(1, username="lin")
    assert services.login_throttled("Lin", HERE)


def test_lock_expires_and_the_count_starts_again(lin):
    _fail(3)
    _usernames().update(locked_until=timezone.now() - datetime.timedelta(seconds=1),
                                 expires_at=timezone.now() - datetime.timedelta(seconds=1))
    _fail(1)
    assert not services.login_throttled("lin", HERE)
    assert _usernames().get().failures == 1  # the ended lock was cleared, a new window begun
    assert _try("lin", factories.PASSWORD)[1]


def test_failures_while_refused_do_not_prolong_the_lock(lin):
    _fail(3)
    until = _usernames().get().locked_until
    _fail(4)
    assert _usernames().get().locked_until == until


def test_behind_a_trusted_proxy_the_forwarded_client_counts(lin, settings):
    settings.FANGKONG_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(3):
        Client().post("/accounts/login/", {"username": "lin", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert services.login_throttled("lin", "9.9.9.9") and not services.login_throttled("lin", "127.0.0.1")
    # not behind a proxy: the forwarded address is ignored
    assert not _try("lin", factories.PASSWORD, Client(HTTP_X_FORWARDED_FOR="10.1.1.1"), address="9.9.9.9")[1]


def test_admin_unlock_lifts_every_address_by_page(lin, login):
    _fail(3)
    _fail(3, address=THERE)
    admin = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)

    response = login(admin).post(f"/accounts/users/{lin.pk}/unlock/")

    assert response.status_code == 302
    assert not _usernames().exists()
    assert _try("lin", factories.PASSWORD)[1] and _try("lin", factories.PASSWORD, address=THERE)[1]
    entry = AuditEntry.objects.get(action="user.unlock")
    assert (entry.actor_name, entry.source, entry.after["throttles_lifted"]) == ("boss", "page", 2)


def test_admin_unlocks_by_api(lin, login):
    _fail(3)
    response = login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)).post(f"/api/users/{lin.pk}/unlock")
    assert response.status_code == 204
    assert not services.login_throttled("lin", HERE)


def test_unlock_is_post_only_and_for_admins_of_the_scope(lin, login):
    _fail(3)
    assert login(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)).get(
        f"/accounts/users/{lin.pk}/unlock/").status_code == 405
    outside = factories.user("far", Role.HQ_ADMIN, factories.TOWN_B)
    assert login(outside).post(f"/api/users/{lin.pk}/unlock").status_code == 404
    assert services.login_throttled("lin", HERE)


def test_a_throttle_does_not_end_the_session_of_the_user_already_at_work(lin):
    at_work = Client()
    assert _try("lin", factories.PASSWORD, at_work)[1]

    _fail(3)

    assert services.login_throttled("lin", HERE)
    assert at_work.get("/").status_code == 200


def test_deactivating_a_user_ends_their_session(lin):
    at_work = Client()
    assert _try("lin", factories.PASSWORD, at_work)[1]
    lin.is_active = False
    lin.save()
    assert at_work.get("/").status_code == 302


def test_password_spraying_from_one_address_refuses_every_username_there(lin):
    factories.user("wu", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    for n in range(7):  # one common password on many accounts, each below its own threshold
        _try(f"staff{n}", "123456")
    assert not services.login_throttled("lin", HERE) and _try("wu", factories.PASSWORD)[1]
    _try("staff7", "123456")

    assert services.login_throttled("lin", HERE) and services.login_throttled("anyone", HERE)
    response, logged_in = _try("lin", factories.PASSWORD)
    assert not logged_in and REFUSED in response.content.decode()
    assert _try("lin", factories.PASSWORD, address=THERE)[1]  # another address is not concerned
    entry = AuditEntry.objects.get(action="login.address_throttle")
    assert (entry.actor_name, entry.object_type, entry.object_id, entry.after["client"]) == ("system", "client",
                                                                                             HERE, HERE)
    assert not AuditEntry.objects.filter(action="user.login_throttle").exists()


def test_a_success_does_not_reset_the_address_count(lin):
    for n in range(4):
        _try(f"staff{n}", "123456")
    assert _try("lin", factories.PASSWORD)[1]  # a sprayer holding one account logs in between
    for n in range(4, 8):
        _try(f"staff{n}", "123456")
    assert services.login_throttled("lin", HERE)


def test_the_address_lock_ends_with_its_minutes_and_unlocking_a_user_does_not_lift_it(lin):
    admin = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    for n in range(8):
        _try(f"staff{n}", "123456")
    services.unlock_user(admin, lin)
    assert services.login_throttled("lin", HERE)
    later = timezone.now() + datetime.timedelta(minutes=15, seconds=1)
    assert not services.login_throttled("lin", HERE, now=later)
