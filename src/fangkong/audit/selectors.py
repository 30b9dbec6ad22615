"""Reads of the audit trail, scoped to the viewer's subtree.

The trail is read newest first, by time (`at`, then id): the time index serves that order for every scope and
filter, the date filters are a range of it, and on PostgreSQL a month's reads stay in the month's partition.
The scope and the other filters are checked on the rows the index walk meets, so a page looks through a bounded
stretch of the trail (`page_for`), never the whole scope; nothing is counted.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from fangkong.core import paging
from fangkong.core.region_codes import in_scope, within

from .models import AuditEntry

NEWEST_FIRST = ("-at", "-id")
# The entries one page looks through at most, in windows growing from the first: a page whose filters (or a small
# scope) match little stops there and offers to look further, rather than walking the trail to its start.
FIRST_WINDOW = 500
SCAN_LIMIT = 20_000


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of a local day (the dates a person types are local), as a bound of the time index."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_days(qs: QuerySet, date_from: datetime.date | None, date_to: datetime.date | None) -> QuerySet:
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return qs


def audit_entries_for(user, *, action: str = "", actor: str = "", object_type: str = "", source: str = "",
                      region: str = "", date_from: datetime.date | None = None,
                      date_to: datetime.date | None = None) -> QuerySet[AuditEntry]:
    """Entries in the user's subtree, newest first (`at`, then id); a page of them is `page_for`.

    Entries without a region (code-table imports, system jobs) are visible only to an
    admin whose scope is the top of the tree they administer, i.e. never to a township admin.
    """
    # the rule is accounts.permissions.can_view_audit, asked through Django: accounts sits above audit
    if not user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    scope = in_scope(user)
    if user.region.parent_id is None:
        scope |= Q(region__isnull=True)
    qs = AuditEntry.objects.filter(scope)
    if region:
        qs = qs.filter(within(region))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:  # the login name the trail keeps, or the name the page shows
        named = get_user_model().objects.filter(display_name=actor).values_list("pk", flat=True)
        qs = qs.filter(Q(actor_name=actor) | Q(actor_id__in=list(named)))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if source:
        qs = qs.filter(source=source)
    return _in_days(qs, date_from, date_to).order_by(*NEWEST_FIRST)


@dataclass
class Page:
    entries: list[AuditEntry]
    next_after: int | None  # the id to pass as `after` for the next page; None at the start of the trail
    # set when the page stopped at SCAN_LIMIT before it was full: the time it looked back to
    searched_to: datetime.datetime | None = None


def _older(at: datetime.datetime, pk: int) -> Q:
    """Entries after (at, pk) in the newest-first order; the plain bound on `at` is the time index's range."""
    return Q(at__lte=at) & (Q(at__lt=at) | Q(id__lt=pk))


def _newer(at: datetime.datetime, pk: int) -> Q:
    """Entries up to (at, pk) in the newest-first order, that one included."""
    return Q(at__gte=at) & (Q(at__gt=at) | Q(id__gte=pk))


def page_for(user, *, after=None, limit=None, **filters) -> Page:
    """A page of `audit_entries_for(user, **filters)` that follows the entry with id `after`.

    The time index is walked in windows of the whole trail (every scope's rows), each closed by its oldest entry,
    and the scoped, filtered rows of each window are read until the page is full. After SCAN_LIMIT entries the
    page ends as it is, with the place to go on from: its cost never depends on the trail's size.
    """
    limit = paging.page_limit(limit)
    qs = audit_entries_for(user, **filters)
    trail = _in_days(AuditEntry.objects.all(), filters.get("date_from"), filters.get("date_to"))
    if after:
        pk = paging.id_or_404(after)
        cursor = AuditEntry.objects.filter(pk=pk).values_list("at", flat=True).first()
        if cursor is None:  # gone (past its retention): nothing to place the page after
            return Page([], None)
        qs, trail = qs.filter(_older(cursor, pk)), trail.filter(_older(cursor, pk))
    trail = trail.order_by(*NEWEST_FIRST).values_list("at", "id")
    if not after:  # the newest entry bounds the first window from above, as `after` does the others
        if (newest := trail.first()) is None:
            return Page([], None)
        qs = qs.filter(at__lte=newest[0])
    found: list[AuditEntry] = []
    window, looked = FIRST_WINDOW, 0
    while True:
        # the window's oldest entry, or the trail's when fewer remain: with both time bounds the index serves the read
        edge = next(iter(trail[window - 1:window]), None)
        last = edge is None
        if last and (edge := trail.reverse().first()) is None:
            return Page(with_names(found), None)
        found += qs.filter(_newer(*edge))[:limit - len(found)]
        if len(found) == limit:
            return Page(with_names(found), found[-1].pk)
        if last:
            return Page(with_names(found), None)
        looked += window
        if looked >= SCAN_LIMIT:
            return Page(with_names(found), edge[1], searched_to=edge[0])
        qs, trail = qs.filter(_older(*edge)), trail.filter(_older(*edge))
        window = min(window * 4, SCAN_LIMIT - looked)


def with_names(entries: list[AuditEntry]) -> list[AuditEntry]:
    """The entries with the regions and accounts they name, a query each for the batch (the page's own read
    stays on the one table, where the time index serves it)."""
    accounts = get_user_model().objects.only("display_name", "role", "region").select_related("region")
    prefetch_related_objects(entries, "region", Prefetch("actor", queryset=accounts))
    return entries
