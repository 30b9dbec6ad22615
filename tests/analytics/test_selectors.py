import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.analytics import selectors
from fangkong.core.actors import SYSTEM
from tests import factories as f

from .counts import BEFORE, DAY, add


def _child(table, code):
    return next(row for row in table.children if row.region.code == code)


def test_county_table_sums_villages_into_townships(tree):
    add(f.VILLAGE_A1, "households_visited", 3)
    add(f.VILLAGE_A2, "households_visited", 2)
    add(f.VILLAGE_B1, "households_visited", 4)
    add(f.GRID_A1, "households_visited", 1)
    table = selectors.daily_table(SYSTEM, f.COUNTY, DAY)
    assert table.region.code == f.COUNTY
    assert [row.region.code for row in table.children] == [f.TOWN_A, f.TOWN_B]
    assert table.totals.values["households_visited"] == 10
    assert _child(table, f.TOWN_A).values["households_visited"] == 6
    assert _child(table, f.TOWN_B).values["households_visited"] == 4


def test_township_table_lists_its_villages(tree):
    add(f.VILLAGE_A1, "checks_done", 7)
    add(f.VILLAGE_B1, "checks_done", 5)
    table = selectors.daily_table(SYSTEM, f.TOWN_A, DAY)
    assert [row.region.code for row in table.children] == [f.VILLAGE_A1, f.VILLAGE_A2]
    assert table.totals.values["checks_done"] == 7
    assert [row.values["checks_done"] for row in table.children] == [7, 0]


def test_key_persons_new_under_management_released_by_category(tree):
    earlier = DAY - datetime.timedelta(days=5)
    add(f.VILLAGE_A1, "kp_new.returnee", 3, earlier)
    add(f.VILLAGE_A1, "kp_in.returnee", 3, earlier)
    add(f.VILLAGE_A1, "kp_out.returnee", 1, BEFORE)       # one transferred yesterday
    add(f.VILLAGE_A1, "kp_out.returnee", 1, DAY)          # one released today
    add(f.VILLAGE_A1, "kp_released.returnee", 1, DAY)
    add(f.VILLAGE_A1, "kp_new.fever", 2)
    add(f.VILLAGE_A1, "kp_in.fever", 2)
    add(f.VILLAGE_A1, "kp_in.fever", 9, DAY + datetime.timedelta(days=1))  # tomorrow: not counted
    values = selectors.daily_table(SYSTEM, f.VILLAGE_A1, DAY).totals.values
    assert (values["kp_new_returnee"], values["kp_under_management_returnee"], values["kp_released_returnee"]) \
        == (0, 1, 1)
    assert (values["kp_new_fever"], values["kp_under_management_fever"], values["kp_released_fever"]) == (2, 2, 0)
    assert (values["kp_new"], values["kp_under_management"], values["kp_released"]) == (2, 3, 1)
    assert values["kp_under_management_close_contact"] == 0


def test_previous_day_has_the_same_figures(tree):
    add(f.VILLAGE_A1, "kp_new.returnee", 4, BEFORE)
    add(f.VILLAGE_A1, "kp_in.returnee", 4, BEFORE)
    add(f.VILLAGE_A1, "checks_done", 1, BEFORE)
    add(f.VILLAGE_A1, "kp_new.returnee", 1)
    add(f.VILLAGE_A1, "kp_in.returnee", 1)
    add(f.VILLAGE_A1, "kp_out.returnee", 2)
    add(f.VILLAGE_A1, "checks_done", 3)
    table = selectors.daily_table(SYSTEM, f.COUNTY, DAY)
    assert table.previous_day == BEFORE
    town = _child(table, f.TOWN_A)
    assert town.previous["kp_new_returnee"] == 4
    assert town.previous["kp_under_management_returnee"] == 4
    assert town.previous["checks_missed"] == 3
    assert town.values["kp_under_management_returnee"] == 3
    assert town.values["checks_missed"] == 0
    assert town.change("kp_under_management") == -1
    assert town.change("checks_done") == 2
    assert table.totals.previous == town.previous


def test_checks_missed_is_under_management_minus_done_never_negative(tree):
    add(f.VILLAGE_A1, "kp_in.close_contact", 5)
    add(f.VILLAGE_A1, "checks_done", 2)
    add(f.VILLAGE_A2, "kp_in.close_contact", 1)
    add(f.VILLAGE_A2, "checks_done", 3)  # checks of people released later the same day
    table = selectors.daily_table(SYSTEM, f.TOWN_A, DAY)
    assert [row.values["checks_missed"] for row in table.children] == [3, 0]
    assert table.totals.values["checks_missed"] == 1


def test_fevers_found(tree):
    add(f.GRID_A1, "fevers_found", 2)
    table = selectors.daily_table(SYSTEM, f.VILLAGE_A1, DAY)
    assert table.totals.values["fevers_found"] == 2
    assert [(row.region.code, row.values["fevers_found"]) for row in table.children] == [(f.GRID_A1, 2)]


def test_a_region_without_children_has_only_totals(tree):
    add(f.GRID_A1, "households_visited")
    table = selectors.daily_table(SYSTEM, f.GRID_A1, DAY)
    assert table.children == []
    assert table.totals.values["households_visited"] == 1


@pytest.mark.parametrize("scope, asked, allowed", [
    (f.TOWN_A, f.TOWN_A, True),
    (f.TOWN_A, f.VILLAGE_A1, True),
    (f.TOWN_A, f.TOWN_B, False),
    (f.TOWN_A, f.VILLAGE_B1, False),
    (f.TOWN_A, f.COUNTY, False),
    (f.VILLAGE_A1, f.VILLAGE_A2, False),
    (f.VILLAGE_A1, "999999999999", False),
])
def test_scope(tree, scope, asked, allowed):
    user = f.user("someone", Role.TOWNSHIP_STAFF, scope)
    if allowed:
        assert selectors.daily_table(user, asked, DAY).region.code == asked
    else:
        with pytest.raises(Http404):
            selectors.daily_table(user, asked, DAY)


def test_an_account_without_scope_sees_nothing(tree):
    user = f.user("lost", Role.VIEWER, f.COUNTY)
    user.region = None
    with pytest.raises(Http404):
        selectors.daily_table(user, f.COUNTY, DAY)


def test_system_sees_every_region_but_not_unknown_ones(tree):
    assert selectors.daily_table(SYSTEM, f.VILLAGE_B1, DAY).region.code == f.VILLAGE_B1
    with pytest.raises(Http404):
        selectors.daily_table(SYSTEM, "420921099000", DAY)


def _queries(code: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.daily_table(SYSTEM, code, DAY)
    return len(captured)


def test_query_count_does_not_grow_with_data(tree):
    with_no_data = _queries(f.COUNTY)
    for offset in range(30):
        day = DAY - datetime.timedelta(days=offset)
        for code in (f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1, f.GRID_A1):
            add(code, "kp_in.returnee", 5, day)
            add(code, "kp_out.returnee", 2, day)
            add(code, "checks_done", 7, day)
            add(code, "households_visited", 3, day)
    for n in range(20):
        f.region(f"420921001{n + 210:03d}")  # more villages in township A
    assert _queries(f.COUNTY) == with_no_data == 3
    assert _queries(f.TOWN_A) == 3
