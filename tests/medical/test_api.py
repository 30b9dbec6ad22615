"""The pharmacy register's JSON API: the public registration (no account), the staff's, the scoped list with
numbers masked, one purchase, its confirmation and reveal."""

import json

import pytest
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.medical.models import PharmacyPurchase
from fangkong.quarantine.models import TransferRequest
from tests import factories as f

from .builders import bought, code, pharmacy, resident_id, typed

BODY = {"name": "王购药", "id_number": resident_id(1), "phone": "13912345678", "home_region": f.VILLAGE_A1,
        "address": "东岳村3组5号", "temperature": "36.6", "medicines": ["cough"], "symptoms": ["cough"]}


def post(client, path: str, body: dict, **headers):
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def test_the_public_registration_needs_no_account(shop):
    token = code(shop).token
    answer = post(Client(), f"/api/medical/p/{token}/purchases", {**BODY, "temperature": "38.0"})
    assert answer.status_code == 201
    assert (answer.json()["where"], answer.json()["fever"]) == (shop.name, True)
    assert PharmacyPurchase.objects.get().person_id is None and not TransferRequest.objects.exists()
    bad = post(Client(), f"/api/medical/p/{token}/purchases", {**BODY, "phone": "", "medicines": ["糖果"]})
    assert bad.status_code == 422 and set(bad.json()["detail"]) == {"phone", "medicines"}
    market = code(pharmacy(name="东岳农贸市场", kind="market")).token
    assert post(Client(), f"/api/medical/p/{market}/purchases", BODY).status_code == 404


def test_the_public_registration_is_rate_limited(shop, settings):
    settings.FANGKONG_CHECK_IN_RATE = 1
    token = code(shop).token
    assert post(Client(), f"/api/medical/p/{token}/purchases", BODY).status_code == 201
    assert post(Client(), f"/api/medical/p/{token}/purchases", BODY).status_code == 429


def test_staff_register_and_a_fever_opens_the_transfer(shop, doctor, login):
    client = login(doctor)
    answer = post(client, "/api/medical/purchases", {**BODY, "pharmacy_id": shop.pk, "temperature": "38.7"},
                  **{"Idempotency-Key": "api-1"})
    assert answer.status_code == 201
    data = answer.json()
    assert data["transfer_id"] == TransferRequest.objects.get().pk and data["person_id"]
    assert data["id_number"] != resident_id(1) and data["phone"] == "139****5678"
    again = post(client, "/api/medical/purchases", {**BODY, "pharmacy_id": shop.pk, "temperature": "38.7"},
                 **{"Idempotency-Key": "api-1"})
    assert again.status_code == 200 and again.json()["duplicate"] and again.json()["id"] == data["id"]
    bad = post(client, "/api/medical/purchases", {**BODY, "pharmacy_id": shop.pk, "temperature": "",
                                                   "bought_at": "2099-01-01T08:00:00+08:00"})
    assert bad.status_code == 422 and set(bad.json()["detail"]) == {"temperature", "bought_at"}


def test_a_pharmacy_outside_the_scope_is_not_found(shop_b, doctor, login):
    answer = post(login(doctor), "/api/medical/purchases", {**BODY, "pharmacy_id": shop_b.pk})
    assert answer.status_code == 404


@pytest.fixture
def two(shop, shop_b, doctor, tree):
    hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    return bought(doctor, shop, seq=1, temperature="37.5"), bought(hq, shop_b, seq=2, home_region=f.VILLAGE_B1)


def test_the_list_is_scoped_masked_and_paged(two, login):
    mine, other = two
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    page = worker.get("/api/medical/purchases").json()
    assert [p["id"] for p in page["items"]] == [mine.pk]
    assert resident_id(1) not in json.dumps(page)
    assert worker.get(f"/api/medical/purchases/{other.pk}").status_code == 404
    hq = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    first = hq.get("/api/medical/purchases?limit=1").json()
    assert [p["id"] for p in first["items"]] == [other.pk] and first["next_after"] == other.pk
    rest = hq.get(f"/api/medical/purchases?limit=1&after={first['next_after']}").json()
    assert [p["id"] for p in rest["items"]] == [mine.pk]
    assert [p["id"] for p in hq.get("/api/medical/purchases?fever=true").json()["items"]] == [mine.pk]
    assert hq.get("/api/medical/purchases?date=2020-02-30").status_code == 422


def test_confirm_and_reveal(shop, doctor, login, tree):
    p = typed(shop, temperature="38.3")
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert worker.post(f"/api/medical/purchases/{p.pk}/reveal").status_code == 403
    bad = post(worker, f"/api/medical/purchases/{p.pk}/confirm", {"id_number": "42"})
    assert bad.status_code == 422 and list(bad.json()["detail"]) == ["id_number"]
    done = post(worker, f"/api/medical/purchases/{p.pk}/confirm", {})
    assert done.status_code == 200 and done.json()["person_id"] and done.json()["transfer_id"]
    shown = login(doctor).post(f"/api/medical/purchases/{p.pk}/reveal")
    assert shown.json() == {"id_number": resident_id(1), "phone": "13912345678"}
    assert AuditEntry.objects.filter(action="pharmacy_purchase.reveal").count() == 1


def test_the_api_document_lists_the_register(login, tree):
    document = login(f.user("hq", Role.HQ_STAFF, f.COUNTY)).get("/api/openapi.json").json()
    assert {"/api/medical/purchases", "/api/medical/p/{token}/purchases",
            "/api/medical/purchases/{purchase_id}/confirm"} <= set(document["paths"])
