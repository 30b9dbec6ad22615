"""Errors under /api/ are JSON, whatever answers them: the API's exception map, Django's URL resolver (a
non-numeric id), the method check (405), an unexpected error (500). A delete that other records still need
answers 409 with what blocks it, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.errors import Conflict
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.regions import selectors as region_selectors
from fangkong.screening import services as screening_services
from fangkong.screening.models import KeyPerson
from tests import factories as f
from tests.quarantine import helpers as quarantine
from tests.screening.helpers import key_person


@pytest.fixture
def boss(tree):
    return f.user("boss", Role.HQ_ADMIN)


def _json(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:200])
    return response.json()


@pytest.mark.parametrize("path", ["/api/checkpoints/abc", "/api/checkpoints/abc/passages",
                                  "/api/risk-areas/abc", "/api/no-such-endpoint",
                                  "/api/users/1/unlock/extra"])
def test_a_path_no_route_matches_is_a_json_404(boss, login, path):
    response = login(boss).get(path)

    assert response.status_code == 404
    assert path in _json(response)["detail"]


def test_a_non_numeric_id_the_route_takes_as_text_is_a_json_422_naming_it(boss, login):
    response = login(boss).get("/api/places/abc")

    assert response.status_code == 422
    assert _json(response)["detail"][0]["loc"] == ["path", "place_id"]


def test_a_method_the_path_does_not_take_is_a_json_405_with_allow(boss, login):
    response = login(boss).get(f"/api/users/{boss.pk}/unlock")

    assert response.status_code == 405
    assert "GET" in _json(response)["detail"] and "POST" in response["Allow"]


def test_an_unexpected_error_is_a_json_500_without_the_traceback(boss, monkeypatch):
    def broken(user, code):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(region_selectors, "region_for", broken)
    client = Client(raise_request_exception=False)
    client.force_login(boss)
    response = client.get(f"/api/regions/{f.COUNTY}")

    assert response.status_code == 500
    body = _json(response)
    assert "服务器内部错误" in body["detail"] and "secret" not in response.content.decode()


def test_pages_keep_their_html_errors(boss, login):
    response = login(boss).get("/people/abc/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


# A delete blocked by records that must stay --------------------------------------------------------------

@pytest.fixture
def isolated(tree):
    """A key person of 东岳村 under an isolation order (the order's key person is PROTECTed)."""
    install_default_policies(QuarantinePolicy)
    cadre = f.user("cadre", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("doctor", Role.DOCTOR, f.VILLAGE_A1)
    order = quarantine.start(f.user("hq", Role.HQ_ADMIN), cadre=cadre, doctor=doctor)
    return order.key_person, cadre


def test_deleting_a_key_person_under_isolation_is_refused_with_the_reason(isolated):
    kp, worker = isolated

    with pytest.raises(Conflict) as refused:
        screening_services.delete_key_person(worker, kp)

    message = refused.value.messages[0]
    assert kp.person.name in message and "隔离观察 1 条" in message
    assert isinstance(refused.value, ValidationError)  # pages show it on their form like any refusal
    assert KeyPerson.objects.filter(pk=kp.pk).exists()
    assert not AuditEntry.objects.filter(action="key_person.delete").exists()


def test_the_api_answers_409_with_the_reason(isolated, login):
    kp, worker = isolated

    response = login(worker).delete(f"/api/screening/key-persons/{kp.pk}")

    assert response.status_code == 409
    assert "隔离观察 1 条" in _json(response)["detail"]
    assert KeyPerson.objects.filter(pk=kp.pk).exists()


def test_a_protected_error_a_service_did_not_name_is_still_a_409(isolated, login, monkeypatch):
    kp, worker = isolated

    def delete_anyway(actor, key_person):
        key_person.delete()

    monkeypatch.setattr(screening_services, "delete_key_person", delete_anyway)
    response = login(worker).delete(f"/api/screening/key-persons/{kp.pk}")

    assert response.status_code == 409
    assert "不能删除该记录" in _json(response)["detail"] and "隔离观察 1 条" in response.json()["detail"]


def test_a_key_person_without_an_order_is_still_deleted(tree, login):
    worker = f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    kp = key_person(worker)

    assert login(worker).delete(f"/api/screening/key-persons/{kp.pk}").status_code == 204
    assert not KeyPerson.objects.filter(pk=kp.pk).exists()


def test_protected_error_is_what_the_database_would_raise(isolated):
    # the service's refusal rests on the model's PROTECT: if that changed, the 409 test above would
    # pass for the wrong reason
    kp, _worker = isolated
    with pytest.raises(ProtectedError):
        KeyPerson.objects.filter(pk=kp.pk).delete()


# A NUL character, which PostgreSQL cannot compare with ----------------------------------------------------

NUL_MESSAGE = "空字符（NUL）"


@pytest.mark.parametrize("path", [f"/api/regions/{f.COUNTY}%00", "/api/regions?parent=%00",
                                  "/api/people?q=%E5%BC%A0%00"])
def test_a_nul_in_an_api_address_is_a_json_400(boss, login, path):
    response = login(boss).get(path)

    assert response.status_code == 400
    assert NUL_MESSAGE in _json(response)["detail"]


def test_a_nul_in_a_json_body_is_a_json_400_before_any_lookup(boss, login):
    body = '{"name": "张三", "id_type": "resident_id", "id_number": "1", "region_code": "4209\\u0000"}'

    response = login(boss).post("/api/people", body, content_type="application/json")

    assert response.status_code == 400
    assert NUL_MESSAGE in _json(response)["detail"]


def test_a_nul_in_a_page_query_or_form_is_a_400_page_saying_so(boss, login):
    client = login(boss)
    for response in (client.get("/people/", {"q": "张\x00"}),
                     client.post("/people/new/", "name=%E5%BC%A0%00", content_type="application/x-www-form-urlencoded")):
        assert response.status_code == 400
        assert NUL_MESSAGE in response.content.decode() and response["Content-Type"].startswith("text/html")


def test_a_nul_in_a_multipart_form_is_left_to_the_form_which_refuses_it(boss, login):
    response = login(boss).post("/people/new/", {"name": "张\x00三"})

    assert response.status_code in (200, 400) and "errorlist" in response.content.decode()
