"""来人核对 (不漏一人) in the JSON API: the report and "run now" (under /api/checkpoints/reconciliation)."""

import datetime

from ninja import Field, Router, Schema

from fangkong.core.api import ErrorOut

from .selectors import reconciliation as selectors
from .services import reconciliation as services

router = Router()


class TownshipCountOut(Schema):
    code: str
    name: str
    count: int


class UnlistedOut(Schema):
    task_id: int
    person_id: int | None = Field(description="none for the visitor of a check-in not linked to a person")
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    origin: str
    arrived_at: datetime.datetime
    via: str = Field(description="passage / check_in")
    via_name: str = Field(description="the checkpoint or place")
    destination_text: str
    opened_at: datetime.datetime
    now_listed: bool = Field(description="on a ledger since the task opened: the next run closes it")


class GroupOut(Schema):
    region_code: str
    region_name: str
    destination_unknown: bool
    tasks: list[UnlistedOut]


class ReconciliationOut(Schema):
    hours: int
    total: int
    townships: list[TownshipCountOut]
    groups: list[GroupOut]
    next_after: str | None = Field(description="pass as `after` for the next page")


class RunIn(Schema):
    hours: int | None = Field(None, description="default: setting FANGKONG_RECONCILE_HOURS (24)")


class SummaryOut(Schema):
    window_from: datetime.datetime
    window_to: datetime.datetime
    hours: int
    arrivals: int
    listed: int
    unlisted: int
    opened: int
    already_open: int
    dealt_with: int
    destination_unknown: int
    closed: int


def _task_out(t) -> dict:
    return {"task_id": t.pk, "person_id": t.person_id, "name": t.subject.name, "id_number": t.subject.masked_id,
            "phone": t.subject.masked_phone, "origin": t.origin, "arrived_at": t.arrived_at, "via": t.via_kind,
            "via_name": t.via, "destination_text": t.destination_text, "opened_at": t.opened_at,
            "now_listed": t.now_listed}


@router.get("/reconciliation", response={200: ReconciliationOut, 403: ErrorOut, 404: ErrorOut})
def reconciliation_report(request, township: str = "", after: str = "", limit: int = selectors.PAGE_SIZE):
    """Open `unlisted` tasks of the caller's scope by destination village, with counts per township."""
    report = selectors.report(request.user, township=township, after=after, limit=limit)
    return {"hours": report.hours, "total": report.total,
            "townships": [vars(c) for c in report.townships],
            "groups": [{"region_code": g.region.code, "region_name": g.region.name,
                        "destination_unknown": g.destination_unknown, "tasks": [_task_out(t) for t in g.tasks]}
                       for g in report.groups],
            "next_after": report.next_after}


@router.post("/reconciliation/run", response={200: SummaryOut, 403: ErrorOut, 422: ErrorOut})
def run_reconciliation(request, payload: RunIn | None = None):
    """Run the reconciliation over the caller's subtree now (headquarters and township managers)."""
    hours = payload.hours if payload is not None else None
    return services.reconcile(request.user, hours=hours).as_dict()
