"""Passage registration (通行登记) at a checkpoint: the one write of a queue at the roadside.

`register_passage` validates everything a phone form or a script can send, finds the person by the
keyed digest of their ID (or records them), and writes the passage, its roll-up counters and one
audit entry in one transaction. It stays lean for the queue: a handful of queries per passage.

Rules (documented here, tested in tests/checkpoints/test_passages*.py):
- Temperature 34–43 °C; at or above FANGKONG_FEVER_THRESHOLD (default 37.3) the outcome must be
  fever clinic or isolation.
- The time of passage defaults to now; it may be typed in later (a paper register), but not in the
  future, not more than BACKFILL_DAYS ago and not before the checkpoint was set up.
- The destination, when given, is a township, village or grid of the checkpoint's county: any of
  them, whatever the staff's own scope (a checkpoint's staff see their checkpoint's region only,
  but people at a county's exit go anywhere in it). Roads out of the county leave it empty.
- A vehicle counts once: `counts_vehicle` is set when no passage of the same plate was registered
  at the checkpoint within the VEHICLE_WINDOW of it, before or after (registrations of one plate at
  one checkpoint are serialised, so two passengers of one car registered at once do not both count
  it, whichever of their times is earlier; a paper register typed in later does not count a car again).
- Persons: found or recorded by the rule of every register (people.services, as a `sighting`); a new
  one is recorded with the destination as their region (the checkpoint's region when there is none).
  A known person is not edited by the checkpoint, except that a phone is added when none is known, and
  that a returnee put on a village's ledger now lives there (`move_to_region`, as when the village
  registers them). The passage's one audit entry says so (person created, phone added, moved); ID and
  phone are masked in it.
- Sent twice, stored once (`duplicates`): a passage with the idempotency key of one already stored by
  the same account at the checkpoint, or of the same person with the same facts within a minute of
  one, returns that passage (`passage.duplicate`) and writes nothing.
- Arrivals from a risk area (inbound, not turned back, origin code in an active risk area) are
  `from_risk_area`. Bound for a village or grid of the county, they are put on that village's
  ledger as a returnee key person (an open returnee entry anywhere in the county is updated
  instead, and stays where it is), and the worker of the ledger's village gets an `arrival` task.
  A destination known only to the township is left to the reconciliation (不漏一人).
- A fever (at or above the threshold) is found by the checkpoint as by any register (core.health.fever_found):
  the transfer to the fever clinic (`passage.transfer`), the fever on the person's ledger entry (a new fever
  entry on the destination's or their own village's ledger when they have none), its day's check and the
  timeline line.

The queue's cost (DESIGN §5: half the requests per second of a trivial endpoint): everything is
validated before the transaction opens (SQLite's BEGIN IMMEDIATE takes the one write lock); the
checkpoint's status and opening day come from `selectors.checkpoints.lean_checkpoint` (in Django's
cache, dropped on every checkpoint save, at most CACHE_SECONDS stale in another process with the
default per-process cache: a checkpoint closed there is refused within that time), the destination
region from Django's cache for REGION_CACHE_SECONDS (found regions only). Inside the transaction, no
lock on the checkpoint: on PostgreSQL one statement takes transaction advisory locks on the person's
digest (two registrations of one new person do not record two persons) and, with a plate, on checkpoint + plate
(the vehicle count); SQLite's write lock already serialises writers. Then the person (one digest
lookup of the needed columns), for a known person their passages here within the duplicate window
(index passage_person), the plate's earlier passage (with a plate only), the person's insert when new,
the passage insert, one audit entry and one counters upsert (last, so the busy counter rows are held
the shortest), and nothing is read back.
"""

