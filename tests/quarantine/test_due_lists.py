"""Due lists read only the open slots (the partial index followup_open_due), and "my people today" keeps an
ended order on the list while a slot of it is still open."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.quarantine import selectors, services
from fangkong.quarantine.models import FollowUp

from .helpers import days_ago, key_person, local, start


def test_an_ended_order_with_a_missed_slot_stays_on_my_people_today(hq, cadre, doctor):
    active = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
    ended = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
    services.end_quarantine(hq, ended, status="transferred_to_hospital", at=local(days_ago(1), 12), reason="送医")
    now = local(days_ago(0), 9)
    with CaptureQueriesContext(connection) as ctx:
        people = {p.quarantine.pk: p for p in selectors.my_people_today(cadre, now=now)}
    assert len(ctx.captured_queries) == 3  # slots, active orders, the ended order by key
    assert set(people) == {active.pk, ended.pk}
    missed = people[ended.pk].overdue_before
    assert [s.due_at for s in missed] == [local(days_ago(2), 8), local(days_ago(2), 18), local(days_ago(1), 8)]
    assert people[ended.pk].state == "overdue" and people[ended.pk].today == []
    for slot in missed:
        services.excuse_follow_up(cadre, slot, reason="电话未接通")
    with CaptureQueriesContext(connection) as ctx:
        people = {p.quarantine.pk: p for p in selectors.my_people_today(cadre, now=now)}
    assert set(people) == {active.pk} and len(ctx.captured_queries) == 2


def test_due_lists_and_counts_leave_out_recorded_and_excused_slots(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
    now = local(days_ago(0), 9)
    first, second, third = FollowUp.objects.filter(quarantine=q, due_at__lt=now).order_by("due_at")[:3]
    services.record_follow_up(doctor, q, temperature="36.5", method="phone", at=first.due_at, slot=first)
    services.excuse_follow_up(cadre, second, reason="外出就医")
    open_before_now = list(FollowUp.objects.filter(quarantine=q, status="due", due_at__lte=now).order_by("due_at"))
    listed = selectors.due_follow_ups(hq, now=now)
    assert [fu.pk for fu in listed] == [fu.pk for fu in open_before_now] and listed[0].pk == third.pk
    overdue = [fu for fu in open_before_now if fu.due_at <= local(days_ago(0), 7)]
    assert selectors.overdue_count(hq, now=now) == len(overdue) == len(open_before_now) - 1
    rows = selectors.due_by_region(hq, now=now)
    assert sum(r.overdue for r in rows) == len(overdue) and sum(r.due_now for r in rows) == 1
