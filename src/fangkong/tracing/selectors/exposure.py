"""Exposure search (时空伴随排查): who was at the same place or checkpoint as a person, at about the same time.

Given a person and a time window (default the last 14 days), every *other* person who checked in
at, or passed, the same place or checkpoint within ±W minutes of any of the person's own check-ins
and passages. W is `FANGKONG_EXPOSURE_WINDOW_MINUTES` (default 30).

Edges: inclusive. A presence at t counts when |t − t₀| ≤ W for some presence t₀ of the person:
exactly 30 minutes apart is a contact, 30 minutes and 1 second is not (timestamps are compared
as stored, to the microsecond). The person's own presences are those with t₀ inside the search
window [start, end] (both inclusive); the contacts found around them may lie up to W outside it.

Whom, from what, and what is shown: `subjects_for` decides, and nothing else picks a subject. A searcher
finds persons of their own region subtree (headquarters of a county or above: anyone, see
permissions.EXPOSURE_ANY_SUBJECT), by person id or by an ID number or phone of such a person; anyone else
is treated as unknown (404, no oracle). Every ID number and phone in the result, the subject's and the
contacts', is masked for every role; a role that may reveal reveals one person at a time through the people
app's `reveal_person` (its rule: the person in the revealer's scope; its audit action: person.reveal).

Scope of the presences: only presences in the searcher's region subtree are shown, the person's own and the
others' (a presence's region is its place's or checkpoint's). County headquarters see the whole county; a
doctor of a township sees what happened at the places and checkpoints of the township. A contact found there
may live elsewhere (a visitor): shown masked like everyone, and not revealable by a searcher whose scope does
not hold the visitor's home, as on the visitor's person page. What lies outside the scope is counted, never
shown: how many of the person's own presences (`outside_presences`) and how many presences of others around
them (`outside_contacts`, confirmed or not), so that a search which finds nothing in the searcher's area says
that there is more elsewhere, for the headquarters above, instead of a bare "nothing found". Neither who nor
where.

Unconfirmed visitors: a public check-in keeps what its visitor typed and is nobody's presence until tracing staff
confirm which person it was (services.matching). Around the subject, such a check-in is still a contact (the
visitor was there, whoever they are): a `ShownVisitor`, their typed name and numbers masked here, marked
unconfirmed, with its check-in's id for the match page. No reveal is offered for them, and a reveal asks for a
person id, so none reaches them (404): what an anonymous form typed is not a person's data to reveal; confirming
the match makes them the person, revealable like any other. Likewise the subject's own unconfirmed check-ins
(even ones with the subject's ID number typed) are not the subject's presences: confirming them on the match page
adds them. One that lies near a confirmed presence of the subject is listed as an unconfirmed contact.

Every read is an index range: the person's presences by (person, time) in CheckIn and Passage (in and out of
scope in the same two reads);
then, per place or checkpoint and merged time interval, a range of (place, time) in CheckIn or of
(checkpoint, time) in CheckIn and Passage, the ranges of one table ORed into one query (PostgreSQL
answers it with a BitmapOr of index ranges, SQLite with its multi-index OR): two reads of the
person's presences and three of the ranges (places' check-ins, checkpoints' check-ins, passages; up
to CHUNK ranges a query), plus three for names (persons, places, checkpoints) and one for the typed identities of
unconfirmed visitors (when there are any), whatever the number of presences; when the person was also somewhere
outside the scope, up to three counts of the ranges there. The work grows
with the person's presences and the people around them, not with the tables. Bounded: at most MAX_PRESENCES own presences and
MAX_CONTACTS contacts.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fangkong.accounts import permissions as account_permissions
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.core import region_codes as codes
from fangkong.core.region_codes import in_scope
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.people.selectors import digests_for_search
from fangkong.places.models import CheckIn, Place
from fangkong.regions import selectors as region_selectors

from .. import permissions

DEFAULT_DAYS = 14
DEFAULT_WINDOW_MINUTES = 30
MAX_PRESENCES = 1000
MAX_CONTACTS = 5000
CHUNK = 200  # ranges ORed in one query
PLACE, CHECKPOINT = "place", "checkpoint"
CHECK_IN, PASSAGE = "check_in", "passage"


def window_minutes() -> int:
    return int(getattr(settings, "FANGKONG_EXPOSURE_WINDOW_MINUTES", DEFAULT_WINDOW_MINUTES))


def require_searcher(user) -> None:
    if not account_permissions.can_trace(user):
        raise PermissionDenied


@dataclass
class Presence:
    kind: str            # PLACE / CHECKPOINT
    target_id: int
    at: datetime.datetime
    source: str          # CHECK_IN / PASSAGE


@dataclass(frozen=True)
class ShownPerson:
    """A person as the exposure result shows them, the subject or a contact: ID number and phone masked for
    every role. `revealable` says whether the searcher may reveal this one person (accounts.permissions.can_reveal_in;
    people.services.reveal_person enforces it; here it only decides whether a reveal button is offered)."""
    pk: int
    name: str
    masked_id: str
    masked_phone: str
    region_id: str
    region_name: str = ""
    revealable: bool = False
    confirmed: ClassVar[bool] = True


@dataclass(frozen=True)
class ShownVisitor:
    """A contact who is the visitor of a public check-in not confirmed as a person yet (services.matching): what
    they typed, the numbers masked here like a person's. Never revealable (see the module docstring); `matchable`
    says whether the searcher may confirm it on the check-in's match page (permissions.can_match_check_in)."""
    check_in_id: int
    name: str
    masked_id: str
    masked_phone: str
    matchable: bool = False
    confirmed: ClassVar[bool] = False
    revealable: ClassVar[bool] = False
    region_id: ClassVar[str] = ""   # where they live is unknown: only what they typed
    region_name: ClassVar[str] = ""