import datetime
import re
import unicodedata

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import idempotency as duplicates
from fangkong.core import region_codes as codes
from fangkong.core.health import Fever, FeverSource, fever_found, fever_threshold, is_fever, parse_temperature
from fangkong.core.validation import as_moment, choice, fmt, name_text, raise_if
from fangkong.people import identity
from fangkong.people.cleaning import clean_person_fields
from fangkong.people.services import find_person, lock_person, move_to_region, record_person
from fangkong.regions.models import Region
from fangkong.risk_areas import services as risk_areas
from fangkong.screening.models import ArrivalTask, Category, TaskKind, TaskStatus, TransportMode
from fangkong.screening.services import arrival_tasks as tasks
from fangkong.screening.services import key_persons as ledger

from .. import permissions
from ..models import Checkpoint, CheckpointStatus, Direction, Outcome, Passage
from ..rollup import passage_contributions
from ..selectors.checkpoints import lean_checkpoint

VEHICLE_WINDOW = datetime.timedelta(minutes=30)
BACKFILL_DAYS = 7
FEVER_OUTCOMES = (Outcome.FEVER_CLINIC, Outcome.ISOLATION)
DESTINATION_LEVELS = (codes.TOWNSHIP, codes.VILLAGE, codes.GRID)
LEDGER_LEVELS = (codes.VILLAGE, codes.GRID)
# 鄂K12345, 鄂K1234学, 鄂AD12345 (new energy), WJ·01234, 使014578: loose, but letters, digits and
# a few Chinese characters only, 5 to 10 of them
PLATE = re.compile(r"^[\u4e00-\u9fffA-Z0-9]{5,10}$")
_PLATE_SEPARATORS = str.maketrans("", "", " ·•-.")


def clean_plate(value, errors: dict) -> str:
    plate = unicodedata.normalize("NFKC", str(value or "")).upper().translate(_PLATE_SEPARATORS)
    if plate and (not PLATE.match(plate) or not re.search(r"[0-9]", plate)):
        errors.setdefault("vehicle_plate", _("车牌号格式不对：%(value)s（如 鄂K12345）") % {"value": value})
    return plate


def _origin_code(value, errors: dict) -> str:
    raw = risk_areas.normalize_code(value)
    if not raw:
        return ""
    if not raw.isascii() or not raw.isdigit() or len(raw) not in (2, 4, 6, 9, 12):
        errors.setdefault("origin_code", _("来源地区划代码应为2、4、6、9或12位数字：%(value)s") % {"value": value})
        return ""
    if len(raw) <= 6 and raw not in risk_areas.known_codes():
        errors.setdefault("origin_code", _("没有这个区划代码：%(value)s") % {"value": raw})
        return ""
    return raw


REGION_CACHE_SECONDS = 60
_REGION_FIELDS = ("code", "name", "level", "parent_id")


def _region_key(code: str) -> str:
    return f"checkpoints.destination:{code}"


def _region(code: str) -> Region | None:
    """The region of a code (a new instance each call), found ones cached for REGION_CACHE_SECONDS."""
    values = cache.get(_region_key(code))
    if values is None:
        values = Region.objects.filter(code=code).values_list(*_REGION_FIELDS).first()
        if values is None:
            return None
        cache.set(_region_key(code), values, REGION_CACHE_SECONDS)
    return Region.from_db("default", _REGION_FIELDS, values)


def _forget_regions(sender, instance, **kwargs) -> None:
    cache.delete(_region_key(instance.code))


post_save.connect(_forget_regions, sender=Region, dispatch_uid="checkpoints.passages.regions.save")
post_delete.connect(_forget_regions, sender=Region, dispatch_uid="checkpoints.passages.regions.delete")


def _destination(checkpoint: Checkpoint, value, errors: dict) -> Region | None:
    code = "".join(str(value or "").split())
    if not code:
        return None
    county = checkpoint.region_id[:6].ljust(12, "0")
    region = _region(code) if code.isdigit() else None
    if region is None:
        errors.setdefault("destination", _("目的地区划 %(code)s 不存在") % {"code": code})
    elif not codes.is_within(region.code, county) or region.level not in DESTINATION_LEVELS:
        errors.setdefault("destination", _("目的地须为本县的乡镇、村（社区）或网格：%(name)s") % {"name": region.name})
        return None
    return region


