"""The investigation and contact API (/api/tracing): every read and write of the pages, scoped like them, errors by
field, numbers masked, reveals and hand-over exports logged; a village worker gets none of it."""

import datetime

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.tracing.models import Contact
from tests import factories
from tests.audit.xlsx import sheet_rows
from tests.tracing import cases as presences
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db
API = "/api/tracing"


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


@pytest.fixture
def staff(tree):
    return outbreak.isolation_staff(factories.VILLAGE_A1)


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour,
                                                                                                 minutes=minute)


def test_an_investigation_through_the_api(login, tracer, staff):
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=2))
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    neighbour = outbreak.person(name="邻居")
    presences.check_in(market, neighbour, at(4, 10, 15))
    client = login(tracer)

    assert client.get(f"{API}/cases/{case.pk}/investigation").status_code == 404
    opened = client.post(f"{API}/cases/{case.pk}/investigation", content_type="application/json").json()
    assert opened["created"] and opened["case_number"] == case.number and opened["stops"] == []
    assert client.post(f"{API}/cases/{case.pk}/investigation").json()["created"] is False
    inv = opened["id"]

    refused = client.post(f"{API}/investigations/{inv}/stops", {"kind": "transport", "starts_at": "2020-13-40"},
                          content_type="application/json")
    assert refused.status_code == 422
    assert {"starts_at", "transport_mode", "transport_number"} <= set(refused.json()["detail"])
    stop = client.post(f"{API}/investigations/{inv}/stops", {
        "kind": "place", "key_place": market.pk, "starts_at": timezone.localtime(at(4, 10)).isoformat(),
        "ends_at": timezone.localtime(at(4, 11)).isoformat()}, content_type="application/json").json()
    assert stop["place_name"] == "东岳农贸市场" and stop["region_code"] == factories.VILLAGE_A1
    changed = client.patch(f"{API}/stops/{stop['id']}", {"note": "购物约1小时"}, content_type="application/json")
    assert changed.json()["note"] == "购物约1小时"

    found = client.get(f"{API}/investigations/{inv}/candidates").json()
    row = next(c for c in found["candidates"] if c["person_id"] == neighbour.pk)
    assert row["sources"] == ["same_place"] and row["reasons"][0]["where"] == "东岳农贸市场"
    assert row["id_number"] != neighbour.id_number and row["phone"] != neighbour.phone

    confirmed = client.post(f"{API}/investigations/{inv}/contacts/confirm", {
        "person_id": neighbour.pk, "kind": row["kind"], "last_exposure_date": row["last_exposure_date"],
        "source": row["source"]}, content_type="application/json")
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert body["outcome"] == {"ledger": "created", "isolation": "started"}
    assert body["ledger_category"] == "close_contact" and body["quarantine_kind"] == "centralised"
    assert body["quarantine_planned_end"].startswith((at(4, 0) + datetime.timedelta(days=14)).date().isoformat())
    assert body["id_number"] != neighbour.id_number
    twice = client.post(f"{API}/investigations/{inv}/contacts/confirm", {
        "person_id": neighbour.pk, "kind": "work", "last_exposure_date": row["last_exposure_date"]},
        content_type="application/json")
    assert twice.status_code == 422 and "person" in twice.json()["detail"]

    listed = client.get(f"{API}/investigations/{inv}/contacts").json()
    assert [c["person_id"] for c in listed] == [neighbour.pk]
    assert client.get(f"{API}/investigations/{inv}/candidates").json()["candidates"] == []

    incomplete = client.post(f"{API}/investigations/{inv}/complete", content_type="application/json")
    assert incomplete.status_code == 422 and set(incomplete.json()["detail"]) == {"exposure_kind", "summary"}
    client.patch(f"{API}/investigations/{inv}", {"exposure_kind": "known_case"}, content_type="application/json")
    done = client.post(f"{API}/investigations/{inv}/complete", {"summary": "接触已知病例。"},
                       content_type="application/json").json()
    assert done["status"] == "completed"
    assert client.post(f"{API}/investigations/{inv}/reopen", {"reason": "补充行程"},
                       content_type="application/json").json()["status"] == "open"
    assert client.delete(f"{API}/stops/{stop['id']}").status_code == 204
    assert [i["id"] for i in client.get(f"{API}/investigations").json()["items"]] == [inv]


