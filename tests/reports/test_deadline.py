"""The deadline headquarters set, and lateness at every level of the chain."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.reports import selectors, services
from fangkong.reports.models import ReportSettings
from tests import factories
from tests.factories import COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from .chain_county import DAY, at


def test_default_deadline_is_four_in_the_afternoon(staff):
    status = selectors.chain_status(staff["admin"], COUNTY, DAY, now=at(DAY, 12))
    assert status.deadline == at(DAY, 16)
    assert not status.past_deadline


def test_hq_admin_sets_the_deadline_and_it_is_audited(staff):
    services.update_settings(staff["admin"], COUNTY, deadline="15:30")

    assert ReportSettings.objects.get(region_id=COUNTY).deadline == datetime.time(15, 30)
    entry = AuditEntry.objects.get(action="report_settings")
    assert entry.after["deadline"] == "15:30:00" and entry.actor == staff["admin"]
    # a township's status follows its county's deadline
    assert selectors.chain_status(staff["town_a"], TOWN_A, DAY, now=at(DAY, 15, 45)).past_deadline


def test_only_hq_admin_sets_the_deadline(staff):
    for who in ("hq", "town_a", "v_a1", "viewer"):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.update_settings(staff[who], COUNTY, deadline="15:00")
    with pytest.raises(ValidationError) as exc:
        services.update_settings(staff["admin"], COUNTY, deadline="25:00")
    assert "deadline" in exc.value.message_dict
    assert not ReportSettings.objects.exists()


def test_a_township_admin_cannot_set_its_county_deadline(staff):
    """The deadline is the county's setting: naming the township does not make it the township's."""
    town_admin = factories.user("town_admin", Role.HQ_ADMIN, TOWN_A)
    with pytest.raises(PermissionDenied) as refused:
        services.update_settings(town_admin, TOWN_A, deadline="20:00", issuer="花园镇")
    assert "孝昌县" in str(refused.value)
    assert not ReportSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="report_settings").exists()


def test_fullwidth_deadline_is_understood(staff):
    assert services.update_settings(staff["admin"], COUNTY, deadline="１７：００").deadline == datetime.time(17)


@pytest.mark.parametrize(("who", "code"), [("v_a1", VILLAGE_A1), ("town_a", TOWN_A), ("hq", COUNTY)])
def test_submitted_after_the_deadline_is_marked_late_at_every_level(staff, who, code):
    on_time = services.submit_report(staff[who], code, DAY - datetime.timedelta(days=1), "无",
                                     now=at(DAY - datetime.timedelta(days=1), 15, 59))
    late = services.submit_report(staff[who], code, DAY, "无", now=at(DAY, 16, 1))

    assert (on_time.late, late.late) == (False, True)


def test_a_report_of_an_earlier_day_submitted_today_is_late(staff):
    report = services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "补报", now=at(DAY + datetime.timedelta(days=1), 9))
    assert report.late


def test_status_across_levels_before_and_after_the_deadline(staff):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    services.submit_report(staff["v_b1"], VILLAGE_B1, DAY, "无", now=at(DAY, 17))  # late
    services.submit_report(staff["town_a"], TOWN_A, DAY, "无", now=at(DAY, 15))

    before = selectors.chain_status(staff["admin"], COUNTY, DAY, now=at(DAY, 15, 30))
    after = selectors.chain_status(staff["admin"], COUNTY, DAY, now=at(DAY, 18))

    states = {row.region.code: row.state for level in after.levels for row in level.rows}
    assert states == {COUNTY: "overdue", TOWN_A: "on_time", TOWN_B: "overdue", VILLAGE_A1: "on_time",
                      VILLAGE_A2: "overdue", VILLAGE_B1: "late_submitted"}
    villages = after.level("village")
    assert (villages.total, villages.submitted, villages.late, villages.missing) == (3, 2, 2, 1)
    assert [r.region.code for r in villages.late_rows] == [VILLAGE_A2, VILLAGE_B1]
    assert (after.level("township").submitted, after.level("township").late) == (1, 1)
    assert (after.level("county").missing, after.level("county").late) == (1, 1)
    # before the deadline nobody is late yet (the late village had not submitted then either: its row
    # says so only once it has)
    assert before.level("village").counts["overdue"] == 0 and before.level("township").late == 0
    assert [lv.level for lv in after.levels] == ["county", "township", "village"]


def test_a_township_sees_only_its_own_level_and_villages(staff):
    status = selectors.chain_status(staff["town_a"], TOWN_A, DAY, now=at(DAY, 18))
    assert [lv.level for lv in status.levels] == ["township", "village"]
    assert {row.region.code for lv in status.levels for row in lv.rows} == {TOWN_A, VILLAGE_A1, VILLAGE_A2}
