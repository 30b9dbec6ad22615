"""JSON API of key places, hygiene logs, place codes and the public check-in, mounted at /api/places.

Thin: objects come from selectors (404 outside scope), writes are one service call (403 / 422).
`POST /c/{token}/check-in` needs no account (auth=None): the same validation, rate limit and
answers as the page. It is not CSRF-protected because it trusts no cookie: nothing is done with
the caller's session, so there is nothing to forge.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from fangkong.core import paging
from fangkong.core.api import ErrorOut, idempotency_key
from fangkong.core.clients import client_ip
from fangkong.core.days import Day

from . import qr
from .schemas import (
    CheckInOut,
    ClosureIn,
    ClosureOut,
    CodeOut,
    ComplianceOut,
    HygieneCorrectionIn,
    HygieneIn,
    HygieneOut,
    PlaceIn,
    PlaceOut,
    PlacePage,
    PublicCheckInIn,
    local,
    place_out,
)
from .selectors import check_ins as check_in_selectors
from .selectors import places as selectors
from .services import check_ins as check_in_services
from .services import places as services

router = Router(tags=["places"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post("/c/{token}/check-in", auth=None, response={201: CheckInOut, 404: ErrorOut, 422: ErrorOut,
                                                          429: ErrorOut})
def public_check_in(request, token: str, payload: PublicCheckInIn):
    """The public check-in (no account): same rules and answers as the page /places/c/{token}/.
    The router's first route: the busiest one, resolved after the fewest tries of other patterns.
    Sent again (the same `Idempotency-Key` header or `client_key`, or the same visitor within a minute),
    it is stored once and answered alike: the answer never says whether the visitor was here before."""
    try:
        code = check_in_selectors.active_code_by_token(token)
    except Http404:
        return Status(404, {"detail": _("场所码无效")})
    if not check_in_services.allow_attempt(client_ip(request)):
        return Status(429, {"detail": _("提交过于频繁，请稍后再试")})
    data = payload.dict()
    data["client_key"] = idempotency_key(request, data["client_key"])
    at = timezone.now()
    try:
        check_in_services.check_in(code, at=at, **data)
    except ValidationError as exc:
        return Status(422, {"detail": exc.message_dict})
    return Status(201, {"detail": _("登记成功"), "where": code.name, "at": local(at)})


@router.get("", response={200: PlacePage, **READ})
def list_places(request, region: str = "", kind: str = "", closed: bool | None = None, q: str = "",
                after: int | None = None, limit: int = selectors.PAGE_SIZE):
    """Places in scope by id, a keyset page at a time (`after` = the last id seen)."""
    items = selectors.places_for(request.user, region=region, kind=kind, closed=closed, q=q, after=after, limit=limit)
    full = len(items) == paging.page_limit(limit)
    return {"items": [place_out(p) for p in items], "next_after": items[-1].pk if full else None}


@router.post("", response={201: PlaceOut, **WRITE})
def create_place(request, payload: PlaceIn):
    return Status(201, place_out(services.create_place(request.user, **payload.dict())))


@router.get("/compliance", response={200: ComplianceOut, **READ})
def hygiene_compliance(request, region: str = "", day: Day | None = None, after: int | None = None,
                       limit: int = selectors.PAGE_SIZE):
    """Open places missing the day's hygiene log (today by default): per township and a keyset page."""
    c = selectors.hygiene_compliance(request.user, day=day, region=region, after=after, limit=limit)
    return {"day": c.day, "open_places": c.open_places, "missing": c.missing,
            "townships": [vars(t) for t in c.townships], "places": [place_out(p) for p in c.places],
            "next_after": c.next_after}


@router.get("/{place_id}", response={200: PlaceOut, **READ})
def get_place(request, place_id: int):
    return place_out(selectors.place_for(request.user, place_id))


@router.put("/{place_id}", response={200: PlaceOut, **WRITE})
def update_place(request, place_id: int, payload: PlaceIn):
    place = selectors.place_for(request.user, place_id)
    return place_out(services.update_place(request.user, place, **payload.dict()))


def _closure_out(c) -> dict:
    return {"id": c.pk, "place_id": c.place_id, "closed_at": local(c.closed_at), "reason": c.reason,
            "reopened_at": local(c.reopened_at) if c.reopened_at else None}


@router.post("/{place_id}/close", response={201: ClosureOut, **WRITE})
def close_place(request, place_id: int, payload: ClosureIn):
    place = selectors.place_for(request.user, place_id)
    return Status(201, _closure_out(services.close_place(request.user, place, reason=payload.reason)))


@router.post("/{place_id}/reopen", response={200: ClosureOut, **WRITE})
def reopen_place(request, place_id: int):
    place = selectors.place_for(request.user, place_id)
    return _closure_out(services.reopen_place(request.user, place))


@router.post("/{place_id}/hygiene", response={201: HygieneOut, **WRITE})
def log_hygiene(request, place_id: int, payload: HygieneIn):
    place = selectors.place_for(request.user, place_id)
    log = services.log_hygiene(request.user, place, **payload.dict())
    return Status(201, _hygiene_out(log))


@router.put("/{place_id}/hygiene/{day}", response={200: HygieneOut, **WRITE})
def correct_hygiene(request, place_id: int, day: str, payload: HygieneCorrectionIn):
    """Correct the log of a day (YYYY-MM-DD) of the last week, with a reason (audited before/after)."""
    log = selectors.hygiene_log_of(selectors.place_for(request.user, place_id), day)
    return _hygiene_out(services.correct_hygiene(request.user, log, **payload.dict()))


def _hygiene_out(log) -> dict:
    return {"id": log.pk, "place_id": log.place_id, "day": log.day, "cleaned": log.cleaned,
            "disinfected": log.disinfected, "patrolled": log.patrolled, "note": log.note}


def _code_out(request, code) -> dict:
    return {"token": code.token, "url": qr.check_in_url(request, code.token), "place_id": code.place_id,
            "checkpoint_id": code.checkpoint_id}


@router.get("/{place_id}/code", response={200: CodeOut, **WRITE})
def place_code(request, place_id: int):
    """The place's active code (issued on first request) and the check-in URL it encodes."""
    place = selectors.place_for(request.user, place_id)
    return _code_out(request, services.code_for(request.user, place=place))


@router.post("/{place_id}/code/reissue", response={201: CodeOut, **WRITE})
def reissue_place_code(request, place_id: int):
    """Withdraw the active code (its check-in page answers 404 from now on) and issue a new one."""
    place = selectors.place_for(request.user, place_id)
    return Status(201, _code_out(request, services.reissue_code(request.user, place=place)))


@router.get("/checkpoints/{checkpoint_id}/code", response={200: CodeOut, **WRITE})
def checkpoint_code(request, checkpoint_id: int):
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    return _code_out(request, services.code_for(request.user, checkpoint=checkpoint))


@router.post("/checkpoints/{checkpoint_id}/code/reissue", response={201: CodeOut, **WRITE})
def reissue_checkpoint_code(request, checkpoint_id: int):
    checkpoint = selectors.checkpoint_for(request.user, checkpoint_id)
    return Status(201, _code_out(request, services.reissue_code(request.user, checkpoint=checkpoint)))


