"""Sweeps and household visits: rules, counters, progress per child region, households not yet visited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.screening import selectors, services
from fangkong.screening.models import HouseholdVisit
from tests import factories as f

from .helpers import days_ago, figures, household, sweep, today


def visit(actor, a_sweep, a_household, day=None, **extra):
    return services.record_household_visit(actor, a_sweep, a_household, present_count=extra.pop("present_count", 3),
                                           visited_on=day, **extra)


def test_headquarters_and_townships_open_sweeps(hq, town, worker):
    county_sweep = sweep(hq, f.COUNTY)
    assert (county_sweep.region_id, county_sweep.created_by) == (f.COUNTY, hq)
    assert sweep(town, f.TOWN_A).region_id == f.TOWN_A
    assert AuditEntry.objects.filter(action="sweep.create").count() == 2
    with pytest.raises(PermissionDenied):
        sweep(worker, f.VILLAGE_A1)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": " "}, "name"),
    ({"region": f.TOWN_B}, "region"),
    ({"start": days_ago(1), "end": days_ago(2)}, "end_date"),
    ({"start": days_ago(100), "end": today()}, "end_date"),
    ({"start": today() + datetime.timedelta(days=40), "end": today() + datetime.timedelta(days=45)}, "start_date"),
])
def test_sweep_rules(town, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        sweep(town, **{"region": f.TOWN_A, **kwargs})
    assert field in caught.value.message_dict


def test_a_visit_is_counted_on_its_day_and_a_second_one_replaces_it(hq, worker):
    s = sweep(hq)
    h = household(worker, f.GRID_A1)
    found, created = visit(worker, s, h, days_ago(2), away_note="儿子在武汉", finding="returnee")
    assert created
    assert (found.region_id, found.visited_by, found.present_count, found.finding) == (
        f.GRID_A1, worker, 3, "returnee")
    for code in (f.GRID_A1, f.VILLAGE_A1, f.TOWN_A, f.COUNTY):
        assert figures(code, days_ago(2)) == {"households_visited": 1}
    again, created = visit(worker, s, h, days_ago(1), present_count=4)
    assert not created and again.pk == found.pk
    assert HouseholdVisit.objects.count() == 1
    assert figures(f.COUNTY, days_ago(2)) == {}
    assert figures(f.COUNTY, days_ago(1)) == {"households_visited": 1}
    assert AuditEntry.objects.get(action="household_visit.update").after == {
        "visited_on": days_ago(1).isoformat(), "present_count": 4, "away_note": "", "finding": ""}


def test_visit_rules(hq, town, worker):
    s = sweep(hq, f.TOWN_A, start=days_ago(5), end=days_ago(1))
    h = household(worker, f.GRID_A1)
    other_town = household(hq, f.VILLAGE_B1, 2)
    cases = [(worker, h, {"day": days_ago(6)}, "visited_on"), (worker, h, {"day": today()}, "visited_on"),
             (worker, h, {"present_count": -1}, "present_count"), (worker, h, {"present_count": "x"}, "present_count"),
             (worker, h, {"finding": "ghost"}, "finding"), (worker, h, {"away_note": "远" * 301}, "away_note"),
             (hq, other_town, {}, "household")]           # outside the sweep's region
    for actor, target, extra, field in cases:
        extra = {"day": days_ago(2), **extra}
        with pytest.raises(ValidationError) as caught:
            visit(actor, s, target, extra.pop("day"), **extra)
        assert field in caught.value.message_dict, extra
    other = f.user("worker_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)
    with pytest.raises(ValidationError) as caught:
        visit(other, s, h, days_ago(2))                    # outside the worker's village
    assert "household" in caught.value.message_dict
    assert not HouseholdVisit.objects.exists()


def test_delete_a_visit(hq, worker):
    s = sweep(hq)
    found, _ = visit(worker, s, household(worker), days_ago(1))
    services.delete_household_visit(worker, found)
    assert not HouseholdVisit.objects.exists()
    assert figures(f.COUNTY, days_ago(1)) == {}
    assert AuditEntry.objects.filter(action="household_visit.delete").exists()


@pytest.fixture
def visited_county(hq):
    """Households: 3 in GRID_A1 and 1 filed directly under VILLAGE_A1, 2 in A2, 1 in B1; 3 visited."""
    s = sweep(hq)
    grid = [household(hq, f.GRID_A1, n) for n in range(3)]
    direct = household(hq, f.VILLAGE_A1, 10)
    a2 = [household(hq, f.VILLAGE_A2, n) for n in range(20, 22)]
    b1 = household(hq, f.VILLAGE_B1, 30)
    for h in (grid[0], grid[1], a2[0]):
        visit(hq, s, h, days_ago(1))
    return s, {"grid": grid, "direct": direct, "a2": a2, "b1": b1}


def rows(progress):
    return [(row.region.code if row.region else None, row.visited, row.known) for row in progress.rows]


def test_progress_per_child_region(hq, visited_county, django_assert_max_num_queries):
    s, _ = visited_county
    with django_assert_max_num_queries(4):
        county = selectors.sweep_progress(hq, s)
    assert rows(county) == [(f.TOWN_A, 3, 6), (f.TOWN_B, 0, 1)]
    assert (county.total.visited, county.total.known, county.total.percent) == (3, 7, 43)
    assert rows(selectors.sweep_progress(hq, s, f.TOWN_A)) == [(f.VILLAGE_A1, 2, 4), (f.VILLAGE_A2, 1, 2)]
    assert rows(selectors.sweep_progress(hq, s, f.VILLAGE_A1)) == [(f.GRID_A1, 2, 3), (None, 0, 1)]
    grid = selectors.sweep_progress(hq, s, f.GRID_A1)
    assert rows(grid) == [] and (grid.total.visited, grid.total.known) == (2, 3)


def test_a_village_worker_sees_their_part_of_a_county_sweep(worker, visited_county):
    s, made = visited_county
    assert selectors.sweep_for(worker, s.pk) == s
    progress = selectors.sweep_progress(worker, s)
    assert progress.region.code == f.VILLAGE_A1
    assert rows(progress) == [(f.GRID_A1, 2, 3), (None, 0, 1)]
    for code in (f.TOWN_A, f.VILLAGE_A2, f.COUNTY):
        with pytest.raises(Http404):
            selectors.sweep_progress(worker, s, code)
    pending = selectors.households_not_visited(worker, s, progress.region)
    assert pending == [made["grid"][2], made["direct"]]
    with pytest.raises(Http404):
        selectors.household_for_visit(worker, s, made["a2"][1].pk)


def test_households_not_visited_come_a_keyset_page_at_a_time(hq, visited_county):
    s, made = visited_county
    county = selectors.sweep_progress(hq, s).region
    first = selectors.households_not_visited(hq, s, county, limit=2)
    second = selectors.households_not_visited(hq, s, county, after=first[-1].pk, limit=2)
    assert first + second == [made["grid"][2], made["direct"], made["a2"][1], made["b1"]]


def test_a_sweep_of_another_township_is_not_visible(town, hq):
    other = sweep(hq, f.TOWN_B)
    mine = sweep(hq, f.VILLAGE_A1)
    county = sweep(hq, f.COUNTY)
    assert set(selectors.sweeps_for(town)) == {mine, county}
    with pytest.raises(Http404):
        selectors.sweep_for(town, other.pk)
