"""The demo's orders: one per ledger entry (mostly), and those of the demo accounts' people.

An order is planned in memory (`Plan`): the Quarantine row with the policy values copied as
`start_quarantine` copies them, its follow-up slots (cut at its end), how it ends, and what
its follow-ups will show (fevers at the start of a fever case, a forced missed slot or fever
for the demo accounts' people). `quarantine_rows` turns plans into rows.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from fangkong.people.models import Person
from fangkong.quarantine.models import Quarantine, QuarantinePolicy, QuarantineStatus, Room
from fangkong.quarantine.schedule import day_start, local_day, policy_end, slot_times, tz
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as LedgerStatus

from . import screening as screening_demo
from .clock import Clock
from .quarantine_staff import Staff

# Share of the ledger with an order: transients mostly pass through, a few entries are not yet ordered.
ORDERED = {"transient": .5}
ORDERED_DEFAULT = .95
# First slots with a fever, by category (a fever case is feverish when registered).
FEVERISH_SLOTS = {"fever": 2, "suspected": 4, "confirmed": 2}
# Each demo account's people: where they live, their cadre, their categories, and which of them has
# a missed slot (left overdue) and a fever on the latest slot (a transfer request open).
FORCED = [
    ("420921001201001", "grid1", ["returnee", "returnee"], {"missed": 1}),
    ("420921001201", "village1", ["returnee", "returnee", "fever", "secondary_contact", "close_contact"],
     {"missed": 0, "fever": 2}),
    ("420921001202", "village2", ["returnee", "returnee", "close_contact", "fever"], {"missed": 0, "fever": 2}),
    ("420921002001", "village3", ["returnee", "returnee", "close_contact", "returnee"], {"missed": 0, "fever": 3}),
]


@dataclass
class Plan:
    kp: KeyPerson
    order: Quarantine
    slots: list[datetime.datetime]
    feverish: int = 0
    force_missed: bool = False
    force_fever: bool = False
    room: Room | None = None  # the room of its stay (an ended order keeps its stay, not its room)
    negative_test_at: datetime.datetime | None = None


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), tz())


def _order(kp: KeyPerson, policy: QuarantinePolicy, staff: Staff, start: datetime.datetime,
           exposure: datetime.datetime, cadre=None) -> Quarantine | None:
    """The order `start_quarantine` would make (policy values copied), or None when the policy's period is over."""
    arrival = day_start(kp.arrival_date) if kp.arrival_date else start
    end = policy_end(policy.counts_from, policy.length_days, start_at=start, arrival=arrival, last_exposure=exposure)
    if end <= start + datetime.timedelta(hours=1):
        return None
    cadre, doctor = cadre or staff.cadre(kp.region_id), staff.doctor(kp.region_id)
    return Quarantine(
        key_person=kp, region_id=kp.region_id, category=kp.category, kind=policy.kind, policy=policy,
        length_days=policy.length_days, counts_from=policy.counts_from, follow_up_times=list(policy.follow_up_times),
        fever_threshold=policy.fever_threshold, release_needs_negative_tests=policy.release_needs_negative_tests,
        counted_from=end - datetime.timedelta(days=policy.length_days), start_at=start, policy_end=end,
        planned_end=end, home_address=kp.person.address, cadre=cadre, doctor=doctor, created_by=cadre,
        created_at=start, updated_at=start)


def _end(plan: Plan, status: str, at: datetime.datetime, reason: str = "", **extra) -> None:
    """End the planned order at `at`: the slots from then on were never owed."""
    q = plan.order
    at = max(at, q.start_at + datetime.timedelta(hours=1))
    q.status, q.ended_at, q.end_reason, q.ended_by, q.updated_at = status, at, reason, q.cadre, at
    for name, value in extra.items():
        setattr(q, name, value)
    plan.slots = [s for s in plan.slots if s < at]
    if status == QuarantineStatus.RELEASED and q.release_needs_negative_tests:
        plan.negative_test_at = max(q.start_at + datetime.timedelta(minutes=10), at - datetime.timedelta(hours=20))


def _release_on_planned_day(plan: Plan, rng: random.Random, latest: datetime.datetime | None = None) -> None:
    """Released on the planned end's day (no reason needed), in the morning after its last slot."""
    q = plan.order
    at = max(q.planned_end, _local(local_day(q.planned_end), 9)) + datetime.timedelta(minutes=rng.randrange(90))
    if latest is not None:
        at = min(at, latest)
    _end(plan, QuarantineStatus.RELEASED, at)


