"""API wiring: every write is an endpoint, scoped (404 outside), role-checked (403), validated (422)."""

import json

import pytest

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.quarantine import services
from fangkong.quarantine.models import FollowUp, Quarantine, QuarantinePolicy, TransferRequest
from tests import factories as f

from .helpers import days_ago, key_person, local, start

BASE = "/api/quarantine"


def _post(client, path, body=None, method="post"):
    response = getattr(client, method)(BASE + path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, json.loads(response.content or b"null")


def _get(client, path, **params):
    response = client.get(BASE + path, params)
    return response.status_code, json.loads(response.content)


@pytest.fixture
def order(hq, cadre, doctor):
    return start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))


def test_start_an_order(login, cadre, doctor):
    kp = key_person(arrival=days_ago(2))
    status, body = _post(login(cadre), "/orders", {"key_person_id": kp.pk, "cadre_id": cadre.pk,
                                                   "doctor_id": doctor.pk})
    assert status == 201, body
    assert (body["kind"], body["status"], body["doctor_phone"]) == ("home", "active", "13800000002")
    assert body["follow_up_times"] == ["08:00", "18:00"]
    assert AuditEntry.objects.get(action="quarantine.start").source == "api"


def test_start_refused_with_the_services_message(login, cadre, doctor):
    kp = key_person(category="close_contact")
    status, body = _post(login(cadre), "/orders", {"key_person_id": kp.pk, "cadre_id": cadre.pk,
                                                   "doctor_id": doctor.pk})
    assert status == 422
    assert "末次暴露时间" in body["detail"]["last_exposure"][0]
    assert not Quarantine.objects.exists()


def test_orders_list_is_a_keyset_page(login, hq, cadre, doctor):
    made = [start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor).pk for _n in range(3)]
    client = login(cadre)
    status, first = _get(client, "/orders", limit=2)
    assert status == 200 and [o["id"] for o in first["items"]] == made[::-1][:2]
    _status, second = _get(client, "/orders", limit=2, after=first["next_after"])
    assert [o["id"] for o in second["items"]] == [made[0]] and second["next_after"] is None


def test_record_a_follow_up_with_fever_and_see_the_transfer(login, order, doctor, hq):
    status, body = _post(login(doctor), f"/orders/{order.pk}/follow-ups",
                         {"temperature": 38.1, "method": "phone", "symptoms": ["cough"]})
    assert status == 201, body
    assert body["alert"] and body["fever"] and body["temperature"] == "38.1" and body["transfer_id"]
    _status, transfers = _get(login(hq), "/transfers", open=True)
    assert [t["id"] for t in transfers] == [body["transfer_id"]]


def test_follow_up_out_of_range_is_422(login, order, doctor):
    status, body = _post(login(doctor), f"/orders/{order.pk}/follow-ups", {"temperature": "45", "method": "phone"})
    assert status == 422 and "temperature" in body["detail"]


def test_due_lists_and_my_people_today(login, order, cadre):
    client = login(cadre)
    status, due = _get(client, "/follow-ups/due", mine=True)
    assert status == 200 and due and {d["state"] for d in due} <= {"due_now", "overdue"}
    _status, people = _get(client, "/follow-ups/mine-today")
    assert [p["quarantine"]["id"] for p in people] == [order.pk]
    _status, rows = _get(login(f.user("hq2", Role.HQ_STAFF, f.COUNTY)), "/follow-ups/by-region")
    assert {r["region_code"]: r["overdue"] + r["due_now"] for r in rows}[f.TOWN_A] == len(due)


def test_excuse_a_missed_follow_up(login, order, cadre):
    slot = FollowUp.objects.filter(quarantine=order).order_by("due_at").first()
    status, body = _post(login(cadre), f"/follow-ups/{slot.pk}/excuse", {"reason": "外出就医"})
    assert status == 200 and body["status"] == "excused" and body["excuse_reason"] == "外出就医"


def test_release_end_planned_end_responsible_and_tests(login, order, cadre, doctor, hq):
    client = login(cadre)
    status, body = _post(client, f"/orders/{order.pk}/planned-end",
                         {"planned_end": "2099-01-01T00:00", "reason": "延长"})
    assert status == 422 and "planned_end" in body["detail"]
    new_doctor = f.user("doctor_a1_b", Role.DOCTOR, f.VILLAGE_A1)
    status, body = _post(client, f"/orders/{order.pk}/responsible", {"doctor_id": new_doctor.pk})
    assert status == 200 and body["doctor_id"] == new_doctor.pk
    status, body = _post(client, f"/orders/{order.pk}/tests", {"sampled_at": str(days_ago(1)), "result": "negative"})
    assert status == 201 and body["result"] == "negative"
    status, body = _post(client, f"/orders/{order.pk}/release", {"reason": "提前解除"})
    assert status == 422 and "随访未完成" in body["detail"]["at"][0]
    other = start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor)
    status, body = _post(client, f"/orders/{other.pk}/end", {"status": "moved_away", "handover_to": "孝感市孝南区"})
    assert status == 200 and (body["status"], body["handover_to"]) == ("moved_away", "孝感市孝南区")


