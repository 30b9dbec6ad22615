"""Arrivals from a risk area: exactly one returnee key person on the right village, and one task."""

import datetime

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.checkpoints.models import Passage
from fangkong.screening import services as screening
from fangkong.screening.models import ArrivalTask, KeyPerson, KeyPersonEvent, TaskKind, TaskStatus
from fangkong.screening.services import arrival_tasks as tasks
from tests import factories as f

from .builders import ID_1, ID_2, WUHAN, passage, risk_area


@pytest.fixture
def wuhan(db):
    return risk_area("4201", "武汉市")


def _arrive(staff, cp, **extra):
    values = {"origin": "武汉市江岸区", "origin_code": WUHAN, "destination": f.VILLAGE_B1,
              "vehicle_plate": "鄂A12345"}
    values.update(extra)
    return passage(staff, cp, **values)


def test_risk_arrival_puts_a_returnee_on_the_destination_village(staff, cp, wuhan):
    p = _arrive(staff, cp)
    assert p.from_risk_area
    kp = KeyPerson.objects.get()
    assert (kp.category, kp.region_id, kp.status, kp.person_id) == ("returnee", f.VILLAGE_B1, "under_management",
                                                                     p.person_id)
    assert (kp.origin, kp.arrival_date, kp.transport_mode, kp.transport_number) == (
        "武汉市江岸区", timezone.localdate(), "car", "鄂A12345")
    assert p.key_person_id == kp.pk and Passage.objects.get().key_person_id == kp.pk
    task = ArrivalTask.objects.get()
    assert (task.kind, task.region_id, task.person_id, task.passage_id, task.key_person_id, task.status) == (
        TaskKind.ARRIVAL, f.VILLAGE_B1, p.person_id, p.pk, kp.pk, TaskStatus.OPEN)
    assert KeyPersonEvent.objects.filter(key_person=kp, kind="registered").exists()
    day = timezone.localdate()
    live = counters.live(day)
    assert live[(f.VILLAGE_B1, "kp_new.returnee")] == 1 and live[(f.TOWN_A, "passage_risk_arrival")] == 1
    assert live[(f.VILLAGE_B1, "task_opened.arrival")] == 1
    assert counters.differences(day) == {}


def test_passing_twice_keeps_one_key_person_and_one_task(staff, cp, wuhan):
    first = _arrive(staff, cp)
    second = _arrive(staff, cp, origin="武汉市", vehicle_plate="")
    assert KeyPerson.objects.count() == 1 and ArrivalTask.objects.count() == 1
    assert second.key_person_id == first.key_person_id
    assert KeyPerson.objects.get().origin == "武汉市"  # brought up to date
    assert counters.differences(timezone.localdate()) == {}


def test_a_person_already_on_the_ledger_is_updated_not_duplicated(staff, cp, wuhan, worker_b1):
    kp, _created = screening.register_key_person(
        worker_b1, name="张三", id_type="resident_id", id_number=ID_1, region_code=f.VILLAGE_B1, category="returnee",
        registered_on=timezone.localdate())
    p = _arrive(staff, cp)
    assert KeyPerson.objects.count() == 1 and p.key_person_id == kp.pk
    kp.refresh_from_db()
    assert (kp.origin, kp.transport_number) == ("武汉市江岸区", "鄂A12345")
    assert ArrivalTask.objects.get().region_id == f.VILLAGE_B1


def test_an_open_entry_in_another_village_stays_there(staff, cp, wuhan, worker_a1):
    kp, _created = screening.register_key_person(
        worker_a1, name="张三", id_type="resident_id", id_number=ID_1, region_code=f.VILLAGE_A1, category="returnee")
    _arrive(staff, cp)
    assert list(KeyPerson.objects.values_list("pk", "region_id")) == [(kp.pk, f.VILLAGE_A1)]
    assert ArrivalTask.objects.get().region_id == f.VILLAGE_A1  # the worker who holds the entry is told


