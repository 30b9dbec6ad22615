"""Demo data for isolation and follow-up (隔离观察与随访): orders, sites, follow-ups up to now.

Everyone the earlier steps put on the ledger (the sweeps' registrations, the checkpoints' risk
arrivals) gets the order its category's policy gives (most of them: transients mostly pass through),
started within two hours of the registration: returnees and other home cases isolated at home, close
contacts and suspected or confirmed cases in three designated hotels (集中医学观察点), each with a
village cadre and a doctor answerable for them (包保). Orders end as the ledger says (released, to
hospital, moved away) or are released at their planned end once it has come; the others are under
way today. Follow-ups twice a day: past slots recorded (a few late the same day, a few excused with a
reason, a few left overdue), this morning's or evening's slot due now, the later ones due later;
fevers in a fever case's first slots and a few at random open a fever-clinic transfer request, handled
within hours, and those of the last two days of orders under way are still open. The demo accounts
village1, village2, village3, grid1, doctor1 and doctor_town each answer for a few more people
registered in the last days, including at least one overdue slot and one fever. Slots keep falling
due after the build: opening the demo days later shows those days' slots as overdue, as it would in
a county that stopped recording.

Rows are bulk-inserted (see `quarantine_rows`); the roll-up counters get the contributions the services
would have tracked one write at a time (quarantine.rollup, and screening.rollup for the demo accounts'
people), summed, in one `track_change`.
"""

import random
from collections import Counter

from django.db import transaction

from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import Kind, QuarantinePolicy, QuarantineStatus
from fangkong.screening.models import KeyPerson

from . import quarantine_orders as orders
from . import quarantine_rows as rows
from . import quarantine_staff as staff
from .clock import clock_of

COUNTY = "420921000000"


def quarantine_demo(options, log):
    """The `fangkong demo-data` step for isolation and follow-up (in demo.steps.STEPS)."""
    clock = clock_of(options)
    rng = random.Random(2020_01_23)
    install_default_policies(QuarantinePolicy)
    policies = {p.category: p for p in QuarantinePolicy.objects.all()}
    with transaction.atomic():
        people = staff.Staff.build(rng)
        sites = staff.build_sites(people, clock)
        ledger = KeyPerson.objects.select_related("person").order_by("pk")
        plans = [p for kp in ledger if (p := orders.ledger_plan(kp, policies, people, rng, clock)) is not None]
        accounts_people = orders.demo_accounts_people(rng, people, clock)
        plans += [orders.account_plan(kp, policies, people, rng, clock) for kp in accounts_people]
        unplaced = staff.place(plans, sites)
        written = rows.write(plans, accounts_people, rng, clock.now)
        audit.record(SYSTEM, "demo.quarantine", object_type="demo", object_repr="隔离与随访演示数据",
                     region=COUNTY, after=written)
    _report(log, plans, written, sites, unplaced)


def _report(log, plans, written, sites, unplaced) -> None:
    active = Counter(p.order.kind for p in plans if p.order.status == QuarantineStatus.ACTIVE)
    beds = sum(room.capacity for site in sites for room in site.demo_rooms)
    log(f"quarantine: {len(plans)} orders ({active[Kind.HOME]} at home and {active[Kind.CENTRALISED]} "
        f"centralised active now), {len(sites)} observation sites ({beds} beds"
        f"{f', {unplaced} waiting for a room' if unplaced else ''}), "
        f"{written['follow_ups']} follow-ups ({written['overdue_now']} overdue now, {written['fevers']} fevers), "
        f"{written['transfers']} transfer requests ({written['transfers_open']} open)")

