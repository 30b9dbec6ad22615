"""Reads of isolation and follow-up, always scoped to the viewer; out of scope answers 404.

Who sees an order: everyone (who may read) in their region subtree; a doctor also the orders
assigned to them wherever they are. Follow-ups carry copies of the order's region, cadre and
doctor, so every due list is one range read on an index ending in (status, due_at): its cost
follows the slots that are due, never the number of follow-ups already recorded.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.core import region_codes as codes
from fangkong.core.paging import PAGE_SIZE, id_or_404, page_limit
from fangkong.core.region_codes import in_scope, within
from fangkong.regions.models import Region

from . import permissions
from .models import (
    FollowUp,
    FollowUpStatus,
    ObservationSite,
    Quarantine,
    QuarantinePolicy,
    QuarantineStatus,
    Room,
    Stay,
    TransferRequest,
    TransferStatus,
)
from .schedule import GRACE, day_bounds, local_day, slot_state


def require_reader(user) -> None:
    if not permissions.can_read(user):
        raise PermissionDenied


def region_in_view(user, code: str) -> Region:
    """A region inside the user's scope; 404 otherwise."""
    if not code or not codes.covers(user, code):
        raise Http404
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def _scope(user) -> Q:
    """Rows in the user's subtree, plus (for a doctor) the ones assigned to them."""
    found = in_scope(user)
    if user.role == Role.DOCTOR:
        found |= Q(doctor=user)
    return found


# Policies ---------------------------------------------------------------------------------------

def policies_for(user) -> QuerySet[QuarantinePolicy]:
    require_reader(user)
    return QuarantinePolicy.objects.order_by("id")


def policy_for(user, category: str) -> QuarantinePolicy:
    try:
        return policies_for(user).get(category=category)
    except QuarantinePolicy.DoesNotExist:
        raise Http404 from None


# Orders -----------------------------------------------------------------------------------------

def quarantines_for(user, *, status: str = "", kind: str = "", region: str = "", mine: bool = False,
                    active_on: datetime.date | None = None) -> QuerySet[Quarantine]:
    """Orders the user may see, newest first, with what a list shows joined. `active_on`: those under way at the
    end of that day, as the roll-up's stock (居家隔离, 集中医学观察) counts them: started by then and not ended."""
    require_reader(user)
    qs = Quarantine.objects.filter(_scope(user)).select_related(
        "key_person__person", "region", "cadre", "doctor", "site", "room")
    if active_on:
        end = day_bounds(active_on)[1]
        qs = qs.filter(Q(status=QuarantineStatus.ACTIVE) | Q(ended_at__isnull=True) | Q(ended_at__gte=end),
                       start_at__lt=end)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(within(region_in_view(user, region)))
    if mine:
        qs = qs.filter(Q(cadre=user) | Q(doctor=user))
    return qs.order_by("-id")


def may_open_order(user, order) -> bool:
    """Whether `quarantine_for` finds this order for the user: a reader, the order in their scope or theirs as
    its doctor (the rule of `quarantines_for`, on the order's codes alone, so a page of many links asks nothing)."""
    return permissions.can_read(user) and permissions.can_see(user, order)


def quarantine_for(user, pk) -> Quarantine:
    try:
        return quarantines_for(user).get(pk=id_or_404(pk))
    except Quarantine.DoesNotExist:
        raise Http404 from None


def order_to_record(user, pk) -> Quarantine:
    """The order a follow-up is about to be recorded for (404 outside the scope), with just its person's name.

    The write path of the API: the service re-reads under the order's lock what it checks, so
    this read carries only what the answer shows (who), not the whole order with its people; the scope
    is checked on the codes by the same rule as `_scope`.
    """
    require_reader(user)
    q = (Quarantine.objects.select_related("key_person__person")
         .only("id", "key_person_id", "region_id", "doctor_id", "key_person__person_id", "key_person__person__name")
         .filter(pk=id_or_404(pk)).first())
    if q is None or not permissions.can_see(user, q):
        raise Http404
    return q


def follow_ups_of(user, q: Quarantine) -> list[FollowUp]:
    """The whole follow-up history of one (visible) order, in time order."""
    if not may_open_order(user, q):  # the order as read for the user: its codes decide, no second read
        raise Http404
    rows = list(FollowUp.objects.filter(quarantine=q).select_related("recorded_by", "transfer").order_by("due_at", "id"))
    for fu in rows:
        fu.quarantine = q  # already loaded with the person: no query per row
    return rows


def responsible_candidates(user, region_code: str) -> dict[str, list[User]]:
    """Who may be the cadre and the doctor of an order in `region_code` (the same rules the services check)."""
    region = region_in_view(user, region_code)
    return candidates_of_regions(user, [region.code])[region.code]