_PERSON_FIELDS = ("id", "name", "id_number", "phone", "region_id")


def _plate_seen(checkpoint: Checkpoint, plate: str, at) -> bool:
    """A passage of the plate at the checkpoint within the VEHICLE_WINDOW of `at`, before or after (index
    passage_checkpoint). Both sides: of two passengers registered at once, the one whose time is later
    may take the lock first."""
    return Passage.objects.filter(checkpoint_id=checkpoint.pk, passed_at__gte=at - VEHICLE_WINDOW,
                                  passed_at__lte=at + VEHICLE_WINDOW, vehicle_plate=plate).exists()


def _find_person(fields: dict, *, whole: bool):
    """The person of the cleaned fields' ID digest, or None. Only the columns a passage shows are read
    (`whole`: all of them, for the ledger's entry functions)."""
    return find_person(fields["id_digest"], columns=None if whole else _PERSON_FIELDS)


# What makes two passages of one person at one checkpoint the same registration (besides the time)
_FACTS = ("direction", "vehicle_plate", "origin", "origin_code", "destination_id", "destination_text",
          "temperature", "outcome")


def _earlier_same(passage: Passage) -> Passage | None:
    """The stored passage that `passage` (not yet written, its person known) repeats (`duplicates`): one
    with its idempotency key, or the same facts within the window of its time; None when it is new."""
    span = duplicates.window()
    candidates = (Passage.objects.filter(person_id=passage.person_id, passed_at__gte=passage.passed_at - span,
                                         passed_at__lte=passage.passed_at + span, checkpoint_id=passage.checkpoint_id)
                  .only("id", "client_key", *_FACTS).order_by("id")[:20])
    facts = tuple(getattr(passage, name) for name in _FACTS)
    for earlier in candidates:
        if (passage.client_key and earlier.client_key == passage.client_key) or (
                tuple(getattr(earlier, name) for name in _FACTS) == facts):
            return _stored(earlier.pk)
    return None


def _stored(pk: int) -> Passage:
    """A stored passage as the register answers it again: `duplicate`, no person created, its open task."""
    passage = (Passage.objects.select_related("person", "destination", "key_person__region").get(pk=pk))
    passage.duplicate, passage.person_created, passage.person_moved, passage.task = True, False, False, None
    if passage.key_person_id:
        passage.task = ArrivalTask.objects.filter(
            kind=TaskKind.ARRIVAL, region_id=passage.key_person.region_id, person_id=passage.person_id,
            status=TaskStatus.OPEN).order_by("id").first()
    return passage


def _by_client_key(actor, checkpoint: Checkpoint, key: str) -> Passage | None:
    found = (Passage.objects.filter(checkpoint=checkpoint, recorded_by=actor, client_key=key)
             .values_list("pk", flat=True).first())
    return None if found is None else _stored(found)


def _put_on_ledger(actor, person, passage: Passage, destination: Region, checkpoint: Checkpoint):
    """The returnee entry of the person: the open one updated, or a new one on the destination's ledger.

    The ledger's own `register_key_person` is for those who work that village's ledger; here the
    checkpoint registers on the county's behalf, through the ledger's entry functions (same
    counters, timeline and audit as a registration by the village).
    """
    day = timezone.localdate(passage.passed_at)
    details = {"origin": passage.origin[:100], "arrival_date": day,
               "transport_mode": TransportMode.CAR if passage.vehicle_plate else "",
               "transport_number": passage.vehicle_plate,
               "note": _("%(checkpoint)s卡点登记，%(time)s入境") % {"checkpoint": checkpoint.name,
                                                              "time": fmt(passage.passed_at)}}
    existing = ledger.open_entry(person, Category.RETURNEE)
    if existing is None:
        details.update(departure_date=None, symptoms="")
        if move_to_region(person, destination):  # as a registration by the village does: they live there now
            person.updated_at = timezone.now()
            person.save(update_fields=["region", "updated_at"])
            passage.person_moved = True
        try:
            with transaction.atomic():
                return ledger.create_entry(actor, person, Category.RETURNEE, destination, day, details)
        except IntegrityError:
            existing = ledger.open_entry(person, Category.RETURNEE)
            if existing is None:
                raise
    # Passing again: the travel details are brought up to date; the arrival date only when the entry
    # has none (a later arrival than the registration belongs to a new entry, after release).
    given = {key: details[key] for key in ("origin", "transport_mode", "transport_number") if details[key]}
    if existing.arrival_date is None and day <= existing.registered_on:
        given["arrival_date"] = day
    return ledger.apply_changes(actor, existing, given, kind="updated",
                         prefix=_("卡点登记（%(checkpoint)s），更新：") % {"checkpoint": checkpoint.name})


