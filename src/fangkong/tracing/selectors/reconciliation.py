"""The "no one missed" report (不漏一人): open `unlisted` arrival tasks in the viewer's scope, grouped by
destination village (a township or the county when no village was known), with counts per township.

Reads only open `unlisted` tasks — an index range on (region, status) — never the passages or
check-ins wholesale: the reconciliation run (services.reconciliation) did that join. Rows are keyset
paged by (region, id); each shows how the person arrived (passage or check-in), masked ID and phone
(of the person, or of an unlinked check-in's visitor as typed), and whether they have been put on a
ledger since the task opened (closed by the next run).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from fangkong.core import region_codes as codes
from fangkong.core.paging import page_limit
from fangkong.core.region_codes import in_scope, within
from fangkong.regions.models import Region
from fangkong.screening.models import ArrivalTask, TaskKind, TaskStatus

from .. import permissions
from ..services.reconciliation import default_hours, listing, tasks_entries

# A page of the report holds more than a list's (core.paging): a village's tasks are read in one go.
PAGE_SIZE = 100
MAX_PAGE = 500


def require_viewer(user) -> None:
    if not permissions.can_view_reconciliation(user):
        raise PermissionDenied


@dataclass
class TownshipCount:
    code: str
    name: str
    count: int


@dataclass
class Group:
    region: Region
    destination_unknown: bool
    tasks: list = field(default_factory=list)


@dataclass
class Report:
    hours: int
    total: int
    townships: list[TownshipCount]
    groups: list[Group]
    next_after: str | None
    township: Region | None = None


def _open_unlisted(user):
    return ArrivalTask.objects.filter(in_scope(user, "region_id"), kind=TaskKind.UNLISTED,
                                      status=TaskStatus.OPEN)


def township_of(code: str) -> str:
    """A task's township (its own code when the task sits at township level or above)."""
    if len(code) == 15 or codes.level_of(code) == codes.VILLAGE:
        return code[:9] + "000"
    return code


def township_counts(user) -> list[TownshipCount]:
    """Open `unlisted` tasks per township of the scope (one grouped read over the open tasks)."""
    require_viewer(user)
    per_region = _open_unlisted(user).values("region_id").annotate(n=Count("pk")).values_list("region_id", "n")
    counts = Counter()
    for code, n in per_region:
        counts[township_of(code)] += n
    names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
    return [TownshipCount(code, names.get(code, code), n) for code, n in sorted(counts.items())]


def _parse_after(after: str | None) -> tuple[str, int] | None:
    if not after:
        return None
    code, _sep, pk = str(after).partition(".")
    if not (code.isdigit() and pk.isdigit()):
        return None
    return code, int(pk)


def report(user, *, township: str = "", after: str | None = None, limit: int = PAGE_SIZE) -> Report:
    """One page of the report: open `unlisted` tasks of the scope (or of one township in it) by village."""
    require_viewer(user)
    limit = page_limit(limit, PAGE_SIZE, MAX_PAGE)
    qs = _open_unlisted(user)
    township_region = None
    if township:
        if not (township.isdigit() and codes.covers(user, township)):
            raise Http404
        township_region = Region.objects.filter(code=township).first()
        if township_region is None:
            raise Http404
        qs = qs.filter(within(township, "region_id"))
    position = _parse_after(after)
    if position:
        code, pk = position
        qs = qs.filter(Q(region_id__gt=code) | Q(region_id=code, pk__gt=pk))
    tasks = list(qs.select_related("region", "region__parent", "person", "passage__checkpoint",
                                   "check_in__place", "check_in__checkpoint")
                 .order_by("region_id", "pk")[:limit])
    _annotate(tasks)
    groups: list[Group] = []
    for task in tasks:
        if not groups or groups[-1].region.code != task.region_id:
            groups.append(Group(task.region, task.region.level != codes.VILLAGE))
        groups[-1].tasks.append(task)
    counts = township_counts(user)
    if township:
        counts = [c for c in counts if codes.is_within(c.code, township) or codes.is_within(township, c.code)]
    return Report(hours=default_hours(), total=sum(c.count for c in counts), townships=counts, groups=groups,
                  next_after=f"{tasks[-1].region_id}.{tasks[-1].pk}" if len(tasks) == limit else None,
                  township=township_region)


def _annotate(tasks: list[ArrivalTask]) -> None:
    """Each task's arrival (time, where, from where) and whether the person is on a ledger by now."""
    entries = tasks_entries(tasks)
    for task in tasks:
        passage, check_in = task.passage, task.check_in
        if passage is not None:
            task.arrived_at, task.via = passage.passed_at, passage.checkpoint.name
            task.origin, task.destination_text = passage.origin, passage.destination_text
        elif check_in is not None:
            task.arrived_at = check_in.checked_in_at
            task.via = (check_in.place or check_in.checkpoint).name
            task.origin, task.destination_text = check_in.origin, ""
        else:
            task.arrived_at, task.via, task.origin, task.destination_text = task.opened_at, "", "", ""
        task.via_kind = "passage" if passage is not None else "check_in" if check_in is not None else ""
        task.hours_since = int((timezone.now() - task.arrived_at) / datetime.timedelta(hours=1))
        task.now_listed = listing(entries.get(task.pk, ()), task.region_id[:6],
                                  timezone.localdate(task.arrived_at)) is not None