def candidates_of_regions(user, region_codes) -> dict[str, dict[str, list[User]]]:
    """`responsible_candidates` of several regions in the user's scope at once (those outside it: none), by
    code, in one query whatever their number: a list page asks for the regions of all its rows.

    A cadre is one at the region or above it; a doctor one there, above it or anywhere in the user's scope.
    """
    shown = sorted({c for c in region_codes if c and codes.covers(user, c)})
    found = {c: {"cadres": [], "doctors": []} for c in region_codes}
    if not shown:
        return found
    around = {c: {c, *codes.ancestor_codes(c)} for c in shown}
    near = set().union(*around.values())
    people = list(User.objects.filter(Q(region_id__in=near, role__in=permissions.CADRES)
                                      | Q(Q(region_id__in=near) | in_scope(user), role=Role.DOCTOR),
                                      is_active=True).order_by("username"))
    cadres = [u for u in people if u.role in permissions.CADRES]
    doctors = [u for u in people if u.role == Role.DOCTOR]
    scoped = {u.pk for u in doctors if codes.covers(user, u.region_id)}
    for c in shown:
        found[c] = {"cadres": [u for u in cadres if u.region_id in around[c]],
                    "doctors": [u for u in doctors if u.pk in scoped or u.region_id in around[c]]}
    return found


# Follow-ups: due now, overdue, my people today ---------------------------------------------------

def follow_up_for(user, pk) -> FollowUp:
    require_reader(user)
    try:
        return FollowUp.objects.select_related("quarantine__key_person__person").get(_scope(user), pk=id_or_404(pk))
    except FollowUp.DoesNotExist:
        raise Http404 from None


# "status = 'due'" written into the SQL, not passed as a parameter: SQLite picks a partial index only when
# the query names the index's condition literally (it plans before parameters are bound). PostgreSQL sees
# the value either way. The value is the model's constant, never input.
_OPEN = RawSQL(f"'{FollowUpStatus.DUE.value}'", ())


def _due(now: datetime.datetime, overdue_only: bool) -> QuerySet[FollowUp]:
    """Open slots whose time has come (`overdue_only`: past the grace period): ranges of the open-slot indexes."""
    until = now - GRACE if overdue_only else now
    return FollowUp.objects.filter(status=_OPEN, due_at__lte=until)


def _due_on_days(qs: QuerySet[FollowUp], days: tuple[datetime.date, datetime.date] | None) -> QuerySet[FollowUp]:
    """Those due from the first day to the last (both included, local days): the roll-up's fu_open of those days
    (slots still open now, counted on the day they were due)."""
    if not days:
        return qs
    return qs.filter(due_at__gte=day_bounds(days[0])[0], due_at__lt=day_bounds(days[1])[1])


def due_follow_ups(user, *, now=None, region: str = "", mine: bool = False, overdue_only: bool = False,
                   due_days: tuple[datetime.date, datetime.date] | None = None, limit=PAGE_SIZE) -> list[FollowUp]:
    """Slots whose time has come and that are neither recorded nor excused, oldest first.

    `mine`: those of the orders the user is cadre or doctor of; otherwise the user's scope,
    narrowed to `region`. `overdue_only`: past the grace period (see schedule.GRACE). `due_days`: those due on
    these days (first, last), as a past day's dashboard counts the overdue ones of the days before it.
    """
    require_reader(user)
    now = now or timezone.now()
    qs = _due_on_days(_due(now, overdue_only), due_days)
    if mine:
        qs = qs.filter(Q(cadre=user) | Q(doctor=user))
    else:
        qs = qs.filter(_scope(user))
        if region:
            qs = qs.filter(within(region_in_view(user, region)))
    return list(qs.select_related("quarantine__key_person__person", "region", "cadre", "doctor")
                .order_by("due_at", "id")[:page_limit(limit)])


def fever_follow_ups(user, *, day: datetime.date, region: str = "", after=None, limit=PAGE_SIZE) -> list[FollowUp]:
    """随访发现发热: the follow-ups of `day` (by their time, as the roll-up's fu_fever counts them) that found a
    fever, in the user's scope (or `region` in it), a keyset page by id."""
    require_reader(user)
    low, high = day_bounds(day)
    # status IN (all): the (status, due_at) index serves the day's range
    qs = FollowUp.objects.filter(_scope(user), status__in=FollowUpStatus.values, due_at__gte=low, due_at__lt=high,
                                 fever=True)
    if region:
        qs = qs.filter(within(region_in_view(user, region)))
    if after:
        qs = qs.filter(pk__gt=int(after))
    return list(qs.select_related("quarantine__key_person__person", "region", "cadre", "doctor")
                .order_by("id")[:page_limit(limit)])