def require_registrar(actor, checkpoint: Checkpoint) -> None:
    if not permissions.can_register_passages(actor):
        raise PermissionDenied(_("您的角色不能登记通行"))
    if not codes.is_within(checkpoint.region_id, actor.region_id):
        raise PermissionDenied(_("该卡点不在您的管辖范围内"))


def register_passage(actor, checkpoint: Checkpoint, *, id_number: str, name: str, temperature, outcome: str,
                     id_type: str = identity.RESIDENT_ID, phone: str = "", vehicle_plate: str = "",
                     origin: str = "", origin_code: str = "", destination=None, destination_text: str = "",
                     direction: str = Direction.IN, passed_at=None, client_key: str = "") -> Passage:
    """登记通行: one person passing the checkpoint. Returns the passage; `passage.person_created` says
    whether the person was new, `passage.task` is the arrival task opened or found (or None),
    `passage.duplicate` that it was stored before (`client_key`: the sender's idempotency key)."""
    require_registrar(actor, checkpoint)
    errors: dict = {}
    fields = None
    try:
        key = duplicates.clean_key(client_key)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        key = ""
    try:
        fields = clean_person_fields(name=name, id_type=id_type, id_number=id_number, phone=phone)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        temperature = parse_temperature(temperature)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        temperature = None
    outcome = choice(outcome, Outcome, "outcome", _("处置"), errors)
    direction = choice(direction or Direction.IN, Direction, "direction", _("方向"), errors)
    now = timezone.now()
    at = as_moment(passed_at, "passed_at", _("通行时间"), errors, default=now, allow_future=False)
    if at is not None:
        if at < now - datetime.timedelta(days=BACKFILL_DAYS):
            errors.setdefault("passed_at", _("通行时间 %(at)s 早于%(days)s天前，不能补录") % {
                "at": fmt(at), "days": BACKFILL_DAYS})
        elif timezone.localdate(at) < checkpoint.opened_on:
            errors.setdefault("passed_at", _("通行时间 %(at)s 早于设卡日期 %(day)s") % {
                "at": fmt(at), "day": checkpoint.opened_on})
    threshold = fever_threshold()
    if temperature is not None and temperature >= threshold and outcome and outcome not in FEVER_OUTCOMES:
        errors.setdefault("outcome", _("体温 %(t)s°C 达到发热标准（≥%(threshold)s°C），处置须为“送发热门诊”或“送隔离点”") % {
            "t": temperature, "threshold": threshold})
    plate = clean_plate(vehicle_plate, errors)
    origin = name_text(origin, "origin", _("来自何地"), 100, errors)
    origin_code = _origin_code(origin_code, errors)
    destination_text = name_text(destination_text, "destination_text", _("目的地详址"), 200, errors)
    destination = _destination(checkpoint, destination, errors)
    raise_if(errors)

    # The checkpoint as this process last read it (see the module's docstring), not the caller's copy.
    current = lean_checkpoint(checkpoint.pk)
    if current is None or current.status != CheckpointStatus.OPEN:
        raise ValidationError({"checkpoint": _("%(name)s 已撤除，不能登记通行") % {"name": checkpoint.name}})
    if origin_code and not origin:
        origin = risk_areas.area_name(origin_code)[:100]
    from_risk = (direction == Direction.IN and outcome != Outcome.TURNED_BACK
                 and risk_areas.is_risk_origin(origin_code, timezone.localdate(at)))
    on_ledger = from_risk and destination is not None and destination.level in LEDGER_LEVELS
    passage = Passage(checkpoint=checkpoint, region_id=checkpoint.region_id, passed_at=at, direction=direction,
                      vehicle_plate=plate, origin=origin, origin_code=origin_code, destination=destination,
                      destination_text=destination_text, temperature=temperature, outcome=outcome,
                      from_risk_area=from_risk, recorded_by=actor, client_key=key)
    try:
        with transaction.atomic():
            return _record(actor, checkpoint, fields, passage, on_ledger=on_ledger, threshold=threshold)
    except IntegrityError:
        # the key was stored meanwhile (sent twice at once, or again after the window): the first answers
        earlier = _by_client_key(actor, checkpoint, key) if key else None
        if earlier is None:
            raise
        return earlier


