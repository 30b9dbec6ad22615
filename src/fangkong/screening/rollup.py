"""What the ledger contributes to the daily roll-up (see fangkong.analytics.counters).

Metrics (per region and day):
  households_visited         household visits recorded that day
  kp_new.<category>          key persons registered that day
  kp_in.<category>           entering management that day  (stock: under management)
  kp_out.<category>          leaving management that day (released, transferred, moved away)
  kp_released.<category>     released that day
  checks_done                daily checks recorded that day (one per key person per day)
  fevers_found               checks that day at or above the fever threshold
"""

import datetime
from decimal import Decimal

from django.db.models import Q

from fangkong.analytics import counters

from .models import DailyCheck, HouseholdVisit, KeyPerson, Status

FEVER_THRESHOLD = Decimal("37.3")


def key_person_contributions(kp: KeyPerson) -> list[counters.Contribution]:
    found = [
        (kp.region_id, kp.registered_on, f"kp_new.{kp.category}", 1),
        (kp.region_id, kp.registered_on, f"kp_in.{kp.category}", 1),
    ]
    if kp.status != Status.UNDER_MANAGEMENT and kp.ended_on:
        found.append((kp.region_id, kp.ended_on, f"kp_out.{kp.category}", 1))
        if kp.status == Status.RELEASED:
            found.append((kp.region_id, kp.ended_on, f"kp_released.{kp.category}", 1))
    return found


def daily_check_contributions(check: DailyCheck) -> list[counters.Contribution]:
    found = [(check.region_id, check.checked_on, "checks_done", 1)]
    if Decimal(check.temperature) >= FEVER_THRESHOLD:
        found.append((check.region_id, check.checked_on, "fevers_found", 1))
    return found


def visit_contributions(visit: HouseholdVisit) -> list[counters.Contribution]:
    return [(visit.region_id, visit.visited_on, "households_visited", 1)]


def _key_persons_for_day(day: datetime.date):
    return KeyPerson.objects.filter(Q(registered_on=day) | Q(ended_on=day))


counters.register("key_person", key_person_contributions, _key_persons_for_day)
counters.register("daily_check", daily_check_contributions, lambda day: DailyCheck.objects.filter(checked_on=day))
counters.register("household_visit", visit_contributions, lambda day: HouseholdVisit.objects.filter(visited_on=day))