# what `_shown` reads of a person: their region by its full name (a contact list spans a county's villages)
SHOWN_FIELDS = ("id", "name", "id_number", "phone", "region_id", *region_selectors.path_fields())


def _shown(rows, user) -> list[ShownPerson]:
    """SHOWN_FIELDS rows as shown: the numbers masked here, before anything else sees them."""
    return [ShownPerson(pk, name, identity.mask_id(number), identity.mask_phone(phone), region_id,
                        region_selectors.path_name(path), account_permissions.can_reveal_in(user, region_id))
            for pk, name, number, phone, region_id, *path in rows]


def _visitor_key(check_in_id: int, id_digest: str, phone_digest: str, name: str) -> str:
    """Who an unconfirmed visitor is, to count them once: their typed ID number (keyed digest), else their typed
    phone and name (a phone alone may be a family's), else their check-in alone. The keys that
    selectors.check_ins.match_candidates proposes a person by."""
    if id_digest:
        return f"id:{id_digest}"
    if phone_digest:
        return f"phone:{phone_digest}:{name}"
    return f"check_in:{check_in_id}"


@dataclass
class Contact:
    """One presence near the subject's: of a person, or of an unconfirmed visitor (`person_id` None, `check_in_id`
    their check-in, `visitor` who they said they are, see _visitor_key)."""
    person_id: int | None
    kind: str
    target_id: int
    at: datetime.datetime
    source: str
    subject_at: datetime.datetime   # the person's own presence nearest in time
    check_in_id: int | None = None
    visitor: str = ""
    person: ShownPerson | ShownVisitor | None = None
    where: str = ""

    @property
    def confirmed(self) -> bool:
        return self.person_id is not None

    @property
    def delta(self) -> datetime.timedelta:
        return self.at - self.subject_at

    @property
    def delta_minutes(self) -> float:
        return round(self.delta.total_seconds() / 60, 1)


