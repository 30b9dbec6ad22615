"""Django's `user.has_perm(name)`, which regions and audit ask because they sit below accounts, is answered
from the role table alone: each name stands for one rule of accounts.permissions. A superuser flag, a
group or a user permission row never widens what a role may do.

What each role gets is written out here on purpose (not read from permissions.py), as in test_scope_matrix.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core import navigation
from fangkong.regions.models import Region
from tests import factories

RENAME = "regions.change_region"
VIEW_AUDIT = "audit.view_auditentry"
# role → the permission names it holds
GRANTED = {
    Role.HQ_ADMIN: {RENAME, VIEW_AUDIT},
    Role.HQ_STAFF: set(),
    Role.TOWNSHIP_STAFF: set(),
    Role.VILLAGE_WORKER: set(),
    Role.CHECKPOINT_STAFF: set(),
    Role.DOCTOR: set(),
    Role.EPIDEMIOLOGIST: set(),
    Role.SUPERVISOR: set(),
    Role.VIEWER: set(),
}


def test_every_role_is_in_the_table():
    assert set(GRANTED) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_each_role_holds_the_names_of_its_rules(tree, role, perm):
    user = factories.user(f"u_{role}", role, factories.TOWN_A)
    assert user.has_perm(perm) is (perm in GRANTED[role])
    assert user.has_perms([perm]) is (perm in GRANTED[role])


@pytest.mark.parametrize("role", list(Role))
def test_all_permissions_and_module_permissions_follow_the_table(tree, role):
    user = factories.user(f"u_{role}", role, factories.TOWN_A)
    assert user.get_all_permissions() == GRANTED[role]
    assert user.get_user_permissions() == user.get_group_permissions() == set()
    assert user.has_module_perms("audit") is (VIEW_AUDIT in GRANTED[role])
    assert user.has_module_perms("regions") is (RENAME in GRANTED[role])
    assert not user.has_module_perms("people")


@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_an_inactive_admin_holds_nothing(tree, perm):
    admin = factories.user("gone", Role.HQ_ADMIN, factories.COUNTY, is_active=False)
    assert not admin.has_perm(perm)
    assert admin.get_all_permissions() == set()


@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_an_admin_without_a_region_holds_nothing(tree, perm):
    admin = factories.user("nowhere", Role.HQ_ADMIN, factories.COUNTY)
    admin.region = None
    assert not admin.has_perm(perm)


@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_anonymous_holds_nothing(perm):
    assert not AnonymousUser().has_perm(perm)


@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_a_superuser_holds_what_their_role_holds(tree, perm):
    staff = factories.user("super_staff", Role.HQ_STAFF, factories.COUNTY, is_superuser=True)
    admin = factories.user("super_admin", Role.HQ_ADMIN, factories.COUNTY, is_superuser=True)
    assert not staff.has_perm(perm) and not staff.has_module_perms(perm.split(".")[0])
    assert admin.has_perm(perm)


def test_names_without_a_rule_are_refused_even_to_a_superuser_admin(tree):
    admin = factories.user("super_admin", Role.HQ_ADMIN, factories.COUNTY, is_superuser=True)
    for perm in ("people.view_person", "regions.delete_region", "audit.delete_auditentry", "accounts.add_user"):
        assert not admin.has_perm(perm)


def test_per_object_permissions_are_not_used(tree):
    """The scope is the selectors' and services' job: asked about an object, the backend says no."""
    admin = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    assert not admin.has_perm(RENAME, tree[factories.VILLAGE_A1])


def _with_every_extra_grant(user):
    """The user made superuser and given both permissions directly and through a group."""
    perms = [Permission.objects.get(content_type__app_label="regions", codename="change_region"),
             Permission.objects.get(content_type__app_label="audit", codename="view_auditentry")]
    group = Group.objects.create(name="everything")
    group.permissions.set(perms)
    user.groups.add(group)
    user.user_permissions.set(perms)
    user.is_superuser = True
    user.save()
    return user


@pytest.mark.parametrize("perm", [RENAME, VIEW_AUDIT])
def test_group_and_user_permission_rows_grant_nothing(tree, perm):
    viewer = factories.user("viewer", Role.VIEWER, factories.TOWN_A)
    viewer.groups.add(Group.objects.create(name="admins"))
    Group.objects.get(name="admins").permissions.add(Permission.objects.get(codename=perm.split(".")[1]))
    viewer.user_permissions.add(Permission.objects.get(codename=perm.split(".")[1]))
    viewer.refresh_from_db()
    assert not viewer.has_perm(perm)


def test_extra_grants_open_neither_the_rename_nor_the_audit_trail(tree, login):
    staff = _with_every_extra_grant(factories.user("staff", Role.HQ_STAFF, factories.COUNTY))
    client = login(staff)
    village = factories.VILLAGE_A1

    assert f'action="/regions/{village}/rename/"' not in client.get(f"/regions/{village}/").content.decode()
    assert client.post(f"/regions/{village}/rename/", {"name": "新名"}).status_code == 403
    assert client.patch(f"/api/regions/{village}", {"name": "新名"}, content_type="application/json"
                        ).status_code == 403
    assert Region.objects.get(code=village).name == "东岳村"
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert "audit:list" not in [e["name"] for e in navigation.entries_for(staff)]
    assert not AuditEntry.objects.filter(action__in=["region.rename", "export"]).exists()


def test_the_admin_role_still_renames_and_reads_the_trail(tree, login):
    client = login(factories.user("boss", Role.HQ_ADMIN, factories.COUNTY))
    village = factories.VILLAGE_A1

    assert f'action="/regions/{village}/rename/"' in client.get(f"/regions/{village}/").content.decode()
    assert client.post(f"/regions/{village}/rename/", {"name": "新名"}).status_code == 302
    assert Region.objects.get(code=village).name == "新名"
    assert "region.rename" in client.get("/audit/").content.decode()
