"""JSON API of screening: every write the pages can do, and the reads behind them, scoped alike."""

import datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day
from fangkong.core.health import is_fever
from fangkong.people import reviews
from fangkong.people.api import SubmittedOut

from . import selectors, services
from .schemas import TaskCloseIn, TaskOut, TaskPage, task_out
from .services import arrival_tasks as task_services

router = Router(tags=["screening"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Schemas --------------------------------------------------------------------------------------

class SweepIn(Schema):
    name: str
    region_code: str
    start_date: Day
    end_date: Day


class SweepOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    start_date: datetime.date
    end_date: datetime.date


class ProgressRowOut(Schema):
    region_code: str | None
    region_name: str
    visited: int
    known: int


class ProgressOut(Schema):
    region_code: str
    region_name: str
    visited: int
    known: int
    children: list[ProgressRowOut]


class SweepHouseholdOut(Schema):
    id: int
    address: str
    head_name: str
    region_code: str


class SweepHouseholdPage(Schema):
    items: list[SweepHouseholdOut]
    next_after: int | None


class VisitIn(Schema):
    household_id: int
    present_count: int
    visited_on: Day | None = None
    away_note: str = ""
    finding: str = ""
    note: str = ""


class VisitOut(Schema):
    id: int
    sweep_id: int
    household_id: int
    region_code: str
    visited_on: datetime.date
    present_count: int
    away_note: str
    finding: str
    note: str
    created: bool = False


class KeyPersonIn(Schema):
    name: str
    id_type: str = "resident_id"
    id_number: str
    phone: str = ""
    region_code: str
    address: str = ""
    workplace: str = ""
    household_id: int | None = None
    category: str
    registered_on: Day | None = None
    origin: str = ""
    departure_date: Day | None = None
    arrival_date: Day | None = None
    transport_mode: str = ""
    transport_number: str = ""
    symptoms: str = ""
    responsible_id: int | None = None
    note: str = ""


class KeyPersonPatch(Schema):
    region_code: str | None = None
    registered_on: Day | None = None
    origin: str | None = None
    departure_date: Day | None = None
    arrival_date: Day | None = None
    transport_mode: str | None = None
    transport_number: str | None = None
    symptoms: str | None = None
    responsible_id: int | None = None
    note: str | None = None


class StatusIn(Schema):
    status: str
    ended_on: Day | None = None
    note: str = ""


class KeyPersonOut(Schema):
    id: int
    person_id: int
    name: str
    id_number_masked: str
    phone_masked: str
    category: str
    category_label: str
    status: str
    status_label: str
    region_code: str
    region_name: str
    registered_on: datetime.date
    origin: str
    departure_date: datetime.date | None
    arrival_date: datetime.date | None
    transport_mode: str
    transport_number: str
    symptoms: str
    responsible_id: int | None
    responsible_name: str
    ended_on: datetime.date | None
    note: str
    created: bool = False


class KeyPersonPage(Schema):
    items: list[KeyPersonOut]
    next_before: int | None


class CheckIn(Schema):
    temperature: float | str
    method: str
    symptoms: str = ""
    checked_on: Day | None = None


class CheckOut(Schema):
    id: int
    key_person_id: int
    checked_on: datetime.date
    temperature: str
    fever: bool
    symptoms: str
    method: str
    checked_by: str
    created: bool = False


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    text: str
    actor: str


class KeyPersonDetail(KeyPersonOut):
    checks: list[CheckOut]
    events: list[EventOut]


class TodayItem(KeyPersonOut):
    today_temperature: str | None
    today_fever: bool


class TodayPage(Schema):
    day: datetime.date
    items: list[TodayItem]
    next_after: int | None


def _sweep_out(s) -> dict:
    return {"id": s.pk, "name": s.name, "region_code": s.region_id, "region_name": s.region.name,
            "start_date": s.start_date, "end_date": s.end_date}


def _visit_out(v, created: bool = False) -> dict:
    return {"id": v.pk, "sweep_id": v.sweep_id, "household_id": v.household_id, "region_code": v.region_id,
            "visited_on": v.visited_on, "present_count": v.present_count, "away_note": v.away_note,
            "finding": v.finding, "note": v.note, "created": created}


def _kp_out(kp, created: bool = False) -> dict:
    return {"id": kp.pk, "person_id": kp.person_id, "name": kp.person.name,
            "id_number_masked": kp.person.masked_id, "phone_masked": kp.person.masked_phone,
            "category": kp.category, "category_label": str(kp.get_category_display()),
            "status": kp.status, "status_label": str(kp.get_status_display()),
            "region_code": kp.region_id, "region_name": kp.region.name, "registered_on": kp.registered_on,
            "origin": kp.origin, "departure_date": kp.departure_date, "arrival_date": kp.arrival_date,
            "transport_mode": kp.transport_mode, "transport_number": kp.transport_number, "symptoms": kp.symptoms,
            "responsible_id": kp.responsible_id, "responsible_name": str(kp.responsible or ""),
            "ended_on": kp.ended_on, "note": kp.note, "created": created}


def _check_out(c, created: bool = False) -> dict:
    return {"id": c.pk, "key_person_id": c.key_person_id, "checked_on": c.checked_on,
            "temperature": str(c.temperature), "fever": is_fever(c.temperature), "symptoms": c.symptoms,
            "method": c.method, "checked_by": str(c.checked_by or ""), "created": created}


# Sweeps and visits -----------------------------------------------------------------------------

@router.get("/sweeps", response={200: list[SweepOut], 403: ErrorOut, 404: ErrorOut})
def list_sweeps(request, after: int = 0, limit: int = 100):
    """Newest first, `limit` (≤ 200) at a time: for the next page pass the id of the last sweep received as `after`."""
    return [_sweep_out(s) for s in selectors.sweep_page(request.user, after=after or None, limit=limit)]


@router.post("/sweeps", response={201: SweepOut, **WRITE_ERRORS})
def create_sweep(request, payload: SweepIn):
    return Status(201, _sweep_out(services.create_sweep(request.user, **payload.dict())))


@router.get("/sweeps/{sweep_id}", response={200: SweepOut, 403: ErrorOut, 404: ErrorOut})
def get_sweep(request, sweep_id: int):
    return _sweep_out(selectors.sweep_for(request.user, sweep_id))


@router.get("/sweeps/{sweep_id}/progress", response={200: ProgressOut, 403: ErrorOut, 404: ErrorOut})
def sweep_progress(request, sweep_id: int, region: str = ""):
    """Households visited / known in `region` (default: your part of the sweep), per child region."""
    progress = selectors.sweep_progress(request.user, selectors.sweep_for(request.user, sweep_id), region)
    return {"region_code": progress.region.code, "region_name": progress.region.name,
            "visited": progress.total.visited, "known": progress.total.known,
            "children": [{"region_code": r.region.code if r.region else None,
                          "region_name": r.region.name if r.region else "", "visited": r.visited, "known": r.known}
                         for r in progress.rows]}


@router.get("/sweeps/{sweep_id}/pending", response={200: SweepHouseholdPage, 403: ErrorOut, 404: ErrorOut})
def pending_households(request, sweep_id: int, region: str = "", after: int = 0, limit: int = 50):
    """Households of `region` not yet visited in the sweep, by id (`after` = last id seen)."""
    sweep = selectors.sweep_for(request.user, sweep_id)
    root = selectors.sweep_root(request.user, sweep)
    area = selectors.region_in_view(request.user, region or root, inside=root)
    items = selectors.households_not_visited(request.user, sweep, area, after=after, limit=limit)
    return {"items": [{"id": h.pk, "address": h.address, "head_name": h.head_name, "region_code": h.region_id}
                      for h in items],
            "next_after": items[-1].pk if items and len(items) == selectors.page_limit(limit) else None}


@router.post("/sweeps/{sweep_id}/visits", response={200: VisitOut, 201: VisitOut, **WRITE_ERRORS})
def record_visit(request, sweep_id: int, payload: VisitIn):
    """Record a household visit (201), or replace the household's visit in this sweep (200)."""
    sweep = selectors.sweep_for(request.user, sweep_id)
    household = selectors.household_for_visit(request.user, sweep, payload.household_id)
    data = payload.dict(exclude={"household_id"})
    visit, created = services.record_household_visit(request.user, sweep, household, **data)
    return Status(201 if created else 200, _visit_out(visit, created))


@router.delete("/visits/{visit_id}", response={204: None, **WRITE_ERRORS})
def delete_visit(request, visit_id: int):
    services.delete_household_visit(request.user, selectors.visit_for(request.user, visit_id))
    return Status(204, None)


# Key persons ------------------------------------------------------------------------------------

@router.get("/key-persons", response={200: KeyPersonPage, 403: ErrorOut, 404: ErrorOut})
def list_key_persons(request, category: str = "", status: str = "", region: str = "", q: str = "",
                     before: int = 0, limit: int = 50):
    """Newest first, a keyset page at a time (`before` = last id seen)."""
    items = selectors.key_person_page(request.user, category=category, status=status, region_code=region, q=q,
                                      before=before, limit=limit)
    return {"items": [_kp_out(kp) for kp in items],
            "next_before": items[-1].pk if items and len(items) == selectors.page_limit(limit) else None}


@router.post("/key-persons", response={200: KeyPersonOut, 201: KeyPersonOut, 202: SubmittedOut, **WRITE_ERRORS})
def register_key_person(request, payload: KeyPersonIn):
    """登记人员: 201 with a new ledger entry, 200 when the person's open entry in the category was updated,
    202 when the registration is held for review by the staff above (people.reviews)."""
    data = payload.dict()
    data["household"] = data.pop("household_id")
    data["responsible"] = data.pop("responsible_id")
    kp, created = services.register_key_person(request.user, **data)
    if kp is None:
        return Status(202, {"detail": str(reviews.SUBMITTED)})
    return Status(201 if created else 200, _kp_out(selectors.key_person_for(request.user, kp.pk), created))


@router.get("/key-persons/{key_person_id}", response={200: KeyPersonDetail, 403: ErrorOut, 404: ErrorOut})
def get_key_person(request, key_person_id: int):
    kp = selectors.key_person_for(request.user, key_person_id)
    return {**_kp_out(kp), "checks": [_check_out(c) for c in selectors.checks_of(kp)],
            "events": [{"at": e.at, "kind": e.kind, "text": e.text, "actor": str(e.actor or "")}
                       for e in selectors.timeline_of(kp)]}


@router.patch("/key-persons/{key_person_id}", response={200: KeyPersonOut, **WRITE_ERRORS})
def update_key_person(request, key_person_id: int, payload: KeyPersonPatch):
    """Change the given fields only; `responsible_id: null` clears the responsible cadre."""
    kp = selectors.key_person_for(request.user, key_person_id)
    changes = payload.dict(exclude_unset=True)
    if "responsible_id" in changes:
        changes["responsible"] = changes.pop("responsible_id")
    services.update_key_person(request.user, kp, **changes)
    return _kp_out(selectors.key_person_for(request.user, key_person_id))


@router.post("/key-persons/{key_person_id}/status", response={200: KeyPersonOut, **WRITE_ERRORS})
def change_status(request, key_person_id: int, payload: StatusIn):
    """End management: released, transferred or moved_away (ended_on defaults to today)."""
    kp = selectors.key_person_for(request.user, key_person_id)
    services.change_key_person_status(request.user, kp, **payload.dict())
    return _kp_out(selectors.key_person_for(request.user, key_person_id))


@router.delete("/key-persons/{key_person_id}", response={204: None, **WRITE_ERRORS, 409: ErrorOut})
def delete_key_person(request, key_person_id: int):
    """Remove an entry registered by mistake; 409 while an isolation order refers to it."""
    services.delete_key_person(request.user, selectors.key_person_for(request.user, key_person_id))
    return Status(204, None)


@router.get("/key-persons/{key_person_id}/checks", response={200: list[CheckOut], 403: ErrorOut, 404: ErrorOut})
def list_checks(request, key_person_id: int):
    return [_check_out(c) for c in selectors.checks_of(selectors.key_person_for(request.user, key_person_id))]


@router.post("/key-persons/{key_person_id}/checks", response={200: CheckOut, 201: CheckOut, **WRITE_ERRORS})
def record_check(request, key_person_id: int, payload: CheckIn):
    """每天一查: 201 for the day's first check, 200 when it replaces that day's check."""
    kp = selectors.key_person_for(request.user, key_person_id)
    check, created = services.record_daily_check(request.user, kp, **payload.dict())
    return Status(201 if created else 200, _check_out(check, created))


@router.delete("/checks/{check_id}", response={204: None, **WRITE_ERRORS})
def delete_check(request, check_id: int):
    services.delete_daily_check(request.user, selectors.check_for(request.user, check_id))
    return Status(204, None)


@router.get("/today", response={200: TodayPage, 403: ErrorOut})
def today(request, mine: bool = False, pending: bool = False, after: int = 0, limit: int = 50):
    """今日名单: people under management in scope and today's check of each (null when not yet done)."""
    day = timezone.localdate()
    items = selectors.today_list(request.user, day=day, mine=mine, pending=pending, after=after, limit=limit)
    rows = []
    for kp in items:
        temperature = kp.today_temperature
        rows.append({**_kp_out(kp), "today_temperature": str(temperature) if temperature is not None else None,
                     "today_fever": is_fever(temperature)})
    return {"day": day, "items": rows,
            "next_after": items[-1].pk if items and len(items) == selectors.page_limit(limit) else None}


@router.get("/tasks", response={200: TaskPage, 403: ErrorOut})
def list_tasks(request, status: str = "open", kind: str = "", after: int | None = None,
               limit: int = selectors.PAGE_SIZE):
    """Arrival tasks of the villages in scope, newest first (status open / done / "" for all)."""
    items = selectors.page_of_tasks(request.user, status=status, kind=kind, after=after, limit=limit)
    full = len(items) == selectors.page_limit(limit)
    return {"items": [task_out(t) for t in items], "next_after": items[-1].pk if full else None}


@router.post("/tasks/{int:task_id}/close", response={200: TaskOut, **WRITE_ERRORS})
def close_task(request, task_id: int, payload: TaskCloseIn):
    task = task_services.close_task(request.user, selectors.task_for(request.user, task_id), note=payload.note)
    return task_out(selectors.task_for(request.user, task.pk))


