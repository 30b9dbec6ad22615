import pytest
from django.core.management import call_command

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from tests import factories


def test_user_changes_own_password_and_stays_logged_in(tree, login):
    worker = factories.user("w", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    client = login(worker)
    response = client.post("/accounts/password/", {"old_password": factories.PASSWORD,
                                                   "new_password": "Xin-mima-2020!", "new_password_again": "Xin-mima-2020!"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password("Xin-mima-2020!")
    assert client.get("/").status_code == 200  # session kept
    entry = AuditEntry.objects.get(action="user.password")
    assert entry.after == {"by": "self"} and "Xin" not in str(entry.before) + str(entry.after)


@pytest.mark.parametrize("data,field", [
    ({"old_password": "wrong", "new_password": "Xin-mima-2020!", "new_password_again": "Xin-mima-2020!"}, "原密码不正确"),
    ({"old_password": factories.PASSWORD, "new_password": "Xin-mima-2020!", "new_password_again": "other"}, "不一致"),
    ({"old_password": factories.PASSWORD, "new_password": "short", "new_password_again": "short"}, "密码太短"),
])
def test_bad_password_change_is_refused_with_a_reason(tree, login, data, field):
    worker = factories.user("w", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    response = login(worker).post("/accounts/password/", data)
    assert response.status_code == 200
    assert field in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(factories.PASSWORD)


def test_admin_resets_password_in_scope_only(tree, login):
    admin = factories.user("ta", Role.HQ_ADMIN, factories.TOWN_A)
    mine = factories.user("mine", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    other = factories.user("other", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    client = login(admin)
    data = {"new_password": "Chongzhi-2020!", "new_password_again": "Chongzhi-2020!"}
    assert client.post(f"/accounts/users/{mine.pk}/password/", data).status_code == 302
    mine.refresh_from_db()
    assert mine.check_password("Chongzhi-2020!")
    assert client.post(f"/accounts/users/{other.pk}/password/", data).status_code == 404
    other.refresh_from_db()
    assert other.check_password(factories.PASSWORD)
    assert AuditEntry.objects.get(action="user.password").after == {"by": "admin"}


def test_non_admin_cannot_reset_passwords(tree, login):
    staff = factories.user("hq", Role.HQ_STAFF)
    worker = factories.user("w", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    data = {"new_password": "Chongzhi-2020!", "new_password_again": "Chongzhi-2020!"}
    assert login(staff).post(f"/accounts/users/{worker.pk}/password/", data).status_code == 403


def test_cli_sets_password(tree):
    worker = factories.user("w", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    call_command("users", "set-password", "w", "--password", "Mingling-2020!")
    worker.refresh_from_db()
    assert worker.check_password("Mingling-2020!")
    assert AuditEntry.objects.get(action="user.password").source == "cli"
