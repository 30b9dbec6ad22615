"""JSON API of linking a public check-in to a person after review (services.matching), under /api/checkpoints.

Thin: the check-in comes from a selector (404 outside the caller's scope or for those who do not trace),
the proposals from `match_candidates`, every write is one service call (403 / 422). Numbers are masked.
"""

import datetime

from ninja import Field, Router, Schema

from fangkong.core.api import ErrorOut

from .selectors import check_ins as selectors
from .services import matching as services

router = Router()


class VisitorOut(Schema):
    id: int
    name: str = Field(description="as the visitor typed it")
    id_number: str = Field(description="as typed, masked")
    phone: str = Field(description="as typed, masked")
    where: str
    at: datetime.datetime
    origin: str
    from_risk_area: bool
    person_id: int | None = Field(description="the person it was confirmed to be; none until reviewed")


class CandidateOut(Schema):
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    region_code: str
    region_name: str


class CheckInReviewOut(Schema):
    check_in: VisitorOut
    candidates: list[CandidateOut] = Field(description="the persons it may be linked to (services.matching)")


class MatchIn(Schema):
    person_id: int


def _visitor_out(row) -> dict:
    return {"id": row.pk, "name": row.name, "id_number": row.masked_id, "phone": row.masked_phone,
            "where": (row.place or row.checkpoint).name, "at": row.checked_in_at, "origin": row.origin,
            "from_risk_area": row.from_risk_area, "person_id": row.person_id}


def _review_out(user, row) -> dict:
    candidates = [] if row.person_id else selectors.match_candidates(user, row)
    return {"check_in": _visitor_out(row), "candidates": [
        {"person_id": c.pk, "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone,
         "region_code": c.region_id, "region_name": c.region_name} for c in candidates]}


@router.get("/check-ins/{check_in_id}", response={200: CheckInReviewOut, 404: ErrorOut})
def check_in_review(request, check_in_id: int):
    """A check-in as its visitor described themselves, and the persons it may be linked to."""
    return _review_out(request.user, selectors.check_in_for(request.user, check_in_id))


@router.post("/check-ins/{check_in_id}/match",
             response={200: CheckInReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def match_check_in(request, check_in_id: int, payload: MatchIn):
    """Confirm which person the check-in was (one of the candidates): from now on it is their presence."""
    row = services.match_check_in(request.user, selectors.check_in_for(request.user, check_in_id), payload.person_id)
    return _review_out(request.user, selectors.check_in_for(request.user, row.pk))


@router.post("/check-ins/{check_in_id}/unmatch", response={200: CheckInReviewOut, 403: ErrorOut, 404: ErrorOut})
def unmatch_check_in(request, check_in_id: int):
    """Undo a mistaken link: the check-in is its visitor's own again."""
    row = services.unmatch_check_in(request.user, selectors.check_in_for(request.user, check_in_id))
    return _review_out(request.user, selectors.check_in_for(request.user, row.pk))
