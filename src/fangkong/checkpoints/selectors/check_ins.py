"""Reads of check-ins: the active code behind a public token, the latest check-ins of a place."""

from django.http import Http404

from ..models import CheckIn, Checkpoint, Place, PlaceCode

TOKEN_MAX = 32


def active_code_by_token(token: str) -> PlaceCode:
    """The active code with this token, with its place or checkpoint; Http404 for an unknown or withdrawn one
    (the same answer for both: a withdrawn token tells nothing)."""
    token = str(token or "")
    if not token or len(token) > TOKEN_MAX:
        raise Http404
    code = (PlaceCode.objects.select_related("place", "checkpoint")
            .filter(token=token, is_active=True).first())
    if code is None:
        raise Http404
    return code


def recent_check_ins(*, place: Place | None = None, checkpoint: Checkpoint | None = None, limit: int = 20) -> list:
    """The latest check-ins of a place or checkpoint (index (place, time) / (checkpoint, time)); the caller
    has checked the place is in the user's scope."""
    qs = CheckIn.objects.filter(place=place) if place is not None else CheckIn.objects.filter(checkpoint=checkpoint)
    return list(qs.select_related("person").order_by("-checked_in_at")[:limit])