@dataclass
class Exposure:
    person: ShownPerson   # the subject
    start: datetime.datetime
    end: datetime.datetime
    window: int
    presences: list[Presence] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    truncated: bool = False
    outside_presences: int = 0   # the person's own presences outside the searcher's scope: counted, not shown
    outside_contacts: int = 0    # the presences of others around them: counted, not shown

    @property
    def persons(self) -> int:
        """Distinct persons among the contacts: persons by id, and unconfirmed visitors by what they typed (their
        ID number, else phone and name, else each check-in on its own: _visitor_key). A visitor who typed the
        number of a person also listed counts twice until confirmed: nothing but review says they are one."""
        return len({c.person_id if c.confirmed else c.visitor for c in self.contacts})


def subjects_for(user, *, person_id=None, number: str = "", limit: int = 20) -> list[ShownPerson]:
    """The persons the user may search whose exposure, matching what the search starts from. Decided here and
    nowhere else:

    - who may be searched: persons registered in the user's region subtree; any person for headquarters of a
      county or above (permissions.traces_across_county, where the rule and its reasons are written);
    - what the search may start from: a person id, else an ID number or phone (by keyed digest); a person out
      of reach is exactly like one who does not exist (no row: the page and the API answer 404), so the search
      tells nobody who is registered outside their area, nor maps a phone to a name there;
    - what is shown of them: name, region and the numbers masked, for every role (`ShownPerson`).

    Several persons may share a number (a family's phone): up to `limit` of them, by id.
    """
    require_searcher(user)
    if person_id not in (None, ""):
        try:
            match = Q(pk=int(person_id))
        except (TypeError, ValueError):
            return []
    else:
        digests = digests_for_search(number or "")
        if not digests:
            return []
        match = Q(id_digest__in=digests["id_digest"])
        if digests["phone_digest"]:
            match |= Q(phone_digest__in=digests["phone_digest"])
    qs = Person.objects.filter(match)
    if not permissions.traces_across_county(user):
        qs = qs.filter(in_scope(user))
    rows = qs.order_by("id").values_list(*SHOWN_FIELDS)[:limit]
    return _shown(rows, user)