def test_sites_rooms_check_in_and_out(login, hq, cadre, doctor):
    status, site = _post(login(hq), "/sites", {"name": "县宾馆", "region_code": f.COUNTY, "address": "县城路1号",
                                               "rooms": [{"name": "101", "capacity": 1}]})
    assert status == 201 and (site["capacity"], site["occupied"]) == (1, 0)
    status, room = _post(login(hq), f"/sites/{site['id']}/rooms", {"name": "102", "capacity": 2})
    assert status == 201
    status, body = _post(login(hq), f"/rooms/{room['id']}", {"capacity": 3}, method="patch")
    assert status == 200 and body["capacity"] == 3
    q = start(hq, key_person(category="close_contact"), cadre=cadre, doctor=doctor, last_exposure=days_ago(1),
              site=site["id"])
    client = login(cadre)
    status, stay = _post(client, f"/orders/{q.pk}/check-in", {"room_id": site["rooms"][0]["id"]})
    assert status == 201 and stay["room_name"] == "101"
    _status, sites = _get(client, "/sites")
    assert [(s["occupied"], s["free"]) for s in sites] == [(1, 3)]
    status, stay = _post(client, f"/orders/{q.pk}/check-out")
    assert status == 200 and stay["checked_out_at"]


def test_transfer_assign_and_close(login, order, doctor, hq):
    fu = services.record_follow_up(doctor, order, temperature="38.6", method="visit")
    client = login(hq)
    status, body = _post(client, f"/transfers/{fu.transfer_id}/assign", {"assignee_id": doctor.pk, "note": "120已出车"})
    assert status == 200 and (body["status"], body["assignee_id"]) == ("assigned", doctor.pk)
    status, body = _post(client, f"/transfers/{fu.transfer_id}/close", {"status": "cancelled"})
    assert status == 422 and "note" in body["detail"]
    status, body = _post(client, f"/transfers/{fu.transfer_id}/close", {"status": "done", "note": "已送县医院"})
    assert status == 200 and body["status"] == "done" and body["closed_at"]
    assert TransferRequest.objects.get().status == "done"


def test_policy_edit_by_hq_admin_only(login, hq, cadre):
    status, body = _post(login(hq), "/policies/returnee", {"length_days": 10}, method="patch")
    assert status == 200 and body["length_days"] == 10
    status, _body = _post(login(cadre), "/policies/returnee", {"length_days": 7}, method="patch")
    assert status == 403
    assert QuarantinePolicy.objects.get(category="returnee").length_days == 10
    _status, policies = _get(login(cadre), "/policies")
    assert len(policies) == 8


def test_outside_scope_answers_404_and_read_only_roles_403(login, order):
    outsider = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    status, _body = _get(login(outsider), f"/orders/{order.pk}")
    assert status == 404
    status, _body = _post(login(outsider), f"/orders/{order.pk}/follow-ups", {"temperature": 36.5, "method": "phone"})
    assert status == 404
    viewer = f.user("viewer_a1", Role.VIEWER, f.VILLAGE_A1)
    status, _body = _get(login(viewer), f"/orders/{order.pk}")
    assert status == 200
    status, _body = _post(login(viewer), f"/orders/{order.pk}/follow-ups", {"temperature": 36.5, "method": "phone"})
    assert status == 403
    assert not FollowUp.objects.filter(status="done").exists()


def test_lists_run_a_fixed_number_of_queries_whatever_the_rows(login, hq, cadre, doctor, fresh_user_each_request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(doctor)
    first = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
    paths = ["/orders", "/follow-ups/due?mine=1", "/follow-ups/due", "/follow-ups/mine-today", "/transfers",
             "/sites", f"/orders/{first.pk}/follow-ups", "/follow-ups/by-region"]

    def counts():
        found = {}
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(BASE + path).status_code == 200
            found[path] = len(ctx)
        return found

    services.record_follow_up(doctor, first, temperature="38.0", method="phone")
    few = counts()
    for _n in range(3):
        q = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
        services.record_follow_up(doctor, q, temperature="38.0", method="phone")
        services.record_follow_up(doctor, first, temperature="36.5", method="self_report")
    assert counts() == few
