"""A county with an outbreak over the last days, written as the tracing and ledger services would (counters
moved with each row): the dashboard's and the brief's tests of the epidemic situation read it."""

import datetime

from django.utils import timezone

from fangkong.accounts.models import Role
from tests import factories as f
from tests.analytics import ledger
from tests.tracing import outbreak

# what the cases' persons are called, and their numbers: no brief or dashboard may show them
NAMES = ("欧阳确诊", "司马疑似", "上官无症")


def day(offset: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=offset)


def outbreak_county() -> datetime.date:
    """In 花园镇 and one case in 丰山镇: cases reported, reclassified (asymptomatic → confirmed, suspected →
    excluded), discharged and dead; contacts confirmed; close contacts on the ledger, two released. Today."""
    today = day(0)
    at = outbreak.at
    mild = outbreak.counted(outbreak.case(outbreak.person(name=NAMES[0]), reported_at=at(day(3)), severity="mild"))
    turned = outbreak.counted(outbreak.case(outbreak.person(name=NAMES[2]), classification="asymptomatic",
                                            reported_at=at(day(2))))
    outbreak.reclassified(turned, "confirmed", severity="moderate", when=at(today, 8))
    outbreak.counted(outbreak.case(outbreak.person(name=NAMES[1]), classification="suspected",
                                   reported_at=at(today, 7)))
    outbreak.counted(outbreak.case(classification="asymptomatic", reported_at=at(today, 10)))
    outbreak.counted(outbreak.case(reported_at=at(day(6)), severity="severe"))
    discharged = outbreak.counted(outbreak.case(reported_at=at(day(5)), severity="severe"))
    outbreak.ended(discharged, "discharged", at(today, 9))
    dead = outbreak.counted(outbreak.case(reported_at=at(day(4)), severity="critical"))
    outbreak.ended(dead, "died", at(today, 6))
    critical = outbreak.counted(outbreak.case(reported_at=at(today, 11), severity="critical", region=f.VILLAGE_B1))
    excluded = outbreak.counted(outbreak.case(classification="suspected", reported_at=at(day(1))))
    outbreak.reclassified(excluded, "excluded", when=at(today, 12))
    outbreak.contact(mild, confirmed_at=at(today, 9))
    outbreak.contact(critical, level="secondary", confirmed_at=at(day(2), 15))
    worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    close = [ledger.key_person(worker, n, f.VILLAGE_A1, category="close_contact", day=day(2)) for n in (1, 2, 3)]
    ledger.key_person(worker, 4, f.VILLAGE_A1, category="secondary_contact", day=today)
    ledger.release(worker, close[0], day=today)
    ledger.release(worker, close[1], day=day(1))
    return today


# the figures of outbreak_county() for the county, today
TODAY = {
    "cases_new_confirmed": 2, "cases_confirmed_total": 6, "cases_existing_confirmed": 4,
    "cases_existing_mild": 1, "cases_existing_moderate": 1, "cases_existing_severe": 1,
    "cases_existing_critical": 1,
    "cases_new_suspected": 1, "cases_suspected_total": 1, "cases_existing_suspected": 1,
    "cases_new_asymptomatic": 1, "cases_asymptomatic_total": 1, "cases_existing_asymptomatic": 1,
    "cases_new_discharged": 1, "cases_discharged_total": 1, "cases_new_deaths": 1, "cases_deaths_total": 1,
    "contacts_traced": 1, "contacts_traced_total": 2, "contacts_under_observation": 2, "contacts_released": 1,
    "contacts_released_total": 2,
}