def person_of_row(found: "Exposure", person_id) -> Person:
    """The person of one row of this result (the subject or a contact), e.g. to reveal them; 404 for anyone
    else, so a reveal from the exposure page reaches only persons the search has shown."""
    try:
        pk = int(person_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if pk != found.person.pk and pk not in {c.person_id for c in found.contacts if c.confirmed}:
        raise Http404
    return Person.objects.select_related("region").get(pk=pk)


def presences_of(user, person_id: int, start: datetime.datetime, end: datetime.datetime,
                 limit: int = MAX_PRESENCES) -> tuple[list[Presence], list[Presence]]:
    """The person's check-ins and passages in [start, end], oldest first: (those within the user's scope, those
    outside it), at most `limit` in all."""
    found = [(Presence(PLACE if place else CHECKPOINT, place or checkpoint, at, CHECK_IN), region)
             for place, checkpoint, at, region in CheckIn.objects.filter(
                 person_id=person_id, checked_in_at__gte=start, checked_in_at__lte=end)
             .order_by("checked_in_at").values_list("place_id", "checkpoint_id", "checked_in_at", "region_id")[:limit]]
    found += [(Presence(CHECKPOINT, checkpoint, at, PASSAGE), region)
              for checkpoint, at, region in Passage.objects.filter(
                  person_id=person_id, passed_at__gte=start, passed_at__lte=end)
              .order_by("passed_at").values_list("checkpoint_id", "passed_at", "region_id")[:limit]]
    found.sort(key=lambda pair: pair[0].at)
    inside, outside = [], []
    for presence, region in found[:limit]:
        (inside if codes.covers(user, region) else outside).append(presence)
    return inside, outside


def _intervals(times: list[datetime.datetime], window: datetime.timedelta):
    """[t − w, t + w] around each time, overlapping ones merged: [(low, high, [times])]."""
    merged: list[tuple[datetime.datetime, datetime.datetime, list]] = []
    for t in sorted(times):
        if merged and t - window <= merged[-1][1]:
            low, _high, inside = merged[-1]
            merged[-1] = (low, t + window, [*inside, t])
        else:
            merged.append((t - window, t + window, [t]))
    return merged


def _nearest(times: list[datetime.datetime], at: datetime.datetime) -> datetime.datetime:
    return min(times, key=lambda t: abs(at - t))


def _range_reads(intervals: dict, scope_code: str):
    """(source, kind, rows of (target id, person id, time, check-in id, typed id digest, typed phone digest, typed
    name)) for every merged interval: the intervals of one table are ORed into one query, each term an index
    range `target = id AND time BETWEEN low AND high` (PostgreSQL's BitmapOr, SQLite's multi-index OR), up to
    CHUNK terms a query. A passage's last four are NULL: it is always a person's.

    Written as SQL: building a few hundred Q terms through the ORM costs more than the reads themselves. What
    it buys (DESIGN §5, the exposure search): 2.89× on SQLite and 1.90× on PostgreSQL against the same ranges
    ORed in querysets, over 200,000 check-ins (bench/layers.py exposure, 2026-12-05, median of 9 interleaved
    rounds); tests/tracing/test_exposure_reads_guard.py holds it to what the ORM reads."""
    low_code, high_code = codes.subtree_bounds(scope_code)
    ops = connection.ops
    typed = "id, id_digest, phone_digest, name"
    reads = [(CHECK_IN, PLACE, CheckIn, "place_id", "checked_in_at", typed),
             (CHECK_IN, CHECKPOINT, CheckIn, "checkpoint_id", "checked_in_at", typed),
             (PASSAGE, CHECKPOINT, Passage, "checkpoint_id", "passed_at", "NULL, NULL, NULL, NULL")]
    for source, kind, model, target, moment, extra in reads:
        terms = [(target_id, low, high) for (k, target_id), merged in intervals.items() if k == kind
                 for low, high, _inside in merged]
        table = ops.quote_name(model._meta.db_table)
        for start in range(0, len(terms), CHUNK):
            chunk = terms[start:start + CHUNK]
            ranges = " OR ".join([f"({target} = %s AND {moment} >= %s AND {moment} <= %s)"] * len(chunk))
            sql = (f"SELECT {target}, person_id, {moment}, {extra} FROM {table} WHERE ({ranges}) "
                   f"AND region_id >= %s AND region_id <= %s LIMIT {MAX_CONTACTS + 1}")
            params = [v for target_id, low, high in chunk
                      for v in (target_id, ops.adapt_datetimefield_value(low), ops.adapt_datetimefield_value(high))]
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, low_code, high_code])
                rows = cursor.fetchall()
            yield source, kind, [(t, p, _aware(at), *rest) for t, p, at, *rest in rows]


def _count_outside(intervals: dict, scope_code: str, subject_id: int) -> int:
    """How many presences of others (persons' and unconfirmed visitors') lie in these intervals outside the scope:
    a count per table, never a row. The intervals are few (the person's presences elsewhere), so querysets."""
    low_code, high_code = codes.subtree_bounds(scope_code)
    outside = Q(region_id__lt=low_code) | Q(region_id__gt=high_code)
    count = 0
    for kind, model, target, moment in ((PLACE, CheckIn, "place_id", "checked_in_at"),
                                        (CHECKPOINT, CheckIn, "checkpoint_id", "checked_in_at"),
                                        (CHECKPOINT, Passage, "checkpoint_id", "passed_at")):
        ranges = Q()
        for (k, target_id), merged in intervals.items():
            for low, high, _inside in merged if k == kind else ():
                ranges |= Q(**{target: target_id, f"{moment}__gte": low, f"{moment}__lte": high})
        if ranges:
            count += model.objects.filter(ranges, outside).exclude(person_id=subject_id).count()
    return count


def _intervals_by_target(presences: list[Presence], delta: datetime.timedelta) -> dict:
    by_target: dict[tuple[str, int], list] = defaultdict(list)
    for p in presences:
        by_target[(p.kind, p.target_id)].append(p.at)
    return {key: _intervals(times, delta) for key, times in by_target.items()}


