"""不漏一人: arrivals from risk areas that no ledger of the county holds after N hours.

`reconcile(actor)` reads the risk arrivals of the look-back window (passages and check-ins flagged
`from_risk_area`, two index range reads on (from_risk_area, time)), keeps each person's first
arrival that is at least N hours old, and asks whether the person is on a ledger of the county the
arrival was bound for. Those who are not become an `ArrivalTask` of kind `unlisted` on their
destination village's list (`screening.services.arrival_tasks.open_task`).

The rules, decided here and nowhere else:

* **Arrival.** A passage *into* the county (direction in) that was not turned back (劝返: the
  person never entered), or a check-in, flagged `from_risk_area`, between `now − LOOKBACK_DAYS`
  and `now − hours`. A person's arrival is their first one in that window; its day is the
  arrival day.
* **Whose.** A passage's or a linked check-in's person. A public check-in not linked to a person
  (services.matching: linked only after review) is its visitor's, as typed: the same ID number, or
  without one the same phone and name, is the same visitor. Whether a visitor is on a ledger is looked
  up by those digests (a read: nothing is written into any person's record); their task has no
  person and names the visitor as they described themselves.
* **Destination.** A passage's destination village (a grid counts as its village). No village
  known — a destination at township level, none at all, or a check-in (where someone checks in
  says nothing about where they live) — the township of the checkpoint or place (its county
  when it sits higher): "destination unknown", for the township to find. Of a person's
  arrivals in the window, the first that names a village wins.
* **On a ledger** (`is_listed`). Some `KeyPerson` of the person anywhere in the destination's
  county that is under management (in any category, registered before or after the arrival),
  or that was registered on or after the arrival day whatever its status now (registered for
  this arrival and since released, transferred or moved away: dealt with). An entry ended
  before the arrival (an earlier episode) does not count.
* **Idempotent.** A person (or visitor) with an open `unlisted` task (in any village) gets no second
  one; one whose `unlisted` task was closed by the village after the arrival (found, left the
  county …) is not reopened for that arrival.
* **Closing.** An open `unlisted` task whose person is now on a ledger (by the rule above, the
  arrival day being that of the task's passage or check-in) is closed by the run, with a note,
  so the list and the roll-up figure `unlisted_open` shrink as villages catch up. Between runs
  the report marks such rows "已入台账" (selectors.reconciliation).

Run by headquarters and township managers ("run now": their own subtree only) and by cron
(`fangkong reconcile_arrivals`, actor SYSTEM: the whole database). One transaction per run.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.checkpoints.models import Direction, Outcome, Passage
from fangkong.core import region_codes as codes
from fangkong.core.actors import is_system
from fangkong.core.region_codes import within
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from fangkong.screening.models import ArrivalTask, KeyPerson, Status, TaskKind, TaskStatus
from fangkong.screening.services import arrival_tasks

from .. import permissions

DEFAULT_HOURS = 24
LOOKBACK_DAYS = 14
MAX_HOURS = LOOKBACK_DAYS * 24
CHUNK = 500
CLOSE_NOTE = "已列入台账（核对时自动关闭）"


def default_hours() -> int:
    """N of "not on a ledger after N hours": setting FANGKONG_RECONCILE_HOURS, 24 by default."""
    return int(getattr(settings, "FANGKONG_RECONCILE_HOURS", DEFAULT_HOURS))


@dataclass(frozen=True)
class Visitor:
    """Who an unlinked check-in's visitor said they are: digests of the typed ID number and phone, the name."""

    id_digest: str
    phone_digest: str
    name: str

    @property
    def key(self) -> str:
        return f"id:{self.id_digest}" if self.id_digest else f"phone:{self.phone_digest}:{self.name}"


@dataclass
class Arrival:
    """One person's (or unlinked visitor's) arrival from a risk area, as the reconciliation sees it."""

    person_id: int | None
    at: datetime.datetime
    region_code: str  # the task's region: the destination village, or a township/county ("unknown")
    village_known: bool
    passage_id: int | None = None
    check_in_id: int | None = None
    visitor: Visitor | None = None  # when no person is linked

    @property
    def key(self) -> tuple:
        return ("person", self.person_id) if self.person_id is not None else ("visitor", self.visitor.key)

    @property
    def county_prefix(self) -> str:
        return self.region_code[:6]

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.at)


