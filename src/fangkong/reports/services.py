"""Writes of the daily report chain: save a draft, submit (freezing the figures), return for
correction, set the deadline, export. Each in one transaction, each audited.

A report row is made the first time its responsible person saves or submits it; "not submitted"
is a missing row, a draft, or a returned report. Submitting copies the live roll-up figures into
`figures`; nothing changes them afterwards but a return and a new submission, and the audit
entries keep every submission's figures and text, so the report page shows the whole history.

`late` is decided by the first submission (after the deadline of its day: late) and kept when a
returned report is resubmitted: the correction was asked for by the level above.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.validation import as_time, name_text, prose
from fangkong.regions import selectors as region_selectors
from fangkong.regions.models import Region

from . import exports, permissions, selectors
from .deadlines import county_code_of, deadline_for, settings_of
from .models import DailyReport, ReportSettings, ReportStatus

MAX_SITUATION = 5000
MAX_COMMENT = DailyReport._meta.get_field("return_comment").max_length
AUDITED = ["status", "situation", "figures", "late", "submitted_by", "submitted_at", "return_comment"]


def _region_to_report(actor, region_code: str, day: datetime.date, now: datetime.datetime) -> Region:
    region = Region.objects.filter(code=str(region_code or "").strip()).first()
    if region is None or not actor.region_id or not region.code.startswith(actor.region.prefix):
        raise ValidationError({"region": _("区划 %(code)s 不存在或不在您的管辖范围内") % {"code": region_code}})
    if region.level not in permissions.CHAIN_LEVELS:
        raise ValidationError({"region": _("只有县、乡镇（街道）、村（社区）报送每日一报")})
    if not permissions.can_submit(actor, region):
        raise PermissionDenied(_("只有本级的报送责任人可以填写和报送本级的每日一报"))
    if day > timezone.localdate(now):
        raise ValidationError({"day": _("不能报送未来日期的每日一报：%(day)s") % {"day": day.isoformat()}})
    return region


def _locked_report(region: Region, day: datetime.date, now: datetime.datetime) -> tuple[DailyReport, bool]:
    """The report row of the region and day, locked for this transaction; created as a draft if missing."""
    report = DailyReport.objects.select_for_update().filter(region=region, day=day).first()
    if report is not None:
        return report, False
    try:
        with transaction.atomic():
            return DailyReport.objects.create(region=region, day=day, created_at=now, updated_at=now), True
    except IntegrityError:  # made by a concurrent request in the meantime
        return DailyReport.objects.select_for_update().get(region=region, day=day), False


def save_draft(actor, region_code: str, day: datetime.date, situation: str = "",
               now: datetime.datetime | None = None) -> DailyReport:
    """Keep the "situation and problems" text without submitting (a submitted report cannot be edited)."""
    now = now or timezone.now()
    region = _region_to_report(actor, region_code, day, now)
    text = prose(situation, "situation", _("情况与问题"), MAX_SITUATION)
    with transaction.atomic():
        report, _created = _locked_report(region, day, now)
        if report.status == ReportStatus.SUBMITTED:
            raise ValidationError({"situation": _("本日报告已报送，不能再修改；如需更正，请上级退回")})
        before = audit.snapshot(report, AUDITED)
        report.situation = text
        report.updated_at = now
        report.save(update_fields=["situation", "updated_at"])
        old, new = audit.changes(before, audit.snapshot(report, AUDITED))
        audit.record(actor, "report_draft", report, region=region, before=old, after=new)
    return report


def submit_report(actor, region_code: str, day: datetime.date, situation: str,
                  now: datetime.datetime | None = None) -> DailyReport:
    """Submit (or, after a return, resubmit) the day's report: the live figures are frozen into it."""
    now = now or timezone.now()
    region = _region_to_report(actor, region_code, day, now)
    text = prose(situation, "situation", _("情况与问题"), MAX_SITUATION)
    if not text:
        raise ValidationError({"situation": _("请填写情况与问题（没有问题可填“无”）")})
    with transaction.atomic():
        report, _created = _locked_report(region, day, now)
        if report.status == ReportStatus.SUBMITTED:
            raise ValidationError({"situation": _("本日报告已于 %(at)s 报送，不能重复报送；如需更正，请上级退回") % {
                "at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")}})
        resubmission = report.status == ReportStatus.RETURNED
        before = audit.snapshot(report, AUDITED)
        report.figures = selectors.live_figures(region.code, day)
        report.situation = text
        if not resubmission:
            report.late = now > deadline_for(region.code, day)
        report.status = ReportStatus.SUBMITTED
        report.submitted_by = actor
        report.submitted_at = now
        report.updated_at = now
        report.save()
        audit.record(actor, "report_resubmitted" if resubmission else "report_submitted", report, region=region,
                     before=before if resubmission else None, after=audit.snapshot(report, AUDITED))
    return report


