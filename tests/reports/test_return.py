"""Return for correction: the level above sends a submitted report back; it is corrected and resubmitted,
and the history stays in the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.audit.models import AuditEntry
from fangkong.reports import selectors, services
from fangkong.reports.models import ReportStatus
from tests.factories import COUNTY, TOWN_A, VILLAGE_A1

from .chain_county import DAY, at, visits


def _submitted(staff, who="v_a1", code=VILLAGE_A1, hour=10):
    return services.submit_report(staff[who], code, DAY, "第一次报送", now=at(DAY, hour))


def test_township_returns_a_village_report_and_it_is_resubmitted(staff):
    visits(VILLAGE_A1, 8)
    report = _submitted(staff)

    services.return_report(staff["town_a"], report, "走访户数与台账不符，请核实", now=at(DAY, 11))
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert (report.returned_by, report.return_comment) == (staff["town_a"], "走访户数与台账不符，请核实")
    assert report.figures["households_visited"] == 8  # still the figures that were submitted

    visits(VILLAGE_A1, 2)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "已核实更正", now=at(DAY, 12))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert (report.situation, report.figures["households_visited"]) == ("已核实更正", 10)

    actions = list(AuditEntry.objects.filter(object_type="dailyreport", object_id=str(report.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["report_submitted", "report_returned", "report_resubmitted"]
    history = selectors.report_view(staff["admin"], VILLAGE_A1, DAY, now=at(DAY, 13)).history
    assert [h.action for h in history] == actions
    assert history[0].after["figures"]["households_visited"] == 8  # the first submission is kept
    assert history[2].before["situation"] == "第一次报送"


def test_resubmission_after_the_deadline_keeps_the_first_submissions_punctuality(staff):
    report = _submitted(staff, hour=15)
    services.return_report(staff["admin"], report, "请补充问题", now=at(DAY, 16, 30))
    again = services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "已补充", now=at(DAY, 17))
    assert again.late is False


def test_hq_returns_township_reports(staff):
    report = _submitted(staff, who="town_a", code=TOWN_A)
    assert services.return_report(staff["hq"], report, "请说明卡点情况").status == ReportStatus.RETURNED


@pytest.mark.parametrize("who", ["v_a1", "town_b", "viewer", "doctor"])
def test_who_may_not_return_a_village_report(staff, who):
    report = _submitted(staff)
    with pytest.raises(PermissionDenied):
        services.return_report(staff[who], report, "退回")


def test_township_staff_cannot_return_their_own_township_nor_the_county(staff):
    town = _submitted(staff, who="town_a", code=TOWN_A)
    county = _submitted(staff, who="hq", code=COUNTY)
    with pytest.raises(PermissionDenied):
        services.return_report(staff["town_a"], town, "退回")
    with pytest.raises(PermissionDenied):
        services.return_report(staff["admin"], county, "县级不能退回本级")


def test_a_return_needs_a_comment_and_a_submitted_report(staff):
    report = _submitted(staff)
    with pytest.raises(ValidationError) as exc:
        services.return_report(staff["town_a"], report, "  ")
    assert "comment" in exc.value.message_dict
    services.return_report(staff["town_a"], report, "请核实")
    with pytest.raises(ValidationError):
        services.return_report(staff["town_a"], report, "再退一次")
    assert AuditEntry.objects.filter(action="report_returned").count() == 1


def test_a_returned_report_counts_apart_and_is_not_submitted(staff):
    report = _submitted(staff)
    services.return_report(staff["town_a"], report, "请核实", now=at(DAY, 11))

    status = selectors.chain_status(staff["town_a"], TOWN_A, DAY, now=at(DAY, 18))
    villages = status.level("village")
    assert (villages.submitted, villages.returned, villages.missing) == (0, 1, 1)
    assert not selectors.submitted_reports(staff["town_a"], TOWN_A, DAY)
