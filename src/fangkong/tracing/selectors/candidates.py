"""Candidate contacts of a case (候选密接), proposed from the data Fangkong already holds, for the investigator to
confirm or dismiss.

Computed on read, never stored: a proposal becomes a `Contact` row only when the investigator confirms it
(status confirmed) or dismisses it (status dismissed, so it is not proposed again). New check-ins, passages
or itinerary stops therefore propose new people at the next read, and nothing stale waits in a table.

Where a candidate comes from (each shows why and when, `Reason`):

* **Same place ±W minutes** (`same_place`, W = FANGKONG_EXPOSURE_WINDOW_MINUTES): the exposure search
  (selectors.exposure) of the case's person over the itinerary's days (their own check-ins and passages),
  and the check-ins at the key places of the itinerary's stops, from W before the stop to W after it.
* **Same transport** (`transport`): for each trip of the itinerary, the people on the ledger who arrived that
  day by the same train, flight or bus number (KeyPerson.transport_number with arrival_date), other cases
  whose itinerary holds the same number that day, and, for a car or bus, the passages of the same plate
  during the trip; and, from the case's own records, the passages of the same plate at the same checkpoint
  ±W, and the ledger entries with the case's own arrival number and day.
* **Same household** (`household`): the members of the case's person's household (people.Household).
* **Contact of a contact** (`contact_of_contact`, proposed as secondary): the household members of the
  case's confirmed close contacts.

Not proposed: the case's person, anyone already listed for this case (confirmed or dismissed), and the visitors
of public check-ins not yet confirmed as a person (counted, `unconfirmed_visitors`: the exposure page confirms
them). Someone already a confirmed contact of another case is proposed, marked with that case.

Every read is an index range (DESIGN §5; the bench times it over 10M check-ins and 1M passages): the exposure
search's own reads; one query for the stops' check-ins (index checkin_place, each stop a range ORed in, as the
exposure search does); per table one query for the trips (stop_transport, keyperson_transport, passage_day for
the trip's hours); the case's passages and ledger entries by person; the household by its key; then one read
each of the persons, their other cases, the names of places and checkpoints. Bounded: at most MAX_CANDIDATES.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.core.days import day_start, local_day
from fangkong.core.region_codes import in_scope
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.places.models import Place
from fangkong.screening.models import KeyPerson, TransportMode

from ..models import (
    Contact,
    ContactKind,
    ContactLevel,
    ContactSource,
    ContactStatus,
    Investigation,
    ItineraryStop,
    StopKind,
)
from . import exposure
from .investigations import itinerary_window, require_investigator

MAX_CANDIDATES = 2000
# trips whose number may be a plate (a passage registers plates, not train or flight numbers)
PLATE_MODES = {TransportMode.CAR, TransportMode.BUS, TransportMode.OTHER}
# the kind a confirmed candidate is proposed with, by the strongest of its reasons
KIND_OF_SOURCE = {ContactSource.HOUSEHOLD: ContactKind.HOUSEHOLD, ContactSource.TRANSPORT: ContactKind.TRANSPORT,
                  ContactSource.SAME_PLACE: ContactKind.SAME_PLACE,
                  ContactSource.CONTACT_OF_CONTACT: ContactKind.HOUSEHOLD}
STRENGTH = [ContactSource.HOUSEHOLD, ContactSource.TRANSPORT, ContactSource.SAME_PLACE,
            ContactSource.CONTACT_OF_CONTACT]


@dataclass
class Reason:
    """Why one person is proposed: the source, when (a moment, or a day for a ledger entry's arrival), where."""
    source: str
    at: datetime.datetime | datetime.date
    where: str = ""

    @property
    def day(self) -> datetime.date:
        return local_day(self.at) if isinstance(self.at, datetime.datetime) else self.at

    @property
    def label(self) -> str:
        return str(ContactSource(self.source).label)

    @property
    def timed(self) -> bool:
        """A moment (a check-in, a passage, a trip), not a day (a ledger entry's arrival)."""
        return isinstance(self.at, datetime.datetime)


@dataclass
class Candidate:
    person_id: int
    reasons: list[Reason] = field(default_factory=list)
    level: str = ContactLevel.CLOSE
    via: Contact | None = None     # the close contact through whom a secondary candidate was exposed
    name: str = ""
    masked_id: str = ""
    masked_phone: str = ""
    region_id: str = ""
    region_name: str = ""
    other_cases: list[str] = field(default_factory=list)   # numbers of the cases they are a contact of already

    @property
    def source(self) -> str:
        return min((r.source for r in self.reasons), key=STRENGTH.index)

    @property
    def kind(self) -> str:
        return KIND_OF_SOURCE[self.source]

    @property
    def last_exposure(self) -> datetime.date:
        return max(r.day for r in self.reasons)

    @property
    def sources(self) -> list[str]:
        return sorted({r.source for r in self.reasons}, key=STRENGTH.index)


@dataclass
class Candidates:
    items: list[Candidate]
    unconfirmed_visitors: int = 0
    truncated: bool = False

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, person_id) -> Candidate | None:
        return next((c for c in self.items if str(c.person_id) == str(person_id)), None)


