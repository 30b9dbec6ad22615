"""The counters as the services keep them, and their recomputation from the raw rows."""

import datetime

from fangkong.accounts.models import Role
from fangkong.analytics import counters, selectors
from fangkong.analytics.models import DailyCounter
from fangkong.core.actors import SYSTEM
from fangkong.screening.models import DailyCheck
from tests import factories as f

from . import ledger
from .ledger import DAY

NEXT = DAY + datetime.timedelta(days=1)


def _hq():
    return f.user("hq", Role.HQ_ADMIN, f.COUNTY)


def test_a_write_counts_in_its_region_and_every_ancestor(tree):
    hq = _hq()
    ledger.key_person(hq, 1, f.GRID_A1)
    held = counters.live(DAY)
    for code in (f.GRID_A1, f.VILLAGE_A1, f.TOWN_A, f.COUNTY, "420900000000", "420000000000"):
        assert held[(code, "kp_new.returnee")] == 1, code
    assert (f.TOWN_B, "kp_new.returnee") not in held


def _ledger_of_two_days(hq):
    a = ledger.key_person(hq, 1, f.VILLAGE_A1)
    b = ledger.key_person(hq, 2, f.VILLAGE_B1, category="fever")
    c = ledger.key_person(hq, 3, f.GRID_A1, category="close_contact")
    ledger.check(hq, a, temperature="38.1")
    ledger.check(hq, b)
    ledger.check(hq, b, day=NEXT)
    ledger.release(hq, c, day=NEXT)
    ledger.visit(hq, ledger.sweep(hq, f.COUNTY), ledger.household(hq, f.VILLAGE_A2))
    return a, b, c


def test_live_counters_equal_a_fresh_recomputation(tree):
    _ledger_of_two_days(_hq())
    for day in (DAY, NEXT):
        assert counters.live(day) == counters.recompute(day)
        assert counters.differences(day) == {}
    assert counters.live(DAY)[(f.COUNTY, "fevers_found")] == 1
    assert counters.live(NEXT)[(f.VILLAGE_A1, "kp_released.close_contact")] == 1


def test_rebuild_restores_lost_or_wrong_counters(tree):
    _ledger_of_two_days(_hq())
    expected = counters.live(DAY)
    DailyCounter.objects.filter(day=DAY, region_id=f.TOWN_A).delete()
    DailyCounter.objects.filter(day=DAY, region_id=f.COUNTY, metric="checks_done").update(value=99)
    DailyCounter.objects.create(region_id=f.TOWN_B, day=DAY, metric="bogus", value=5)
    assert set(counters.differences(DAY)) >= {(f.COUNTY, "checks_done"), (f.TOWN_B, "bogus"),
                                              (f.TOWN_A, "kp_new.returnee")}
    written = counters.rebuild(DAY)
    assert written == len(expected)
    assert counters.live(DAY) == expected
    assert counters.differences(NEXT) == {}


def test_a_write_the_services_forgot_shows_as_a_difference(tree):
    hq = _hq()
    kp = ledger.key_person(hq, 1, f.VILLAGE_A1)
    DailyCheck.objects.create(key_person=kp, region_id=f.VILLAGE_A1, checked_on=DAY, temperature="36.6",
                              method="phone")  # bypassing the service
    assert counters.differences(DAY)[(f.VILLAGE_A1, "checks_done")] == (0, 1)


def test_table_after_rebuild_is_the_live_table(tree):
    _ledger_of_two_days(_hq())
    live_table = selectors.daily_table(SYSTEM, f.COUNTY, NEXT)
    counters.rebuild(DAY)
    counters.rebuild(NEXT)
    rebuilt = selectors.daily_table(SYSTEM, f.COUNTY, NEXT)
    assert rebuilt.totals == live_table.totals
    assert rebuilt.children == live_table.children
    values = rebuilt.totals.values
    assert (values["kp_under_management"], values["kp_released"], values["checks_done"]) == (2, 1, 1)
    assert rebuilt.totals.previous["kp_new"] == 3
    assert rebuilt.totals.previous["fevers_found"] == 1
