"""The quarantine demo step at a small scale: an order for (nearly) everyone on the ledger, ended as the
ledger says or under way today, the demo accounts' people, consistent follow-ups and transfers, counters
equal to a recomputation."""

import datetime

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.analytics import counters
from fangkong.core import region_codes as codes
from fangkong.core.health import is_fever
from fangkong.quarantine import permissions, selectors
from fangkong.quarantine.models import (
    FollowUp,
    FollowUpStatus,
    Kind,
    NucleicAcidTest,
    ObservationSite,
    Quarantine,
    QuarantineStatus,
    Stay,
    TransferRequest,
    TransferStatus,
)
from fangkong.quarantine.schedule import GRACE, local_day, slot_times
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as LedgerStatus


def _user(username: str) -> User:
    return User.objects.select_related("region").get(username=username)


def test_three_designated_hotels_with_rooms_managers_and_no_room_over_capacity(demo):
    sites = list(selectors.sites_for(_user("hq")))
    assert len(sites) == 3 and all(s.capacity >= 40 and s.manager_id for s in sites)
    assert {s.manager.username for s in sites} == {"hq", "town1", "town2"}
    assert sum(s.occupied for s in sites) == Quarantine.objects.filter(status="active", kind="centralised",
                                                                       room__isnull=False).count() > 0
    for stay in Stay.objects.select_related("room"):
        moment = stay.checked_in_at
        together = Stay.objects.filter(Q(checked_out_at__isnull=True) | Q(checked_out_at__gt=moment),
                                       room=stay.room, checked_in_at__lte=moment).count()
        assert together <= stay.room.capacity, stay.room


def test_most_ledger_entries_got_an_order_as_their_policy_says(demo):
    ledger = KeyPerson.objects.all()
    ordered = ledger.filter(quarantines__isnull=False).distinct()
    assert ordered.count() >= .85 * ledger.count()
    # started within two hours of the registration
    assert not Quarantine.objects.filter(start_at__lt=F("key_person__created_at")).exists()
    assert not Quarantine.objects.filter(start_at__gt=F("key_person__created_at") + datetime.timedelta(hours=2)).exists()
    assert not Quarantine.objects.values("key_person").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(Quarantine.objects.filter(category="returnee").values_list("kind", flat=True)) == {Kind.HOME}
    centralised = Quarantine.objects.filter(category="close_contact")
    assert centralised.exists() and not centralised.exclude(kind=Kind.CENTRALISED, site__isnull=False).exists()
    assert not Quarantine.objects.filter(kind=Kind.HOME, site__isnull=False).exists()
    assert not Quarantine.objects.filter(planned_end__lte=F("start_at")).exists()


def test_each_order_has_a_cadre_and_a_doctor_the_services_would_accept(demo):
    for q in Quarantine.objects.select_related("cadre", "doctor"):
        assert q.cadre.role in permissions.CADRES and codes.is_within(q.region_id, q.cadre.region_id), q
        assert q.doctor.role == Role.DOCTOR and codes.is_within(q.doctor.region_id, "420921000000"), q
        if q.kind == Kind.HOME:
            assert codes.is_within(q.region_id, q.doctor.region_id), q  # the village's own doctor


def test_follow_ups_are_the_slots_twice_a_day_cut_at_the_end(demo):
    for q in Quarantine.objects.all():
        expected = slot_times(q.start_at, q.planned_end, q.follow_up_times)
        if q.ended_at:
            expected = [s for s in expected if s < q.ended_at]
        found = list(q.follow_ups.filter(scheduled=True).order_by("due_at").values_list("due_at", flat=True))
        assert found == expected, q.pk
    assert q.follow_up_times == ["08:00", "18:00"]


def test_orders_end_as_the_ledger_says_and_leave_nothing_due(demo):
    clock = demo.clock
    ended = Quarantine.objects.exclude(status=QuarantineStatus.ACTIVE)
    assert ended.filter(status=QuarantineStatus.RELEASED).count() > 10
    assert not ended.filter(ended_at__gt=clock.now).exists()
    assert not FollowUp.objects.filter(quarantine__in=ended, status=FollowUpStatus.DUE).exists()
    assert FollowUp.objects.filter(status=FollowUpStatus.EXCUSED).exclude(excuse_reason="").exists()
    for q in ended.exclude(status=QuarantineStatus.RELEASED).select_related("key_person"):
        assert q.key_person.status != LedgerStatus.UNDER_MANAGEMENT, q.pk  # to hospital or away: off the ledger too
    released = Quarantine.objects.filter(status=QuarantineStatus.RELEASED)
    assert not FollowUp.objects.filter(quarantine__in=released, status=FollowUpStatus.DUE).exists()
    assert not TransferRequest.objects.filter(quarantine__in=released,
                                              status__in=[TransferStatus.OPEN, TransferStatus.ASSIGNED]).exists()
    for q in released.filter(release_needs_negative_tests=True):
        assert NucleicAcidTest.objects.filter(quarantine=q, result="negative", sampled_at__lt=q.ended_at).exists()
    # released on the planned end's day, or with a reason
    for q in released:
        assert local_day(q.ended_at) == local_day(q.planned_end) or q.end_reason, q.pk