def overdue_count(user, *, now=None, region: str = "",
                  due_days: tuple[datetime.date, datetime.date] | None = None) -> int:
    """Overdue follow-ups now in the user's scope (or `region`; `due_days`: due on those days): counts only the
    overdue rows."""
    require_reader(user)
    qs = _due_on_days(_due(now or timezone.now(), True), due_days).filter(_scope(user))
    if region:
        qs = qs.filter(within(region_in_view(user, region)))
    return qs.count()


@dataclass
class DueRow:
    region: Region | None  # None: slots registered directly at the parent (which has children)
    due_now: int = 0
    overdue: int = 0


def due_by_region(user, *, region: str = "", now=None) -> list[DueRow]:
    """Due-now and overdue follow-ups per child region of `region` (default: the user's), for headquarters.

    One grouped query over the slots that are due (never the recorded ones), one row per child.
    """
    require_reader(user)
    now = now or timezone.now()
    parent = region_in_view(user, region or user.region_id)
    children = list(parent.children.order_by("code"))
    length = codes.PREFIX_LENGTH[children[0].level] if children else len(parent.prefix)
    rows = (_due(now, False).filter(within(parent))
            .annotate(part=Substr("region_id", 1, length),
                      late=Case(When(due_at__lte=now - GRACE, then=Value(True)), default=Value(False),
                                output_field=BooleanField()))
            .values("part", "late").annotate(n=Count("pk")).order_by())
    by_prefix = {c.prefix: DueRow(c) for c in children}
    direct = DueRow(None if children else parent)
    for row in rows:
        target = by_prefix.get(row["part"], direct)
        if row["late"]:
            target.overdue += row["n"]
        else:
            target.due_now += row["n"]
    found = [by_prefix[c.prefix] for c in children]
    if direct.due_now or direct.overdue or not children:
        found.append(direct)
    return found


@dataclass
class PersonToday:
    """One person on "my people today": today's slots, the overdue ones before, and what to do next."""

    quarantine: Quarantine
    today: list[FollowUp] = field(default_factory=list)
    overdue_before: list[FollowUp] = field(default_factory=list)
    state: str = "done"  # overdue / due_now / upcoming / done (the most urgent of its due slots)
    next_slot: FollowUp | None = None  # the slot a follow-up now would fill

    @property
    def sort_key(self):
        rank = {"overdue": 0, "due_now": 1, "upcoming": 2, "done": 3}[self.state]
        return rank, self.next_slot.due_at if self.next_slot else self.quarantine.start_at, self.quarantine.pk


def my_people_today(user, *, now=None) -> list[PersonToday]:
    """包保对象: the orders the user is cadre or doctor of, with today's follow-ups, most urgent first.

    Active orders, and ended ones that still have overdue slots to record or excuse. Two bounded
    queries: my slots that are either due before tonight or due today, and my active orders (a third
    only when an ended order still has slots open: those orders by key).
    """
    require_reader(user)
    now = now or timezone.now()
    start, end = day_bounds(local_day(now))
    responsible = Q(cadre=user) | Q(doctor=user)
    # Spelt out as four index ranges, (cadre or doctor) × (still due before tonight, or recorded/excused today),
    # so each arm is a range of the (cadre|doctor, status, due_at) indexes and none reads the recorded past.
    closed = [FollowUpStatus.DONE, FollowUpStatus.EXCUSED]
    slots = list(FollowUp.objects.filter(
        Q(cadre=user, status=FollowUpStatus.DUE, due_at__lt=end)
        | Q(cadre=user, status__in=closed, due_at__gte=start, due_at__lt=end)
        | Q(doctor=user, status=FollowUpStatus.DUE, due_at__lt=end)
        | Q(doctor=user, status__in=closed, due_at__gte=start, due_at__lt=end)).order_by("due_at", "id"))
    mine = Quarantine.objects.filter(responsible).select_related(
        "key_person__person", "region", "site", "room", "cadre", "doctor")
    people = {q.pk: PersonToday(q) for q in mine.filter(status=QuarantineStatus.ACTIVE)}
    # Ended orders that still have slots to record or excuse (few): asked for by key, only when there are
    # some, rather than OR-ed into the first query with every order's key (a long list to plan on each view).
    ended = {s.quarantine_id for s in slots} - people.keys()
    if ended:
        people |= {q.pk: PersonToday(q) for q in mine.filter(pk__in=ended)}
    for slot in slots:
        person = people.get(slot.quarantine_id)
        if person is None:
            continue
        slot.quarantine = person.quarantine
        (person.today if slot.due_at >= start else person.overdue_before).append(slot)
    for person in people.values():
        due = [s for s in person.overdue_before + person.today if s.status == FollowUpStatus.DUE]
        states = [slot_state(s.due_at, now) for s in due]
        for state in ("overdue", "due_now", "upcoming"):
            if state in states:
                person.state = state
                break
        today_due = [s for s in person.today if s.status == FollowUpStatus.DUE]
        person.next_slot = min(today_due, key=lambda s: (abs(s.due_at - now), s.due_at)) if today_due else None
    return sorted(people.values(), key=lambda p: p.sort_key)


