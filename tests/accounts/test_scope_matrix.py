"""For every role: a user scoped to township A cannot list, open, change or export anything of
township B, through pages or the API. In-scope access is checked too, so these tests can fail.

What each role gets is written out here on purpose (not read from permissions.py): if someone
widens a role, this file is where the change has to be argued.
"""

import json

import pytest

from fangkong.accounts.models import Role, User
from fangkong.audit.models import AuditEntry
from fangkong.regions import services as region_services
from fangkong.regions.models import Region
from tests import factories
from tests.audit.xlsx import data_rows

ALL_ROLES = list(Role)
# Only headquarters admins manage users, rename regions and read the audit trail; every other
# role gets 403 for those pages and endpoints, whatever the object.
ADMIN_ROLES = {Role.HQ_ADMIN}
OTHER_ROLES = [r for r in ALL_ROLES if r not in ADMIN_ROLES]


@pytest.fixture
def world(tree):
    """Township A and B, a worker in each, and one audited rename in each."""
    chief = factories.user("chief", Role.HQ_ADMIN, factories.COUNTY)
    amy = factories.user("amy", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    bob = factories.user("bob", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    region_services.rename_region(chief, tree[factories.VILLAGE_A1], "甲村新名")
    region_services.rename_region(chief, tree[factories.VILLAGE_B1], "乙村新名")
    return {"amy": amy, "bob": bob}


@pytest.fixture
def as_role(world, login):
    """as_role(role) -> (user in township A, logged-in client)."""
    def _as(role):
        user = factories.user(f"actor_{role}", role, factories.TOWN_A)
        return user, login(user)
    return _as


def _json(response):
    return json.loads(response.content)


# ---- regions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ALL_ROLES)
def test_region_of_other_township_is_404(as_role, role):
    _, client = as_role(role)
    for code in (factories.TOWN_B, factories.VILLAGE_B1, factories.COUNTY):
        assert client.get(f"/regions/{code}/").status_code == 404
        assert client.get(f"/api/regions/{code}").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
def test_region_in_scope_opens_for_every_role(as_role, role):
    _, client = as_role(role)
    page = client.get(f"/regions/{factories.VILLAGE_A1}/")
    assert page.status_code == 200
    assert "甲村新名" in page.content.decode()
    assert _json(client.get(f"/api/regions/{factories.VILLAGE_A1}"))["name"] == "甲村新名"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_rename_of_other_township_is_404_and_changes_nothing(as_role, role):
    _, client = as_role(role)
    entries = AuditEntry.objects.count()

    page = client.post(f"/regions/{factories.VILLAGE_B1}/rename/", {"name": "偷改"})
    api = client.patch(f"/api/regions/{factories.VILLAGE_B1}", {"name": "偷改"}, content_type="application/json")

    assert (page.status_code, api.status_code) == (404, 404)
    assert Region.objects.get(code=factories.VILLAGE_B1).name == "乙村新名"
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("role", ALL_ROLES)
def test_rename_in_scope_only_for_admins(as_role, role):
    _, client = as_role(role)

    page = client.post(f"/regions/{factories.VILLAGE_A1}/rename/", {"name": "页面改名"})
    api = client.patch(f"/api/regions/{factories.VILLAGE_A2}", {"name": "接口改名"},
                       content_type="application/json")

    names = dict(Region.objects.filter(code__in=[factories.VILLAGE_A1, factories.VILLAGE_A2])
                 .values_list("code", "name"))
    if role in ADMIN_ROLES:
        assert (page.status_code, api.status_code) == (302, 200)
        assert names == {factories.VILLAGE_A1: "页面改名", factories.VILLAGE_A2: "接口改名"}
    else:
        assert (page.status_code, api.status_code) == (403, 403)
        assert names == {factories.VILLAGE_A1: "甲村新名", factories.VILLAGE_A2: "桃园村"}


# ---- users -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ALL_ROLES)
def test_user_lists_never_include_other_township(as_role, world, role):
    _, client = as_role(role)
    amy_link, bob_link = (f'href="/accounts/users/{world[n].pk}/"' for n in ("amy", "bob"))

    page = client.get("/accounts/users/")
    searched = client.get("/accounts/users/", {"q": "bob"})
    api = client.get("/api/users")

    if role in ADMIN_ROLES:
        assert (page.status_code, searched.status_code, api.status_code) == (200, 200, 200)
        assert amy_link in page.content.decode() and bob_link not in page.content.decode()
        assert bob_link not in searched.content.decode()
        assert {u["username"] for u in _json(api)} == {"amy", f"actor_{role}"}
    else:
        assert (page.status_code, searched.status_code, api.status_code) == (403, 403, 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_user_of_other_township_cannot_be_opened_or_changed(as_role, world, role):
    _, client = as_role(role)
    bob = world["bob"]
    expected = 404 if role in ADMIN_ROLES else 403

    statuses = [
        client.get(f"/accounts/users/{bob.pk}/").status_code,
        client.post(f"/accounts/users/{bob.pk}/", {"role": Role.VIEWER, "region_code": factories.VILLAGE_B1,
                                                    "display_name": "改了", "is_active": ""}).status_code,
        client.post(f"/accounts/users/{bob.pk}/unlock/").status_code,
        client.get(f"/api/users/{bob.pk}").status_code,
        client.patch(f"/api/users/{bob.pk}", {"display_name": "改了", "is_active": False},
                     content_type="application/json").status_code,
        client.post(f"/api/users/{bob.pk}/unlock").status_code,
    ]

    assert statuses == [expected] * 6
    bob.refresh_from_db()
    assert (bob.display_name, bob.role, bob.is_active) == ("bob", Role.VILLAGE_WORKER, True)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_user_of_own_township_opens_only_for_admins(as_role, world, role):
    _, client = as_role(role)
    amy = world["amy"]

    page = client.get(f"/accounts/users/{amy.pk}/")
    api = client.get(f"/api/users/{amy.pk}")

    if role in ADMIN_ROLES:
        assert (page.status_code, api.status_code) == (200, 200)
        assert _json(api)["username"] == "amy"
    else:
        assert (page.status_code, api.status_code) == (403, 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_role_can_create_a_user_in_other_township(as_role, role):
    _, client = as_role(role)
    payload = {"username": "mole", "password": "Mole-password-2020", "role": Role.VIEWER,
               "region_code": factories.VILLAGE_B1}

    page = client.post("/accounts/users/new/", payload)
    api = client.post("/api/users", payload, content_type="application/json")

    if role in ADMIN_ROLES:
        assert (page.status_code, api.status_code) == (200, 422)  # the form again, with the error
        assert "不在您的管辖范围内" in page.content.decode()
    else:
        assert (page.status_code, api.status_code) == (403, 403)
    assert not User.objects.filter(username="mole").exists()


# ---- audit -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ALL_ROLES)
def test_audit_list_and_export_never_include_other_township(as_role, role):
    _, client = as_role(role)

    page = client.get("/audit/")
    filtered = client.get("/audit/", {"region": factories.TOWN_B})
    export = client.get("/audit/export.xlsx")

    if role in ADMIN_ROLES:
        assert (page.status_code, filtered.status_code, export.status_code) == (200, 200, 200)
        html = page.content.decode()
        assert "甲村新名" in html and "乙村新名" not in html
        assert "乙村新名" not in filtered.content.decode()
        regions = {row[7] for row in data_rows(export.content)}
        assert factories.VILLAGE_A1 in regions
        assert factories.VILLAGE_B1 not in regions
    else:
        assert (page.status_code, filtered.status_code, export.status_code) == (403, 403, 403)
        assert not AuditEntry.objects.filter(action="export").exists()