@dataclass
class Summary:
    window_from: datetime.datetime
    window_to: datetime.datetime
    hours: int
    arrivals: int = 0  # persons with a risk arrival in the window (in the actor's scope)
    listed: int = 0
    unlisted: int = 0
    opened: int = 0  # new tasks
    already_open: int = 0
    dealt_with: int = 0  # the village closed the task after the arrival: not reopened
    destination_unknown: int = 0  # of the unlisted
    closed: int = 0  # open tasks closed because the person is now on a ledger

    def as_dict(self) -> dict:
        return {"window_from": self.window_from.isoformat(), "window_to": self.window_to.isoformat(),
                "hours": self.hours, "arrivals": self.arrivals, "listed": self.listed, "unlisted": self.unlisted,
                "opened": self.opened, "already_open": self.already_open, "dealt_with": self.dealt_with,
                "destination_unknown": self.destination_unknown, "closed": self.closed}


# Where an arrival was bound -------------------------------------------------------------------------

def fallback_region(code: str) -> str:
    """The township of a checkpoint's or place's region (itself when it sits at county level or above)."""
    if len(code) == 15 or codes.level_of(code) in (codes.VILLAGE, codes.TOWNSHIP):
        return code[:9] + "000"
    return code


def passage_target(destination: str | None, checkpoint_region: str) -> tuple[str, bool]:
    """(task region, village known) of a passage."""
    if destination:
        if len(destination) == 15:
            return destination[:12], True
        level = codes.level_of(destination)
        if level == codes.VILLAGE:
            return destination, True
        if level == codes.TOWNSHIP:
            return destination, False
    return fallback_region(checkpoint_region), False


def risk_arrivals(low: datetime.datetime, high: datetime.datetime) -> dict[tuple, Arrival]:
    """{Arrival.key: Arrival} of every risk arrival in [low, high): two index range reads."""
    found: dict[tuple, Arrival] = {}
    # `__in=[True]`, not `=True`: Django writes the latter as a bare `WHERE "from_risk_area"`, which
    # SQLite cannot match to the (from_risk_area, time) index (it falls back to the day index + sort)
    passages = (Passage.objects.filter(from_risk_area__in=[True], passed_at__gte=low, passed_at__lt=high,
                                       direction=Direction.IN)
                .exclude(outcome=Outcome.TURNED_BACK)
                .order_by("from_risk_area", "passed_at", "pk")
                .values_list("pk", "person_id", "passed_at", "destination_id", "region_id"))
    for pk, person_id, at, destination, region in passages.iterator(chunk_size=5000):
        target, known = passage_target(destination, region)
        _merge(found, Arrival(person_id, at, target, known, passage_id=pk))
    check_ins = (CheckIn.objects.filter(from_risk_area__in=[True], checked_in_at__gte=low, checked_in_at__lt=high)
                 .order_by("from_risk_area", "checked_in_at", "pk")
                 .values_list("pk", "person_id", "checked_in_at", "region_id", "id_digest", "phone_digest", "name"))
    for pk, person_id, at, region, id_digest, phone_digest, name in check_ins.iterator(chunk_size=5000):
        visitor = None if person_id is not None else Visitor(id_digest, phone_digest, name)
        _merge(found, Arrival(person_id, at, fallback_region(region), False, check_in_id=pk, visitor=visitor))
    return found


def _merge(found: dict[tuple, Arrival], new: Arrival) -> None:
    """Keep the first arrival's time; take the first village named by any arrival."""
    old = found.get(new.key)
    if old is None:
        found[new.key] = new
        return
    first, later = (old, new) if (old.at, old.check_in_id is not None) <= (new.at, new.check_in_id is not None) \
        else (new, old)
    if not first.village_known and later.village_known:
        first = Arrival(first.person_id, first.at, later.region_code, True, later.passage_id, later.check_in_id,
                        first.visitor)
    found[new.key] = first


# On a ledger ------------------------------------------------------------------------------------

LedgerEntry = tuple[int, str, str, datetime.date]  # (key person id, region code, status, registered on)


def ledger_entries(person_ids: Iterable[int]) -> dict[int, list[LedgerEntry]]:
    """{person id: [(key person id, region, status, registered on)]}, by the person index, in chunks."""
    person_ids = list(person_ids)
    found: dict[int, list[LedgerEntry]] = {}
    for start in range(0, len(person_ids), CHUNK):
        rows = KeyPerson.objects.filter(person_id__in=person_ids[start:start + CHUNK]).values_list(
            "person_id", "pk", "region_id", "status", "registered_on")
        for person_id, pk, region, status, registered_on in rows:
            found.setdefault(person_id, []).append((pk, region, status, registered_on))
    return found


