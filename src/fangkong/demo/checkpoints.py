"""Demo data of checkpoints, places and check-ins (a step of `fangkong demo-data`, after the sweeps).

On the demo days (demo.clock): set up on the morning of day 1, traffic every day up to now, so
today's pages (passages, tasks, compliance, reconciliation) show a county at work today.

* Risk areas: 湖北省武汉市 (4201) from day 1 and 黄冈市 (4211) from day 2 until further notice, 温州市
  (3303) from three days ago for five weeks.
* 15 checkpoints of every kind (one dock closed four days ago), four duty staff each
  (`cpstaff_NN_K`, the demo password) plus the demo accounts `checkpoint` and `checkpoint1` on duty
  now at the highway exits in their scope; three shifts a day; two five-haves inspections each, the
  latest failing one item at two of them.
* About 60 places (six per township, the county's three halls and cinema, a temple, the bus
  station's waiting hall), schools/venues/temple closed since they were registered, a restaurant
  closed for three days last week; a place code for every place and checkpoint.
* Traffic (demo_traffic): tens of thousands of passages, risk arrivals put on their village's
  ledger with arrival tasks, thousands of check-ins, daily hygiene logs, and seven hidden
  returnees; at the end the reconciliation runs (their `unlisted` tasks: six found, one too recent).

`--residents` scales the traffic (100,000 residents: the full volume). Counters: the contributions
the services would have tracked, summed, in one `track_change`.
"""

import random
from collections import Counter

from django.db import transaction

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.rollup import checkpoint_contributions, fever_threshold, passage_contributions
from fangkong.core.actors import SYSTEM
from fangkong.places.models import CheckIn, HygieneLog
from fangkong.places.rollup import (
    check_in_contributions,
    closure_contributions,
    hygiene_contributions,
    place_contributions,
)
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import KeyPersonEvent
from fangkong.screening.rollup import task_contributions
from fangkong.tracing.services.reconciliation import reconcile

from . import checkpoint_sites as sites
from .checkpoint_traffic import Residents, Traffic, typed_as_registered
from .clock import clock_of
from .screening import Workers, insert_rows

COUNTY = sites.COUNTY
FULL_SCALE = 100_000
# the demo accounts' villages get a risk arrival today (village1 through its grid 001: grid1 sees it too)
ARRIVALS_TODAY = ["420921001201001", "420921001202", "420921002001"]


def checkpoints_demo(options, log):
    """The `fangkong demo-data` step for checkpoints, places and check-ins (in demo.steps.STEPS)."""
    clock = clock_of(options)
    rng = random.Random(2020_01_24)
    scale = max(.03, min(2.0, options.get("residents", FULL_SCALE) / FULL_SCALE))
    admin = User.objects.filter(username="admin").first()
    with transaction.atomic():
        geo = sites.Geography()
        sites.install_risk_areas(admin, clock)
        checkpoints = sites.build_checkpoints(geo, clock)
        crews = sites.build_staff(rng, checkpoints)
        shifts = sites.build_shifts(checkpoints, crews, clock)
        inspections = sites.build_inspections(rng, checkpoints, clock)
        places = sites.build_places(rng, geo, clock)
        closures = sites.build_closures(places, clock)
        place_codes = sites.build_codes(places, checkpoints, clock)

        traffic = Traffic(rng, clock, scale, crews, Workers())
        residents = Residents(rng)
        for cp in checkpoints:
            traffic.passages_of(cp, residents)
        traffic.arrivals(checkpoints, residents, ARRIVALS_TODAY)
        traffic.hidden_returnees(checkpoints, places, residents)
        traffic.check_ins_at(places, checkpoints, residents)
        traffic.hygiene_logs(places, clock.first_day)
        traffic.save_linked()
        insert_rows(KeyPersonEvent, traffic.events)
        traffic.passages.sort(key=lambda r: r.passed_at)
        insert_rows(Passage, traffic.passages)
        traffic.check_ins.sort(key=lambda r: r.checked_in_at)
        typed_as_registered(traffic.check_ins)
        insert_rows(CheckIn, traffic.check_ins)
        insert_rows(HygieneLog, traffic.hygiene)
        _track(checkpoints, places, closures, traffic)
        summary = reconcile(SYSTEM, now=clock.now)
        figures = {"checkpoints": len(checkpoints), "shifts": len(shifts), "inspections": len(inspections),
                   "places": len(places), "closures": len(closures), "place_codes": len(place_codes),
                   "passages": len(traffic.passages) + len(traffic.linked), "check_ins": len(traffic.check_ins),
                   "hygiene_logs": len(traffic.hygiene), "returnees_listed": len(traffic.key_persons),
                   "hidden_returnees": len(traffic.hidden), "unlisted_found": summary.opened}
        audit.record(SYSTEM, "demo.checkpoints", object_type="demo", object_repr="卡点与场所演示数据", region=COUNTY,
                     after=figures)
    log(f"checkpoints: {figures['checkpoints']} checkpoints ({figures['shifts']} duty shifts, "
        f"{sum(1 for cp in checkpoints if cp.five_haves_ok is False)} failing the five haves), "
        f"{figures['passages']} passages in {clock.length} days, {figures['places']} places "
        f"({sum(1 for p in places if p.is_closed)} closed), {figures['check_ins']} check-ins, "
        f"{figures['hygiene_logs']} hygiene logs, {figures['returnees_listed']} risk arrivals put on the ledger, "
        f"{figures['hidden_returnees']} hidden returnees ({figures['unlisted_found']} found by the reconciliation)")


def _track(checkpoints, places, closures, traffic: Traffic) -> None:
    """The contributions the services would have tracked one write at a time, summed."""
    threshold = fever_threshold()
    region_of_place = {p.pk: p.region_id for p in places}
    items = [c for cp in checkpoints for c in checkpoint_contributions(cp)]
    items += [c for row in traffic.passages for c in passage_contributions(row, threshold)]
    items += [c for p in traffic.linked for c in passage_contributions(p, threshold)]
    items += [c for p in places for c in place_contributions(p)]
    items += [c for o in closures for c in closure_contributions(o, region_code=region_of_place[o.place_id])]
    items += [c for row in traffic.hygiene for c in hygiene_contributions(row)]
    items += [c for row in traffic.check_ins for c in check_in_contributions(row)]
    items += [c for kp in traffic.key_persons for c in screening_rollup.key_person_contributions(kp)]
    items += [c for t in traffic.tasks for c in task_contributions(t)]
    summed = Counter()
    for code, day, metric, amount in items:
        summed[(code, day, metric)] += amount
    counters.track_change([], [(code, day, metric, amount) for (code, day, metric), amount in summed.items()])
