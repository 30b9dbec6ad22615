"""The key-person ledger (台账): register, update, change status, delete.

Each write keeps the daily roll-up right: the entry's contributions are captured before the
change and passed with the ones after it to `counters.track_change`, in the same transaction.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts import permissions
from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.errors import protected_conflict
from fangkong.core.validation import as_date, choice, is_id, name_text, not_future, text
from fangkong.people import reviews
from fangkong.people.services import find_or_record_person

from .. import rollup
from ..models import Category, DailyCheck, KeyPerson, Status, TransportMode
from .common import LEDGER_LEVELS, region_in_scope, require_in_scope, require_worker, today
from .timeline import record_event

KEY_PERSON_FIELDS = ["person", "category", "region", "registered_on", "origin", "departure_date", "arrival_date",
                     "transport_mode", "transport_number", "symptoms", "responsible", "status", "ended_on", "note"]
DETAIL_FIELDS = ["origin", "departure_date", "arrival_date", "transport_mode", "transport_number", "symptoms",
                 "responsible", "note"]
# Travel that long before registration is not what a ledger of recent arrivals is about: a typo.
MAX_TRAVEL_DAYS_BEFORE = 180
END_STATUSES = (Status.RELEASED, Status.TRANSFERRED, Status.MOVED_AWAY)


def _responsible(actor, value, region_code: str, errors: dict) -> User | None:
    """The cadre answerable for the person: an active ledger worker in scope whose area covers the entry."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, User) else value
    cadre = User.objects.filter(pk=pk, is_active=True).select_related("region").first() \
        if is_id(pk) else None
    if (cadre is None or cadre.region_id is None or not actor.region.contains(cadre.region_id)
            or not permissions.can_work_ledger(cadre)):
        errors.setdefault("responsible", _("责任人 %(value)s 不存在或不在您的管辖范围内") % {"value": value})
        return None
    if region_code and not (codes.is_within(region_code, cadre.region_id)
                            or codes.is_within(cadre.region_id, region_code)):
        errors.setdefault("responsible", _("责任人 %(name)s 的管辖区划不包含该人员所在区划") % {"name": cadre})
        return None
    return cadre


def _clean_details(actor, region_code: str, registered_on: datetime.date, raw: dict, errors: dict) -> dict:
    """Travel details, symptoms, responsible cadre and note, checked together with the dates."""
    found = {
        "origin": name_text(raw.get("origin"), "origin", _("来自何地"), 100, errors),
        "departure_date": as_date(raw.get("departure_date"), "departure_date", _("离开日期")),
        "arrival_date": as_date(raw.get("arrival_date"), "arrival_date", _("抵达日期")),
        "transport_mode": choice(raw.get("transport_mode"), TransportMode, "transport_mode", _("交通方式"), errors,
                                 blank=True),
        "transport_number": name_text(raw.get("transport_number"), "transport_number", _("车次/航班/车牌"), 40, errors)
        .upper(),
        "symptoms": text(raw.get("symptoms"), "symptoms", _("症状"), 200, errors),
        "note": text(raw.get("note"), "note", _("备注"), 300, errors),
    }
    if "responsible" in raw:  # checked only when given: an unchanged cadre stays even if out of the editor's scope
        found["responsible"] = _responsible(actor, raw["responsible"], region_code, errors)
    departure, arrival = found["departure_date"], found["arrival_date"]
    not_future(departure, "departure_date", _("离开日期"), errors)
    not_future(arrival, "arrival_date", _("抵达日期"), errors)
    if departure and arrival and departure > arrival:
        errors.setdefault("departure_date", _("离开日期 %(departure)s 晚于抵达日期 %(arrival)s") % {
            "departure": departure, "arrival": arrival})
    if arrival and registered_on and arrival > registered_on:
        errors.setdefault("arrival_date", _("抵达日期 %(arrival)s 晚于登记日期 %(registered)s") % {
            "arrival": arrival, "registered": registered_on})
    for field, label, day in (("departure_date", _("离开日期"), departure), ("arrival_date", _("抵达日期"), arrival)):
        if day and registered_on and (registered_on - day).days > MAX_TRAVEL_DAYS_BEFORE:
            errors.setdefault(field, _("%(label)s %(day)s 距登记日期超过%(days)s天，请核实") % {
                "label": label, "day": day, "days": MAX_TRAVEL_DAYS_BEFORE})
    return found


