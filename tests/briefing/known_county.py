"""A county whose figures on DAY are known, for the dashboard and brief tests, and the builders it uses:
figures counted straight into the counters, a headquarters user."""

import datetime

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.analytics.figures import FIGURES
from tests import factories as f
from tests.analytics import ledger

DAY = datetime.date(2020, 2, 3)
BEFORE = DAY - datetime.timedelta(days=1)


def add(code: str, metric: str, amount: int = 1, day: datetime.date = DAY) -> None:
    """Count `amount` of a metric in the region and its ancestors on the day (what a service would track)."""
    counters.track_change([], [(code, day, metric, amount)])


def registered(key: str) -> bool:
    return any(fig.key == key for fig in FIGURES)


def hq(username: str = "hq", role: str = Role.HQ_STAFF, region: str = f.COUNTY):
    return f.user(username, role, region)


def known_county(actor) -> dict:
    """A county whose figures on DAY are known, written through the ledger services:

    花园镇 (TOWN_A): 3 returnees registered on DAY (东岳村 2, 桃园村 1), one of them checked with 38.2 °C,
    one close contact registered the day before and released on DAY; 丰山镇 (TOWN_B): 2 fever/cough persons
    registered on DAY, 1 household visited. Plus, from the counters, 4 people in home isolation and 1 in
    centralised observation (entered on BEFORE), 6 follow-ups due on DAY of which 5 done and 1 fever.
    """
    a1 = [ledger.key_person(actor, n, f.VILLAGE_A1) for n in (1, 2)]
    a2 = ledger.key_person(actor, 3, f.VILLAGE_A2)
    ledger.check(actor, a1[0], temperature="38.2")
    ledger.check(actor, a2)
    contact = ledger.key_person(actor, 4, f.VILLAGE_A1, category="close_contact", day=BEFORE)
    ledger.release(actor, contact)
    for n in (5, 6):
        ledger.key_person(actor, n, f.VILLAGE_B1, category="fever")
    sweep = ledger.sweep(actor, f.COUNTY)
    ledger.visit(actor, sweep, ledger.household(actor, f.VILLAGE_B1))
    add(f.VILLAGE_A1, "q_in.home", 4, BEFORE)
    add(f.VILLAGE_A1, "q_new.home", 4, BEFORE)
    add(f.VILLAGE_B1, "q_in.centralised", 1, BEFORE)
    add(f.VILLAGE_B1, "q_new.centralised", 1, BEFORE)
    add(f.VILLAGE_A1, "fu_due", 6)
    add(f.VILLAGE_A1, "fu_done", 5)
    add(f.VILLAGE_A1, "fu_open", 1)
    add(f.VILLAGE_A1, "fu_fever", 1)
    return {"kp_new": 5, "kp_total": 6, "kp_under": 5, "kp_released": 1, "returnee_total": 3, "fever_total": 2,
            "close_contact_total": 1, "checks": 2, "fevers_found": 1, "households": 1, "q_under": 5,
            "q_home": 4, "q_centralised": 1, "fu_due": 6, "fu_done": 5, "fu_open": 1, "fu_fevers": 1,
            "town_a_new": 3, "town_a_under": 3, "town_b_new": 2, "town_b_under": 2}
