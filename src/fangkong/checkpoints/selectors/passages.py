"""Reads of passages and arrival tasks, scoped to the user.

Passages are the big table: every read here is an index range of one checkpoint's day
(`passage_checkpoint`: checkpoint, passed_at) or of one person (`passage_person`), never a scan.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from fangkong.core import region_codes as codes
from fangkong.core.days import day_bounds, moment_problem
from fangkong.core.health import fever_threshold
from fangkong.core.paging import PAGE_SIZE, id_or_404, page_limit
from fangkong.core.region_codes import within
from fangkong.people.models import Person

from .. import permissions
from ..models import Checkpoint, Outcome, Passage

FIGURE_KEYS = ("persons", "vehicles", "turned_back_persons", "turned_back_vehicles", "fevers", "risk_arrivals")


def _of_day(checkpoint: Checkpoint, day: datetime.date):
    low, high = day_bounds(day)
    return Passage.objects.filter(checkpoint=checkpoint, passed_at__gte=low, passed_at__lt=high)


def day_figures(checkpoint: Checkpoint, day: datetime.date) -> dict[str, int]:
    """The checkpoint's figures of one day, in one aggregate over that day's index range.

    The checkpoint comes from a scoped selector (`checkpoint_for`); the figures follow the same
    rules as the roll-up counters (rollup_passages), so they add up to the region's.
    """
    turned_back = Q(outcome=Outcome.TURNED_BACK)
    found = _of_day(checkpoint, day).aggregate(
        persons=Count("id"),
        vehicles=Count("id", filter=Q(counts_vehicle=True)),
        turned_back_persons=Count("id", filter=turned_back),
        turned_back_vehicles=Count("id", filter=turned_back & Q(counts_vehicle=True)),
        fevers=Count("id", filter=Q(temperature__gte=fever_threshold())),
        risk_arrivals=Count("id", filter=Q(from_risk_area=True)),
    )
    return {key: found[key] or 0 for key in FIGURE_KEYS}


def passages_of_day(checkpoint: Checkpoint, day: datetime.date, *, before: str = "",
                    limit=PAGE_SIZE) -> tuple[list[Passage], str]:
    """A page of the day's passages, latest first; returns (rows, cursor of the next page or "").

    The cursor is "<passed_at ISO>|<id>" of the last row (passages may be typed in late, so ids
    are not in time order).
    """
    return _latest_first(_of_day(checkpoint, day).select_related("person", "destination", "key_person"), before,
                         limit)


def _latest_first(qs, before: str, limit) -> tuple[list[Passage], str]:
    """A page of passages latest first after the cursor `before` ("<passed_at ISO>|<id>" of the last row shown;
    passages may be typed in late, so ids are not in time order); returns (rows, cursor of the next page or "")."""
    if before:
        moment, _sep, pk = before.partition("|")
        try:
            at = datetime.datetime.fromisoformat(moment)
        except ValueError:
            raise Http404 from None
        if moment_problem(at):  # not a cursor this module made
            raise Http404
        qs = qs.filter(Q(passed_at__lt=at) | Q(passed_at=at, id__lt=id_or_404(pk)))
    limit = page_limit(limit)
    rows = list(qs.order_by("-passed_at", "-id")[:limit])
    cursor = f"{rows[-1].passed_at.isoformat()}|{rows[-1].pk}" if len(rows) == limit else ""
    return rows, cursor


# the region-wide list's filters, one per figure of the roll-up it lists (checkpoints.rollup)
KINDS = {"fever": "passage_fever", "turned_back": "passage_turned_back", "risk": "passage_risk_arrival"}


def passages_in(user, region_code: str, day: datetime.date, *, kind: str = "", before: str = "",
                limit=PAGE_SIZE) -> tuple[list[Passage], str]:
    """A page of the day's passages at the checkpoints of a region in the user's scope, latest first, as the
    roll-up counts them (the checkpoint's region, the local day): all (passage_persons), or `kind` fever
    (passage_fevers, at the threshold in force), turned_back (turned_back_persons) or risk (risk_arrivals).
    One index range (`passage_region`: region, passed_at) of one day. Returns (rows, cursor or "")."""
    if not permissions.can_view(user):
        raise PermissionDenied
    if not codes.covers(user, region_code):
        raise Http404
    low, high = day_bounds(day)
    qs = Passage.objects.filter(within(region_code), passed_at__gte=low, passed_at__lt=high)
    if kind == "fever":
        qs = qs.filter(temperature__gte=fever_threshold())
    elif kind == "turned_back":
        qs = qs.filter(outcome=Outcome.TURNED_BACK)
    elif kind == "risk":
        qs = qs.filter(from_risk_area=True)
    return _latest_first(qs.select_related("person", "destination", "checkpoint", "key_person"), before, limit)


def last_passage_here(user, checkpoint: Checkpoint, *, id_digest: str) -> Passage | None:
    """The latest passage at `checkpoint` (from a scoped selector) of the person with this ID digest, its
    person's name and phone and its destination loaded: what the passage form may prefill from (the
    checkpoint's own register, nothing the county knows of the person elsewhere).

    Two short reads: the person ids of the digest (index person_id_digest), then their latest passage
    here (index passage_person), never a walk down a busy checkpoint's day."""
    if not permissions.can_register_passages(user):
        raise PermissionDenied
    ids = list(Person.objects.filter(id_digest=id_digest).values_list("id", flat=True)[:5])
    if not ids:
        return None
    return (Passage.objects.filter(checkpoint=checkpoint, person_id__in=ids).select_related("person", "destination")
            .only("passed_at", "origin", "origin_code", "destination_text", "person__name", "person__phone",
                  "destination__name")
            .order_by("-passed_at", "-id").first())


# Arrival tasks -------------------------------------------------------------------------------------------







def today() -> datetime.date:
    return timezone.localdate()