def registration_text(kp: KeyPerson) -> str:
    parts = []
    if kp.origin:
        parts.append(_("来自%(origin)s") % {"origin": kp.origin})
    if kp.arrival_date:
        parts.append(_("%(day)s抵达") % {"day": kp.arrival_date})
    if kp.transport_mode:
        parts.append(" ".join(p for p in (str(kp.get_transport_mode_display()), kp.transport_number) if p))
    if kp.symptoms:
        parts.append(_("症状：%(symptoms)s") % {"symptoms": kp.symptoms})
    head = _("登记为%(category)s") % {"category": kp.get_category_display()}
    return head + (_("（%(details)s）") % {"details": "，".join(parts)} if parts else "")


def status_text(kp: KeyPerson, note: str = "") -> str:
    message = _("%(day)s %(status)s") % {"day": kp.ended_on, "status": kp.get_status_display()}
    return message + (_("（%(note)s）") % {"note": note} if note else "")


def _changed_labels(kp: KeyPerson, changed: dict) -> str:
    return "、".join(str(KeyPerson._meta.get_field(name).verbose_name) for name in changed)


@transaction.atomic
def register_key_person(actor, *, name: str, id_type: str, id_number: str, region_code: str, category: str,
                        phone: str = "", address: str = "", workplace: str = "", household=None,
                        registered_on=None, origin: str = "", departure_date=None, arrival_date=None,
                        transport_mode: str = "", transport_number: str = "", symptoms: str = "",
                        responsible=None, note: str = "") -> tuple[KeyPerson | None, bool]:
    """登记人员: the person (found by ID digest or created) and their open ledger entry in `category`.

    Registering a person who already has an open entry in the category updates that entry with the
    non-empty details given (created is then False). Returns (key person, created).

    A person registered outside the actor's scope, or whose open entry in the category is held by a
    region outside it, is not changed: the registration is held for review (people.reviews) and
    (None, False) is returned, for the caller to answer `reviews.SUBMITTED`.
    """
    require_worker(actor)
    errors: dict = {}
    region = None
    try:
        region = region_in_scope(actor, region_code, levels=LEDGER_LEVELS)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    category = choice(category, Category, "category", _("人员类别"), errors)
    day = as_date(registered_on, "registered_on", _("登记日期"))
    not_future(day, "registered_on", _("登记日期"), errors)
    raw = {"origin": origin, "departure_date": departure_date, "arrival_date": arrival_date,
           "transport_mode": transport_mode, "transport_number": transport_number, "symptoms": symptoms,
           "responsible": responsible, "note": note}
    details = _clean_details(actor, region.code if region else "", day or today(), raw, errors)
    person = None
    # this registration as submitted, should it be held for review
    submission = {"name": name, "region_code": region_code, "category": category, "phone": phone,
                  "address": address, "workplace": workplace, "household": household,
                  "registered_on": registered_on, **raw}
    try:
        person, _created = find_or_record_person(
            actor, name=name, id_type=id_type, id_number=id_number, region_code=region.code if region else "",
            phone=phone, address=address, workplace=workplace, household=household,
            review_as=("key_person", submission))
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    if person is None:
        return None, False
    existing = open_entry(person, category)
    if existing is None:
        try:
            with transaction.atomic():
                return create_entry(actor, person, category, region, day or today(), details), True
        except IntegrityError:
            existing = open_entry(person, category)  # registered concurrently: update it instead
            if existing is None:
                raise
    if not actor.region.contains(existing.region_id):
        reviews.submit_review(actor, kind="key_person", person=person, region_code=region.code,
                              submission=submission, also_covering=existing.region_id)
        return None, False
    return _reregister(actor, existing, region, day, details), False


def open_entry(person, category: str) -> KeyPerson | None:
    """The person's open entry of the category, locked. With `create_entry` and `apply_changes`, the
    building blocks for a service that puts people on a ledger on the county's behalf (a checkpoint's
    risk-area arrival) without the ledger worker's scope rules of `register_key_person`."""
    return (KeyPerson.objects.select_for_update()
            .filter(person=person, category=category, status=Status.UNDER_MANAGEMENT).first())


