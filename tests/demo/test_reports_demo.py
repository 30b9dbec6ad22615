"""The report chain's demo data: the demo days' reports in the demo county at a small scale."""

import datetime
import io

import docx
from django.urls import reverse

from fangkong.accounts.models import User
from fangkong.audit.models import AuditEntry
from fangkong.briefing.models import Brief
from fangkong.demo.reports import NEXT_STEPS
from fangkong.regions.models import Region
from fangkong.reports import selectors
from fangkong.reports.models import DailyReport, ReportStatus

COUNTY = "420921000000"


def test_reports_of_every_demo_day_at_every_level(demo):
    clock = demo.clock
    today = clock.today
    days = set(DailyReport.objects.values_list("day", flat=True))
    assert min(days) == clock.first_day and max(days) <= today
    regions = Region.objects.filter(level__in=["county", "township", "village"]).count()  # 1 + 10 + 20
    older = DailyReport.objects.filter(day__lt=today - datetime.timedelta(days=2))
    # every region reported every day but the last ones
    assert older.count() == regions * (clock.length - 3)
    assert {r.region.level for r in older.select_related("region")} == {"county", "township", "village"}


def test_a_realistic_mix_of_on_time_late_returned_and_missing(demo):
    reports = list(DailyReport.objects.all())
    late = [r for r in reports if r.late]
    assert 0.02 * len(reports) < len(late) < 0.2 * len(reports)
    resubmitted = set(AuditEntry.objects.filter(action="report_resubmitted").values_list("object_id", flat=True))
    returned = set(AuditEntry.objects.filter(action="report_returned").values_list("object_id", flat=True))
    assert resubmitted and resubmitted <= returned
    for report in DailyReport.objects.filter(pk__in=[int(pk) for pk in resubmitted]):
        assert report.status == ReportStatus.SUBMITTED and report.return_comment
    # a few of the last days are missing
    yesterday = demo.clock.today - datetime.timedelta(days=1)
    recent = DailyReport.objects.filter(day__in=[yesterday, yesterday - datetime.timedelta(days=1)]).count()
    assert recent < 2 * Region.objects.filter(level__in=["county", "township", "village"]).count()


def test_frozen_figures_are_the_live_ones_but_for_a_few_corrections(demo):
    hq = User.objects.get(username="hq")
    day = demo.clock.today - datetime.timedelta(days=5)
    sample = list(DailyReport.objects.filter(day=day, status=ReportStatus.SUBMITTED)[:15])
    sample += list(DailyReport.objects.filter(region_id__in=[COUNTY, "420921001000", "420921001201"],
                                              status=ReportStatus.SUBMITTED))
    changed = 0
    for report in sample:
        view = selectors.report_view(hq, report.region_id, report.day)
        assert set(view.differences) <= {"kp_new"}, (report.region_id, report.day, view.differences)
        changed += bool(view.differences)
    assert changed < len(sample) / 4
    assert any(r.figures.get("households_visited") or r.figures.get("kp_under_management")
               for r in DailyReport.objects.filter(region_id=COUNTY))


def test_every_submission_has_its_history(demo):
    submitted = DailyReport.objects.exclude(submitted_at=None).count()
    firsts = AuditEntry.objects.filter(action="report_submitted", object_type="dailyreport").count()
    assert firsts == submitted
    report = DailyReport.objects.filter(region_id=COUNTY).order_by("day").first()
    history = selectors.report_view(User.objects.get(username="hq"), COUNTY, report.day).history
    assert history[0].action == "report_submitted" and history[0].at == report.submitted_at


def test_the_status_of_yesterday_shows_the_chain(demo):
    yesterday = demo.clock.today - datetime.timedelta(days=1)
    status = selectors.chain_status(User.objects.get(username="hq"), COUNTY, yesterday)
    villages = status.level("village")
    assert villages.total == 20 and villages.submitted >= 14
    assert status.past_deadline
    town = selectors.chain_status(User.objects.get(username="town1"), "420921001000", yesterday)
    assert [lv.level for lv in town.levels] == ["township", "village"]


def test_the_county_brief_of_the_last_day_is_issued_with_its_next_steps(demo, client):
    today = demo.clock.today
    issued = Brief.objects.get(region_id=COUNTY, day=today)
    hq = User.objects.get(username="hq")
    assert issued.issue_number == 1 and issued.created_by == hq
    assert issued.next_steps == NEXT_STEPS and issued.next_steps.count("\n") >= 3
    assert AuditEntry.objects.filter(action="brief.next_steps", actor=hq, object_id=str(issued.pk)).exists()
    assert "the county's work brief" in demo.log  # the demo's log names it

    client.force_login(hq)
    page = client.get(reverse("briefing:brief"), {"region": COUNTY, "date": today.isoformat()})
    assert page.status_code == 200
    assert "第1期" in page.text and "一是压实“四级书记”防控责任" in page.text
    document = client.post(reverse("briefing:brief_docx"), {"region": COUNTY, "date": today.isoformat()})
    assert document.status_code == 200
    text = "".join(p.text for p in docx.Document(io.BytesIO(document.content)).paragraphs)
    assert "第1期" in text and "六是强化监督执纪问责" in text
