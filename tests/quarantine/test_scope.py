"""Scope: cadres see the orders of their region subtree; a doctor also those assigned to them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fangkong.accounts.models import Role
from fangkong.quarantine import selectors, services
from tests import factories as f

from .helpers import days_ago, key_person, start


@pytest.fixture
def orders(hq, cadre, doctor):
    """An order in 东岳村 (A1), one in 桃园村 (A2) and one in 红旗村 (B1) whose doctor is A1's doctor."""
    cadre_a2 = f.user("cadre_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)
    cadre_b1 = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    return {
        "a1": start(hq, key_person(f.VILLAGE_A1, arrival=days_ago(2)), cadre=cadre, doctor=doctor),
        "a2": start(hq, key_person(f.VILLAGE_A2, arrival=days_ago(2)), cadre=cadre_a2, doctor=doctor),
        "b1": start(hq, key_person(f.VILLAGE_B1, arrival=days_ago(2)), cadre=cadre_b1, doctor=doctor),
    }


def _seen(user) -> set[str]:
    return {q.region_id for q in selectors.quarantines_for(user)}


def test_a_village_cadre_sees_only_the_village(orders, cadre):
    assert _seen(cadre) == {f.VILLAGE_A1}
    with pytest.raises(Http404):
        selectors.quarantine_for(cadre, orders["b1"].pk)


def test_township_staff_see_their_township(orders, town):
    assert _seen(town) == {f.VILLAGE_A1, f.VILLAGE_A2}


def test_a_doctor_sees_the_orders_assigned_or_in_scope(orders, doctor):
    assert _seen(doctor) == {f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1}
    other_doctor = f.user("doctor_a1_b", Role.DOCTOR, f.VILLAGE_A1)
    assert _seen(other_doctor) == {f.VILLAGE_A1}
    with pytest.raises(Http404):
        selectors.quarantine_for(other_doctor, orders["b1"].pk)


def test_a_doctor_may_record_follow_ups_of_assigned_people_outside_scope(orders, doctor):
    fu = services.record_follow_up(doctor, orders["b1"], temperature="38.2", method="phone")
    assert [t.pk for t in selectors.transfers_for(doctor, open_only=True)] == [fu.transfer_id]
    assert selectors.follow_up_for(doctor, fu.pk) == fu


def test_writes_outside_scope_are_refused(orders, cadre):
    with pytest.raises(PermissionDenied):
        services.record_follow_up(cadre, orders["b1"], temperature="36.5", method="phone")
    with pytest.raises(PermissionDenied):
        services.release_quarantine(cadre, orders["b1"], reason="越权")


def test_due_lists_follow_scope_and_responsibility(orders, cadre, town, doctor):
    now = orders["a1"].planned_end  # every slot is due by then
    assert {fu.region_id for fu in selectors.due_follow_ups(cadre, now=now, limit=200)} == {f.VILLAGE_A1}
    assert {fu.region_id for fu in selectors.due_follow_ups(town, now=now, limit=200)} == {f.VILLAGE_A1,
                                                                                            f.VILLAGE_A2}
    assert {fu.region_id for fu in selectors.due_follow_ups(town, now=now, region=f.VILLAGE_A2, limit=200)} == {
        f.VILLAGE_A2}
    with pytest.raises(Http404):
        selectors.due_follow_ups(town, now=now, region=f.VILLAGE_B1)
    assert {p.quarantine.region_id for p in selectors.my_people_today(doctor)} == {
        f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1}
    assert [p.quarantine for p in selectors.my_people_today(cadre)] == [orders["a1"]]


def test_due_by_region_counts_per_child(orders, hq):
    now = orders["a1"].planned_end
    rows = {row.region.code: (row.due_now, row.overdue) for row in selectors.due_by_region(hq, now=now)}
    per_order = orders["a1"].follow_ups.count()
    assert rows == {f.TOWN_A: (0, 2 * per_order), f.TOWN_B: (0, per_order)}


def test_sites_of_other_townships_are_not_visible(hq, cadre):
    services.create_site(hq, name="丰山镇卫生院", region_code=f.TOWN_B, address="丰山镇", rooms=[("1", 2)])
    county = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="县城", rooms=[("1", 2)])
    assert [s.pk for s in selectors.sites_for(cadre)] == [county.pk]