def create_entry(actor, person, category, region, day, details) -> KeyPerson:
    """A new ledger entry with its counters, timeline event and audit entry (the caller checked the rules)."""
    kp = KeyPerson(person=person, category=category, region=region, registered_on=day, **details)
    kp.save()
    counters.track_change([], rollup.key_person_contributions(kp))
    record_event(kp, "registered", registration_text(kp), actor)
    audit.record(actor, "key_person.register", kp, region=region, after=audit.snapshot(kp, KEY_PERSON_FIELDS))
    return kp


def _reregister(actor, kp: KeyPerson, region, day, details: dict) -> KeyPerson:
    given = {k: v for k, v in details.items() if v not in ("", None)}
    given["region"] = region
    if day is not None:
        given["registered_on"] = day
    return apply_changes(actor, kp, given, kind="updated", prefix=_("再次登记，更新："))


def apply_changes(actor, kp: KeyPerson, given: dict, *, kind: str, prefix: str) -> KeyPerson:
    """Set the given fields, moving the counters, the timeline and the audit trail with them."""
    old = rollup.key_person_contributions(kp)
    before = audit.snapshot(kp, KEY_PERSON_FIELDS)
    for field, value in given.items():
        setattr(kp, field, value)
    old_audit, new_audit = audit.changes(before, audit.snapshot(kp, KEY_PERSON_FIELDS))
    if not new_audit:
        return kp
    kp.updated_at = timezone.now()
    kp.save()
    checks_old, checks_new = _checks_follow(kp)
    counters.track_change(old + checks_old, rollup.key_person_contributions(kp) + checks_new)
    record_event(kp, kind, prefix + _changed_labels(kp, new_audit), actor)
    audit.record(actor, "key_person.update", kp, region=kp.region_id, before=old_audit, after=new_audit)
    return kp


def _checks_follow(kp: KeyPerson) -> tuple[list, list]:
    """An entry moved to another region takes its checks along (as recording a check again does): a day's 漏查
    is the region's stock less its checks, and the stock moved with the entry, so checks left behind would show
    the entry unchecked where it now is (and on the home page's 今日待查, which reads 漏查). Returns the checks'
    contributions before and after."""
    checks = list(DailyCheck.objects.filter(key_person=kp).exclude(region_id=kp.region_id))
    old = [c for check in checks for c in rollup.daily_check_contributions(check)]
    DailyCheck.objects.filter(pk__in=[check.pk for check in checks]).update(region_id=kp.region_id)
    for check in checks:
        check.region_id = kp.region_id
    return old, [c for check in checks for c in rollup.daily_check_contributions(check)]


def _locked(kp: KeyPerson) -> KeyPerson:
    return KeyPerson.objects.select_for_update().select_related("region", "person").get(pk=kp.pk)


UPDATABLE = {"region_code", "registered_on", *DETAIL_FIELDS}


@transaction.atomic
def update_key_person(actor, key_person: KeyPerson, **changes) -> KeyPerson:
    """Correct an entry: any of region_code, registered_on, origin, departure_date, arrival_date,
    transport_mode, transport_number, symptoms, responsible, note. Fields not passed stay as they are."""
    require_worker(actor)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    kp = _locked(key_person)
    require_in_scope(actor, kp.region_id)
    errors: dict = {}
    region = kp.region
    if "region_code" in changes:
        try:
            region = region_in_scope(actor, changes["region_code"], levels=LEDGER_LEVELS)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    day = kp.registered_on
    if "registered_on" in changes:
        day = as_date(changes["registered_on"], "registered_on", _("登记日期"))
        if day is None:
            errors["registered_on"] = _("登记日期不能为空")
        not_future(day, "registered_on", _("登记日期"), errors)
        if day and kp.ended_on and day > kp.ended_on:
            errors["registered_on"] = _("登记日期 %(day)s 晚于结束管理日期 %(ended)s") % {"day": day, "ended": kp.ended_on}
        first_check = DailyCheck.objects.filter(key_person=kp).order_by("checked_on").first()
        if day and first_check is not None and day > first_check.checked_on:
            errors.setdefault("registered_on", _("%(check)s 已有检查记录，登记日期不能晚于它") % {
                "check": first_check.checked_on})
    merged = {field: getattr(kp, field) for field in DETAIL_FIELDS if field != "responsible"}
    merged.update({k: v for k, v in changes.items() if k in DETAIL_FIELDS})
    details = _clean_details(actor, region.code, day, merged, errors)
    if errors:
        raise ValidationError(errors)
    given = {**details, "region": region, "registered_on": day}
    return apply_changes(actor, kp, given, kind="updated", prefix=_("修改："))


