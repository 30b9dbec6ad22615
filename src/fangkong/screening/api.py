"""JSON API of screening: every write the pages can do, and the reads behind them, scoped alike."""


from django.utils import timezone
from ninja import Router, Status

from fangkong.core.api import ErrorOut
from fangkong.core.health import is_fever
from fangkong.core.searches import refused_in_query
from fangkong.people import reviews
from fangkong.people.schemas import SubmittedOut

from . import selectors, services
from .schemas import (
    CheckIn,
    CheckOut,
    KeyPersonDetail,
    KeyPersonIn,
    KeyPersonOut,
    KeyPersonPage,
    KeyPersonPatch,
    KeyPersonSearchIn,
    ProgressOut,
    StatusIn,
    SweepHouseholdPage,
    SweepIn,
    SweepOut,
    TaskCloseIn,
    TaskOut,
    TaskPage,
    TodayPage,
    VisitIn,
    VisitOut,
    check_out,
    key_person_out,
    sweep_out,
    task_out,
    visit_out,
)
from .services import arrival_tasks as task_services

router = Router(tags=["screening"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# Sweeps and visits -----------------------------------------------------------------------------

@router.get("/sweeps", response={200: list[SweepOut], 403: ErrorOut, 404: ErrorOut})
def list_sweeps(request, after: int = 0, limit: int = 100):
    """Newest first, `limit` (≤ 200) at a time: for the next page pass the id of the last sweep received as `after`."""
    return [sweep_out(s) for s in selectors.sweep_page(request.user, after=after or None, limit=limit)]


@router.post("/sweeps", response={201: SweepOut, **WRITE_ERRORS})
def create_sweep(request, payload: SweepIn):
    return Status(201, sweep_out(services.create_sweep(request.user, **payload.dict())))


@router.get("/sweeps/{sweep_id}", response={200: SweepOut, 403: ErrorOut, 404: ErrorOut})
def get_sweep(request, sweep_id: int):
    return sweep_out(selectors.sweep_for(request.user, sweep_id))


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
    return Status(201 if created else 200, visit_out(visit, created))


@router.delete("/visits/{visit_id}", response={204: None, **WRITE_ERRORS})
def delete_visit(request, visit_id: int):
    services.delete_household_visit(request.user, selectors.visit_for(request.user, visit_id))
    return Status(204, None)


# Key persons ------------------------------------------------------------------------------------

@router.get("/key-persons", response={200: KeyPersonPage, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def list_key_persons(request, category: str = "", status: str = "", region: str = "", q: str = "",
                     before: int = 0, limit: int = 50):
    """Newest first, a keyset page at a time (`before` = last id seen). `q`: part of a name here; an ID number
    only in the body of POST /key-persons/search, never in an address."""
    if refused := refused_in_query(q):
        return Status(422, refused)
    return _key_persons(request.user, category, status, region, q, before, limit)


@router.post("/key-persons/search", response={200: KeyPersonPage, 403: ErrorOut, 404: ErrorOut})
def search_key_persons(request, payload: KeyPersonSearchIn):
    """GET /key-persons with its filters in the body: `q` part of a name, or an ID number."""
    return _key_persons(request.user, payload.category, payload.status, payload.region, payload.q, payload.before,
                        payload.limit)


def _key_persons(user, category: str, status: str, region: str, q: str, before: int, limit: int) -> dict:
    items = selectors.key_person_page(user, category=category, status=status, region_code=region, q=q,
                                      before=before, limit=limit)
    return {"items": [key_person_out(kp) for kp in items],
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
    return Status(201 if created else 200, key_person_out(selectors.key_person_for(request.user, kp.pk), created))


@router.get("/key-persons/{key_person_id}", response={200: KeyPersonDetail, 403: ErrorOut, 404: ErrorOut})
def get_key_person(request, key_person_id: int):
    kp = selectors.key_person_for(request.user, key_person_id)
    return {**key_person_out(kp), "checks": [check_out(c) for c in selectors.checks_of(kp)],
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
    return key_person_out(selectors.key_person_for(request.user, key_person_id))


@router.post("/key-persons/{key_person_id}/status", response={200: KeyPersonOut, **WRITE_ERRORS})
def change_status(request, key_person_id: int, payload: StatusIn):
    """End management: released, transferred or moved_away (ended_on defaults to today)."""
    kp = selectors.key_person_for(request.user, key_person_id)
    services.change_key_person_status(request.user, kp, **payload.dict())
    return key_person_out(selectors.key_person_for(request.user, key_person_id))


@router.delete("/key-persons/{key_person_id}", response={204: None, **WRITE_ERRORS, 409: ErrorOut})
def delete_key_person(request, key_person_id: int):
    """Remove an entry registered by mistake; 409 while an isolation order refers to it."""
    services.delete_key_person(request.user, selectors.key_person_for(request.user, key_person_id))
    return Status(204, None)


@router.get("/key-persons/{key_person_id}/checks", response={200: list[CheckOut], 403: ErrorOut, 404: ErrorOut})
def list_checks(request, key_person_id: int):
    return [check_out(c) for c in selectors.checks_of(selectors.key_person_for(request.user, key_person_id))]


@router.post("/key-persons/{key_person_id}/checks", response={200: CheckOut, 201: CheckOut, **WRITE_ERRORS})
def record_check(request, key_person_id: int, payload: CheckIn):
    """每天一查: 201 for the day's first check, 200 when it replaces that day's check."""
    kp = selectors.key_person_for(request.user, key_person_id)
    check, created = services.record_daily_check(request.user, kp, **payload.dict())
    return Status(201 if created else 200, check_out(check, created))


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
        rows.append({**key_person_out(kp), "today_temperature": str(temperature) if temperature is not None else None,
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


