"""Headquarters admins create and change users inside their own subtree, by page and API."""

import json

import pytest

from fangkong.accounts.models import Role, User
from fangkong.audit.models import AuditEntry
from tests import factories

GOOD_PASSWORD = "Spring-festival-2020"


def _form(**changes) -> dict:
    data = {"username": "wang", "display_name": "王网格员", "phone": "13800000000", "role": Role.VILLAGE_WORKER,
            "region_code": factories.VILLAGE_A1, "password": GOOD_PASSWORD}
    return {**data, **changes}


@pytest.fixture
def town_admin(tree):
    return factories.user("town_admin", Role.HQ_ADMIN, factories.TOWN_A)


def test_admin_creates_a_user_in_the_subtree_by_page(town_admin, login):
    response = login(town_admin).post("/accounts/users/new/", _form())

    assert response.status_code == 302
    assert response["Location"] == "/accounts/users/"
    wang = User.objects.get(username="wang")
    assert (wang.role, wang.region_id, wang.display_name, wang.phone) == (
        Role.VILLAGE_WORKER, factories.VILLAGE_A1, "王网格员", "13800000000")
    assert wang.check_password(GOOD_PASSWORD)
    assert wang.password != GOOD_PASSWORD


def test_admin_creates_a_user_in_the_subtree_by_api(town_admin, login):
    response = login(town_admin).post("/api/users", _form(region_code=factories.GRID_A1),
                                      content_type="application/json")

    assert response.status_code == 201
    body = json.loads(response.content)
    assert (body["username"], body["region_code"], body["is_active"]) == ("wang", factories.GRID_A1, True)
    assert "password" not in body
    assert User.objects.get(username="wang").check_password(GOOD_PASSWORD)


@pytest.mark.parametrize("code,reason", [
    (factories.COUNTY, "不在您的管辖范围内"),   # above the admin's own scope
    (factories.TOWN_B, "不在您的管辖范围内"),   # a sibling subtree
    ("420921001299", "不存在"),               # well-formed, unknown
])
def test_region_outside_the_subtree_is_refused(town_admin, login, code, reason):
    client = login(town_admin)

    page = client.post("/accounts/users/new/", _form(region_code=code))
    api = client.post("/api/users", _form(region_code=code), content_type="application/json")

    assert page.status_code == 200
    assert reason in page.content.decode().split('name="region_code"')[1]
    assert api.status_code == 422
    assert reason in json.loads(api.content)["detail"]["region_code"][0]
    assert not User.objects.filter(username="wang").exists()


@pytest.mark.parametrize("password,message", [
    ("Short-1", "密码太短"),
    ("1234567890123", "密码只包含数字"),
    ("password123", "这个密码太常见了"),
    ("wangxiaoming1", "太相似"),
])
def test_password_validation_errors_are_shown(town_admin, login, password, message):
    client = login(town_admin)
    form = _form(username="wangxiaoming", password=password)

    page = client.post("/accounts/users/new/", form)
    api = client.post("/api/users", form, content_type="application/json")

    html = page.content.decode()
    assert page.status_code == 200
    # shown next to the password field, not lost at the top of the form
    assert message in html.split('name="password"')[1]
    assert api.status_code == 422
    assert message in " ".join(json.loads(api.content)["detail"]["password"])
    assert not User.objects.filter(username="wangxiaoming").exists()


@pytest.mark.parametrize("username", ["wang", "WANG"])
def test_duplicate_username_is_refused(town_admin, login, username):
    factories.user("wang", Role.VIEWER, factories.TOWN_A)
    client = login(town_admin)

    page = client.post("/accounts/users/new/", _form(username=username))
    api = client.post("/api/users", _form(username=username), content_type="application/json")

    assert f"用户名 {username} 已存在" in page.content.decode()
    assert api.status_code == 422
    assert User.objects.filter(username__iexact="wang").count() == 1


@pytest.mark.parametrize("username", ["wang wu", "wang<script>", " "])
def test_malformed_username_is_refused(town_admin, login, username):
    api = login(town_admin).post("/api/users", _form(username=username), content_type="application/json")
    assert api.status_code == 422
    assert "username" in json.loads(api.content)["detail"]
    assert User.objects.count() == 1