# Transfers --------------------------------------------------------------------------------------

def transfers_for(user, *, status: str = "", open_only: bool = False, region: str = "",
                  open_on: datetime.date | None = None) -> QuerySet[TransferRequest]:
    """Fever-clinic transfer requests in scope (and those assigned to the user or of their patients). `open_on`:
    those open at the end of that day, as the roll-up's stock 待转送发热门诊 counts them (opened by then, not
    closed by then)."""
    require_reader(user)
    scope = in_scope(user) | Q(assignee=user)
    if user.role == Role.DOCTOR:
        scope |= Q(quarantine__doctor=user)
    qs = TransferRequest.objects.filter(scope).select_related(
        "person", "quarantine", "key_person", "region", "assignee")
    if open_on:
        end = day_bounds(open_on)[1]
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end), opened_at__lt=end)
    elif open_only:
        qs = qs.filter(status__in=[TransferStatus.OPEN, TransferStatus.ASSIGNED])
    elif status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(within(region_in_view(user, region)))
    return qs.order_by("-id")


def transfer_for(user, pk) -> TransferRequest:
    try:
        return transfers_for(user).get(pk=id_or_404(pk))
    except TransferRequest.DoesNotExist:
        raise Http404 from None


# Observation sites ------------------------------------------------------------------------------

def _open_stays(outer: str) -> Subquery:
    rows = (Stay.objects.filter(**{outer: OuterRef("pk")}, checked_out_at__isnull=True)
            .order_by().values(outer).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def sites_for(user) -> QuerySet[ObservationSite]:
    """Sites in the user's scope and those of the regions above it, with `capacity` and `occupied`."""
    require_reader(user)
    beds = (Room.objects.filter(site=OuterRef("pk")).order_by().values("site")
            .annotate(n=Sum("capacity")).values("n"))
    return (ObservationSite.objects
            .filter(in_scope(user) | Q(region_id__in=codes.ancestor_codes(user.region_id)))
            .select_related("region", "manager")
            .annotate(capacity=Coalesce(Subquery(beds, output_field=IntegerField()), 0), occupied=_open_stays("site"))
            .order_by("region_id", "name"))


def site_for(user, pk) -> ObservationSite:
    try:
        return sites_for(user).get(pk=id_or_404(pk))
    except ObservationSite.DoesNotExist:
        raise Http404 from None


def rooms_of(site: ObservationSite) -> list[Room]:
    """The rooms of a (visible) site with `occupied` and `free`."""
    rooms = list(site.rooms.annotate(occupied=_open_stays("room")).order_by("name"))
    for room in rooms:
        room.free = room.capacity - room.occupied
    return rooms


def room_for(user, pk) -> Room:
    require_reader(user)
    room = Room.objects.select_related("site").filter(pk=id_or_404(pk)).first()
    if room is None:
        raise Http404
    site_for(user, room.site_id)
    return room


def occupants_of(user, site: ObservationSite) -> tuple[list[Stay], int]:
    """Who stays at a (visible) site now: those whose orders the user may open, by room, and how many others
    (a county's hotel hosts every township's people; a township sees its own and a count of the rest)."""
    stays = list(Stay.objects.filter(site=site, checked_out_at__isnull=True)
                 .select_related("room", "quarantine__key_person__person").order_by("room__name", "id"))
    shown = [s for s in stays if may_open_order(user, s.quarantine)]
    return shown, len(stays) - len(shown)


def overdue_by_county(now: datetime.datetime) -> dict[str, int]:
    """Overdue follow-ups at `now` per county code, over the whole database: the system's read for the periodic
    overdue list (quarantine.periodic). One grouped count over the open-slot index's range."""
    rows = (_due(now, True).annotate(county=Substr("region_id", 1, 6)).values("county")
            .annotate(overdue=Count("id")).order_by("county"))
    return {row["county"].ljust(12, "0"): row["overdue"] for row in rows}
