"""API authentication: browser session with CSRF on writes, bearer tokens for scripts, 401 otherwise."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from fangkong.accounts.models import ApiToken, Role, User
from fangkong.audit.models import AuditEntry
from tests import factories

NEW_USER = {"username": "newbie", "password": "Newbie-password-2020", "role": Role.VIEWER,
            "region_code": factories.VILLAGE_A1}


def _token(username: str) -> str:
    out = io.StringIO()
    call_command("users", "token", username, stdout=out)
    return out.getvalue().strip()


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/api/me", "/api/regions", f"/api/regions/{factories.COUNTY}", "/api/users"])
def test_unauthenticated_calls_answer_401(tree, path):
    response = Client().get(path)
    assert response.status_code == 401


def test_unauthenticated_write_answers_401_and_writes_nothing(tree):
    response = Client(enforce_csrf_checks=True).post("/api/users", NEW_USER, content_type="application/json")
    assert response.status_code == 401
    assert not User.objects.filter(username="newbie").exists()


def test_me_describes_the_session_user(tree, login):
    user = factories.user("lin", Role.DOCTOR, factories.VILLAGE_A1, display_name="林医生")
    body = json.loads(login(user).get("/api/me").content)
    assert body == {"username": "lin", "display_name": "林医生", "role": "doctor", "role_label": "医生（村医）",
                    "region_code": factories.VILLAGE_A1, "region_name": "东岳村"}


def test_token_from_the_command_authenticates_reads_and_writes(tree):
    factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    token = _token("boss")
    # a script has no cookies and no CSRF token; CSRF checks are on, as in production
    client = Client(enforce_csrf_checks=True)

    me = client.get("/api/me", **_bearer(token))
    created = client.post("/api/users", NEW_USER, content_type="application/json", **_bearer(token))

    assert me.status_code == 200
    assert json.loads(me.content)["username"] == "boss"
    assert created.status_code == 201, created.content
    entry = AuditEntry.objects.get(action="user.create")
    assert (entry.actor_name, entry.source) == ("boss", "api")
    assert ApiToken.objects.get(user__username="boss").last_used_at is not None


def test_token_is_stored_only_as_a_digest_and_its_issue_is_logged_from_the_cli(tree):
    factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    token = _token("boss")
    stored = ApiToken.objects.get(user__username="boss")
    assert token not in stored.digest
    entry = AuditEntry.objects.get(action="token.create")
    assert (entry.actor_name, entry.source, entry.region_id) == ("boss", "cli", factories.TOWN_A)


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Token abc", "Basic Ym9zczpwdw=="])
def test_bad_token_answers_401(tree, header):
    factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    _token("boss")
    response = Client().get("/api/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_token_of_an_inactive_user_answers_401(tree):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    token = _token("boss")
    assert Client().get("/api/me", **_bearer(token)).status_code == 200
    boss.is_active = False
    boss.save()
    assert Client().get("/api/me", **_bearer(token)).status_code == 401


def test_a_user_deactivated_by_another_process_loses_the_token_at_the_next_call(tree):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    token = _token("boss")
    assert Client().get("/api/me", **_bearer(token)).status_code == 200
    User.objects.filter(pk=boss.pk).update(is_active=False)  # no signal: as another worker process would
    assert Client().get("/api/me", **_bearer(token)).status_code == 401


def test_a_user_locked_by_another_process_loses_the_session_at_the_next_request(tree, login):
    from django.utils import timezone
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    client = login(boss)
    assert client.get("/api/me").status_code == 200
    User.objects.filter(pk=boss.pk).update(locked_at=timezone.now())  # no signal: as another worker process would
    assert client.get("/api/me").status_code == 401


def test_the_session_is_read_through_the_cache_and_its_user_from_the_database(tree, login,
                                                                              django_assert_num_queries):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    client = login(boss)
    assert client.get("/api/me").status_code == 200
    with django_assert_num_queries(1):  # the user with their region; the session from the cache
        body = json.loads(client.get("/api/me").content)
    assert body["region_name"] == boss.region.name


def test_logout_in_another_process_ends_the_session_here_at_once(tree, login):
    """Another worker process ends a session through the same engine: the row and the shared cache's copy."""
    from django.conf import settings
    from django.utils.module_loading import import_string
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    here, elsewhere = login(boss), login(boss)
    assert here.get("/api/me").status_code == elsewhere.get("/api/me").status_code == 200

    here.post("/accounts/logout/")
    assert here.get("/api/me").status_code == 401
    store(session_key=elsewhere.cookies["sessionid"].value).delete()
    assert elsewhere.get("/api/me").status_code == 401


def test_a_user_deactivated_in_this_process_loses_the_session_at_once(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    client = login(boss)
    assert client.get("/api/me").status_code == 200
    boss.is_active = False
    boss.save()
    assert client.get("/api/me").status_code == 401


def test_a_user_moved_in_this_process_is_seen_at_once_by_the_token(tree):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    token = _token("boss")
    assert json.loads(Client().get("/api/me", **_bearer(token)).content)["region_code"] == factories.TOWN_A
    boss.region_id = factories.VILLAGE_A1
    boss.save()
    assert json.loads(Client().get("/api/me", **_bearer(token)).content)["region_code"] == factories.VILLAGE_A1


def test_revoke_tokens_from_the_command_refuses_them_at_once_and_is_logged(tree):
    factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    script, phone = _token("boss"), _token("boss")
    call_command("users", "token", "boss", "--name", "phone", stdout=io.StringIO())
    assert Client().get("/api/me", **_bearer(script)).status_code == 200

    out = io.StringIO()
    call_command("users", "revoke-tokens", "boss", "--name", "script", stdout=out)

    assert out.getvalue().strip() == "revoked 2 token(s) of boss"
    assert Client().get("/api/me", **_bearer(script)).status_code == 401
    assert Client().get("/api/me", **_bearer(phone)).status_code == 401
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["phone"]
    entries = AuditEntry.objects.filter(action="token.revoke")
    assert [(e.actor_name, e.source, e.object_repr) for e in entries] == [("system", "cli", "boss: script")] * 2


def test_revoking_another_users_tokens_needs_an_admin_over_them(tree):
    from django.core.exceptions import PermissionDenied

    from fangkong.accounts import services
    worker = factories.user("wang", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    other = factories.user("li", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    _token("li")
    with pytest.raises(PermissionDenied):
        services.revoke_tokens(worker, other)
    assert services.revoke_tokens(factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A), other) == 1
    assert not ApiToken.objects.filter(user=other).exists()


def test_token_for_an_unknown_user_is_refused_by_the_command(tree):
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="no such user: ghost"):
        call_command("users", "token", "ghost", stdout=io.StringIO())


def test_session_writes_need_the_csrf_token(tree):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A)
    client = Client(enforce_csrf_checks=True)
    client.force_login(boss)
    client.get("/")  # every page carries the CSRF cookie (language form)
    csrf = client.cookies["csrftoken"].value

    refused = client.post("/api/users", NEW_USER, content_type="application/json")
    refused_patch = client.patch(f"/api/regions/{factories.VILLAGE_A1}", {"name": "x"},
                                 content_type="application/json")
    accepted = client.post("/api/users", NEW_USER, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    assert (refused.status_code, refused_patch.status_code) == (403, 403)
    assert accepted.status_code == 201
    assert User.objects.filter(username="newbie").count() == 1


def test_session_reads_need_no_csrf_token(tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.user("v", Role.VIEWER, factories.TOWN_A))
    assert client.get("/api/me").status_code == 200