def visitors_persons(visitors: Iterable[Visitor]) -> dict[str, list[int]]:
    """{Visitor.key: ids of the persons with the visitor's ID number, or without one their phone and name}:
    a read by the person digest indexes, in chunks, to tell whether a visitor is on a ledger."""
    visitors = list({v.key: v for v in visitors}.values())
    found: dict[str, list[int]] = {}
    by_id = [v.id_digest for v in visitors if v.id_digest]
    by_phone = {(v.phone_digest, v.name) for v in visitors if not v.id_digest}
    for start in range(0, len(by_id), CHUNK):
        for pk, digest in Person.objects.filter(id_digest__in=by_id[start:start + CHUNK]).values_list("pk", "id_digest"):
            found.setdefault(f"id:{digest}", []).append(pk)
    phones = sorted({phone for phone, _name in by_phone})
    for start in range(0, len(phones), CHUNK):
        rows = Person.objects.filter(phone_digest__in=phones[start:start + CHUNK]).values_list("pk", "phone_digest",
                                                                                                "name")
        for pk, phone, name in rows:
            if (phone, name) in by_phone:
                found.setdefault(f"phone:{phone}:{name}", []).append(pk)
    return found


def subjects_entries(arrivals: Iterable[Arrival]) -> dict[tuple, list[LedgerEntry]]:
    """{Arrival.key: ledger entries}: a person's own; a visitor's, of the persons with their digests."""
    arrivals = list(arrivals)
    visitors = visitors_persons(a.visitor for a in arrivals if a.visitor is not None)
    persons = {a.person_id for a in arrivals if a.person_id is not None} | {
        pk for pks in visitors.values() for pk in pks}
    entries = ledger_entries(persons)
    found: dict[tuple, list[LedgerEntry]] = {}
    for a in arrivals:
        pks = [a.person_id] if a.person_id is not None else visitors.get(a.visitor.key, [])
        found[a.key] = [entry for pk in pks for entry in entries.get(pk, ())]
    return found


def listing(entries: Iterable[LedgerEntry], county_prefix: str, arrival_day: datetime.date) -> int | None:
    """The key person that puts the person on a ledger of the county for an arrival that day, if any."""
    for pk, region, status, registered_on in entries:
        if region.startswith(county_prefix) and (status == Status.UNDER_MANAGEMENT or registered_on >= arrival_day):
            return pk
    return None


# The run ------------------------------------------------------------------------------------------

def _check(actor, hours) -> int:
    if not is_system(actor) and not permissions.can_run_reconciliation(actor):
        raise PermissionDenied(_("您的角色不能运行来人核对"))
    try:
        hours = default_hours() if hours is None or hours == "" else int(hours)
    except (TypeError, ValueError):
        raise ValidationError({"hours": _("小时数必须是整数")}) from None
    if not 0 <= hours <= MAX_HOURS:
        raise ValidationError({"hours": _("小时数必须在0到%(max)s之间") % {"max": MAX_HOURS}})
    return hours


def reconcile(actor, *, now: datetime.datetime | None = None, hours: int | None = None) -> Summary:
    """Open an `unlisted` task for every risk arrival at least `hours` old on no ledger of its county;
    close the open ones whose person has been put on a ledger since. `actor` SYSTEM: the system (cron)."""
    hours = _check(actor, hours)
    now = now or timezone.now()
    high = now - datetime.timedelta(hours=hours)
    low = now - datetime.timedelta(days=LOOKBACK_DAYS)
    summary = Summary(window_from=low, window_to=high, hours=hours)
    scope = None if is_system(actor) else actor.region_id
    with transaction.atomic():
        summary.closed = _close_listed(actor, scope)
        arrivals = [a for a in risk_arrivals(low, high).values()
                    if scope is None or codes.is_within(a.region_code, scope)] if high > low else []
        summary.arrivals = len(arrivals)
        entries = subjects_entries(arrivals)
        unlisted = [a for a in arrivals if listing(entries.get(a.key, ()), a.county_prefix, a.day) is None]
        summary.listed, summary.unlisted = len(arrivals) - len(unlisted), len(unlisted)
        summary.destination_unknown = sum(1 for a in unlisted if not a.village_known)
        earlier = _earlier_tasks(unlisted)
        to_open = [a for a in unlisted if not _skip(a, earlier.get(a.key, []), summary)]
        people = Person.objects.in_bulk([a.person_id for a in to_open if a.person_id is not None])
        passages = Passage.objects.in_bulk([a.passage_id for a in to_open if a.passage_id])
        check_ins = CheckIn.objects.in_bulk([a.check_in_id for a in to_open if a.check_in_id])
        for arrival in sorted(to_open, key=lambda a: (a.region_code, a.at, a.key)):
            _task, created = arrival_tasks.open_task(actor, kind=TaskKind.UNLISTED, region_code=arrival.region_code,
                                       person=people.get(arrival.person_id), passage=passages.get(arrival.passage_id),
                                       check_in=check_ins.get(arrival.check_in_id))
            summary.opened += int(created)
            summary.already_open += int(not created)
        audit.record(actor, "reconciliation.run", object_type="reconciliation", object_repr=_("来人核对"),
                     region=scope, after=summary.as_dict())
    return summary


