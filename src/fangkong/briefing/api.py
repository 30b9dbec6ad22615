"""JSON API of the headquarters dashboard and the work brief, mounted under /api/reports beside the report
chain's. Thin: selectors read (404 outside the scope), services write (403 for who may not, 422 with the
message for bad input)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from ninja import Router

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day
from fangkong.core.docx import DOCX_TYPE

from . import dashboard, services
from .schemas import BriefOut, DashboardOut, NextStepsIn, brief_out, dashboard_out

router = Router(tags=["briefing"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/dashboard", response={200: DashboardOut, **READ})
def get_dashboard(request, region: str = "", date: Day | None = None):
    """指挥部看板: the epidemic situation (`cases`, in groups), key figures with the change from the day before,
    14-day trends, regions with late reports or overdue follow-ups, open alerts; every figure with the link of the
    list behind it (the case figures' only for roles that read cases). From the counters, but
    today's overdue follow-ups and failing checkpoints, counted live over what is open now."""
    return dashboard_out(dashboard.dashboard(request.user, region or request.user.region_id,
                                             date or timezone.localdate()))


@router.put("/briefs/{region}/{date}/next-steps", response={200: BriefOut, **WRITE})
def put_next_steps(request, region: str, date: Day, payload: NextStepsIn):
    """下步工作 of the region's brief of the day (headquarters); assigns the issue number on first use."""
    return brief_out(services.save_next_steps(request.user, region, date, payload.next_steps))


@router.post("/briefs/{region}/{date}/docx", response={200: None, **WRITE},
             openapi_extra={"responses": {200: {"description": "the brief (.docx)",
                                                "content": {DOCX_TYPE: {}}}}})
def generate(request, region: str, date: Day):
    """工作简报 as a Word document, written from the data of the region and day (audited as an export)."""
    content, filename = services.generate_brief(request.user, region, date)
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