def _aware(value) -> datetime.datetime:
    """A datetime column read by raw SQL: SQLite gives naive UTC (or text), PostgreSQL an aware value."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=datetime.UTC)


def exposure_search(user, person: ShownPerson, *, start: datetime.datetime | None = None,
                    end: datetime.datetime | None = None, window: int | None = None,
                    with_details: bool = True) -> Exposure:
    """Everyone co-present with `person` (see the module docstring), sorted by time. `person` is one that
    `subjects_for` gave this user: no other way leads to a search.

    `with_details` loads the contacts (masked) and the names of the places (three more reads, and one for the
    unconfirmed visitors' typed identities when there are any)."""
    require_searcher(user)
    if not isinstance(person, ShownPerson):
        raise TypeError("exposure_search() searches a subject found by subjects_for()")
    end = end or timezone.now()
    start = start or end - datetime.timedelta(days=DEFAULT_DAYS)
    window = window_minutes() if window is None else int(window)
    delta = datetime.timedelta(minutes=window)
    result = Exposure(person, start, end, window)
    result.presences, elsewhere = presences_of(user, person.pk, start, end)
    if elsewhere:
        result.outside_presences = len(elsewhere)
        result.outside_contacts = _count_outside(_intervals_by_target(elsewhere, delta), user.region_id, person.pk)
    intervals = _intervals_by_target(result.presences, delta)
    contacts: list[Contact] = []
    for source, kind, rows in _range_reads(intervals, user.region_id):
        for target_id, person_id, at, check_in_id, id_digest, phone_digest, name in rows:
            if person_id == person.pk:
                continue
            inside = next((times for low, high, times in intervals[(kind, target_id)] if low <= at <= high), None)
            if not inside:
                continue
            contact = Contact(person_id, kind, target_id, at, source, _nearest(inside, at))
            if person_id is None:  # an unconfirmed visitor (see the module docstring)
                contact.check_in_id = check_in_id
                contact.visitor = _visitor_key(check_in_id, id_digest, phone_digest, name)
            contacts.append(contact)
    contacts.sort(key=lambda c: (c.at, c.person_id or 0, c.check_in_id or 0))
    result.truncated = len(contacts) > MAX_CONTACTS
    result.contacts = contacts[:MAX_CONTACTS]
    if with_details:
        _attach_details(user, result.contacts)
    return result


def _visitors(user, check_in_ids: set[int]) -> dict[int, ShownVisitor]:
    """The unconfirmed visitors of these check-ins as shown: what they typed, the numbers masked here, before
    anything else sees them."""
    if not check_in_ids:
        return {}
    rows = CheckIn.objects.filter(pk__in=check_in_ids).values_list("id", "name", "id_number", "phone", "region_id")
    return {pk: ShownVisitor(pk, name, identity.mask_id(number), identity.mask_phone(phone),
                             permissions.can_match_check_in(user, region_id))
            for pk, name, number, phone, region_id in rows}


def _attach_details(user, contacts: list[Contact]) -> None:
    if not contacts:
        return
    rows = Person.objects.filter(pk__in={c.person_id for c in contacts if c.confirmed}).values_list(*SHOWN_FIELDS)
    persons = {shown.pk: shown for shown in _shown(rows, user)}
    visitors = _visitors(user, {c.check_in_id for c in contacts if not c.confirmed})
    place_ids = {c.target_id for c in contacts if c.kind == PLACE}
    checkpoint_ids = {c.target_id for c in contacts if c.kind == CHECKPOINT}
    places = dict(Place.objects.filter(pk__in=place_ids).values_list("id", "name")) if place_ids else {}
    checkpoints = (dict(Checkpoint.objects.filter(pk__in=checkpoint_ids).values_list("id", "name"))
                   if checkpoint_ids else {})
    for c in contacts:
        c.person = persons.get(c.person_id) if c.confirmed else visitors.get(c.check_in_id)
        c.where = (places if c.kind == PLACE else checkpoints).get(c.target_id, "")
