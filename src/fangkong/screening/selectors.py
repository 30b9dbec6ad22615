"""Reads of sweeps, visits and the key-person ledger, always inside the viewer's scope.

Lists are keyset pages (by id) with their relations joined; nothing here counts a big table:
the figures of a scope come from the roll-up counters, sweep progress from one grouped query
per table whose result has one row per child region.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import Http404

from fangkong.accounts import permissions
from fangkong.accounts.selectors import staff_in_scope
from fangkong.analytics import counters
from fangkong.core import region_codes as codes
from fangkong.core.days import day_bounds
from fangkong.core.health import fever_threshold
from fangkong.core.paging import PAGE_SIZE, id_or_404, page_after, page_limit
from fangkong.core.region_codes import in_scope, within
from fangkong.people import identity
from fangkong.people.models import Household, IdType
from fangkong.regions.models import Region

from . import rollup
from .models import (
    ArrivalTask,
    Category,
    DailyCheck,
    HouseholdVisit,
    KeyPerson,
    Status,
    Sweep,
    TaskKind,
    TaskStatus,
)

TENTH = Decimal("0.1")


def require_reader(user) -> None:
    if not permissions.can_view_ledger(user):
        raise PermissionDenied


def regions_by_code(region_codes: list[str]) -> list[Region]:
    found = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    return [found[c] for c in region_codes if c in found]


def region_in_view(user, code: str, *, inside: str | None = None) -> Region:
    """A region the user may look at (and inside `inside`, when given); 404 otherwise."""
    if not code or not codes.covers(user, code) or (inside and not codes.is_within(code, inside)):
        raise Http404
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


# Key persons ---------------------------------------------------------------------------------

def key_persons_for(user) -> QuerySet[KeyPerson]:
    require_reader(user)
    return KeyPerson.objects.filter(in_scope(user)).select_related("person", "region", "responsible")


def may_open_key_person(user, key_person) -> bool:
    """Whether `key_person_for` finds this entry for the user: a reader of the ledger, the entry in their scope
    (the rule of `key_persons_for`, on the entry's region code alone, so a page of many links asks nothing)."""
    return permissions.can_view_ledger(user) and codes.covers(user, key_person.region_id)


def key_person_for(user, pk) -> KeyPerson:
    try:
        return key_persons_for(user).get(pk=id_or_404(pk))
    except KeyPerson.DoesNotExist:
        raise Http404 from None


def _matching(qs: QuerySet, q: str) -> QuerySet:
    """An ID number is matched by its keyed digest (any ID type), anything else as the start of the name."""
    number = identity.normalize(q)
    if len(number) >= 8 and sum(c.isdigit() for c in number) >= 6:
        digests = [identity.digest(kind, number) for kind in IdType.values]
        try:
            digests.append(identity.digest(IdType.RESIDENT_ID, identity.check_resident_id(number)))
        except ValidationError:
            pass
        return qs.filter(person__id_digest__in=digests)
    return qs.filter(person__name__startswith=q.strip())


def under_management_on(day: datetime.date) -> Q:
    """Under management at the end of `day`: registered by then, and still open or ended after it (the roll-up's
    stock 在管 of that day, and a past day's list of whom to check)."""
    return Q(registered_on__lte=day) & (Q(status=Status.UNDER_MANAGEMENT) | Q(ended_on__gt=day))


def key_person_page(user, *, category: str = "", status: str = "", region_code: str = "", q: str = "",
                    registered_on: datetime.date | None = None, under_on: datetime.date | None = None, before=None,
                    limit=PAGE_SIZE) -> list[KeyPerson]:
    """Newest first; the next page starts `before` the last id shown. `registered_on`: those registered that day
    (the figure 今日新增 counts them); `under_on`: those under management at the end of that day (在管)."""
    qs = key_persons_for(user)
    if registered_on:
        qs = qs.filter(registered_on=registered_on)
    if under_on:
        qs = qs.filter(under_management_on(under_on))
    if category in Category.values:
        qs = qs.filter(category=category)
    if status in Status.values:
        qs = qs.filter(status=status)
    if region_code:
        qs = qs.filter(within(region_in_view(user, region_code)))
    if q.strip():
        qs = _matching(qs, q)
    if before:
        qs = qs.filter(pk__lt=int(before))
    return list(qs.order_by("-pk")[:page_limit(limit)])


def timeline_of(key_person: KeyPerson) -> QuerySet:
    return key_person.events.select_related("actor").order_by("at", "pk")


def checks_of(key_person: KeyPerson, limit: int = 31) -> list[DailyCheck]:
    return list(key_person.checks.select_related("checked_by").order_by("-checked_on")[:limit])


def check_for(user, pk) -> DailyCheck:
    require_reader(user)
    try:
        return DailyCheck.objects.filter(in_scope(user)).select_related("key_person").get(pk=id_or_404(pk))
    except DailyCheck.DoesNotExist:
        raise Http404 from None


def _today_queryset(user, day: datetime.date, *, mine: bool, pending: bool, fever: bool = False,
                    region_code: str = "") -> QuerySet[KeyPerson]:
    """People under management on `day` in scope (or those the user answers for); `pending`: not yet checked;
    `fever`: the day's check is a fever (by any register: core.health.fever_found), those the figure 发热 counts."""
    if fever:  # every fever of the day counts, that of a person who left management the same day too
        qs = key_persons_for(user).filter(Q(status=Status.UNDER_MANAGEMENT) | Q(ended_on__gte=day),
                                          registered_on__lte=day)
    else:
        qs = key_persons_for(user).filter(under_management_on(day))
    if region_code:  # a part of the scope (the dashboard's child region)
        qs = qs.filter(within(region_code))
    if mine:
        qs = qs.filter(responsible=user)
    if pending:
        qs = qs.exclude(Exists(DailyCheck.objects.filter(key_person=OuterRef("pk"), checked_on=day)))
    if fever:
        qs = qs.filter(Exists(DailyCheck.objects.filter(key_person=OuterRef("pk"), checked_on=day,
                                                        temperature__gte=fever_threshold())))
    return qs


def today_list(user, *, day: datetime.date, mine: bool = False, pending: bool = False, fever: bool = False,
               region_code: str = "", after=None, limit=PAGE_SIZE) -> list[KeyPerson]:
    """今日名单: people under management on `day` in scope (or those the user answers for), each annotated
    with that day's check (`today_temperature`, `today_check_id`: None when not yet checked)."""
    todays = DailyCheck.objects.filter(key_person=OuterRef("pk"), checked_on=day)
    qs = _today_queryset(user, day, mine=mine, pending=pending, fever=fever, region_code=region_code)
    qs = qs.annotate(today_temperature=Subquery(todays.values("temperature")[:1]),
                     today_check_id=Subquery(todays.values("pk")[:1]))
    items = page_after(qs.order_by("pk"), after, limit)
    for kp in items:  # SQLite gives an annotated decimal unrounded (37.8000000000000)
        if kp.today_temperature is not None:
            kp.today_temperature = Decimal(kp.today_temperature).quantize(TENTH)
    return items


def today_pending_count(user, day: datetime.date) -> int:
    """How many of the day's list (the whole scope) are not checked yet: the rows of the list's 未查 filter, read
    from the roll-up counters as 漏查 (a few counter rows, whatever the scope holds: counting the rows themselves
    grows with the scope's key persons and their checks, 0.25 s for a township of 50,000)."""
    return scope_figures(user, day)["checks_missed"]


def scope_figures(user, day: datetime.date, region_code: str = "") -> dict:
    """Under management / checked / fevers / not checked (漏查) in the user's whole scope (or `region_code` in it)
    on `day`, from the roll-up counters."""
    require_reader(user)
    code = region_code or user.region_id
    flows = counters.figures([code], day, ["checks_done", "checks_leaving", "fevers_found"])[code]
    stock = counters.stock([code], day, [f"kp_in.{c}" for c in Category.values],
                           [f"kp_out.{c}" for c in Category.values])[code]
    under_management, done = sum(stock.values()), flows.get("checks_done", 0)
    return {"under_management": under_management, "checks_done": done,
            "fevers_found": flows.get("fevers_found", 0),
            "checks_missed": rollup.checks_missed(under_management, done, flows.get("checks_leaving", 0))}


def responsible_choices(user) -> QuerySet:
    return staff_in_scope(user, roles=permissions.LEDGER_WORK)


# Sweeps ---------------------------------------------------------------------------------------

def sweeps_for(user) -> QuerySet[Sweep]:
    """Sweeps over the user's scope or part of it, and the wider ones covering it."""
    require_reader(user)
    covering = [user.region_id, *codes.ancestor_codes(user.region_id)]
    return Sweep.objects.filter(in_scope(user) | Q(region_id__in=covering)).select_related("region")


def sweep_page(user, *, after: int | None = None, limit=None) -> list[Sweep]:
    """A keyset page of `sweeps_for`, newest first (start date, then id): those after `after`, the id of the
    last sweep shown. Villages run their own sweeps, so a county soon has hundreds. 404 for an unknown `after`."""
    qs = sweeps_for(user)
    if after:
        last = qs.filter(pk=after).values_list("start_date", flat=True).first()
        if last is None:
            raise Http404
        qs = qs.filter(Q(start_date__lt=last) | Q(start_date=last, pk__lt=after))
    return list(qs.order_by("-start_date", "-pk")[:page_limit(limit)])


def sweep_for(user, pk) -> Sweep:
    try:
        return sweeps_for(user).get(pk=id_or_404(pk))
    except Sweep.DoesNotExist:
        raise Http404 from None


def sweep_root(user, sweep: Sweep) -> str:
    """Where the user's view of a sweep starts: the narrower of their scope and the sweep's region."""
    return user.region_id if codes.is_within(user.region_id, sweep.region_id) else sweep.region_id


@dataclass
class ProgressRow:
    region: Region | None  # None: households filed directly under the parent region
    known: int = 0
    visited: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.visited / self.known) if self.known else 0


