"""A passage sent twice is stored once: by its idempotency key, or as the same person and facts at the same
checkpoint within the duplicate window; through the service, the API and the phone form, and at once."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.selectors import passages as passage_selectors
from fangkong.people.models import Person
from fangkong.screening.models import ArrivalTask, KeyPerson
from tests import factories as f
from tests.concurrency import at_once

from .builders import ID_1, ID_2, ID_3, WUHAN, checkpoint, passage, post_json, risk_area, valid_id

RISKY = {"origin_code": WUHAN, "destination": f.VILLAGE_B1, "vehicle_plate": "鄂A12345"}


@pytest.fixture
def old_cp(town):
    """A checkpoint set up two days ago: passages may be typed in for the last hours."""
    return checkpoint(town, opened_on=timezone.localdate() - datetime.timedelta(days=2))


def _counted(day=None) -> dict:
    day = day or timezone.localdate()
    assert counters.differences(day) == {}
    return counters.live(day)


# Through the service ---------------------------------------------------------------------------------------

def test_the_same_risk_arrival_twice_within_a_minute_is_one_passage_one_arrival_one_task(staff, cp):
    risk_area("4201")
    first = passage(staff, cp, **RISKY)
    again = passage(staff, cp, **RISKY)
    assert (again.pk, again.duplicate, again.person_created, first.duplicate) == (first.pk, True, False, False)
    assert again.key_person_id == first.key_person_id and again.task.pk == first.task.pk
    assert Passage.objects.count() == KeyPerson.objects.count() == ArrivalTask.objects.count() == 1
    assert AuditEntry.objects.filter(action="passage.register").count() == 1
    assert passage_selectors.day_figures(cp, timezone.localdate())["risk_arrivals"] == 1
    live = _counted()
    assert live[(f.TOWN_A, "passage")] == 1 and live[(f.TOWN_A, "passage_risk_arrival")] == 1


def test_outside_the_window_it_is_a_new_passage(staff, old_cp):
    t0 = timezone.now() - datetime.timedelta(hours=2)
    first = passage(staff, old_cp, passed_at=t0)
    within = passage(staff, old_cp, passed_at=t0 + datetime.timedelta(seconds=59))
    before = passage(staff, old_cp, passed_at=t0 - datetime.timedelta(seconds=60))  # typed in late: either side
    after = passage(staff, old_cp, passed_at=t0 + datetime.timedelta(seconds=61))
    assert within.pk == before.pk == first.pk and within.duplicate and before.duplicate
    assert after.pk != first.pk and not after.duplicate
    assert Passage.objects.count() == 2
    assert _counted(timezone.localdate(t0))[(f.TOWN_A, "passage")] == 2


def test_the_window_is_a_setting(staff, old_cp, settings):
    settings.FANGKONG_DUPLICATE_SECONDS = 300
    t0 = timezone.now() - datetime.timedelta(hours=2)
    assert passage(staff, old_cp, passed_at=t0 + datetime.timedelta(minutes=4), temperature="36.6").pk == \
        passage(staff, old_cp, passed_at=t0, temperature="36.6").pk
    settings.FANGKONG_DUPLICATE_SECONDS = 0
    assert not passage(staff, old_cp, passed_at=t0 + datetime.timedelta(seconds=1), temperature="36.6").duplicate


@pytest.mark.parametrize("other", [
    {"temperature": "38.2", "outcome": "fever_clinic"},  # measured again: a fever is never lost
    {"outcome": "turned_back"}, {"direction": "out"}, {"vehicle_plate": "鄂A54321"}, {"origin": "孝感"},
    {"destination": f.VILLAGE_A1}, {"destination_text": "3组"},
])
def test_other_facts_within_the_minute_are_a_new_passage(staff, cp, other):
    first = passage(staff, cp)
    second = passage(staff, cp, **other)
    assert second.pk != first.pk and not second.duplicate
    assert Passage.objects.count() == 2 and _counted()[(f.TOWN_A, "passage")] == 2


def test_another_person_or_checkpoint_is_not_a_repeat(staff, town, cp):
    other = checkpoint(town, name="花园村口", kind="village_entrance", region=f.VILLAGE_A1)
    first = passage(staff, cp)
    assert not passage(staff, cp, id_number=ID_2, name="李四").duplicate
    assert not passage(staff, other).duplicate
    assert passage(staff, cp).pk == first.pk
    assert Passage.objects.count() == 3


def test_the_same_key_twice_is_the_first_passage_even_after_the_window(staff, old_cp):
    risk_area("4201")
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    first = passage(staff, old_cp, passed_at=earlier, client_key="k-0001", **RISKY)
    # the phone's retry, minutes later, its time of passage left to the server
    again = passage(staff, old_cp, client_key="k-0001", **RISKY)
    assert (again.pk, again.duplicate, again.passed_at) == (first.pk, True, first.passed_at)
    assert Passage.objects.get().client_key == "k-0001"
    assert KeyPerson.objects.count() == ArrivalTask.objects.count() == 1
    assert AuditEntry.objects.filter(action="passage.register").count() == 1
    _counted()


def test_a_key_is_the_accounts_own(staff, town, cp):
    first = passage(staff, cp, client_key="same")
    assert passage(staff, cp, id_number=ID_2, name="李四", client_key="same").pk == first.pk  # the same sender
    other = passage(town, cp, id_number=ID_3, name="王五", client_key="same")  # another account: its own key
    assert other.pk != first.pk and not other.duplicate
    assert Passage.objects.count() == 2 and not Person.objects.filter(name="李四").exists()


@pytest.mark.parametrize("key", ["has space", "x" * 65, "<script>", "键"])
def test_a_malformed_key_is_refused_by_name(staff, cp, key):
    with pytest.raises(ValidationError) as exc:
        passage(staff, cp, client_key=key)
    assert "幂等键" in exc.value.message_dict["client_key"][0]
    assert not Passage.objects.exists()


def test_a_known_persons_passage_reads_one_statement_more_at_most(staff, cp):
    passage(staff, cp, id_number=ID_2, name="李四")
    passage(staff, cp)  # warm caches
    with CaptureQueriesContext(connection) as known:
        passage(staff, cp, id_number=ID_2, name="李四", temperature="36.8")
    # [advisory lock], person lookup, repeat?, passage insert, audit, counters (+ 2 savepoints)
    assert len(known) <= 8, [q["sql"] for q in known]


# Through the API and the phone form --------------------------------------------------------------------------

BASE = "/api/checkpoints"


def _body(**extra):
    return {"id_number": ID_1, "name": "张三", "phone": "13800001111", "temperature": "36.6", "outcome": "pass",
            **extra}


def test_the_api_answers_a_repeat_200_with_the_stored_passage(login, staff, cp):
    client = login(staff)
    status, first = post_json(client, f"{BASE}/{cp.pk}/passages", _body())
    assert status == 201 and first["duplicate"] is False
    status, again = post_json(client, f"{BASE}/{cp.pk}/passages", _body())
    assert status == 200 and again["duplicate"] is True
    assert {**again, "duplicate": False, "person_created": True} == first
    assert Passage.objects.count() == 1


@pytest.mark.parametrize("how", ["header", "field"])
def test_the_api_takes_the_key_as_header_or_field(login, staff, cp, how):
    client = login(staff)

    def send(**body):
        if how == "header":
            response = client.post(f"{BASE}/{cp.pk}/passages", _body(**body), content_type="application/json",
                                   headers={"Idempotency-Key": "phone-42"})
            return response.status_code, response.json()
        return post_json(client, f"{BASE}/{cp.pk}/passages", _body(client_key="phone-42", **body))

    status, first = send()
    assert status == 201
    status, again = send(temperature="36.9")  # the same key is the same registration, whatever it says now
    assert status == 200 and again["id"] == first["id"] and again["temperature"] == "36.6"
    assert Passage.objects.get().client_key == "phone-42"
    status, body = post_json(client, f"{BASE}/{cp.pk}/passages", _body(client_key="bad key"))
    assert status == 422 and "client_key" in body["detail"]


def _form_key(html: str) -> str:
    return re.search(r'name="client_key" value="([0-9a-f]{32})"', html).group(1)


def test_the_phone_form_carries_a_new_key_each_time_and_a_second_tap_registers_nothing(login, staff, cp):
    client = login(staff)
    url = f"/checkpoints/{cp.pk}/passages/new/"
    key = _form_key(client.get(url).content.decode())
    assert _form_key(client.get(url).content.decode()) != key
    data = {"id_type": "resident_id", "id_number": ID_1, "name": "张三", "temperature": "36.5", "outcome": "pass",
            "direction": "in", "client_key": key}
    client.post(url, data, follow=True)
    again = client.post(url, data, follow=True).content.decode()
    assert "重复提交，未再登记：张三（4209**********1239）已于" in again
    assert Passage.objects.get().client_key == key
    fresh = _form_key(again)  # the empty form for the next person has a key of its own
    assert fresh != key
    assert client.post(url, {**data, "client_key": fresh, "temperature": "36.7"}).status_code == 302
    assert Passage.objects.count() == 2


def test_a_refused_form_keeps_its_key(login, staff, cp):
    client = login(staff)
    url = f"/checkpoints/{cp.pk}/passages/new/"
    response = client.post(url, {"id_type": "resident_id", "id_number": ID_1, "name": "张三", "temperature": "38.5",
                                 "outcome": "pass", "direction": "in", "client_key": "a" * 32})
    assert response.status_code == 400 and _form_key(response.content.decode()) == "a" * 32


# At once (PostgreSQL: registrations of one person take an advisory lock; SQLite has one writer) -------------

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def live_checkpoint(transactional_db):
    from fangkong.accounts.models import Role
    from fangkong.risk_areas import services as risk_areas
    f.county_tree()
    town = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    staff = f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)
    risk_area("4201")
    risk_areas.clear_cache()
    return staff, checkpoint(town)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (SQLite runs one writer at a time anyway)")
def test_twenty_identical_passages_at_once_over_http_store_one(live_checkpoint):
    from django.test import Client
    staff, cp = live_checkpoint

    def send(_i):
        client = Client()
        client.force_login(staff)
        return post_json(client, f"{BASE}/{cp.pk}/passages", _body(**RISKY))

    results = at_once(20, send)
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(status for status, _body in results) == [200] * 19 + [201]
    assert len({body["id"] for _status, body in results}) == 1
    assert Passage.objects.count() == KeyPerson.objects.count() == ArrivalTask.objects.count() == 1
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="passage.register").count() == 1
    live = _counted()
    assert live[(f.TOWN_A, "passage")] == 1 and live[(f.TOWN_A, "passage_risk_arrival")] == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (SQLite runs one writer at a time anyway)")
def test_one_key_sent_at_once_for_different_people_collides_in_the_database(live_checkpoint):
    """Different persons take different locks: the unique key decides, the losers answer the winner's row."""
    from fangkong.checkpoints.services import passages as passage_services
    staff, cp = live_checkpoint
    numbers = [valid_id(f"42092119900101{n:03d}") for n in range(100, 110)]

    def send(i):
        return passage_services.register_passage(staff, cp, id_number=numbers[i], name="张三", temperature="36.5",
                                                 outcome="pass", client_key="retry-1")

    results = at_once(10, send)
    assert all(isinstance(r, Passage) for r in results), results
    assert len({r.pk for r in results}) == 1 and sum(not r.duplicate for r in results) == 1
    assert Passage.objects.count() == Person.objects.count() == 1  # the losers' new persons rolled back
    assert AuditEntry.objects.filter(action="passage.register").count() == 1
    _counted()