def test_dismiss_add_by_hand_outside_reveal_and_handover(login, tracer, staff):
    case = outbreak.case()
    inv = outbreak.investigation(case)
    client = login(tracer)
    someone = outbreak.person()
    dismissed = client.post(f"{API}/investigations/{inv.pk}/contacts/dismiss",
                            {"person_id": someone.pk, "source": "same_place"}, content_type="application/json")
    assert dismissed.json()["status"] == "dismissed"
    day = timezone.localdate().isoformat()
    added = client.post(f"{API}/investigations/{inv.pk}/contacts", {
        "name": "赵六", "id_number": "420921199601010037", "region_code": factories.VILLAGE_A1, "kind": "work",
        "last_exposure_date": day}, content_type="application/json")
    assert added.status_code == 200 and added.json()["ledger_category"] == "close_contact"
    outside = client.post(f"{API}/investigations/{inv.pk}/contacts/outside", {
        "name": "钱七", "county": "大悟县", "phone": "13933334444", "kind": "social", "last_exposure_date": day},
        content_type="application/json").json()
    assert outside["outcome"] == {"ledger": "outside", "isolation": ""} and outside["phone"] == "139****4444"
    revealed = client.post(f"{API}/contacts/{outside['id']}/reveal").json()
    assert revealed["phone"] == "13933334444"
    assert AuditEntry.objects.filter(action="contact.reveal").count() == 1

    assert client.get(f"{API}/handover").json() == [{"county": "大悟县", "total": 1, "pending": 1}]
    exported = client.post(f"{API}/handover/export", {"county": "大悟县"}, content_type="application/json")
    assert exported.status_code == 200
    assert any("钱七" in str(v) for row in sheet_rows(exported.content) for v in row)
    assert client.get(f"{API}/handover").json() == [{"county": "大悟县", "total": 1, "pending": 0}]
    assert Contact.objects.get(pk=outside["id"]).handed_over_at is not None
    assert AuditEntry.objects.filter(action="export", object_type="tracing_handover").count() == 1
    nothing = client.post(f"{API}/handover/export", {"county": "大悟县"}, content_type="application/json")
    assert nothing.status_code == 422 and "county" in nothing.json()["detail"]
    page = client.get(f"{API}/contacts?outside=true").json()
    assert [c["name"] for c in page["items"]] == ["钱七"]


@pytest.mark.parametrize("role, region, writes, reads", [
    (Role.HQ_STAFF, factories.COUNTY, 200, 200),
    (Role.EPIDEMIOLOGIST, factories.COUNTY, 200, 200),
    (Role.EPIDEMIOLOGIST, factories.TOWN_B, 404, 200),
    (Role.DOCTOR, factories.COUNTY, 403, 200),
    (Role.SUPERVISOR, factories.COUNTY, 403, 200),
    (Role.VIEWER, factories.COUNTY, 403, 200),
    (Role.TOWNSHIP_STAFF, factories.TOWN_A, 403, 403),
    (Role.VILLAGE_WORKER, factories.VILLAGE_A1, 403, 403),
    (Role.CHECKPOINT_STAFF, factories.TOWN_A, 403, 403),
])
def test_scope_of_every_role(login, tree, staff, role, region, writes, reads):
    case = outbreak.case()
    inv = outbreak.investigation(case)
    contact = outbreak.contact(case)
    client = login(factories.user(f"api_{role}_{region}", role, region))
    assert client.get(f"{API}/investigations/{inv.pk}/candidates").status_code == writes
    assert client.get(f"{API}/cases/{case.pk}/investigation").status_code == writes
    assert client.post(f"{API}/investigations/{inv.pk}/contacts/confirm", {
        "person_id": outbreak.person().pk, "kind": "work", "last_exposure_date": timezone.localdate().isoformat()},
        content_type="application/json").status_code == writes
    listed = client.get(f"{API}/contacts")
    assert listed.status_code == reads
    if reads == 200:
        ids = [c["id"] for c in listed.json()["items"]]
        assert (contact.pk in ids) == (region != factories.TOWN_B)
        assert client.get(f"{API}/contacts/{contact.pk}").status_code == (404 if region == factories.TOWN_B else 200)
