"""JSON API of checkpoints, duty shifts, five-haves, risk areas, passages and arrival tasks
(mounted at /api/checkpoints).

Thin: every object comes from a selector (404 outside the caller's scope), every write is one
service call (403 for a role that may not, 422 with the service's message for bad input).
`POST /{id}/passages` is the queue's endpoint: it answers with the passage only (masked person).
"""

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from fangkong.core import paging
from fangkong.core.api import ErrorOut, idempotency_key
from fangkong.core.days import Day
from fangkong.core.rate_limit import RateLimited

from .schemas import (
    CheckpointCloseIn,
    CheckpointIn,
    CheckpointOut,
    CheckpointPage,
    FiguresOut,
    InspectionIn,
    InspectionOut,
    LookupIn,
    LookupOut,
    PassageIn,
    PassageOut,
    PassagePage,
    ShiftIn,
    ShiftOut,
    checkpoint_out,
    inspection_out,
    passage_out,
    shift_out,
)
from .selectors import checkpoints as selectors
from .selectors import passages as passage_selectors
from .services import checkpoints as services
from .services import lookups as lookup_services
from .services import passages as passage_services

router = Router(tags=["checkpoints"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _reloaded(request, checkpoint) -> dict:
    return checkpoint_out(selectors.checkpoint_for(request.user, checkpoint.pk))


# Checkpoints ---------------------------------------------------------------------------------------------

@router.get("/", response={200: CheckpointPage, **READ})
def list_checkpoints(request, status: str = "", kind: str = "", region: str = "", after: int | None = None,
                     limit: int = selectors.PAGE_SIZE):
    """Checkpoints in scope by id, a keyset page at a time (`after` = the last id seen)."""
    items = selectors.page_after(selectors.checkpoints_for(request.user, status=status, kind=kind, region=region),
                                 after, limit)
    full = len(items) == paging.page_limit(limit)
    return {"items": [checkpoint_out(c) for c in items], "next_after": items[-1].pk if full else None}


@router.post("/", response={201: CheckpointOut, **WRITE})
def create_checkpoint(request, payload: CheckpointIn):
    checkpoint = services.create_checkpoint(request.user, **payload.dict())
    return Status(201, _reloaded(request, checkpoint))


@router.get("/failing", response={200: CheckpointPage, **READ})
def failing_checkpoints(request, after: int | None = None, limit: int = selectors.PAGE_SIZE):
    """Open checkpoints whose latest five-haves inspection failed an item (`last_inspection.failing`)."""
    items = selectors.failing_checkpoints(request.user, after=after, limit=limit)
    full = len(items) == paging.page_limit(limit)
    return {"items": [checkpoint_out(c) for c in items], "next_after": items[-1].pk if full else None}


@router.get("/{int:checkpoint_id}", response={200: CheckpointOut, **READ})
def get_checkpoint(request, checkpoint_id: int):
    return checkpoint_out(selectors.checkpoint_for(request.user, checkpoint_id))


@router.put("/{int:checkpoint_id}", response={200: CheckpointOut, **WRITE})
def update_checkpoint(request, checkpoint_id: int, payload: CheckpointIn):
    data = payload.dict()
    data.pop("opened_on")
    checkpoint = services.update_checkpoint(request.user, selectors.checkpoint_for(request.user, checkpoint_id),
                                            **data)
    return _reloaded(request, checkpoint)


@router.post("/{int:checkpoint_id}/close", response={200: CheckpointOut, **WRITE})
def close_checkpoint(request, checkpoint_id: int, payload: CheckpointCloseIn):
    checkpoint = services.close_checkpoint(request.user, selectors.checkpoint_for(request.user, checkpoint_id),
                                           day=payload.day)
    return _reloaded(request, checkpoint)


@router.post("/{int:checkpoint_id}/reopen", response={200: CheckpointOut, **WRITE})
def reopen_checkpoint(request, checkpoint_id: int):
    checkpoint = services.reopen_checkpoint(request.user, selectors.checkpoint_for(request.user, checkpoint_id))
    return _reloaded(request, checkpoint)


# Duty shifts ----------------------------------------------------------------------------------------------

@router.get("/{int:checkpoint_id}/shifts", response={200: list[ShiftOut], **READ})
def list_shifts(request, checkpoint_id: int):
    """Shifts ended within a day, running (`on_duty`) or starting within a week."""
    now = timezone.now()
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    return [shift_out(s, now) for s in selectors.shifts_of(checkpoint, now=now)]


@router.post("/{int:checkpoint_id}/shifts", response={201: ShiftOut, **WRITE})
def plan_shift(request, checkpoint_id: int, payload: ShiftIn):
    data = payload.dict()
    shift = services.plan_shift(request.user, selectors.checkpoint_for(request.user, checkpoint_id),
                                staff=data.pop("staff_id"), **data)
    return Status(201, shift_out(shift))


@router.delete("/shifts/{int:shift_id}", response={204: None, **WRITE})
def cancel_shift(request, shift_id: int):
    services.cancel_shift(request.user, selectors.shift_for(request.user, shift_id))
    return Status(204, None)


# Five-haves inspections --------------------------------------------------------------------------------

@router.get("/{int:checkpoint_id}/inspections", response={200: list[InspectionOut], **READ})
def list_inspections(request, checkpoint_id: int):
    """The latest ten inspections, newest first."""
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    return [inspection_out(i) for i in selectors.inspections_of(checkpoint)]


@router.post("/{int:checkpoint_id}/inspections", response={201: InspectionOut, **WRITE})
def record_inspection(request, checkpoint_id: int, payload: InspectionIn):
    data = payload.dict()
    data["register"] = data.pop("entry_register")
    inspection = services.record_inspection(request.user, selectors.checkpoint_for(request.user, checkpoint_id),
                                            **data)
    return Status(201, inspection_out(inspection))


# Risk areas ----------------------------------------------------------------------------------------------









# Passages -------------------------------------------------------------------------------------------------

@router.post("/{int:checkpoint_id}/passages", response={201: PassageOut, 200: PassageOut, **WRITE})
def register_passage(request, checkpoint_id: int, payload: PassageIn):
    """Register one passage. 422 names the field (the fever rule is on `outcome`). Sent again (the same
    `Idempotency-Key` header or `client_key`, or the same person and facts within a minute): 200 with
    the stored passage and `duplicate: true`, nothing written.

    The queue's endpoint reads the checkpoint lean and cached (`selectors.passage_checkpoint`)."""
    checkpoint = selectors.passage_checkpoint(request.user, checkpoint_id)
    data = payload.dict()
    data["client_key"] = idempotency_key(request, data["client_key"])
    passage = passage_services.register_passage(request.user, checkpoint, **data)
    return Status(200 if passage.duplicate else 201, passage_out(passage))


@router.get("/{int:checkpoint_id}/passages", response={200: PassagePage, **READ})
def list_passages(request, checkpoint_id: int, day: Day | None = None, before: str = "",
                  limit: int = selectors.PAGE_SIZE):
    """One day's passages (default today), latest first; `before` = `next_before` of the previous page."""
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    rows, cursor = passage_selectors.passages_of_day(checkpoint, day or timezone.localdate(), before=before,
                                                     limit=limit)
    return {"items": [passage_out(p) for p in rows], "next_before": cursor}


@router.get("/{int:checkpoint_id}/figures", response={200: FiguresOut, **READ})
def day_figures(request, checkpoint_id: int, day: Day | None = None):
    """The checkpoint's figures of one day (default today)."""
    checkpoint, when = selectors.checkpoint_for(request.user, checkpoint_id), day or timezone.localdate()
    return {"checkpoint_id": checkpoint.pk, "day": when.isoformat(),
            **passage_selectors.day_figures(checkpoint, when)}


@router.post("/{int:checkpoint_id}/lookup", response={200: LookupOut, 429: ErrorOut, **READ})
def lookup_person(request, checkpoint_id: int, payload: LookupIn):
    """Did this ID pass here before? Name and where from and to last time, for the passage form
    (POST: no ID numbers in URLs). Audited; 429 over FANGKONG_LOOKUP_RATE a minute (services.lookups)."""
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    try:
        return lookup_services.look_up_person(request.user, checkpoint, id_type=payload.id_type,
                                              id_number=payload.id_number)
    except RateLimited as exc:
        return Status(429, {"detail": str(exc)})


# Arrival tasks -------------------------------------------------------------------------------------------



