"""Follow-ups: due slots, due now / overdue across midnight and the last day, recording, excusing, alerts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fangkong.audit.models import AuditEntry
from fangkong.quarantine import selectors, services
from fangkong.quarantine.models import FollowUpStatus, TransferRequest, TransferStatus
from fangkong.quarantine.schedule import day_start, slot_times

from .helpers import days_ago, key_person, local, slots, start

# Slots ------------------------------------------------------------------------------------------


def test_slots_start_after_the_start_and_cross_midnight():
    begin = local(datetime.date(2020, 2, 1), 20, 0)  # after the evening slot
    end = local(datetime.date(2020, 2, 3), 8, 0)  # exactly at a slot: the end is not included
    found = slot_times(begin, end, ["08:00", "18:00"])
    assert found == [local(datetime.date(2020, 2, 2), 8), local(datetime.date(2020, 2, 2), 18)]


def test_slots_of_an_order_counted_from_its_start_include_the_last_days_morning(hq, cadre, doctor):
    begin = local(days_ago(5), 10, 0)
    q = start(hq, key_person(category="fever"), cadre=cadre, doctor=doctor, start_at=begin)
    found = slots(q)
    assert found[0] == local(days_ago(5), 18)
    last_day = days_ago(5) + datetime.timedelta(days=14)
    assert found[-2:] == [local(last_day - datetime.timedelta(days=1), 18), local(last_day, 8)]
    assert len(found) == 28


def test_slots_of_an_order_counted_from_arrival_stop_before_the_release_day(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(4)), cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 20, 30))
    found = slots(q)
    assert found[0] == local(days_ago(2), 8)  # started after the evening slot: the next morning is the first
    release_day = days_ago(4) + datetime.timedelta(days=14)
    assert q.planned_end == day_start(release_day)
    assert found[-1] == local(release_day - datetime.timedelta(days=1), 18)
    assert all(s.date() < release_day for s in found)


# Due now and overdue ----------------------------------------------------------------------------

@pytest.fixture
def order(hq, cadre, doctor):
    """A returnee whose follow-ups run from three days ago (08:00 and 18:00)."""
    return start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))


def test_a_slot_is_due_now_then_overdue_after_the_grace_period(order, cadre):
    evening = local(days_ago(2), 18)

    def listed(minutes_after, **kw):
        now = evening + datetime.timedelta(minutes=minutes_after)
        return evening in [fu.due_at for fu in selectors.due_follow_ups(cadre, mine=True, now=now, **kw)]

    assert not listed(-1)  # not yet due
    assert listed(30) and not listed(30, overdue_only=True)  # due now
    assert listed(121, overdue_only=True)  # overdue after two hours


def test_an_evening_slot_missed_stays_overdue_after_midnight_until_recorded(order, cadre, doctor):
    day = days_ago(2)
    late_evening = local(day, 23, 0)
    for fu in order.follow_ups.filter(due_at__lt=local(day, 12)):
        services.record_follow_up(doctor, order, temperature="36.5", method="phone", at=fu.due_at, slot=fu)

    (person,) = selectors.my_people_today(cadre, now=late_evening)
    assert person.state == "overdue"
    assert [(s.due_at, s.status) for s in person.today] == [(local(day, 8), "done"), (local(day, 18), "due")]

    after_midnight = local(day + datetime.timedelta(days=1), 0, 30)
    (person,) = selectors.my_people_today(doctor, now=after_midnight)
    assert person.state == "overdue"
    assert [s.due_at for s in person.overdue_before] == [local(day, 18)]
    assert [s.due_at for s in person.today] == [local(day + datetime.timedelta(days=1), h) for h in (8, 18)]
    assert selectors.overdue_count(cadre, now=after_midnight) == 1

    missed = person.overdue_before[0]
    services.record_follow_up(doctor, order, temperature="36.7", method="phone", at=local(day, 21, 10), slot=missed)
    (person,) = selectors.my_people_today(doctor, now=after_midnight)
    assert person.overdue_before == [] and person.state == "upcoming"
    assert selectors.overdue_count(cadre, now=after_midnight) == 0


def test_across_the_last_day_the_release_day_has_nothing_due(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(14)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 10))
    assert q.planned_end == day_start(days_ago(0))
    (person,) = selectors.my_people_today(cadre, now=local(days_ago(1), 19))  # the last day, evening
    assert [s.due_at for s in person.today] == [local(days_ago(1), 8), local(days_ago(1), 18)]
    assert [s.due_at for s in person.overdue_before] == [local(days_ago(2), 18)]
    assert person.next_slot.due_at == local(days_ago(1), 18) and person.state == "overdue"

    (person,) = selectors.my_people_today(cadre, now=local(days_ago(0), 9))  # the release day
    assert person.today == [] and person.next_slot is None
    assert len(person.overdue_before) == 3  # nothing missed disappears with the period
    for slot in person.overdue_before:
        services.record_follow_up(doctor, q, temperature="36.4", method="phone", at=slot.due_at, slot=slot)
    (person,) = selectors.my_people_today(cadre, now=local(days_ago(0), 9))
    assert person.overdue_before == [] and person.state == "done"


def test_an_excused_overdue_slot_leaves_the_lists_with_its_reason(order, cadre):
    now = local(days_ago(0), 0, 30)
    first = selectors.due_follow_ups(cadre, mine=True, now=now)[0]
    before = selectors.overdue_count(cadre, now=now)
    services.excuse_follow_up(cadre, first, reason="本人外出做核酸检测，电话未接通")
    assert first.pk not in [fu.pk for fu in selectors.due_follow_ups(cadre, mine=True, now=now)]
    assert selectors.overdue_count(cadre, now=now) == before - 1
    first.refresh_from_db()
    assert (first.status, first.excuse_reason) == (FollowUpStatus.EXCUSED, "本人外出做核酸检测，电话未接通")
    assert AuditEntry.objects.filter(action="follow_up.excuse", object_id=str(first.pk)).exists()


def test_excusing_needs_a_reason_and_a_slot_whose_time_has_come(order, cadre):
    first = order.follow_ups.order_by("due_at").first()
    with pytest.raises(ValidationError) as exc:
        services.excuse_follow_up(cadre, first, reason="  ")
    assert "reason" in exc.value.message_dict
    future = order.follow_ups.order_by("-due_at").first()
    with pytest.raises(ValidationError) as exc:
        services.excuse_follow_up(cadre, future, reason="不想去")
    assert "还没到时间" in exc.value.messages[0]


# Recording --------------------------------------------------------------------------------------

def test_a_follow_up_fills_the_days_nearest_slot_then_extra_ones_are_unscheduled(order, doctor):
    day = days_ago(1)
    fu = services.record_follow_up(doctor, order, temperature="36.5", method="phone", at=local(day, 17))
    assert fu.scheduled and fu.due_at == local(day, 18)
    fu = services.record_follow_up(doctor, order, temperature="36.6", method="phone", at=local(day, 17, 30))
    assert fu.scheduled and fu.due_at == local(day, 8)  # the only one left that day
    extra = services.record_follow_up(doctor, order, temperature="36.6", method="self_report", at=local(day, 21))
    assert not extra.scheduled and extra.due_at == local(day, 21) and extra.status == FollowUpStatus.DONE


def test_a_noon_check_is_an_extra_one_not_the_evenings(order, doctor):
    day = days_ago(1)
    services.record_follow_up(doctor, order, temperature="36.5", method="phone", at=local(day, 8))
    noon = services.record_follow_up(doctor, order, temperature="36.9", method="phone", at=local(day, 12))
    assert not noon.scheduled
    assert order.follow_ups.get(due_at=local(day, 18)).status == FollowUpStatus.DUE


def test_a_slot_is_recorded_once_and_only_with_a_time_on_its_day(order, doctor):
    slot = order.follow_ups.order_by("due_at").first()
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, temperature="36.5", method="phone", slot=slot)  # today ≠ its day
    assert "at" in exc.value.message_dict
    services.record_follow_up(doctor, order, temperature="36.5", method="phone", slot=slot, at=slot.due_at)
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, temperature="36.5", method="phone", slot=slot, at=slot.due_at)
    assert "不能重复记录" in exc.value.message_dict["slot"][0]


def test_fever_raises_an_alert_and_opens_a_transfer_request(order, doctor, hq):
    fu = services.record_follow_up(doctor, order, temperature="38.1", method="phone")
    assert fu.fever and fu.alert and fu.temperature == Decimal("38.1")
    transfer = fu.transfer
    assert transfer.status == TransferStatus.OPEN and "38.1" in transfer.reason
    assert transfer.region_id == order.region_id
    assert [t.pk for t in selectors.transfers_for(hq, open_only=True)] == [transfer.pk]
    assert AuditEntry.objects.filter(action="transfer_request.open", object_id=str(transfer.pk)).exists()


def test_a_listed_symptom_alone_raises_an_alert_and_repeat_alerts_join_the_open_request(order, doctor):
    first = services.record_follow_up(doctor, order, temperature="36.8", method="visit", symptoms=["cough"],
                                      at=local(days_ago(1), 8))
    assert first.alert and not first.fever and first.symptoms == ["cough"]
    second = services.record_follow_up(doctor, order, temperature="37.3", method="visit",
                                       symptoms=["fatigue", "cough"], at=local(days_ago(1), 18))
    assert second.fever  # at the threshold counts
    assert second.symptoms == ["cough", "fatigue"]
    assert second.transfer == first.transfer
    assert TransferRequest.objects.filter(quarantine=order).count() == 1


def test_normal_follow_up_raises_nothing(order, doctor):
    fu = services.record_follow_up(doctor, order, temperature="37.2", method="phone")
    assert not fu.alert and fu.transfer is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"temperature": "33.9"}, "temperature"),
    ({"temperature": "43.1"}, "temperature"),
    ({"temperature": "三十六"}, "temperature"),
    ({"method": "wechat"}, "method"),
    ({"symptoms": ["headache"]}, "symptoms"),
    ({"at": "tomorrow"}, "at"),
])
def test_bad_values_are_refused_by_field(order, doctor, changes, field):
    values = {"temperature": "36.5", "method": "phone", **changes}
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, **values)
    assert field in exc.value.message_dict
    assert not order.follow_ups.filter(status=FollowUpStatus.DONE).exists()


def test_a_follow_up_in_the_future_or_before_the_start_is_refused(order, doctor):
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, temperature="36.5", method="phone",
                                  at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1))
    assert "将来" in exc.value.message_dict["at"][0]
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, temperature="36.5", method="phone", at=local(days_ago(4), 9))
    assert "早于隔离开始时间" in exc.value.message_dict["at"][0]


def test_a_released_order_takes_no_more_follow_ups(order, cadre, doctor):
    for fu in order.follow_ups.filter(status="due", due_at__lte=datetime.datetime.now(datetime.UTC)):
        services.excuse_follow_up(cadre, fu, reason="补录")
    services.release_quarantine(cadre, order, reason="核实后提前解除")
    with pytest.raises(ValidationError) as exc:
        services.record_follow_up(doctor, order, temperature="36.5", method="phone")
    assert "已解除" in exc.value.messages[0]