@dataclass
class Progress:
    region: Region
    rows: list[ProgressRow] = field(default_factory=list)
    total: ProgressRow | None = None


def _grouped(qs: QuerySet, length: int) -> dict[str, int]:
    rows = qs.annotate(part=Substr("region_id", 1, length)).values("part").annotate(n=Count("pk")).order_by()
    return {row["part"]: row["n"] for row in rows}


def sweep_progress(user, sweep: Sweep, region_code: str = "") -> Progress:
    """Households visited / known in `region_code` (default: the user's view of the sweep), per child region.

    Two grouped queries (households, visits), each returning at most one row per child region."""
    root = sweep_root(user, sweep)
    region = region_in_view(user, region_code or root, inside=root)
    children = list(region.children.order_by("code"))
    by_prefix = {c.prefix: ProgressRow(c) for c in children}
    direct = ProgressRow(None)
    total = ProgressRow(region)
    length = codes.PREFIX_LENGTH[children[0].level] if children else len(region.prefix)
    known = _grouped(Household.objects.filter(within(region)), length)
    visited = _grouped(HouseholdVisit.objects.filter(within(region), sweep=sweep), length)
    for part in set(known) | set(visited):
        row = by_prefix.get(part, direct)
        row.known += known.get(part, 0)
        row.visited += visited.get(part, 0)
        total.known += known.get(part, 0)
        total.visited += visited.get(part, 0)
    rows = [by_prefix[c.prefix] for c in children]
    if children and (direct.known or direct.visited):
        rows.append(direct)
    return Progress(region=region, rows=rows, total=total)