def _record(actor, checkpoint: Checkpoint, fields: dict, passage: Passage, *, on_ledger, threshold) -> Passage:
    """The writes of `register_passage` for the unsaved `passage`, inside its transaction; or the stored
    passage it repeats, and nothing written."""
    at, plate, destination = passage.passed_at, passage.vehicle_plate, passage.destination
    key = passage.client_key
    lock_person(fields["id_digest"], *([f"passage.vehicle:{checkpoint.pk}:{plate}"] if plate else []),
                *([f"passage.key:{checkpoint.pk}:{actor.pk}:{key}"] if key else []))
    # the key looked up under its lock: on PostgreSQL no unique index can hold it (core.partitions)
    earlier = _by_client_key(actor, checkpoint, key) if key else None
    if earlier is not None:
        return earlier
    person = _find_person(fields, whole=on_ledger)
    if person is not None:
        passage.person = person
        earlier = _earlier_same(passage)
        if earlier is not None:
            return earlier
    passage.counts_vehicle = counts_vehicle = bool(plate) and not _plate_seen(checkpoint, plate, at)
    had_phone = person is not None and bool(person.phone)
    person, person_created = record_person(actor, person, fields,
                                           destination.code if destination is not None else checkpoint.region_id,
                                           sighting=True)
    phone_added = not person_created and not had_phone and bool(person.phone)
    passage.person = person
    passage.task, passage.person_moved, passage.duplicate = None, False, False
    if on_ledger:
        passage.key_person = _put_on_ledger(actor, person, passage, destination, checkpoint)
    passage.save(force_insert=True)
    if passage.key_person is not None:
        passage.task, _created = tasks.open_task(actor, kind=TaskKind.ARRIVAL, region_code=passage.key_person.region_id,
                                                 person=person, passage=passage, key_person=passage.key_person)
    passage.transfer = None
    if is_fever(passage.temperature):
        passage.transfer = fever_found(actor, Fever(
            person=person, key_person=passage.key_person, temperature=passage.temperature,
            source=FeverSource.CHECKPOINT, at=at, place=checkpoint.name,
            region_code=destination.code if destination is not None else person.region_id))
    audit.record(actor, "passage.register", passage, region=checkpoint.region_id, after={
        "checkpoint": checkpoint.pk, "person": person.pk, "person_created": person_created,
        "phone_added": phone_added, "person_moved_to": destination.code if passage.person_moved else "",
        "id_number": identity.mask_id(person.id_number),
        "passed_at": at, "direction": passage.direction, "vehicle_plate": plate, "counts_vehicle": counts_vehicle,
        "origin": passage.origin, "origin_code": passage.origin_code,
        "destination": destination.code if destination else "", "temperature": passage.temperature,
        "outcome": passage.outcome, "from_risk_area": passage.from_risk_area, "key_person": passage.key_person_id})
    # last: the counter rows every passage of the county adds to are held until the commit, briefly
    counters.track_change(new=passage_contributions(passage, threshold))
    passage.person_created = person_created
    return passage
