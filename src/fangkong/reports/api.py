"""JSON API of the daily report chain, mounted at /api/reports. Thin: selectors read (404 outside the scope),
services write (403 for who may not, 422 with the service's message for bad input)."""

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day
from fangkong.core.exports import XLSX_TYPE

from . import selectors, services
from .schemas import (
    DailyReportOut,
    ReturnIn,
    SettingsIn,
    SettingsOut,
    SituationIn,
    StatusOut,
    report_out,
    settings_out,
    status_out,
)

router = Router(tags=["reports"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _file(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/status", response={200: StatusOut, **READ})
def chain_status(request, region: str = "", date: Day | None = None):
    """报送情况: per chain level in the region's subtree, each region's state on the day and the counts."""
    return status_out(selectors.chain_status(request.user, region or request.user.region_id,
                                             date or timezone.localdate()))


@router.get("/daily/{region}/{date}", response={200: DailyReportOut, **READ})
def get_report(request, region: str, date: Day):
    """One report: the frozen figures (null until submitted), the live ones, the differences, the children's
    submitted and live figures (township, county), and the history."""
    return report_out(selectors.report_view(request.user, region, date))


@router.post("/daily/{region}/{date}/draft", response={200: DailyReportOut, **WRITE})
def save_draft(request, region: str, date: Day, payload: SituationIn):
    services.save_draft(request.user, region, date, payload.situation)
    return report_out(selectors.report_view(request.user, region, date))


@router.post("/daily/{region}/{date}/submit", response={201: DailyReportOut, **WRITE})
def submit_report(request, region: str, date: Day, payload: SituationIn):
    """Submit (or resubmit after a return): the live figures are frozen into the report."""
    services.submit_report(request.user, region, date, payload.situation)
    return Status(201, report_out(selectors.report_view(request.user, region, date)))


@router.post("/daily/{region}/{date}/return", response={200: DailyReportOut, **WRITE})
def return_report(request, region: str, date: Day, payload: ReturnIn):
    """The level above returns a submitted report for correction."""
    services.return_report(request.user, selectors.report_for(request.user, region, date), payload.comment)
    return report_out(selectors.report_view(request.user, region, date))


@router.get("/daily/{region}/{date}/xlsx", response={200: None, **WRITE})
def report_xlsx(request, region: str, date: Day):
    """The submitted report as .xlsx (exporter and time in the file; audited)."""
    return _file(*services.export_report(request.user, region, date))


@router.get("/summary/xlsx", response={200: None, **READ})
def summary_xlsx(request, region: str = "", date: Day | None = None):
    """The summary workbook of the day: one sheet per level (audited)."""
    return _file(*services.export_summary(request.user, region or request.user.region_id,
                                          date or timezone.localdate()))


@router.get("/settings", response={200: SettingsOut, **READ})
def get_settings(request, region: str = ""):
    """The county's deadline (and brief issuer)."""
    return settings_out(selectors.settings_for(request.user, region or request.user.region_id))


@router.put("/settings", response={200: SettingsOut, **WRITE})
def put_settings(request, payload: SettingsIn, region: str = ""):
    """Headquarters admin sets the deadline ("16:00") and/or the issuer of the county's brief."""
    code = region or request.user.region_id
    selectors.settings_for(request.user, code)  # 404 outside the scope
    return settings_out(services.update_settings(request.user, code, deadline=payload.deadline,
                                                 issuer=payload.issuer))
