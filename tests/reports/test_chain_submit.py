"""Submitting a daily report: the responsible person of the level, the figures frozen, differences later."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.audit.models import AuditEntry
from fangkong.reports import selectors, services
from fangkong.reports.models import DailyReport, ReportStatus
from tests.factories import COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2

from .chain_county import DAY, at, fevers, visits


def test_submitting_freezes_the_live_figures(staff):
    visits(VILLAGE_A1, 12)
    fevers(VILLAGE_A1, 1)

    report = services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "已全面摸排，无异常", now=at(DAY, 10))

    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["households_visited"] == 12
    assert report.figures["fevers_found"] == 1
    assert report.submitted_by == staff["v_a1"] and report.submitted_at == at(DAY, 10)
    assert report.late is False
    entry = AuditEntry.objects.get(action="report_submitted", object_id=str(report.pk))
    assert entry.after["figures"]["households_visited"] == 12 and entry.region_id == VILLAGE_A1


def test_later_data_changes_show_as_differences_not_edits(staff):
    visits(VILLAGE_A1, 12)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))

    visits(VILLAGE_A1, 3)  # a late correction in the ledger after submission
    fevers(VILLAGE_A1, 2)

    report = DailyReport.objects.get(region_id=VILLAGE_A1, day=DAY)
    assert report.figures["households_visited"] == 12  # the frozen figure is untouched
    view = selectors.report_view(staff["town_a"], VILLAGE_A1, DAY, now=at(DAY, 18))
    assert view.frozen["households_visited"] == 12
    assert view.live["households_visited"] == 15
    assert view.differences == {"households_visited": (12, 15), "fevers_found": (0, 2)}


def test_figures_declared_after_submission_are_not_differences(staff):
    visits(VILLAGE_A1, 5)
    report = services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    DailyReport.objects.filter(pk=report.pk).update(figures={"households_visited": 5})  # an older figure set

    view = selectors.report_view(staff["v_a1"], VILLAGE_A1, DAY, now=at(DAY, 11))

    assert view.differences == {}


def test_a_township_report_freezes_the_township_totals(staff):
    visits(VILLAGE_A1, 10)
    visits(VILLAGE_A2, 7)

    report = services.submit_report(staff["town_a"], TOWN_A, DAY, "两村均已报送", now=at(DAY, 15))

    assert report.figures["households_visited"] == 17


def test_only_the_responsible_person_of_the_level_submits(staff):
    with pytest.raises(PermissionDenied):  # the township may not submit for its village
        services.submit_report(staff["town_a"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    with pytest.raises(ValidationError):  # another village's worker neither (same township: not in scope)
        services.submit_report(staff["v_a2"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    with pytest.raises(PermissionDenied):  # a doctor of the village is not its responsible person
        services.submit_report(staff["doctor"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    with pytest.raises(ValidationError) as exc:  # outside the scope altogether
        services.submit_report(staff["v_b1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    assert "region" in exc.value.message_dict
    assert services.submit_report(staff["hq"], COUNTY, DAY, "无", now=at(DAY, 10)).status == ReportStatus.SUBMITTED
    assert not DailyReport.objects.filter(region_id=VILLAGE_A1).exists()


def test_bad_input_is_refused_with_the_field_named(staff):
    with pytest.raises(ValidationError) as exc:
        services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "   ", now=at(DAY, 10))
    assert "情况与问题" in exc.value.message_dict["situation"][0]
    with pytest.raises(ValidationError) as exc:
        services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "字" * 5001, now=at(DAY, 10))
    assert "5000" in exc.value.message_dict["situation"][0]
    with pytest.raises(ValidationError) as exc:
        services.submit_report(staff["v_a1"], VILLAGE_A1, DAY + datetime.timedelta(days=1), "无", now=at(DAY, 10))
    assert "day" in exc.value.message_dict
    assert not DailyReport.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="report_").exists()


def test_a_submitted_report_cannot_be_submitted_or_edited_again(staff):
    visits(VILLAGE_A1, 4)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "第一次", now=at(DAY, 10))
    visits(VILLAGE_A1, 4)

    with pytest.raises(ValidationError) as exc:
        services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "第二次", now=at(DAY, 11))
    assert "退回" in exc.value.message_dict["situation"][0]
    with pytest.raises(ValidationError):
        services.save_draft(staff["v_a1"], VILLAGE_A1, DAY, "改一下", now=at(DAY, 11))

    report = DailyReport.objects.get(region_id=VILLAGE_A1, day=DAY)
    assert (report.situation, report.figures["households_visited"]) == ("第一次", 4)


def test_a_draft_keeps_the_text_and_is_not_submitted(staff):
    services.save_draft(staff["v_a1"], VILLAGE_A1, DAY, "草稿内容", now=at(DAY, 9))

    report = DailyReport.objects.get(region_id=VILLAGE_A1, day=DAY)
    assert (report.status, report.situation, report.figures) == (ReportStatus.DRAFT, "草稿内容", {})
    status = selectors.chain_status(staff["town_a"], TOWN_A, DAY, now=at(DAY, 10))
    assert status.level("village").missing == 2
    assert AuditEntry.objects.filter(action="report_draft", object_id=str(report.pk)).exists()
