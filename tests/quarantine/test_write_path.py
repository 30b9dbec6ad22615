"""The follow-up write path kept lean (bench/followups.py) without weakening a rule.

Over the API a follow-up is one scoped read, then one transaction: the order re-read under its lock
(whatever changed since the caller read it counts), the slot, its update, one counters upsert, one
audit entry; the answer is the follow-up, with no re-read of the order. API tokens record their use
at most every few minutes, so reads through a token are not writes.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts import services as account_services
from fangkong.accounts.models import ApiToken, Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.quarantine import selectors, services
from fangkong.quarantine.models import FollowUp
from fangkong.quarantine.schedule import local_day
from tests import factories as f

from .helpers import days_ago, key_person, local, start

URL = "/api/quarantine/orders/{}/follow-ups"


@pytest.fixture
def order(hq, cadre, doctor):
    return start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))


def _post(client, q, body, **headers):
    response = client.post(URL.format(q.pk), json.dumps(body), content_type="application/json", **headers)
    return response.status_code, json.loads(response.content)


def _statements(ctx, prefix: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(prefix.upper())]


def test_a_follow_up_over_the_api_is_one_read_then_one_lean_transaction(login, order, doctor):
    client = login(doctor)
    slot = FollowUp.objects.get(quarantine=order, due_at=local(days_ago(1), 18))  # whatever the time of day now
    with CaptureQueriesContext(connection) as ctx:
        status, body = _post(client, order, {"temperature": "36.6", "method": "phone", "slot_id": slot.pk,
                                             "at": local(days_ago(1), 18, 5).isoformat()})
    assert status == 201, body
    assert (body["person_name"], body["temperature"], body["status"], body["alert"]) == (
        order.key_person.person.name, "36.6", "done", False)
    sql = [q["sql"] for q in ctx.captured_queries]
    audited = max(i for i, s in enumerate(sql) if s.startswith('INSERT INTO "audit_auditentry"'))
    # nothing is read back after the write: the answer is built from what the transaction already had
    assert not [s for s in sql[audited + 1:] if s.upper().startswith("SELECT")]
    order_reads = [s for s in _statements(ctx, "SELECT") if 'FROM "quarantine_quarantine"' in s]
    assert len(order_reads) == 2  # the scoped read, and the re-read under the lock
    assert len(_statements(ctx, "INSERT INTO ANALYTICS_DAILYCOUNTER")) == 1
    assert len(_statements(ctx, 'INSERT INTO "AUDIT_AUDITENTRY"')) == 1
    assert len(_statements(ctx, 'UPDATE "QUARANTINE_FOLLOWUP"')) == 1
    assert len(ctx.captured_queries) <= 12, sql
    assert AuditEntry.objects.filter(action="follow_up.record").count() == 1
    assert counters.differences(days_ago(1)) == {}
    assert FollowUp.objects.get(pk=slot.pk).status == "done"


def test_a_fever_moves_slot_and_transfer_counters_in_one_upsert_and_both_are_audited(login, order, doctor):
    with CaptureQueriesContext(connection) as ctx:
        status, body = _post(login(doctor), order, {"temperature": "38.2", "method": "visit"})
    assert status == 201, body
    assert body["alert"] and body["fever"] and body["transfer_id"]
    assert len(_statements(ctx, "INSERT INTO ANALYTICS_DAILYCOUNTER")) == 1
    assert set(AuditEntry.objects.values_list("action", flat=True).filter(
        action__in=["follow_up.record", "transfer_request.open"])) == {"follow_up.record", "transfer_request.open"}
    today = local_day(timezone.now())
    assert counters.differences(today) == {}
    assert counters.figures([f.COUNTY], today, ["tr_opened", "fu_fever"])[f.COUNTY] == {"tr_opened": 1, "fu_fever": 1}


def test_an_order_ended_after_the_caller_read_it_is_refused(hq, order, doctor):
    stale = selectors.order_to_record(doctor, order.pk)
    services.end_quarantine(hq, order, status="transferred_to_hospital", reason="送医")
    with pytest.raises(ValidationError, match="结束"):
        services.record_follow_up(doctor, stale, temperature="36.5", method="phone")
    assert not FollowUp.objects.filter(quarantine=order, status="done").exists()


def test_a_new_responsible_doctor_counts_even_when_the_caller_read_the_order_before(hq, order, cadre, doctor):
    stale = selectors.order_to_record(doctor, order.pk)
    other = f.user("doctor_a1b", Role.DOCTOR, f.VILLAGE_A1)
    services.assign_responsible(hq, order, doctor=other)
    yesterday = days_ago(1)
    services.record_follow_up(other, stale, temperature="36.5", method="phone", at=local(yesterday, 8, 5))
    extra = services.record_follow_up(other, stale, temperature="36.6", method="phone", at=local(yesterday, 12))
    assert not extra.scheduled  # no slot left that morning: an extra one, with the order's current people
    assert (extra.doctor_id, extra.cadre_id) == (other.pk, cadre.pk)


def test_the_answer_names_the_person_without_reading_the_order_again(order, doctor):
    fu = services.record_follow_up(doctor, selectors.order_to_record(doctor, order.pk), temperature="36.5",
                                   method="phone")
    with CaptureQueriesContext(connection) as ctx:
        assert fu.quarantine.key_person.person.name == order.key_person.person.name
    assert len(ctx.captured_queries) == 0


def test_order_to_record_is_scoped(order, doctor):
    from django.http import Http404
    outsider = f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)
    with pytest.raises(Http404):
        selectors.order_to_record(outsider, order.pk)
    with pytest.raises(Http404):
        selectors.order_to_record(doctor, "x")
    assert selectors.order_to_record(doctor, order.pk).pk == order.pk


def test_a_token_records_its_use_at_most_every_few_minutes(order, doctor):
    raw = account_services.create_token(doctor, doctor, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    token = ApiToken.objects.get(user=doctor)
    assert token.last_used_at is None

    def use() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/quarantine/follow-ups/due", {"mine": 1}).status_code == 200
        return len(_statements(ctx, 'UPDATE "ACCOUNTS_APITOKEN"'))

    assert use() == 1
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert use() == 0  # a read through the token, a minute later, writes nothing
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    earlier = timezone.now() - account_services.TOKEN_USE_RESOLUTION - datetime.timedelta(seconds=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert use() == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at > earlier
    status, body = _post(client, order, {"temperature": "36.7", "method": "phone"})
    assert status == 201, body


def test_a_token_of_a_deactivated_user_is_refused(doctor):
    raw = account_services.create_token(doctor, doctor, "script")
    doctor.is_active = False
    doctor.save(update_fields=["is_active"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/quarantine/follow-ups/due")
    assert response.status_code == 401