@transaction.atomic
def change_key_person_status(actor, key_person: KeyPerson, *, status: str, ended_on=None,
                             note: str = "") -> KeyPerson:
    """End management: released (解除), transferred (转出) or moved away (离开), on `ended_on` (default today)."""
    require_worker(actor)
    kp = _locked(key_person)
    require_in_scope(actor, kp.region_id)
    errors: dict = {}
    if status not in END_STATUSES:
        errors["status"] = _("状态只能改为已解除、已转出或已离开：%(value)s") % {"value": status}
    if kp.status != Status.UNDER_MANAGEMENT:
        raise ValidationError({"status": _("该人员已于%(day)s%(status)s，不能重复结束管理") % {
            "day": kp.ended_on, "status": kp.get_status_display()}})
    day = as_date(ended_on, "ended_on", _("结束管理日期")) or today()
    not_future(day, "ended_on", _("结束管理日期"), errors)
    if day < kp.registered_on:
        errors["ended_on"] = _("结束管理日期 %(day)s 早于登记日期 %(registered)s") % {
            "day": day, "registered": kp.registered_on}
    last_check = DailyCheck.objects.filter(key_person=kp, checked_on__gt=day).order_by("-checked_on").first()
    if last_check is not None:
        errors.setdefault("ended_on", _("%(check)s 已有检查记录，结束管理日期不能早于它") % {
            "check": last_check.checked_on})
    note = text(note, "note", _("备注"), 300, errors)
    if errors:
        raise ValidationError(errors)
    old = rollup.key_person_contributions(kp)
    before = audit.snapshot(kp, KEY_PERSON_FIELDS)
    kp.status, kp.ended_on, kp.updated_at = status, day, timezone.now()
    if note:
        kp.note = note
    kp.save()
    counters.track_change(old, rollup.key_person_contributions(kp))
    record_event(kp, "status", status_text(kp, note), actor)
    old_audit, new_audit = audit.changes(before, audit.snapshot(kp, KEY_PERSON_FIELDS))
    audit.record(actor, "key_person.status", kp, region=kp.region_id, before=old_audit, after=new_audit)
    return kp


@transaction.atomic
def delete_key_person(actor, key_person: KeyPerson) -> None:
    """Remove an entry registered by mistake, with its checks and timeline (the audit trail keeps them)."""
    require_worker(actor)
    kp = _locked(key_person)
    require_in_scope(actor, kp.region_id)
    checks = list(DailyCheck.objects.filter(key_person=kp))
    old = rollup.key_person_contributions(kp)
    for check in checks:
        old.extend(rollup.daily_check_contributions(check))
    snapshot = audit.snapshot(kp, KEY_PERSON_FIELDS)
    snapshot["checks"] = [{"checked_on": c.checked_on, "temperature": c.temperature} for c in checks]
    audit.record(actor, "key_person.delete", kp, region=kp.region_id, before=snapshot)
    try:
        kp.delete()
    except ProtectedError as exc:  # an isolation order keeps its key person: the order's record must stay
        raise protected_conflict(_("重点人员 %(name)s") % {"name": kp.person.name}, exc,
                                 _("如需结束管理，请改为变更状态（已解除、已转出或已离开）")) from None
    counters.track_change(old, [])


def _accept_key_person(actor, person, submission: dict) -> None:
    """A reviewed ledger registration (people.reviews): the registration as submitted, by the reviewer."""
    register_key_person(actor, id_type=person.id_type, id_number=person.id_number, **submission)


def _describe_key_person(submission: dict) -> str:
    category = submission.get("category")
    return str(Category(category).label) if category in Category.values else ""


reviews.register("key_person", gettext_lazy("台账登记"), _accept_key_person, _describe_key_person)
