"""Reads of key places: the registry (scoped, filtered, keyset pages), one place with its closures and
hygiene logs, and the compliance view (open places missing today's log, per township)."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from fangkong.checkpoints.models import Checkpoint
from fangkong.core import region_codes as codes
from fangkong.core.days import day_bounds
from fangkong.core.paging import PAGE_SIZE, page_after, page_limit
from fangkong.core.region_codes import in_scope, within
from fangkong.regions.models import Region

from .. import permissions
from ..models import ClosureOrder, HygieneLog, Place

TOWNSHIP_PREFIX = codes.PREFIX_LENGTH[codes.TOWNSHIP]


def require_viewer(user) -> None:
    if not permissions.can_view(user):
        raise PermissionDenied


def _narrowed(user, qs, region: str):
    """Narrow to a sub-region of the scope (a code outside the scope gives nothing)."""
    region = (region or "").strip()
    if not region:
        return qs
    if not region.isdigit() or not codes.covers(user, region):
        return qs.none()
    return qs.filter(within(region))


def places_in_scope(user):
    require_viewer(user)
    return Place.objects.filter(in_scope(user))


def closed_at_end_of(day: datetime.date) -> Q:
    """Places closed at the end of `day`: a closure ordered by then and not lifted by then (the roll-up's stock
    关停场所 of that day: closures counted on the day ordered, reopenings on the day lifted)."""
    end = day_bounds(day)[1]
    return Q(Exists(ClosureOrder.objects.filter(Q(reopened_at__isnull=True) | Q(reopened_at__gte=end),
                                                place=OuterRef("pk"), closed_at__lt=end)))


def places_for(user, *, region: str = "", kind: str = "", closed: bool | None = None, q: str = "",
               closed_on: datetime.date | None = None, after=None, limit=PAGE_SIZE) -> list[Place]:
    """A keyset page (by id, `after` = the last id seen) of the places in scope, filtered by sub-region
    (township or village), kind, closed or open (now, or `closed_on` at the end of that day), and a name
    fragment."""
    qs = _narrowed(user, places_in_scope(user), region)
    if kind:
        qs = qs.filter(kind=kind)
    if closed_on:
        qs = qs.filter(closed_at_end_of(closed_on))
    elif closed is not None:
        qs = qs.filter(is_closed=closed)
    q = " ".join((q or "").split())
    if q:
        qs = qs.filter(name__contains=q)
    return page_after(qs.select_related("region").order_by("id"), after, limit)


def place_for(user, pk) -> Place:
    found = places_in_scope(user).select_related("region").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def checkpoint_for(user, pk) -> Checkpoint:
    """A checkpoint in scope (for its place code)."""
    require_viewer(user)
    found = Checkpoint.objects.filter(in_scope(user)).select_related("region").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def closures_of(place: Place, limit: int = 50) -> list[ClosureOrder]:
    return list(place.closures.select_related("ordered_by", "reopened_by").order_by("-closed_at", "-id")[:limit])


def hygiene_logs_of(place: Place, limit: int = 30) -> list[HygieneLog]:
    return list(place.hygiene_logs.select_related("recorded_by").order_by("-day")[:limit])


def hygiene_log_of(place: Place, day) -> HygieneLog:
    """The place's log of `day` (a date or YYYY-MM-DD; the caller found the place in scope); Http404 when none."""
    try:
        day = day if isinstance(day, datetime.date) else datetime.date.fromisoformat(str(day))
    except ValueError:
        raise Http404 from None
    found = HygieneLog.objects.select_related("place").filter(place=place, day=day).first()
    if found is None:
        raise Http404
    return found


@dataclass
class TownshipRow:
    code: str
    name: str
    open_places: int
    missing: int


@dataclass
class Compliance:
    day: datetime.date
    townships: list[TownshipRow]
    open_places: int
    missing: int
    places: list[Place]  # a keyset page of the open places missing the day's log
    next_after: int | None


def hygiene_compliance(user, *, day: datetime.date | None = None, region: str = "", after=None,
                       limit=PAGE_SIZE) -> Compliance:
    """Open places in scope without a hygiene log for `day` (today; a past day: those open at its end): counts per
    township and a page of them.

    Places are few (hundreds to a few thousand in a county); logs are read for one day only
    (index (region, day)), so both counts are bounded by the places of the scope.
    """
    day = day or timezone.localdate()
    open_places = _narrowed(user, places_in_scope(user), region)
    if day >= timezone.localdate():
        open_places = open_places.filter(is_closed=False)
    else:  # open at the end of that day, as the roll-up's stock 开放 counts them: registered by then, not closed
        open_places = open_places.filter(created_at__lt=day_bounds(day)[1]).exclude(closed_at_end_of(day))
    logged = HygieneLog.objects.filter(in_scope(user), day=day).values("place_id")
    missing = open_places.exclude(id__in=logged)
    township = Substr("region_id", 1, TOWNSHIP_PREFIX)
    totals = dict(open_places.annotate(t=township).values("t").annotate(n=Count("id")).values_list("t", "n"))
    gaps = dict(missing.annotate(t=township).values("t").annotate(n=Count("id")).values_list("t", "n"))
    full_codes = {t: t + "0" * (12 - TOWNSHIP_PREFIX) for t in totals}
    names = dict(Region.objects.filter(code__in=full_codes.values()).values_list("code", "name"))
    rows = [TownshipRow(full_codes[t], names.get(full_codes[t], full_codes[t]), totals[t], gaps.get(t, 0))
            for t in sorted(totals)]
    page = page_after(missing.select_related("region").order_by("id"), after, limit)
    return Compliance(day, rows, sum(totals.values()), sum(gaps.values()), page,
                      page[-1].pk if len(page) == page_limit(limit) else None)


def township_choices(user) -> list[Region]:
    """The scope and the townships in it, for the filters."""
    return list(Region.objects.filter(in_scope(user, "code"))
                .filter(Q(level=codes.TOWNSHIP) | Q(code=user.region_id)).order_by("code")[:500])