def _skip(arrival: Arrival, tasks: list, summary: Summary) -> bool:
    """An open task already, or one the village closed after this arrival: nothing to open."""
    if any(status == TaskStatus.OPEN for status, _closed in tasks):
        summary.already_open += 1
        return True
    if any(closed and closed >= arrival.at for _status, closed in tasks):
        summary.dealt_with += 1
        return True
    return False


def _earlier_tasks(arrivals: list[Arrival]) -> dict[tuple, list[tuple[str, datetime.datetime | None]]]:
    """{Arrival.key: [(status, closed at)]} of the `unlisted` tasks about each person, or about each visitor
    (tasks without a person, by their check-in's typed phone, then ID number or name)."""
    person_ids = [a.person_id for a in arrivals if a.person_id is not None]
    found: dict[tuple, list] = {}
    for start in range(0, len(person_ids), CHUNK):
        rows = ArrivalTask.objects.filter(kind=TaskKind.UNLISTED, person_id__in=person_ids[start:start + CHUNK]) \
            .values_list("person_id", "status", "closed_at")
        for person_id, status, closed_at in rows:
            found.setdefault(("person", person_id), []).append((status, closed_at))
    phones = sorted({a.visitor.phone_digest for a in arrivals if a.visitor is not None})
    for start in range(0, len(phones), CHUNK):
        rows = ArrivalTask.objects.filter(kind=TaskKind.UNLISTED, person__isnull=True,
                                          check_in__phone_digest__in=phones[start:start + CHUNK]) \
            .values_list("check_in__id_digest", "check_in__phone_digest", "check_in__name", "status", "closed_at")
        for id_digest, phone_digest, name, status, closed_at in rows:
            found.setdefault(("visitor", Visitor(id_digest, phone_digest, name).key), []).append((status, closed_at))
    return found


def task_arrival(task: ArrivalTask) -> Arrival:
    """The arrival a task is about, as far as whose it is (its person, or its check-in's visitor)."""
    check_in = task.check_in
    visitor = None
    if task.person_id is None and check_in is not None:
        visitor = Visitor(check_in.id_digest, check_in.phone_digest, check_in.name)
    return Arrival(task.person_id, task.opened_at, task.region_id, False, visitor=visitor)


def tasks_entries(tasks: list[ArrivalTask]) -> dict[int, list[LedgerEntry]]:
    """{task id: the ledger entries of whom the task is about} (tasks loaded with their check-in)."""
    arrivals = {task.pk: task_arrival(task) for task in tasks if task.person_id is not None or task.check_in_id}
    entries = subjects_entries(arrivals.values())
    return {pk: entries.get(arrival.key, []) for pk, arrival in arrivals.items()}


def _close_listed(actor, scope: str | None) -> int:
    """Close the open `unlisted` tasks (in scope) whose person is on a ledger of the county by now
    (at the real time of the write, like `open_task`: the roll-up counts it that day)."""
    tasks = ArrivalTask.objects.filter(kind=TaskKind.UNLISTED, status=TaskStatus.OPEN)
    if scope:
        tasks = tasks.filter(within(scope, "region_id"))
    tasks = list(tasks.select_related("passage", "check_in").order_by("region_id", "pk"))
    entries = tasks_entries(tasks)
    closed = 0
    for task in tasks:
        moment = (task.passage.passed_at if task.passage else task.check_in.checked_in_at if task.check_in
                  else task.opened_at)
        key_person = listing(entries.get(task.pk, ()), task.region_id[:6], timezone.localdate(moment))
        if key_person is None:
            continue
        arrival_tasks.close_as_listed(actor, task, key_person_id=key_person, note=CLOSE_NOTE)
        closed += 1
    return closed