class _Found:
    """Reasons by person, and what their `where` still needs a name for."""

    def __init__(self):
        self.reasons: dict[int, list[Reason]] = {}
        # id(reason) → (reason, place or checkpoint id) whose name the reason's `where` still needs
        self.places: dict[int, tuple[Reason, int]] = {}
        self.checkpoints: dict[int, tuple[Reason, int]] = {}
        self.visitors: set = set()

    def add(self, person_id, reason: Reason, *, place: int | None = None, checkpoint: int | None = None) -> None:
        self.reasons.setdefault(person_id, []).append(reason)
        if place is not None:
            self.places[id(reason)] = (reason, place)
        if checkpoint is not None:
            self.checkpoints[id(reason)] = (reason, checkpoint)


def _window(stop: ItineraryStop, delta: datetime.timedelta) -> tuple[datetime.datetime, datetime.datetime]:
    return stop.starts_at - delta, (stop.ends_at or stop.starts_at) + delta


def _trip_days(stop: ItineraryStop) -> list[datetime.date]:
    first, last = local_day(stop.starts_at), local_day(stop.ends_at or stop.starts_at)
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)][:3]


def _same_place(user, inv: Investigation, stops, low, high, delta, found: _Found) -> None:
    case = inv.case
    subjects = exposure.subjects_for(user, person_id=case.person_id)
    if subjects:
        result = exposure.exposure_search(user, subjects[0], start=low, end=high, window=int(delta.total_seconds() // 60),
                                          with_details=False)
        for c in result.contacts:
            if c.confirmed:
                reason = Reason(ContactSource.SAME_PLACE, c.at)
                found.add(c.person_id, reason, **({"place": c.target_id} if c.kind == exposure.PLACE
                                                  else {"checkpoint": c.target_id}))
            else:
                found.visitors.add(c.visitor)
    intervals: dict = {}
    for stop in stops:
        if stop.key_place_id:
            intervals.setdefault((exposure.PLACE, stop.key_place_id), []).append((*_window(stop, delta), [stop.starts_at]))
    for _source, _kind, rows in exposure._range_reads(intervals, user.region_id):
        for place_id, person_id, at, check_in_id, id_digest, phone_digest, name in rows:
            if person_id is None:
                found.visitors.add(exposure._visitor_key(check_in_id, id_digest, phone_digest, name))
            elif person_id != case.person_id:
                found.add(person_id, Reason(ContactSource.SAME_PLACE, at), place=place_id)


def _transport(user, inv: Investigation, stops, low, high, delta, found: _Found) -> None:
    case = inv.case
    trips = [s for s in stops if s.kind == StopKind.TRANSPORT and s.transport_number]
    ledger, others, plates = Q(), Q(), Q()
    for stop in trips:
        days = _trip_days(stop)
        ledger |= Q(transport_number=stop.transport_number, arrival_date__in=days)
        others |= Q(transport_number=stop.transport_number, starts_at__gte=day_start(days[0]),
                    starts_at__lt=day_start(days[-1] + datetime.timedelta(days=1)))
        if stop.transport_mode in PLATE_MODES:
            start, end = _window(stop, delta)
            plates |= Q(passed_at__gte=start, passed_at__lte=end, vehicle_plate=stop.transport_number)
    # the case's own arrivals by a numbered train, flight or bus, as their ledger entries hold them
    for number, day in (KeyPerson.objects.filter(person_id=case.person_id).exclude(transport_number="")
                        .exclude(arrival_date=None).values_list("transport_number", "arrival_date")):
        if local_day(low) <= day <= local_day(high):
            ledger |= Q(transport_number=number, arrival_date=day)
    if ledger:
        for person_id, number, day in (KeyPerson.objects.filter(ledger).exclude(transport_number="")
                                       .filter(in_scope(user)).values_list("person_id", "transport_number",
                                                                           "arrival_date")[:MAX_CANDIDATES]):
            found.add(person_id, Reason(ContactSource.TRANSPORT, day, number))
    if others:
        for person_id, number, at in (ItineraryStop.objects.filter(others).exclude(investigation=inv)
                                      .filter(in_scope(user, "investigation__region_id"))
                                      .values_list("investigation__case__person_id", "transport_number",
                                                   "starts_at")[:MAX_CANDIDATES]):
            found.add(person_id, Reason(ContactSource.TRANSPORT, at, number))
    # the same vehicle: the case's passages with a plate, and those of the same plate at that checkpoint ±W
    for checkpoint_id, at, plate in (Passage.objects.filter(person_id=case.person_id, passed_at__gte=low,
                                                            passed_at__lte=high)
                                     .exclude(vehicle_plate="").values_list("checkpoint_id", "passed_at",
                                                                            "vehicle_plate")[:exposure.MAX_PRESENCES]):
        plates |= Q(checkpoint_id=checkpoint_id, passed_at__gte=at - delta, passed_at__lte=at + delta,
                    vehicle_plate=plate)
    if plates:
        for person_id, checkpoint_id, at, plate in (Passage.objects.filter(plates).filter(in_scope(user))
                                                    .values_list("person_id", "checkpoint_id", "passed_at",
                                                                 "vehicle_plate")[:MAX_CANDIDATES]):
            found.add(person_id, Reason(ContactSource.TRANSPORT, at, plate), checkpoint=checkpoint_id)


def _household(inv: Investigation, found: _Found) -> None:
    case = inv.case
    household_id = Person.objects.filter(pk=case.person_id).values_list("household_id", flat=True).first()
    if household_id is None:
        return
    at = case.isolated_at or case.reported_at
    for person_id, address in (Person.objects.filter(household_id=household_id).exclude(pk=case.person_id)
                               .values_list("id", "household__address")[:MAX_CANDIDATES]):
        found.add(person_id, Reason(ContactSource.HOUSEHOLD, at, address))


def _secondaries(inv: Investigation, listed: dict[int, Contact]) -> dict[int, tuple[Contact, Reason]]:
    """Household members of the case's confirmed close contacts: (the close contact, why) by person."""
    close = {c.person_id: c for c in listed.values()
             if c.status == ContactStatus.CONFIRMED and c.level == ContactLevel.CLOSE and c.person_id}
    if not close:
        return {}
    households = dict(Person.objects.filter(pk__in=close, household__isnull=False)
                      .values_list("id", "household_id"))
    if not households:
        return {}
    by_household = {household: close[person] for person, household in households.items()}
    found = {}
    for person_id, household_id, address in (Person.objects.filter(household_id__in=list(by_household))
                                             .values_list("id", "household_id", "household__address")[:MAX_CANDIDATES]):
        via = by_household[household_id]
        if person_id != via.person_id and person_id not in found:
            day = via.last_exposure_date or timezone.localdate()
            found[person_id] = (via, Reason(ContactSource.CONTACT_OF_CONTACT, day, address))
    return found


def candidates_for(user, investigation: Investigation) -> Candidates:
    """The candidate contacts of the investigation's case (see the module docstring), close ones first, each
    with its reasons; the ID numbers and phones masked."""
    require_investigator(user)
    inv = investigation
    case = inv.case
    low, high = itinerary_window(case)
    delta = datetime.timedelta(minutes=exposure.window_minutes())
    stops = list(inv.stops.all())
    found = _Found()
    _same_place(user, inv, stops, low, high, delta, found)
    _transport(user, inv, stops, low, high, delta, found)
    _household(inv, found)
    listed = {c.person_id: c for c in Contact.objects.filter(case=case, person__isnull=False)}
    excluded = set(listed) | {case.person_id}
    items = {pk: Candidate(pk, reasons) for pk, reasons in found.reasons.items() if pk not in excluded}
    for person_id, (via, reason) in _secondaries(inv, listed).items():
        if person_id not in excluded and person_id not in items:
            items[person_id] = Candidate(person_id, [reason], level=ContactLevel.SECONDARY, via=via)
    truncated = len(items) > MAX_CANDIDATES
    chosen = sorted(items.values(), key=lambda c: (c.level != ContactLevel.CLOSE, -c.last_exposure.toordinal(),
                                                   c.person_id))[:MAX_CANDIDATES]
    _attach(user, case, chosen, found)
    return Candidates(chosen, unconfirmed_visitors=len(found.visitors), truncated=truncated)


def _attach(user, case, items: list[Candidate], found: _Found) -> None:
    """Names and masked numbers of the candidates, the cases they are already a contact of, and the names of
    the places and checkpoints in their reasons: one read each."""
    if not items:
        return
    ids = [c.person_id for c in items]
    persons = {pk: rest for pk, *rest in Person.objects.filter(pk__in=ids).values_list(
        "id", "name", "id_number", "phone", "region_id", "region__name")}
    others: dict[int, list[str]] = {}
    for person_id, number in (Contact.objects.filter(person_id__in=ids, status=ContactStatus.CONFIRMED)
                              .exclude(case=case).values_list("person_id", "case__number")):
        others.setdefault(person_id, []).append(number)
    for c in items:
        name, number, phone, region_id, region_name = persons.get(c.person_id, ("", "", "", "", ""))
        c.name, c.masked_id, c.masked_phone = name, identity.mask_id(number), identity.mask_phone(phone)
        c.region_id, c.region_name, c.other_cases = region_id, region_name or "", sorted(others.get(c.person_id, []))
        c.reasons.sort(key=lambda r: (STRENGTH.index(r.source), r.day))
    place_ids = {pk for _reason, pk in found.places.values()}
    checkpoint_ids = {pk for _reason, pk in found.checkpoints.values()}
    places = dict(Place.objects.filter(pk__in=place_ids).values_list("id", "name")) if place_ids else {}
    checkpoints = (dict(Checkpoint.objects.filter(pk__in=checkpoint_ids).values_list("id", "name"))
                   if checkpoint_ids else {})
    for reason, pk in found.places.values():
        reason.where = places.get(pk, "")
    for reason, pk in found.checkpoints.values():
        name = checkpoints.get(pk, "")
        reason.where = f"{name} {reason.where}".strip() if reason.where else name
