"""Every write leaves exactly one correct audit entry, marked with where it came from."""

import io

import pytest
from django.core.management import call_command

from fangkong.accounts.models import Role, User
from fangkong.audit.models import AuditEntry
from tests import factories

NEW_USER = {"username": "wang", "display_name": "王网格员", "phone": "13800000000", "role": Role.VILLAGE_WORKER,
            "region_code": factories.VILLAGE_A1, "password": "Spring-festival-2020"}


@pytest.fixture
def boss(tree):
    return factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)


def _only_entry() -> AuditEntry:
    entries = list(AuditEntry.objects.all())
    assert len(entries) == 1, [(e.action, e.source) for e in entries]
    return entries[0]


@pytest.mark.parametrize("via", ["page", "api"])
def test_user_create_leaves_one_entry(boss, login, via):
    client = login(boss)
    if via == "page":
        assert client.post("/accounts/users/new/", NEW_USER).status_code == 302
    else:
        assert client.post("/api/users", NEW_USER, content_type="application/json").status_code == 201

    entry = _only_entry()
    wang = User.objects.get(username="wang")
    assert (entry.actor_id, entry.actor_name, entry.action, entry.source) == (boss.pk, "boss", "user.create", via)
    assert (entry.object_type, entry.object_id, entry.object_repr) == ("user", str(wang.pk), "王网格员")
    assert entry.region_id == factories.VILLAGE_A1
    assert entry.before is None
    assert entry.after == {"username": "wang", "display_name": "王网格员", "phone": "13800000000",
                           "role": "village_worker", "region": factories.VILLAGE_A1, "is_active": True}
    assert "password" not in str(entry.after)


@pytest.mark.parametrize("via", ["page", "api"])
def test_region_rename_leaves_one_entry(boss, login, via):
    client = login(boss)
    if via == "page":
        assert client.post(f"/regions/{factories.VILLAGE_A1}/rename/", {"name": "东岳新村"}).status_code == 302
    else:
        response = client.patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": "东岳新村"},
                                content_type="application/json")
        assert response.status_code == 200

    entry = _only_entry()
    assert (entry.actor_name, entry.action, entry.source) == ("boss", "region.rename", via)
    assert (entry.object_type, entry.object_id, entry.region_id) == ("region", factories.VILLAGE_A1,
                                                                     factories.VILLAGE_A1)
    assert (entry.before, entry.after) == ({"name": "东岳村"}, {"name": "东岳新村"})


@pytest.mark.parametrize("via", ["page", "api"])
def test_user_change_records_only_what_changed(boss, login, via):
    wang = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1, phone="13800000000")
    client = login(boss)
    if via == "page":
        response = client.post(f"/accounts/users/{wang.pk}/", {
            "display_name": "wang", "phone": "13800000000", "role": Role.DOCTOR,
            "region_code": factories.VILLAGE_A2, "is_active": "on"})
        assert response.status_code == 302
    else:
        response = client.patch(f"/api/users/{wang.pk}", {"role": Role.DOCTOR, "region_code": factories.VILLAGE_A2},
                                content_type="application/json")
        assert response.status_code == 200

    entry = _only_entry()
    assert (entry.action, entry.source, entry.region_id) == ("user.update", via, factories.VILLAGE_A2)
    assert entry.before == {"role": "village_worker", "region": factories.VILLAGE_A1}
    assert entry.after == {"role": "doctor", "region": factories.VILLAGE_A2}


@pytest.mark.parametrize("via", ["page", "api"])
def test_refused_writes_leave_no_entry(boss, login, via):
    client = login(boss)
    if via == "page":
        client.post(f"/regions/{factories.VILLAGE_A1}/rename/", {"name": "  "})
        client.post("/accounts/users/new/", {**NEW_USER, "password": "short"})
    else:
        client.patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": " "}, content_type="application/json")
        client.post("/api/users", {**NEW_USER, "password": "short"}, content_type="application/json")
    assert not AuditEntry.objects.exists()


def test_cli_writes_are_marked_cli(tree, tmp_path):
    call_command("users", "create-admin", "root", "--region", factories.COUNTY, "--password", "Root-password-2020",
                 stdout=io.StringIO())
    call_command("users", "token", "root", stdout=io.StringIO())
    codes = tmp_path / "codes.csv"
    codes.write_text("code,name\n420921001203,新村\n", encoding="utf-8")
    call_command("regions", "import", str(codes), stdout=io.StringIO())

    entries = list(AuditEntry.objects.order_by("id").values_list("action", "source", "actor_name"))
    assert entries == [("user.create", "cli", "system"), ("token.create", "cli", "root"),
                       ("region.import", "cli", "system")]


def test_writes_outside_any_request_are_marked_system(boss):
    from fangkong.regions import services
    services.rename_region(boss, boss.region, "花园新镇")
    assert _only_entry().source == "system"


def test_api_writes_are_marked_api_behind_a_path_prefix(boss, login):
    # served under a prefix (SCRIPT_NAME=/fangkong), request.path is /fangkong/api/...
    response = login(boss).patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": "东岳新村"},
                                 content_type="application/json", SCRIPT_NAME="/fangkong")
    assert response.status_code == 200
    assert _only_entry().source == "api"