def return_report(actor, report: DailyReport, comment: str, now: datetime.datetime | None = None) -> DailyReport:
    """The level above sends a submitted report back for correction, saying why."""
    now = now or timezone.now()
    region = report.region
    if not permissions.can_return(actor, region):
        raise PermissionDenied(_("只有上级可以退回每日一报"))
    text = prose(comment, "comment", _("退回意见"), MAX_COMMENT, required=True)
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError({"comment": _("只能退回已报送的每日一报")})
        before = audit.snapshot(report, AUDITED)
        report.status = ReportStatus.RETURNED
        report.returned_by = actor
        report.returned_at = now
        report.return_comment = text
        report.updated_at = now
        report.save(update_fields=["status", "returned_by", "returned_at", "return_comment", "updated_at"])
        old, new = audit.changes(before, audit.snapshot(report, AUDITED))
        audit.record(actor, "report_returned", report, region=region, before=old, after=new)
    report.region = region
    return report


def update_settings(actor, region_code: str, *, deadline=None, issuer: str | None = None) -> ReportSettings:
    """Headquarters sets the county's daily deadline (and the name its brief is issued under)."""
    region = region_selectors.region_in_scope(actor, region_code)
    county = county_code_of(region.code)
    if county is None:
        raise ValidationError({"region": _("报送设置按县（区）设置")})
    if not permissions.can_set_deadline(actor, county):
        name = Region.objects.filter(code=county).values_list("name", flat=True).first() or county
        raise PermissionDenied(_("报送截止时间由%(county)s设定，只有%(county)s或上级的指挥部管理员可以修改") % {
            "county": name})
    with transaction.atomic():
        current = ReportSettings.objects.select_for_update().filter(region_id=county).first() or settings_of(county)
        before = audit.snapshot(current, ["deadline", "issuer"]) if current.pk else {}
        if deadline is not None:
            current.deadline = as_time(deadline, "deadline", _("截止时间"), example="16:00")
            if current.deadline is None:
                raise ValidationError({"deadline": _("请填写截止时间")})
        if issuer is not None:
            current.issuer = name_text(issuer, "issuer", _("简报发布单位"), ReportSettings._meta.get_field("issuer").max_length)
        current.updated_by = actor
        current.updated_at = timezone.now()
        current.save()
        old, new = audit.changes(before, audit.snapshot(current, ["deadline", "issuer"]))
        audit.record(actor, "report_settings", current, region=county, before=old, after=new)
    return current


# --- exports ---------------------------------------------------------------------------------------

def export_report(actor, region_code: str, day: datetime.date) -> tuple[bytes, str]:
    """One daily report as .xlsx (its frozen figures, its children's, the text, who and when); audited."""
    view = selectors.report_view(actor, region_code, day)
    if view.frozen is None:
        raise ValidationError({"report": _("%(name)s %(day)s 的每日一报尚未报送，不能导出") % {
            "name": view.region.name, "day": day.isoformat()}})
    content, _rows = audit.export_workbook(actor, "daily_report_submitted", exports.report_sheets(view),
                                           region=view.region,
                                           filters={"region": view.region.code, "date": day.isoformat()})
    return content, f"daily-report-{view.region.code}-{day.isoformat()}-submitted.xlsx"


def export_summary(actor, region_code: str, day: datetime.date) -> tuple[bytes, str]:
    """The summary workbook of the region's chain on the day: one sheet per level; audited."""
    status = selectors.chain_status(actor, region_code, day)
    content, _rows = audit.export_workbook(actor, "daily_report_summary", exports.summary_sheets(status),
                                           region=status.region,
                                           filters={"region": status.region.code, "date": day.isoformat()})
    return content, f"daily-report-summary-{status.region.code}-{day.isoformat()}.xlsx"
