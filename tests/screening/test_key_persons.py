"""Registering, updating, ending and deleting ledger entries: rules, timeline, audit and counters."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.people.models import Person, RegistrationReview
from fangkong.screening import services
from fangkong.screening.models import KeyPerson, KeyPersonEvent, Status
from tests import factories as f

from .helpers import all_counters, check, days_ago, figures, key_person, rebuilt, register, resident_id, today

NEW_RETURNEE = {"kp_new.returnee": 1, "kp_in.returnee": 1}


def under_management(code: str, day: datetime.date, category: str = "returnee") -> int:
    return counters.stock([code], day, [f"kp_in.{category}"], [f"kp_out.{category}"])[code][f"kp_in.{category}"]


def test_register_creates_person_entry_timeline_audit_and_counters(worker):
    arrival = days_ago(2)
    kp, created = register(worker, 1, origin="武汉", departure_date=days_ago(3), arrival_date=arrival,
                           transport_mode="train", transport_number=" g1234 ", symptoms="咳嗽", responsible=worker.pk)
    assert created
    kp.refresh_from_db()
    assert kp.person.id_number == resident_id(1) and kp.person.region_id == f.VILLAGE_A1
    assert (kp.category, kp.region_id, kp.registered_on, kp.status) == (
        "returnee", f.VILLAGE_A1, today(), Status.UNDER_MANAGEMENT)
    assert (kp.transport_number, kp.responsible) == ("G1234", worker)
    assert list(kp.events.values_list("kind", "text", "actor")) == [
        ("registered", f"登记为疫区返乡人员（来自武汉，{arrival}抵达，火车 G1234，症状：咳嗽）", worker.pk)]
    assert AuditEntry.objects.filter(action="key_person.register", object_id=str(kp.pk), actor=worker).exists()
    for code in (f.VILLAGE_A1, f.TOWN_A, f.COUNTY):
        assert figures(code, today()) == NEW_RETURNEE
    assert figures(f.VILLAGE_A2, today()) == {}
    assert under_management(f.TOWN_A, today()) == 1


def test_registering_again_updates_the_open_entry(worker):
    kp, _ = register(worker, 1, registered_on=days_ago(3))
    again, created = register(worker, 1, origin="武汉", symptoms="发热")
    assert not created and again.pk == kp.pk
    assert KeyPerson.objects.count() == 1 and Person.objects.count() == 1
    kp.refresh_from_db()
    assert (kp.registered_on, kp.origin, kp.symptoms) == (days_ago(3), "武汉", "发热")
    assert figures(f.VILLAGE_A1, days_ago(3)) == NEW_RETURNEE
    assert figures(f.VILLAGE_A1, today()) == {}
    assert list(kp.events.values_list("kind", flat=True)) == ["registered", "updated"]
    assert "来自何地" in kp.events.last().text and "症状" in kp.events.last().text


def test_registering_again_keeps_details_not_given(worker):
    kp = key_person(worker, 1, origin="武汉", transport_mode="car")
    register(worker, 1, symptoms="咳嗽")
    kp.refresh_from_db()
    assert (kp.origin, kp.transport_mode, kp.symptoms) == ("武汉", "car", "咳嗽")


def test_another_category_is_another_entry_and_a_released_person_may_be_registered_anew(worker):
    first = key_person(worker, 1, registered_on=days_ago(20))
    contact, created = register(worker, 1, category="close_contact")
    assert created and contact.pk != first.pk
    services.change_key_person_status(worker, first, status="released", ended_on=days_ago(6))
    again, created = register(worker, 1)
    assert created and again.pk != first.pk
    assert KeyPerson.objects.filter(person=first.person).count() == 3
    assert figures(f.VILLAGE_A1, today()) == {**NEW_RETURNEE, "kp_new.close_contact": 1, "kp_in.close_contact": 1}


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"arrival_date": "tomorrow"}, "arrival_date", "将来"),
    ({"departure_date": "tomorrow"}, "departure_date", "将来"),
    ({"departure_date": 2, "arrival_date": 3}, "departure_date", "晚于抵达日期"),
    ({"registered_on": 5, "arrival_date": 2}, "arrival_date", "晚于登记日期"),
    ({"registered_on": "tomorrow"}, "registered_on", "将来"),
    ({"arrival_date": 200}, "arrival_date", "超过180天"),
    ({"arrival_date": "2020-02-30"}, "arrival_date", "不是有效日期"),
    ({"category": "tourist"}, "category", "未知的人员类别"),
    ({"transport_mode": "horse"}, "transport_mode", "未知的交通方式"),
    ({"transport_number": "X" * 41}, "transport_number", "不能超过40个字"),
    ({"region": f.VILLAGE_A2}, "region", "不在您的管辖范围内"),
    ({"region": "420921001299"}, "region", "不存在"),
])
def test_bad_registrations_are_refused_and_nothing_is_written(worker, extra, field, words):
    def day(value):
        if value == "tomorrow":
            return today() + datetime.timedelta(days=1)
        return days_ago(value) if isinstance(value, int) else value
    extra = {k: day(v) if k.endswith(("_date", "_on")) else v for k, v in extra.items()}
    with pytest.raises(ValidationError) as caught:
        register(worker, 1, **extra)
    assert words in " ".join(caught.value.message_dict[field])
    assert not KeyPerson.objects.exists() and not Person.objects.exists()
    assert all_counters() == {}


def test_the_ledger_belongs_to_a_village_or_grid(town):
    with pytest.raises(ValidationError) as caught:
        register(town, 1, region=f.TOWN_A)
    assert "台账须登记到村（社区）或网格" in caught.value.message_dict["region"][0]
    assert key_person(town, 1, region=f.GRID_A1).region_id == f.GRID_A1


def test_person_and_entry_errors_are_reported_together(worker):
    with pytest.raises(ValidationError) as caught:
        services.register_key_person(worker, name="", id_type="resident_id", id_number="420921198503150000",
                                     region_code=f.VILLAGE_A1, category="returnee",
                                     arrival_date=today() + datetime.timedelta(days=1))
    assert {"name", "id_number", "arrival_date"} <= set(caught.value.message_dict)


def test_responsible_cadre_must_be_a_ledger_worker_covering_the_entry(worker, other_worker, town):
    viewer = f.user("viewer_a1", Role.VIEWER, f.VILLAGE_A1)
    for cadre in (other_worker, viewer, town):  # another village, a read-only role, outside a village's scope
        with pytest.raises(ValidationError) as caught:
            register(worker, 1, responsible=cadre.pk)
        assert "responsible" in caught.value.message_dict
    kp = key_person(town, 1, responsible=worker.pk)
    assert kp.responsible == worker
    with pytest.raises(ValidationError):  # a village worker of A2 cannot answer for someone in A1
        register(town, 2, responsible=other_worker.pk)


def test_read_only_roles_cannot_register(tree):
    for role in (Role.VIEWER, Role.SUPERVISOR, Role.CHECKPOINT_STAFF):
        user = f.user(f"u_{role}", role, f.VILLAGE_A1)
        with pytest.raises(PermissionDenied):
            register(user, 1)


def test_a_person_on_another_villages_ledger_is_not_taken_over_but_held_for_review(worker, other_worker):
    kp = key_person(worker, 1, origin="武汉")
    assert register(other_worker, 1, region=f.VILLAGE_A2, origin="温州") == (None, False)
    kp.refresh_from_db()
    assert (kp.region_id, kp.origin, kp.person.region_id) == (f.VILLAGE_A1, "武汉", f.VILLAGE_A1)
    assert RegistrationReview.objects.get().review_region_id == f.TOWN_A


def test_update_moves_counters_with_the_registration_day_and_region(town):
    kp = key_person(town, 1, registered_on=days_ago(4))
    services.update_key_person(town, kp, registered_on=days_ago(2), region_code=f.VILLAGE_A2, origin="武汉")
    kp.refresh_from_db()
    assert (kp.registered_on, kp.region_id, kp.origin) == (days_ago(2), f.VILLAGE_A2, "武汉")
    assert figures(f.VILLAGE_A1, days_ago(4)) == {} and figures(f.TOWN_A, days_ago(4)) == {}
    assert figures(f.VILLAGE_A2, days_ago(2)) == NEW_RETURNEE
    assert figures(f.TOWN_A, days_ago(2)) == NEW_RETURNEE
    event = kp.events.last()
    assert event.kind == "updated" and "登记日期" in event.text and "台账所属区划" in event.text
    assert AuditEntry.objects.get(action="key_person.update").after == {
        "registered_on": days_ago(2).isoformat(), "region": f.VILLAGE_A2, "origin": "武汉"}


def test_update_without_changes_leaves_no_trace(worker):
    kp = key_person(worker, 1, origin="武汉")
    services.update_key_person(worker, kp, origin="武汉")
    assert kp.events.count() == 1
    assert not AuditEntry.objects.filter(action="key_person.update").exists()


def test_update_rules(worker, other_worker):
    kp = key_person(worker, 1, registered_on=days_ago(5))
    check(worker, kp, day=days_ago(4))
    cases = [({"registered_on": days_ago(3)}, "registered_on"),  # after the first check
             ({"arrival_date": today() + datetime.timedelta(days=1)}, "arrival_date"),
             ({"region_code": f.VILLAGE_A2}, "region"),
             ({"responsible": other_worker.pk}, "responsible")]
    for changes, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.update_key_person(worker, kp, **changes)
        assert field in caught.value.message_dict, changes
    with pytest.raises(ValidationError):
        services.update_key_person(worker, kp, category="fever")
    with pytest.raises(PermissionDenied):
        services.update_key_person(other_worker, kp, origin="武汉")


def test_release_counts_out_and_released_on_the_day(worker):
    kp = key_person(worker, 1, registered_on=days_ago(14))
    services.change_key_person_status(worker, kp, status="released", ended_on=days_ago(1), note="期满")
    kp.refresh_from_db()
    assert (kp.status, kp.ended_on, kp.note) == (Status.RELEASED, days_ago(1), "期满")
    assert figures(f.TOWN_A, days_ago(1)) == {"kp_out.returnee": 1, "kp_released.returnee": 1}
    assert under_management(f.TOWN_A, days_ago(2)) == 1
    assert under_management(f.TOWN_A, days_ago(1)) == 0
    assert kp.events.last().kind == "status" and "已解除" in kp.events.last().text
    assert AuditEntry.objects.get(action="key_person.status").after == {
        "status": "released", "ended_on": days_ago(1).isoformat(), "note": "期满"}


def test_transfer_is_not_a_release(worker):
    kp = key_person(worker, 1, category="confirmed")
    services.change_key_person_status(worker, kp, status="transferred")
    assert figures(f.VILLAGE_A1, today()) == {"kp_new.confirmed": 1, "kp_in.confirmed": 1, "kp_out.confirmed": 1}


def test_status_rules(worker):
    kp = key_person(worker, 1, registered_on=days_ago(5))
    check(worker, kp, day=days_ago(2))
    for status, ended_on, field in [("under_management", None, "status"), ("deceased", None, "status"),
                                    ("released", days_ago(6), "ended_on"),   # before registration
                                    ("released", days_ago(3), "ended_on"),   # before the last check
                                    ("released", today() + datetime.timedelta(days=1), "ended_on")]:
        with pytest.raises(ValidationError) as caught:
            services.change_key_person_status(worker, kp, status=status, ended_on=ended_on)
        assert field in caught.value.message_dict, (status, ended_on)
    services.change_key_person_status(worker, kp, status="moved_away", ended_on=days_ago(2))
    before = all_counters()
    with pytest.raises(ValidationError) as caught:
        services.change_key_person_status(worker, kp, status="released")
    assert "不能重复结束管理" in caught.value.message_dict["status"][0]
    kp.refresh_from_db()
    assert (kp.status, kp.ended_on) == (Status.MOVED_AWAY, days_ago(2))
    assert all_counters() == before


def test_delete_takes_the_entry_and_its_checks_out_of_the_counters(worker):
    kp = key_person(worker, 1, registered_on=days_ago(2))
    check(worker, kp, "38.0", day=days_ago(1))
    check(worker, kp, "36.6")
    services.delete_key_person(worker, kp)
    assert not KeyPerson.objects.exists() and not KeyPersonEvent.objects.exists()
    # the transfer to the fever clinic that the fever opened stays: a request to handle, not the entry's
    assert {metric for _code, _day, metric in all_counters()} == {"tr_opened"}
    entry = AuditEntry.objects.get(action="key_person.delete")
    assert entry.before["checks"] == [{"checked_on": days_ago(1).isoformat(), "temperature": "38.0"},
                                      {"checked_on": today().isoformat(), "temperature": "36.6"}]


def test_counters_equal_a_recomputation_after_a_mix_of_writes(worker, town):
    a = key_person(worker, 1, registered_on=days_ago(6))
    b = key_person(worker, 2, registered_on=days_ago(5), category="close_contact")
    c = key_person(town, 3, region=f.VILLAGE_A2, registered_on=days_ago(4))
    check(worker, a, "37.5", day=days_ago(5))
    check(worker, a, "36.5", day=days_ago(5))
    check(worker, b, "38.2", day=days_ago(4))
    services.update_key_person(town, c, region_code=f.GRID_A1, registered_on=days_ago(3))
    services.change_key_person_status(worker, a, status="released", ended_on=days_ago(2))
    services.delete_key_person(worker, b)
    register(worker, 2, category="close_contact", registered_on=days_ago(1))
    live = all_counters()
    assert live == rebuilt([days_ago(n) for n in range(7)])
    assert live[(f.COUNTY, days_ago(5), "checks_done")] == 1
    assert (f.COUNTY, days_ago(5), "fevers_found") not in live