@pytest.mark.parametrize("field,value", [("display_name", "王" * 51), ("phone", "1" * 21),
                                         ("username", "w" * 151)])
def test_too_long_values_are_refused_not_crashing(town_admin, login, field, value):
    api = login(town_admin).post("/api/users", _form(**{field: value}), content_type="application/json")
    assert api.status_code == 422
    assert field in json.loads(api.content)["detail"]
    assert User.objects.count() == 1


def test_unknown_role_is_refused(town_admin, login):
    api = login(town_admin).post("/api/users", _form(role="king"), content_type="application/json")
    assert api.status_code == 422
    assert "未知角色：king" in json.dumps(json.loads(api.content), ensure_ascii=False)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.HQ_ADMIN])
def test_other_roles_get_403(tree, login, role):
    client = login(factories.user("someone", role, factories.COUNTY))

    assert client.get("/accounts/users/new/").status_code == 403
    assert client.post("/accounts/users/new/", _form()).status_code == 403
    assert client.post("/api/users", _form(), content_type="application/json").status_code == 403
    assert not User.objects.filter(username="wang").exists()


def test_users_menu_only_for_admins(tree, login):
    admin = login(factories.user("a", Role.HQ_ADMIN, factories.TOWN_A)).get("/").content.decode()
    staff = login(factories.user("s", Role.HQ_STAFF, factories.COUNTY)).get("/").content.decode()
    assert 'data-nav="accounts:users"' in admin
    assert 'data-nav="accounts:users"' not in staff


# ---- changing users ----------------------------------------------------------------------------

def test_admin_changes_a_user_by_page(town_admin, login):
    wang = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1)

    response = login(town_admin).post(f"/accounts/users/{wang.pk}/", {
        "display_name": "王五", "phone": "", "role": Role.DOCTOR, "region_code": factories.VILLAGE_A2,
        "is_active": "on"})

    assert response.status_code == 302
    wang.refresh_from_db()
    assert (wang.display_name, wang.role, wang.region_id, wang.is_active) == (
        "王五", Role.DOCTOR, factories.VILLAGE_A2, True)


def test_admin_changes_only_the_fields_sent_by_api(town_admin, login):
    wang = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1, phone="13800000000")

    response = login(town_admin).patch(f"/api/users/{wang.pk}", {"is_active": False},
                                       content_type="application/json")

    assert response.status_code == 200
    wang.refresh_from_db()
    assert (wang.is_active, wang.role, wang.region_id, wang.phone) == (
        False, Role.VILLAGE_WORKER, factories.VILLAGE_A1, "13800000000")
    entry = AuditEntry.objects.get(action="user.update")
    assert (entry.before, entry.after) == ({"is_active": True}, {"is_active": False})


def test_admin_cannot_move_a_user_out_of_the_subtree(town_admin, login):
    wang = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    response = login(town_admin).patch(f"/api/users/{wang.pk}", {"region_code": factories.VILLAGE_B1},
                                       content_type="application/json")
    assert response.status_code == 422
    wang.refresh_from_db()
    assert wang.region_id == factories.VILLAGE_A1


def test_admin_cannot_deactivate_or_demote_themself(town_admin, login):
    client = login(town_admin)
    off = client.patch(f"/api/users/{town_admin.pk}", {"is_active": False}, content_type="application/json")
    demoted = client.patch(f"/api/users/{town_admin.pk}", {"role": Role.VIEWER}, content_type="application/json")
    assert (off.status_code, demoted.status_code) == (422, 422)
    town_admin.refresh_from_db()
    assert (town_admin.is_active, town_admin.role) == (True, Role.HQ_ADMIN)


def test_unchanged_save_leaves_no_audit_entry(town_admin, login):
    wang = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    response = login(town_admin).patch(f"/api/users/{wang.pk}", {"role": Role.VILLAGE_WORKER},
                                       content_type="application/json")
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="user.update").exists()
