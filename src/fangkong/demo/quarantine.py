"""Demo data for isolation and follow-up (隔离观察与随访): orders, sites, two weeks of follow-ups.

The demo county lives in early 2020 and the clock does not, so the step builds two parts:

* **2020, history.** The screening demo's ledger (as of 2 February 2020) gets its quarantine
  orders: returnees and other home cases isolated at home, close contacts and suspected or
  confirmed cases in three designated hotels (集中医学观察点), each with a village cadre and a
  doctor answerable for them (包保), and follow-ups twice a day for the whole period: about 3 %
  missed (recorded late the same day, or excused with a reason), fevers in the first days of
  fever cases and a few at random, each opening a fever-clinic transfer request handled within
  hours. Orders end as the ledger says (released, to hospital, moved away); the ones still
  under way on 2 February run to their planned end in February 2020 and are released then.
  Nothing of 2020 is left due: a list that showed six-year-old slots first would hide today's.
* **Now, live.** A few hundred people registered in the last two weeks of the real calendar are
  in isolation on the day the demo is built, so "due now", "overdue" and "my people today" show
  something: past slots recorded except a few missed (overdue until recorded or excused), this
  morning's or evening's slot due now, the rest due later, fevers of the last two days with open
  transfer requests, a few orders released today. The demo accounts village1, village2,
  village3, grid1, doctor1 and doctor_town each answer for some of them, including at least one
  overdue slot and one fever. Slots keep falling due after the build: opening the demo days
  later shows those days' slots as overdue, as it would in a county that stopped recording.

Rows are bulk-inserted (see `quarantine_rows`); the roll-up counters get the contributions the services
would have tracked one write at a time (quarantine.rollup, and screening.rollup for the live
ledger entries), summed, in one `track_change`.
"""

import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from fangkong.audit import services as audit
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import Kind, QuarantinePolicy, QuarantineStatus
from fangkong.screening.models import KeyPerson

from . import quarantine_orders as orders
from . import quarantine_rows as rows
from . import quarantine_staff as staff

COUNTY = "420921000000"


def quarantine_demo(options, log):
    """The `fangkong demo-data` step for isolation and follow-up (appended to demo.steps.STEPS)."""
    rng = random.Random(2020_01_23)
    now = timezone.now()
    install_default_policies(QuarantinePolicy)
    policies = {p.category: p for p in QuarantinePolicy.objects.all()}
    with transaction.atomic():
        people = staff.Staff.build(rng)
        sites = staff.build_sites(people)
        history = KeyPerson.objects.select_related("person").order_by("pk")
        plans = [p for kp in history if (p := orders.history_plan(kp, policies, people, rng)) is not None]
        live_key_persons = orders.live_key_persons(rng, people, now)
        plans += [orders.live_plan(kp, policies, people, rng, now) for kp in live_key_persons]
        unplaced = staff.place(plans, sites)
        written = rows.write(plans, live_key_persons, rng, now)
        audit.record(None, "demo.quarantine", object_type="demo", object_repr="quarantine demo data",
                     region=COUNTY, after=written)
    _report(log, plans, written, sites, people, unplaced)


def _report(log, plans, written, sites, people, unplaced) -> None:
    active = Counter(p.order.kind for p in plans if p.order.status == QuarantineStatus.ACTIVE)
    beds = sum(room.capacity for site in sites for room in site.demo_rooms)
    log(f"quarantine: {len(plans)} orders ({active[Kind.HOME]} at home and {active[Kind.CENTRALISED]} "
        f"centralised active now), {len(sites)} observation sites ({beds} beds"
        f"{f', {unplaced} waiting for a room' if unplaced else ''}), {people.created} cadres and doctors added, "
        f"{written['follow_ups']} follow-ups ({written['overdue_now']} overdue now, {written['fevers']} fevers), "
        f"{written['transfers']} transfer requests ({written['transfers_open']} open)")