def test_recorded_follow_ups_keep_the_services_rules(demo):
    now = demo.clock.now
    done = FollowUp.objects.filter(status=FollowUpStatus.DONE).select_related("quarantine")
    assert done.count() > 500
    for fu in done:
        q = fu.quarantine
        assert q.start_at <= fu.done_at <= now and fu.recorded_at <= now
        assert local_day(fu.done_at) == local_day(fu.due_at)
        assert q.ended_at is None or fu.done_at < q.ended_at
        assert 34 <= fu.temperature <= 43 and fu.method in ("phone", "visit", "self_report")
        assert fu.fever == is_fever(fu.temperature, q.fever_threshold)
        assert fu.alert == (fu.fever or bool(fu.symptoms)) and (fu.transfer_id is not None) == fu.alert
    assert not FollowUp.objects.filter(status=FollowUpStatus.DUE).exclude(done_at=None).exists()
    assert not TransferRequest.objects.filter(closed_at__lt=F("opened_at")).exists()


def test_today_has_overdue_follow_ups_fevers_and_open_transfers(demo):
    now, hq = demo.clock.now, _user("hq")
    live = Quarantine.objects.filter(status=QuarantineStatus.ACTIVE)
    assert live.count() >= 30 and not live.filter(start_at__gt=now).exists()
    assert not live.filter(planned_end__lte=now - datetime.timedelta(hours=1)).exists()
    assert FollowUp.objects.filter(quarantine__in=live, status=FollowUpStatus.DUE, due_at__gt=now).exists()
    assert selectors.overdue_count(hq) >= 4
    assert FollowUp.objects.filter(fever=True, due_at__gte=now - datetime.timedelta(days=2)).exists()
    assert selectors.transfers_for(hq, open_only=True).count() >= 3
    assert FollowUp.objects.filter(due_at__lt=now - datetime.timedelta(days=2), fever=True).exists()


@pytest.mark.parametrize("username", ["village1", "village2", "village3", "grid1", "doctor1", "doctor_town"])
def test_each_demo_account_has_people_today_with_an_overdue_follow_up(demo, username):
    user = _user(username)
    people = selectors.my_people_today(user)
    assert people and people[0].state == "overdue"
    overdue = selectors.due_follow_ups(user, mine=True, overdue_only=True)
    assert overdue and all(fu.due_at <= timezone.now() - GRACE for fu in overdue)


@pytest.mark.parametrize("username", ["village1", "village2", "village3"])
def test_village_workers_see_an_open_fever_transfer(demo, username):
    user = _user(username)
    open_transfers = selectors.transfers_for(user, open_only=True)
    assert open_transfers.filter(quarantine__cadre=user).exists()
    assert all(codes.is_within(t.region_id, user.region_id) for t in open_transfers)


def _days_touched() -> set[datetime.date]:
    days = {local_day(m) for m in FollowUp.objects.values_list("due_at", flat=True)}
    for start, end in Quarantine.objects.values_list("start_at", "ended_at"):
        days |= {local_day(m) for m in (start, end) if m}
    for opened, closed in TransferRequest.objects.values_list("opened_at", "closed_at"):
        days |= {local_day(m) for m in (opened, closed) if m}
    return days | set(KeyPerson.objects.values_list("registered_on", flat=True))


def test_counters_equal_a_recomputation(demo):
    days = _days_touched()
    assert set(demo.clock.days()) <= days
    for day in sorted(days):
        assert counters.differences(day) == {}, day
    today, county = demo.clock.today, "420921000000"
    stock = counters.stock([county], today, ["q_in.home", "q_in.centralised", "tr_opened"],
                           ["q_out.home", "q_out.centralised", "tr_closed"])[county]
    active = Quarantine.objects.filter(status=QuarantineStatus.ACTIVE)
    assert stock == {"q_in.home": active.filter(kind=Kind.HOME).count(),
                     "q_in.centralised": active.filter(kind=Kind.CENTRALISED).count(),
                     "tr_opened": TransferRequest.objects.filter(status__in=["open", "assigned"]).count()}


def test_reports_what_it_built(demo):
    assert "quarantine:" in demo.log and "observation sites" in demo.log
    assert ObservationSite.objects.count() == 3
