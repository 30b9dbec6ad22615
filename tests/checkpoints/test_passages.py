"""Passage registration through the service: validation, the fever rule, vehicles, persons, counters."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.selectors import passages as passage_selectors
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.people.models import Person
from tests import factories as f
from tests.concurrency import at_once

from .builders import ID_1, ID_2, ID_3, checkpoint, passage


def _errors(exc) -> dict:
    return exc.value.message_dict


def test_a_passage_records_person_counters_and_one_audit_entry(staff, cp):
    p = passage(staff, cp, phone="13800001111", vehicle_plate="鄂k 12345", origin="武汉", destination=f.VILLAGE_A1)
    assert (p.region_id, p.vehicle_plate, p.counts_vehicle, p.outcome) == (f.TOWN_A, "鄂K12345", True, "pass")
    assert p.person.name == "张三" and p.person.region_id == f.VILLAGE_A1 and p.person_created
    assert AuditEntry.objects.filter(action="passage.register").count() == 1
    assert AuditEntry.objects.filter(action="person.create").count() == 0  # said in the passage's entry
    entry = AuditEntry.objects.get(action="passage.register")
    assert ID_1 not in str(entry.after) and "13800001111" not in str(entry.after)
    assert counters.differences(timezone.localdate()) == {}


def test_known_person_is_found_by_digest_and_not_duplicated(staff, cp):
    first = passage(staff, cp)
    second = passage(staff, cp, id_number=" ４２０９２１１９９００１０１１２３９ ", name="张三丰", phone="13900002222",
                     temperature="36.8")  # measured again: a new registration, not a repeat of the first
    assert second.person_id == first.person_id and not second.person_created
    person = Person.objects.get()
    assert person.name == "张三" and person.phone == "13900002222"  # the phone was missing: added; name kept


@pytest.mark.parametrize("temperature", ["37.3", "38.6", "３９"])
@pytest.mark.parametrize("outcome", ["pass", "turned_back"])
def test_fever_needs_the_fever_clinic_or_isolation(staff, cp, temperature, outcome):
    with pytest.raises(ValidationError) as exc:
        passage(staff, cp, temperature=temperature, outcome=outcome)
    assert "发热门诊" in _errors(exc)["outcome"][0]
    assert not Passage.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("outcome", ["fever_clinic", "isolation"])
def test_fever_with_the_right_outcome_is_registered(staff, cp, outcome):
    p = passage(staff, cp, temperature="37.3", outcome=outcome)
    assert p.temperature == Decimal("37.3")
    assert passage_selectors.day_figures(cp, timezone.localdate())["fevers"] == 1


def test_the_threshold_is_a_setting(staff, cp, settings):
    settings.FANGKONG_FEVER_THRESHOLD = 38.0
    assert passage(staff, cp, temperature="37.5", outcome="pass").outcome == "pass"
    with pytest.raises(ValidationError):
        passage(staff, cp, id_number=ID_2, temperature="38.0", outcome="pass")


@pytest.mark.parametrize(("field", "value"), [
    ("temperature", "33.9"), ("temperature", "43.1"), ("temperature", "abc"), ("outcome", "wave"),
    ("id_number", "420921199001011230"), ("name", ""), ("phone", "12345"), ("vehicle_plate", "鄂K"),
    ("vehicle_plate", "鄂K12345678901"), ("vehicle_plate", "<script>"), ("direction", "up"),
    ("origin_code", "99"), ("origin_code", "42x"), ("destination", "999999999999"),
    ("destination", "420922001000"), ("destination", f.COUNTY), ("origin", "长" * 101),
])
def test_bad_input_names_the_field(staff, cp, field, value):
    f.region("420922001000")  # a township of the next county
    values = {"id_number": ID_1, "name": "张三", "temperature": "36.5", "outcome": "pass", field: value}
    from fangkong.checkpoints.services.passages import register_passage
    with pytest.raises(ValidationError) as exc:
        register_passage(staff, cp, **values)
    assert field in _errors(exc), _errors(exc)
    assert not Passage.objects.exists()


def test_time_of_passage_not_in_the_future_nor_long_ago(staff, town):
    # set up two days ago: two hours ago is after it whatever the time of day
    cp = checkpoint(town, opened_on=timezone.localdate() - datetime.timedelta(days=2))
    now = timezone.now()
    for at, message in ((now + datetime.timedelta(hours=1), "将来"), (now - datetime.timedelta(days=8), "补录")):
        with pytest.raises(ValidationError) as exc:
            passage(staff, cp, passed_at=at)
        assert message in _errors(exc)["passed_at"][0]
    assert passage(staff, cp, passed_at=(now - datetime.timedelta(hours=2)).isoformat()).passed_at < now


def test_passages_only_at_an_open_checkpoint_in_scope(staff, staff_b, town, cp):
    with pytest.raises(PermissionDenied):
        passage(staff_b, cp)
    checkpoint_services.close_checkpoint(town, cp)
    cp.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        passage(staff, cp)
    assert "checkpoint" in _errors(exc)


def test_a_viewer_cannot_register(tree, cp):
    from fangkong.accounts.models import Role
    with pytest.raises(PermissionDenied):
        passage(f.user("viewer", Role.VIEWER, f.COUNTY), cp)


def test_a_vehicle_counts_once_within_thirty_minutes(staff, town):
    cp = checkpoint(town, opened_on=timezone.localdate() - datetime.timedelta(days=2))  # 3 h ago: after it
    t0 = timezone.now() - datetime.timedelta(hours=3)
    driver = passage(staff, cp, vehicle_plate="鄂K12345", passed_at=t0)
    passenger = passage(staff, cp, id_number=ID_2, name="李四", vehicle_plate="鄂K·12345",
                        passed_at=t0 + datetime.timedelta(minutes=2))
    other_car = passage(staff, cp, id_number=ID_3, name="王五", vehicle_plate="鄂A88888",
                        passed_at=t0 + datetime.timedelta(minutes=3))
    back_later = passage(staff, cp, vehicle_plate="鄂K12345", passed_at=t0 + datetime.timedelta(minutes=45))
    walker = passage(staff, cp, id_number=ID_2, name="李四", passed_at=t0 + datetime.timedelta(minutes=50))
    assert [p.counts_vehicle for p in (driver, passenger, other_car, back_later, walker)] == [
        True, False, True, True, False]


def test_a_vehicle_registered_out_of_order_counts_once(staff, town):
    """Two passengers registered at once (the later time may take the lock first), or a paper register
    typed in afterwards: the car already counted within 30 minutes either side is not counted again."""
    cp = checkpoint(town, opened_on=timezone.localdate() - datetime.timedelta(days=2))
    t0 = timezone.now() - datetime.timedelta(hours=3)
    later = passage(staff, cp, vehicle_plate="鄂K12345", passed_at=t0 + datetime.timedelta(minutes=10))
    earlier = passage(staff, cp, id_number=ID_2, name="李四", vehicle_plate="鄂K12345", passed_at=t0)
    near = passage(staff, cp, id_number=ID_3, name="王五", vehicle_plate="鄂K12345",
                   passed_at=t0 - datetime.timedelta(minutes=25))
    long_before = passage(staff, cp, vehicle_plate="鄂K12345",
                          passed_at=t0 - datetime.timedelta(minutes=60))
    assert [p.counts_vehicle for p in (later, earlier, near, long_before)] == [True, False, False, True]


def test_a_plate_at_another_checkpoint_counts_there_too(staff, town, cp):
    other = checkpoint(town, name="花园村口", kind="village_entrance", region=f.VILLAGE_A1)
    assert passage(staff, cp, vehicle_plate="鄂K12345").counts_vehicle
    assert passage(staff, other, vehicle_plate="鄂K12345").counts_vehicle


def test_day_figures_and_counters_agree(staff, cp):
    passage(staff, cp, vehicle_plate="鄂K12345", outcome="turned_back")
    passage(staff, cp, id_number=ID_2, name="李四", vehicle_plate="鄂K12345", outcome="turned_back")
    passage(staff, cp, id_number=ID_3, name="王五", temperature="38.2", outcome="fever_clinic")
    day = timezone.localdate()
    assert passage_selectors.day_figures(cp, day) == {
        "persons": 3, "vehicles": 1, "turned_back_persons": 2, "turned_back_vehicles": 1, "fevers": 1,
        "risk_arrivals": 0}
    live = counters.live(day)
    assert live[(f.COUNTY, "passage")] == 3 and live[(f.TOWN_A, "passage_turned_back_vehicle")] == 1
    assert counters.differences(day) == {}


def test_backdated_passage_counts_on_its_own_day(staff, cp):
    cp.opened_on = timezone.localdate() - datetime.timedelta(days=5)
    cp.save()
    at = timezone.now() - datetime.timedelta(days=2)
    passage(staff, cp, passed_at=at)
    assert counters.live(timezone.localdate(at))[(f.TOWN_A, "passage")] == 1
    assert counters.differences(timezone.localdate(at)) == {}


def test_registration_takes_few_queries(staff, cp):
    passage(staff, cp, vehicle_plate="鄂K12345")  # warm caches (content types, risk areas)
    with CaptureQueriesContext(connection) as plain:
        passage(staff, cp, id_number=ID_2, name="李四")
    with CaptureQueriesContext(connection) as with_car:
        passage(staff, cp, id_number=ID_3, name="王五", vehicle_plate="鄂K12345", destination=f.VILLAGE_A1)
    # [advisory lock], person lookup, person insert, passage insert, audit, counters (+ 2 savepoints);
    # with a car also the plate's earlier passage, and the destination once (then cached)
    assert len(plain) <= 8, [q["sql"] for q in plain]
    assert len(with_car) <= 10, [q["sql"] for q in with_car]
    assert not any("checkpoints_checkpoint" in q["sql"] for q in plain), [q["sql"] for q in plain]


ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL advisory locks (SQLite runs one writer at a time anyway)")
def test_two_passengers_of_one_car_at_once_count_it_once_and_one_person_twice_is_one_person(transactional_db,
                                                                                            monkeypatch):
    import time

    from fangkong.accounts.models import Role
    from fangkong.checkpoints.services import passages as passage_services
    f.county_tree()
    town = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    staff = f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)
    cp = checkpoint(town)
    # Widen the race: each registration waits after its plate check (and its person lookup).
    # Without the advisory locks both would see no earlier passage and no person.
    seen, found = passage_services._plate_seen, passage_services._find_person

    def slow_seen(*args):
        result = seen(*args)
        time.sleep(0.3)
        return result

    def slow_found(*args, **kwargs):
        result = found(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(passage_services, "_plate_seen", slow_seen)
    monkeypatch.setattr(passage_services, "_find_person", slow_found)
    errors: list = []
    # 王五 measured twice (two registrations, not one sent twice)
    for people in ([(ID_1, "张三", "36.5"), (ID_2, "李四", "36.5")], [(ID_3, "王五", "36.5"), (ID_3, "王五", "36.6")]):
        def register(i, people=people):
            id_number, name, temperature = people[i]
            passage(staff, cp, id_number=id_number, name=name, vehicle_plate="鄂K12345", temperature=temperature)

        errors += [r for r in at_once(len(people), register) if isinstance(r, Exception)]
    assert not errors, errors
    assert Passage.objects.filter(checkpoint=cp).count() == 4
    assert Passage.objects.filter(checkpoint=cp, counts_vehicle=True).count() == 1
    assert Person.objects.filter(name="王五").count() == 1