def test_a_released_returnee_arriving_again_gets_a_new_entry(staff, cp, wuhan, worker_b1):
    kp, _created = screening.register_key_person(
        worker_b1, name="张三", id_type="resident_id", id_number=ID_1, region_code=f.VILLAGE_B1, category="returnee",
        registered_on=timezone.localdate() - datetime.timedelta(days=20))
    screening.change_key_person_status(worker_b1, kp, status="released")
    _arrive(staff, cp)
    assert KeyPerson.objects.filter(status="under_management").count() == 1
    assert KeyPerson.objects.count() == 2


def test_closed_task_then_passing_again_opens_a_new_one(staff, cp, wuhan, worker_b1):
    _arrive(staff, cp)
    tasks.close_task(worker_b1, ArrivalTask.objects.get(), note="已上门核实，居家观察")
    _arrive(staff, cp, vehicle_plate="鄂A54321")  # back in another car
    assert ArrivalTask.objects.filter(status=TaskStatus.OPEN).count() == 1
    assert KeyPerson.objects.count() == 1


def test_a_grid_destination_is_a_ledger_too(staff, cp, wuhan):
    _arrive(staff, cp, destination=f.GRID_A1)
    assert KeyPerson.objects.get().region_id == f.GRID_A1
    assert ArrivalTask.objects.get().region_id == f.GRID_A1


@pytest.mark.parametrize(("extra", "risk"), [
    ({"origin_code": "420921"}, False),                 # not a risk area
    ({"origin_code": ""}, False),                       # origin unknown
    ({"outcome": "turned_back"}, False),                # did not enter
    ({"direction": "out"}, False),                      # leaving, not arriving
    ({"destination": f.TOWN_B}, True),                  # township only: left to the reconciliation
    ({"destination": ""}, True),                        # passing through
])
def test_no_key_person_without_a_risk_arrival_to_a_village(staff, cp, wuhan, extra, risk):
    p = _arrive(staff, cp, **extra)
    assert p.from_risk_area is risk
    assert not KeyPerson.objects.exists() and not ArrivalTask.objects.exists()


def test_expired_or_future_risk_areas_do_not_count(staff, cp):
    risk_area("4201", "武汉市", days_back=30, until=timezone.localdate() - datetime.timedelta(days=1))
    risk_area("42", "湖北省", days_back=-2)
    assert not _arrive(staff, cp).from_risk_area


def test_isolation_and_fever_clinic_arrivals_are_put_on_the_ledger(staff, cp, wuhan):
    _arrive(staff, cp, temperature="38.5", outcome="fever_clinic")
    _arrive(staff, cp, id_number=ID_2, name="李四", outcome="isolation")
    assert KeyPerson.objects.count() == 2 and ArrivalTask.objects.count() == 2


def test_the_village_worker_sees_the_task_and_staff_elsewhere_do_not(staff, cp, wuhan, worker_b1, worker_a1):
    from fangkong.screening import selectors
    _arrive(staff, cp)
    assert [t.region_id for t in selectors.page_of_tasks(worker_b1)] == [f.VILLAGE_B1]
    assert selectors.page_of_tasks(worker_a1) == []
    hq = f.user("hq2", Role.HQ_STAFF, f.COUNTY)
    assert len(selectors.page_of_tasks(hq)) == 1


def test_a_known_person_put_on_another_villages_ledger_now_lives_there(staff, cp, wuhan, hq):
    from fangkong.people.services import find_or_record_person
    person, _created = find_or_record_person(hq, name="张三", id_type="resident_id", id_number=ID_1, region_code=f.VILLAGE_A1)
    _arrive(staff, cp)
    person.refresh_from_db()
    assert person.region_id == f.VILLAGE_B1 and KeyPerson.objects.get().region_id == f.VILLAGE_B1
    from fangkong.audit.models import AuditEntry
    assert AuditEntry.objects.get(action="passage.register").after["person_moved_to"] == f.VILLAGE_B1
