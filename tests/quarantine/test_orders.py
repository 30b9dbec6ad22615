"""Starting, changing and ending quarantine orders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.quarantine import services
from fangkong.quarantine.models import FollowUpStatus, QuarantineStatus, TransferStatus
from fangkong.quarantine.schedule import day_start
from fangkong.screening.models import KeyPersonEvent
from tests import factories as f

from .helpers import days_ago, key_person, local, slots, start

DAYS_14 = datetime.timedelta(days=14)


@pytest.fixture
def site(hq):
    return services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="县城路1号", rooms=[("101", 1)])


# Planned end from each policy ------------------------------------------------------------------

def test_returnee_home_14_days_from_arrival(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3))
    q = start(hq, kp, cadre=cadre, doctor=doctor)
    assert q.kind == "home" and q.counts_from == "arrival"
    assert q.planned_end == q.policy_end == day_start(days_ago(3)) + DAYS_14
    assert q.home_address == kp.person.address
    assert AuditEntry.objects.filter(action="quarantine.start", object_id=str(q.pk)).exists()
    assert KeyPersonEvent.objects.filter(key_person=kp, kind="quarantine.start").exists()


def test_close_contact_centralised_14_days_from_last_exposure(hq, cadre, doctor, site):
    kp = key_person(category="close_contact")
    exposure = local(days_ago(2), 15, 30)
    q = start(hq, kp, cadre=cadre, doctor=doctor, last_exposure=exposure, site=site)
    assert q.kind == "centralised" and q.site == site and q.room is None
    assert q.planned_end == exposure + DAYS_14


def test_fever_home_14_days_from_order_start(hq, cadre, doctor):
    begin = local(days_ago(1), 10, 0)
    q = start(hq, key_person(category="fever"), cadre=cadre, doctor=doctor, start_at=begin)
    assert q.counts_from == "order_start"
    assert q.planned_end == begin + DAYS_14


def test_asymptomatic_centralised_with_a_room_checks_in_at_once(hq, cadre, doctor, site):
    room = site.rooms.get()
    q = start(hq, key_person(category="asymptomatic"), cadre=cadre, doctor=doctor, room=room)
    assert (q.kind, q.site, q.room) == ("centralised", site, room)
    assert q.stays.get().checked_out_at is None


def test_last_exposure_is_required_when_the_policy_counts_from_it(hq, cadre, doctor):
    with pytest.raises(ValidationError) as exc:
        start(hq, key_person(category="secondary_contact"), cadre=cadre, doctor=doctor)
    assert "last_exposure" in exc.value.message_dict


def test_centralised_needs_a_site(hq, cadre, doctor):
    with pytest.raises(ValidationError) as exc:
        start(hq, key_person(category="suspected"), cadre=cadre, doctor=doctor)
    assert "site" in exc.value.message_dict


def test_planned_end_override_needs_a_reason(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3))
    longer = day_start(days_ago(3)) + datetime.timedelta(days=21)
    with pytest.raises(ValidationError) as exc:
        start(hq, kp, cadre=cadre, doctor=doctor, planned_end=longer)
    assert "planned_end_reason" in exc.value.message_dict
    q = start(hq, kp, cadre=cadre, doctor=doctor, planned_end=longer, planned_end_reason="同住人确诊")
    assert q.planned_end == longer and q.policy_end == day_start(days_ago(3)) + DAYS_14
    assert slots(q)[-1] == local(days_ago(3) + datetime.timedelta(days=20), 18)


def test_a_period_already_over_by_policy_is_refused_unless_overridden(hq, cadre, doctor):
    with pytest.raises(ValidationError) as exc:
        start(hq, key_person(arrival=days_ago(20)), cadre=cadre, doctor=doctor)
    assert "planned_end" in exc.value.message_dict
    assert "届满" in exc.value.message_dict["planned_end"][0]


def test_future_start_and_bad_moments_are_refused(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3))
    with pytest.raises(ValidationError) as exc:
        start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(-2), 9))
    assert "start_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        start(hq, kp, cadre=cadre, doctor=doctor, start_at="2020-02-31")
    assert "start_at" in exc.value.message_dict


def test_one_active_order_per_key_person(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3))
    start(hq, kp, cadre=cadre, doctor=doctor)
    with pytest.raises(ValidationError) as exc:
        start(hq, kp, cadre=cadre, doctor=doctor)
    assert "key_person" in exc.value.message_dict


def test_cadre_must_cover_the_village_and_doctor_must_be_a_doctor(hq, cadre, doctor):
    other_village = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    with pytest.raises(ValidationError) as exc:
        start(hq, cadre=other_village, doctor=doctor)
    assert "cadre" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        start(hq, cadre=cadre, doctor=cadre)
    assert "doctor" in exc.value.message_dict
    town_doctor = f.user("doctor_town_a", Role.DOCTOR, f.TOWN_A)
    assert start(cadre, cadre=cadre, doctor=town_doctor).doctor == town_doctor


def test_out_of_scope_key_person_and_read_only_roles(tree, cadre, doctor):
    outsider = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    with pytest.raises(ValidationError) as exc:
        start(outsider, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor)
    assert "key_person" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        start(f.user("viewer", Role.VIEWER, f.COUNTY), cadre=cadre, doctor=doctor)


# Release and other endings ---------------------------------------------------------------------

def _settle(actor, q):
    """Record every slot whose time has passed, so only the release rules are left."""
    for fu in q.follow_ups.filter(status=FollowUpStatus.DUE, due_at__lte=datetime.datetime.now(datetime.UTC)):
        services.record_follow_up(actor, q, temperature="36.5", method="phone", at=fu.due_at, slot=fu)


def test_release_on_the_planned_day_needs_no_reason_and_twice_is_refused(hq, cadre, doctor):
    # arrived 14 days ago: the period ends at 00:00 today
    q = start(hq, key_person(arrival=days_ago(14)), cadre=cadre, doctor=doctor, start_at=local(days_ago(13), 10))
    _settle(cadre, q)
    services.release_quarantine(cadre, q)
    q.refresh_from_db()
    assert q.status == QuarantineStatus.RELEASED and q.ended_by == cadre
    with pytest.raises(ValidationError) as exc:
        services.release_quarantine(cadre, q)
    assert "不能重复解除" in exc.value.messages[0]


def test_early_release_needs_a_reason_and_drops_the_remaining_slots(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor)
    _settle(cadre, q)
    with pytest.raises(ValidationError) as exc:
        services.release_quarantine(cadre, q)
    assert "提前解除" in exc.value.message_dict["reason"][0]
    services.release_quarantine(cadre, q, reason="核实为误报，未去过疫区")
    q.refresh_from_db()
    assert q.status == QuarantineStatus.RELEASED
    assert not q.follow_ups.filter(due_at__gt=q.ended_at).exists()


def test_late_release_needs_a_reason(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(16)), cadre=cadre, doctor=doctor, start_at=local(days_ago(15), 10),
              planned_end=day_start(days_ago(16)) + datetime.timedelta(days=15), planned_end_reason="补录")
    _settle(cadre, q)
    with pytest.raises(ValidationError) as exc:
        services.release_quarantine(cadre, q)
    assert "延期解除" in exc.value.message_dict["reason"][0]


def test_release_is_refused_while_follow_ups_are_overdue_until_excused(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(14)), cadre=cadre, doctor=doctor, start_at=local(days_ago(13), 10))
    with pytest.raises(ValidationError) as exc:
        services.release_quarantine(cadre, q)
    assert "还有25次随访未完成" in exc.value.message_dict["at"][0]
    for fu in q.follow_ups.filter(status=FollowUpStatus.DUE):
        services.excuse_follow_up(cadre, fu, reason="补录前未留记录")
    assert services.release_quarantine(cadre, q).status == QuarantineStatus.RELEASED


def test_release_needs_a_negative_test_when_the_policy_says_so(hq, cadre, doctor, site):
    q = start(hq, key_person(category="asymptomatic"), cadre=cadre, doctor=doctor, site=site,
              start_at=local(days_ago(14), 7))
    _settle(cadre, q)
    with pytest.raises(ValidationError) as exc:
        services.release_quarantine(cadre, q)
    assert "tests" in exc.value.message_dict
    services.record_test(doctor, q, sampled_at=local(days_ago(1), 9), result="positive")
    with pytest.raises(ValidationError):
        services.release_quarantine(cadre, q)
    services.record_test(doctor, q, sampled_at=local(days_ago(0), 0, 1), result="negative")
    assert services.release_quarantine(cadre, q).status == QuarantineStatus.RELEASED


def test_moved_away_needs_a_hand_over_and_leaves_the_room(hq, cadre, doctor, site):
    q = start(hq, key_person(category="close_contact"), cadre=cadre, doctor=doctor, room=site.rooms.get(),
              last_exposure=days_ago(1))
    with pytest.raises(ValidationError) as exc:
        services.end_quarantine(cadre, q, status="moved_away")
    assert "handover_to" in exc.value.message_dict
    services.end_quarantine(cadre, q, status="moved_away", handover_region=f.TOWN_B, reason="随家人迁居")
    q.refresh_from_db()
    assert (q.status, q.handover_region_id, q.handover_to, q.room) == ("moved_away", f.TOWN_B, "丰山镇", None)
    assert q.stays.get().checked_out_at == q.ended_at


def test_transfer_to_hospital_closes_the_open_transfer_request(hq, cadre, doctor):
    q = start(hq, cadre=cadre, doctor=doctor)
    fu = services.record_follow_up(doctor, q, temperature="38.4", method="visit")
    services.end_quarantine(doctor, q, status="transferred_to_hospital", reason="县医院发热门诊")
    fu.transfer.refresh_from_db()
    assert fu.transfer.status == TransferStatus.DONE
    with pytest.raises(ValidationError):
        services.end_quarantine(doctor, q, status="became_case")


def test_release_is_not_an_other_ending(hq, cadre, doctor):
    q = start(hq, cadre=cadre, doctor=doctor)
    with pytest.raises(ValidationError) as exc:
        services.end_quarantine(cadre, q, status="released")
    assert "status" in exc.value.message_dict


# Changes while active --------------------------------------------------------------------------

def test_extending_the_planned_end_adds_slots_and_shortening_drops_them(hq, cadre, doctor):
    q = start(hq, cadre=cadre, doctor=doctor)
    count = len(slots(q))
    q = services.change_planned_end(cadre, q, planned_end=q.planned_end + datetime.timedelta(days=2), reason="复查")
    assert len(slots(q)) == count + 4
    with pytest.raises(ValidationError) as exc:
        services.change_planned_end(cadre, q, planned_end=q.planned_end, reason="")
    assert "reason" in exc.value.message_dict
    services.change_planned_end(cadre, q, planned_end=q.planned_end - datetime.timedelta(days=3), reason="更正")
    assert len(slots(q)) == count - 2


def test_changing_the_responsible_moves_the_due_slots(hq, cadre, doctor):
    q = start(hq, cadre=cadre, doctor=doctor)
    done = services.record_follow_up(doctor, q, temperature="36.6", method="phone")
    new_doctor = f.user("doctor_a1_b", Role.DOCTOR, f.VILLAGE_A1)
    services.assign_responsible(hq, q, doctor=new_doctor)
    assert set(q.follow_ups.filter(status="due").values_list("doctor", flat=True)) == {new_doctor.pk}
    done.refresh_from_db()
    assert done.doctor == doctor  # history stays with who was responsible then
