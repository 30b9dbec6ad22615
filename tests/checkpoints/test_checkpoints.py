"""The checkpoint registry, duty shifts and five-haves inspections through the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.analytics.selectors import daily_table
from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.models import Checkpoint, DutyShift
from fangkong.checkpoints.selectors import checkpoints as selectors
from fangkong.checkpoints.services import checkpoints as services
from tests import factories as f

from .builders import checkpoint


def _inspect(actor, cp, **failing):
    items = {"barrier": True, "staff_on_duty": True, "register": True, "thermometer": True, "disinfection": True}
    items.update(failing)
    return services.record_inspection(actor, cp, **items)


def test_create_edit_close_reopen_with_counters(town):
    cp = checkpoint(town, location="福银高速花园出口", open_24h=False, hours="07:00-22:00")
    assert (cp.status, cp.region_id, cp.opened_on, cp.hours) == ("open", f.TOWN_A, timezone.localdate(), "07:00-22:00")
    day = timezone.localdate()
    assert counters.live(day)[(f.COUNTY, "checkpoint_opened")] == 1
    services.update_checkpoint(town, cp, name="花园收费站", kind="highway_exit", region_code=f.VILLAGE_A1)
    cp.refresh_from_db()
    assert (cp.name, cp.region_id, cp.hours) == ("花园收费站", f.VILLAGE_A1, "")
    services.close_checkpoint(town, cp)
    cp.refresh_from_db()
    assert (cp.status, cp.closed_on) == ("closed", day)
    assert counters.live(day)[(f.COUNTY, "checkpoint_closed")] == 1
    with pytest.raises(ValidationError):
        services.close_checkpoint(town, cp)
    services.reopen_checkpoint(town, cp)
    cp.refresh_from_db()
    assert (cp.status, cp.closed_on) == ("open", None)
    assert counters.differences(day) == {}
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        "checkpoint.create", "checkpoint.update", "checkpoint.close", "checkpoint.reopen"]


def test_checkpoints_open_is_a_stock_in_the_roll_up(town):
    from fangkong.analytics import figures
    keys = [fig.key for fig in figures.FIGURES]
    for key in ("checkpoints_open", "passage_persons", "passage_vehicles", "turned_back_persons",
                "turned_back_vehicles", "passage_fevers", "risk_arrivals"):
        assert key in keys
    past = timezone.localdate() - datetime.timedelta(days=3)
    cp = checkpoint(town, opened_on=past)
    services.close_checkpoint(town, cp, day=past + datetime.timedelta(days=1))
    assert counters.differences(past) == {} and counters.differences(past + datetime.timedelta(days=1)) == {}
    stock = counters.stock([f.COUNTY], past, ["checkpoint_opened"], ["checkpoint_closed"])
    assert stock[f.COUNTY]["checkpoint_opened"] == 1
    later = counters.stock([f.COUNTY], past + datetime.timedelta(days=1), ["checkpoint_opened"], ["checkpoint_closed"])
    assert later[f.COUNTY]["checkpoint_opened"] == 0
    checkpoint(town, name="另一卡点")
    table = daily_table(f.user("hq_t", Role.HQ_STAFF, f.COUNTY), f.COUNTY, timezone.localdate())
    assert table.totals.values["checkpoints_open"] == 1
    assert {c.region.code: c.values["checkpoints_open"] for c in table.children}[f.TOWN_A] == 1


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("kind", "tollgate"), ("region_code", f.TOWN_B), ("region_code", "999"), ("hours", ""),
    ("opened_on", "2099-01-01"), ("name", "长" * 101),
])
def test_bad_checkpoint_input_names_the_field(town, field, value):
    f.region(f.TOWN_B)
    values = {"name": "卡点", "kind": "highway_exit", "region_code": f.TOWN_A, "open_24h": field != "hours",
              field: value}
    with pytest.raises(ValidationError) as exc:
        services.create_checkpoint(town, **values)
    assert field in exc.value.message_dict
    assert not Checkpoint.objects.exists()


def test_only_managers_set_up_checkpoints(staff, supervisor, town):
    for who in (staff, supervisor):
        with pytest.raises(PermissionDenied):
            checkpoint(who)
    cp = checkpoint(town)
    with pytest.raises(PermissionDenied):
        services.close_checkpoint(staff, cp)


def test_a_township_cannot_touch_another_townships_checkpoint(town, town_b):
    cp = checkpoint(town)
    with pytest.raises(PermissionDenied):
        services.close_checkpoint(town_b, cp)
    with pytest.raises(Exception) as exc:
        selectors.checkpoint_for(town_b, cp.pk)
    assert exc.type.__name__ == "Http404"
    assert selectors.page_after(selectors.checkpoints_for(town_b)) == []


def test_shifts_and_who_is_on_duty(town, staff, cp):
    now = timezone.now()
    running = services.plan_shift(town, cp, staff=staff.pk, starts_at=now - datetime.timedelta(hours=2),
                                  ends_at=now + datetime.timedelta(hours=6))
    other = f.user("kadian_a2", Role.CHECKPOINT_STAFF, f.TOWN_A)
    later = services.plan_shift(town, cp, staff=other, starts_at=(now + datetime.timedelta(hours=6)).isoformat(),
                                ends_at=(now + datetime.timedelta(hours=14)).isoformat())
    shifts = selectors.shifts_of(cp, now=now)
    assert [s.pk for s in shifts] == [running.pk, later.pk]
    assert [s.staff_id for s in selectors.on_duty(shifts, now)] == [staff.pk]
    with pytest.raises(ValidationError) as exc:  # overlaps the running one
        services.plan_shift(town, cp, staff=staff, starts_at=now, ends_at=now + datetime.timedelta(hours=1))
    assert "starts_at" in exc.value.message_dict
    services.cancel_shift(town, later)
    assert DutyShift.objects.count() == 1


@pytest.mark.parametrize(("start", "end", "field"), [(0, -1, "ends_at"), (0, 25, "ends_at"), (None, 8, "starts_at")])
def test_bad_shifts(town, staff, cp, start, end, field):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.plan_shift(town, cp, staff=staff, starts_at=None if start is None else now,
                            ends_at=now + datetime.timedelta(hours=end))
    assert field in exc.value.message_dict


def test_shift_staff_must_be_in_scope(town, cp):
    outsider = f.user("kadian_b9", Role.CHECKPOINT_STAFF, f.TOWN_B)
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        services.plan_shift(town, cp, staff=outsider, starts_at=now, ends_at=now + datetime.timedelta(hours=8))
    assert "staff" in exc.value.message_dict


def test_inspection_sets_the_latest_state_and_the_failing_list(supervisor, hq, town, cp):
    ok_cp = checkpoint(town, name="花园村口", kind="village_entrance")
    _inspect(supervisor, ok_cp)
    bad = _inspect(supervisor, cp, thermometer=False, disinfection=False)
    cp.refresh_from_db()
    assert (cp.five_haves_ok, cp.last_inspection_id, bad.failing) == (False, bad.pk, ["thermometer", "disinfection"])
    assert [c.pk for c in selectors.failing_checkpoints(hq)] == [cp.pk]
    # an older inspection recorded later does not replace the latest state
    _inspect(hq, cp, inspected_at=timezone.now() - datetime.timedelta(days=1))
    cp.refresh_from_db()
    assert cp.last_inspection_id == bad.pk
    _inspect(hq, cp)
    assert selectors.failing_checkpoints(hq) == []


def test_only_supervisors_and_hq_inspect(town, staff, cp):
    for who in (town, staff):
        with pytest.raises(PermissionDenied):
            _inspect(who, cp)


def test_an_inspection_in_the_future_is_refused(supervisor, cp):
    with pytest.raises(ValidationError) as exc:
        _inspect(supervisor, cp, inspected_at=timezone.now() + datetime.timedelta(hours=2))
    assert "inspected_at" in exc.value.message_dict


def test_failing_list_is_scoped(supervisor, town, town_b, cp):
    other = checkpoint(town_b, name="丰山卡点", region=f.TOWN_B)
    _inspect(supervisor, cp, barrier=False)
    _inspect(supervisor, other, barrier=False)
    assert [c.pk for c in selectors.failing_checkpoints(town)] == [cp.pk]
    assert {c.pk for c in selectors.failing_checkpoints(supervisor)} == {cp.pk, other.pk}