def ledger_plan(kp: KeyPerson, policies: dict, staff: Staff, rng: random.Random, clock: Clock) -> Plan | None:
    """The order of a ledger entry, started within two hours of its registration, ending as the ledger says, at
    its planned end when that has come, or under way today."""
    if rng.random() >= ORDERED.get(kp.category, ORDERED_DEFAULT):
        return None
    start = max(kp.created_at, clock.clamp(kp.created_at + datetime.timedelta(minutes=rng.randrange(20, 120))))
    exposure = day_start(kp.registered_on - datetime.timedelta(days=rng.randrange(3)))
    order = _order(kp, policies[kp.category], staff, start, exposure)
    if order is None:
        return None
    plan = Plan(kp, order, slot_times(start, order.planned_end, order.follow_up_times),
                feverish=FEVERISH_SLOTS.get(kp.category, 0))
    latest = clock.now - datetime.timedelta(minutes=5)
    ended = None
    if kp.ended_on:
        ended = clock.moment(rng, kp.ended_on, (14, 15)) or min(_local(kp.ended_on, 15), latest)
    if kp.status == LedgerStatus.RELEASED and kp.ended_on == local_day(order.planned_end):
        _release_on_planned_day(plan, rng, latest)
    elif kp.status == LedgerStatus.RELEASED:
        _end(plan, QuarantineStatus.RELEASED, ended, kp.note or "核酸检测阴性，提前解除")
    elif kp.status == LedgerStatus.TRANSFERRED:
        _end(plan, QuarantineStatus.TRANSFERRED_TO_HOSPITAL, ended, kp.note or "转定点医院")
    elif kp.status == LedgerStatus.MOVED_AWAY:
        _end(plan, QuarantineStatus.MOVED_AWAY, ended, "返回工作地", handover_to=kp.origin or "外地")
    elif order.planned_end <= latest:
        _release_on_planned_day(plan, rng, latest)
    return plan


def contact_plan(kp: KeyPerson, policy: QuarantinePolicy, staff: Staff, rng: random.Random, clock: Clock, *,
                 start: datetime.datetime, exposure: datetime.datetime) -> Plan | None:
    """The order of a contact an investigation traced (tracing's confirm_contact starts it): by the category's
    policy from the last exposure (`exposure`, the start of its day), started at `start`, released on its planned
    end's day once that has come; None when the policy's days since the exposure are over."""
    order = _order(kp, policy, staff, start, exposure)
    if order is None:
        return None
    plan = Plan(kp, order, slot_times(start, order.planned_end, order.follow_up_times))
    latest = clock.now - datetime.timedelta(minutes=5)
    if order.planned_end <= latest:
        _release_on_planned_day(plan, rng, latest)
    return plan


# The demo accounts' people ----------------------------------------------------------------------

def _candidates(clock: Clock):
    """Residents not on the ledger (adults and teenagers), by region, in a fixed order."""
    rows = (Person.objects.filter(key_person_entries__isnull=True, birth_date__lte=screening_demo.adults_born_by(clock))
            .values_list("pk", "region_id").order_by("pk"))
    return list(rows)


def demo_accounts_people(rng: random.Random, staff: Staff, clock: Clock) -> list[KeyPerson]:
    """A few ledger entries in each demo account's village, registered in the last days; saved (the orders
    need their ids)."""
    candidates = _candidates(clock)
    taken: set[int] = set()
    chosen = []  # (person id, region code, category, cadre, forced flags)
    for code, cadre, categories, flags in FORCED:
        # village1's people are preferably outside grid 001 (grid1's), when the village has other grids
        here = sorted((c for c in candidates if c[1].startswith(code) and c[0] not in taken),
                      key=lambda c: c[1].startswith("420921001201001"))
        for i, (pk, region) in enumerate(here[:len(categories)]):
            taken.add(pk)
            chosen.append((pk, region, categories[i], staff.user(cadre),
                           {"missed": flags.get("missed") == i, "fever": flags.get("fever") == i}))
    people = Person.objects.in_bulk([pk for pk, *_rest in chosen])
    found = []
    for pk, region, category, cadre, flags in chosen:
        # the ledger's responsible worker is the grid's or village's; the order's cadre may be another
        kp = KeyPerson(person=people[pk], region_id=region, category=category, responsible=staff.cadre(region))
        kp.demo_cadre = cadre or kp.responsible
        kp.demo_start = _account_start(rng, clock)
        kp.registered_on = local_day(kp.demo_start)
        if category == "returnee":
            kp.origin = _weighted(rng, screening_demo.ORIGINS)
            back = rng.choice((0, 0, 1))
            kp.arrival_date = kp.departure_date = kp.registered_on - datetime.timedelta(days=back)
            kp.transport_mode, kp.transport_number = "train", rng.choice("GDK") + str(rng.randrange(1, 2000))
        if category == "fever":
            kp.symptoms = rng.choice(screening_demo.SYMPTOMS)
        kp.created_at = kp.updated_at = kp.demo_start - datetime.timedelta(minutes=rng.randrange(20, 60))
        kp.demo_flags = flags
        found.append(kp)
    KeyPerson.objects.bulk_create(found, batch_size=1000)
    return found


def _weighted(rng: random.Random, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _account_start(rng: random.Random, clock: Clock) -> datetime.datetime:
    """When the order starts: two to ten days ago (so it has slots past due, and is still under way), in the
    morning."""
    back = rng.randrange(2, min(11, clock.length))
    return _local(clock.today - datetime.timedelta(days=back), rng.randrange(8, 11), rng.randrange(60))


def account_plan(kp: KeyPerson, policies: dict, staff: Staff, rng: random.Random, clock: Clock) -> Plan:
    start = kp.demo_start
    exposure = day_start(kp.registered_on - datetime.timedelta(days=rng.randrange(2)))
    order = _order(kp, policies[kp.category], staff, start, exposure, cadre=kp.demo_cadre)
    plan = Plan(kp, order, slot_times(start, order.planned_end, order.follow_up_times),
                feverish=FEVERISH_SLOTS.get(kp.category, 0),
                force_missed=kp.demo_flags.get("missed", False), force_fever=kp.demo_flags.get("fever", False))
    latest = clock.now - datetime.timedelta(minutes=5)
    if order.planned_end <= latest:
        _release_on_planned_day(plan, rng, latest)
    return plan