def households_not_visited(user, sweep: Sweep, region: Region, *, after=None, limit=PAGE_SIZE) -> list[Household]:
    """Households of `region` with no visit in the sweep, by id, a keyset page at a time."""
    visited = HouseholdVisit.objects.filter(sweep=sweep, household=OuterRef("pk"))
    qs = (Household.objects.filter(within(region)).filter(within(sweep_root(user, sweep)))
          .exclude(Exists(visited)).select_related("region"))
    return page_after(qs.order_by("pk"), after, limit)


def household_for_visit(user, sweep: Sweep, pk) -> Household:
    """A household the user may visit in this sweep (404 otherwise)."""
    root = sweep_root(user, sweep)
    try:
        return Household.objects.filter(within(root)).select_related("region").get(pk=id_or_404(pk))
    except Household.DoesNotExist:
        raise Http404 from None


def visit_of(sweep: Sweep, household: Household) -> HouseholdVisit | None:
    return HouseholdVisit.objects.filter(sweep=sweep, household=household).first()


def visit_for(user, pk) -> HouseholdVisit:
    require_reader(user)
    try:
        return HouseholdVisit.objects.filter(in_scope(user)).select_related("sweep").get(pk=id_or_404(pk))
    except HouseholdVisit.DoesNotExist:
        raise Http404 from None


def recent_visits(user, sweep: Sweep, region: Region, limit: int = 20) -> list[HouseholdVisit]:
    return list(HouseholdVisit.objects.filter(within(region), sweep=sweep).filter(in_scope(user))
                .select_related("household", "visited_by").order_by("-pk")[:limit])


def tasks_for(user, *, status: str = TaskStatus.OPEN, kind: str = "", region_code: str = "",
              open_on: datetime.date | None = None) -> QuerySet[ArrivalTask]:
    """Arrival tasks of the villages in the user's scope (or `region_code` in it), newest first. `open_on`: those
    open at the end of that day, as the roll-up's stock of open tasks counts them (opened by then, not yet closed)."""
    require_reader(user)
    qs = (ArrivalTask.objects.filter(in_scope(user))
          .select_related("person", "check_in", "region", "passage__checkpoint", "key_person", "closed_by"))
    if region_code:
        qs = qs.filter(within(region_in_view(user, region_code)))
    if open_on:
        end = day_bounds(open_on)[1]
        qs = qs.filter(Q(status=TaskStatus.OPEN) | Q(closed_at__isnull=True) | Q(closed_at__gte=end),
                       opened_at__lt=end)
    elif status in TaskStatus.values:
        qs = qs.filter(status=status)
    if kind in TaskKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")


def page_of_tasks(user, *, status: str = TaskStatus.OPEN, kind: str = "", region_code: str = "",
                  open_on: datetime.date | None = None, after=None, limit=PAGE_SIZE) -> list[ArrivalTask]:
    return page_after(tasks_for(user, status=status, kind=kind, region_code=region_code, open_on=open_on),
                      after, limit)


def task_for(user, pk) -> ArrivalTask:
    try:
        return tasks_for(user, status="").get(pk=id_or_404(pk))
    except ArrivalTask.DoesNotExist:
        raise Http404 from None




def overdue_tasks_by_county(opened_before: datetime.datetime) -> dict[str, int]:
    """Arrival tasks (来人核查) still open that were opened before `opened_before`, per county code, over the
    whole database: the system's read for the periodic list of visits not made (screening.periodic)."""
    rows = (ArrivalTask.objects.filter(status=TaskStatus.OPEN, opened_at__lt=opened_before)
            .annotate(county=Substr("region_id", 1, 6)).values("county").annotate(open=Count("id")).order_by("county"))
    return {row["county"].ljust(12, "0"): row["open"] for row in rows}
