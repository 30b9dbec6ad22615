"""Follow-ups (随访): the due slots of an order, recording one, excusing a missed one, the fever alert.

Slots are materialised when an order starts (and re-synced when its planned end moves), so a
missed one is a row in status "due" whose time has passed: it stays on every due list until it
is recorded (late) or excused with a reason. Nothing disappears by itself.
"""

import datetime
import unicodedata
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import rows
from fangkong.core.health import Fever, FeverSource, is_fever, parse_temperature
from fangkong.core.validation import as_moment, choice, fmt, not_future, raise_if, text
from fangkong.screening.models import KeyPerson

from .. import rollup
from ..models import (
    CheckMethod,
    FollowUp,
    FollowUpStatus,
    Quarantine,
    Symptom,
    TransferRequest,
)
from ..schedule import EARLY, day_bounds, local_day, slot_times
from . import fevers
from .common import add_event, now, require_active, require_visible, require_worker


def _contributions(rows) -> list[counters.Contribution]:
    return [c for fu in rows for c in rollup.follow_up_contributions(fu)]


def sync_slots(q: Quarantine) -> tuple[int, int]:
    """Make the order's due slots match its period and times: add the missing, drop due ones outside.

    Recorded and excused slots are history and stay. Returns (added, dropped).
    """
    wanted = set(slot_times(q.start_at, q.planned_end, q.follow_up_times))
    existing = {fu.due_at: fu for fu in FollowUp.objects.filter(quarantine=q, scheduled=True)}
    dropped = [fu for at, fu in existing.items() if at not in wanted and fu.status == FollowUpStatus.DUE]
    added = [FollowUp(quarantine=q, region_id=q.region_id, cadre_id=q.cadre_id, doctor_id=q.doctor_id, due_at=at)
             for at in sorted(wanted - existing.keys())]
    if dropped:
        FollowUp.objects.filter(pk__in=[fu.pk for fu in dropped]).delete()
    FollowUp.objects.bulk_create(added)
    counters.track_change(_contributions(dropped), _contributions(added))
    return len(added), len(dropped)


def drop_slots_from(q: Quarantine, moment: datetime.datetime) -> int:
    """Remove the due slots at or after `moment` (the order ended then: they were never owed)."""
    dropped = list(FollowUp.objects.filter(quarantine=q, scheduled=True, status=FollowUpStatus.DUE,
                                           due_at__gte=moment))
    if dropped:
        FollowUp.objects.filter(pk__in=[fu.pk for fu in dropped]).delete()
        counters.track_change(_contributions(dropped), [])
    return len(dropped)


def outstanding_before(q: Quarantine, moment: datetime.datetime):
    """Due slots of the order whose time came before `moment`: still neither recorded nor excused."""
    return FollowUp.objects.filter(quarantine=q, status=FollowUpStatus.DUE, due_at__lt=moment).order_by("due_at")


def clean_symptoms(value, errors: dict) -> list[str]:
    """Symptom codes from a list (or a comma-separated text); each must be one of the fixed set."""
    items = value.replace("，", ",").split(",") if isinstance(value, str) else list(value or [])
    found = []
    for item in items:
        code = unicodedata.normalize("NFKC", str(item)).strip()
        if not code:
            continue
        if code not in Symptom.values:
            errors.setdefault("symptoms", _("未知的症状：%(value)s") % {"value": code})
        elif code not in found:
            found.append(code)
    return [s for s in Symptom.values if s in found]  # the fixed order, whatever the input order


def _slot_for(q: Quarantine, at: datetime.datetime, slot) -> FollowUp | None:
    """The due slot a follow-up made at `at` fulfils (locked), or None for an unscheduled one.

    A follow-up counts for a slot of the same local day only: a temperature taken today says
    nothing about yesterday's missed slot. Without an explicit slot, the day's due slot nearest
    in time is taken (the earlier one on a tie), among those due no more than EARLY after `at`.
    """
    if slot not in (None, ""):
        pk = slot.pk if isinstance(slot, FollowUp) else slot
        found = FollowUp.objects.select_for_update().filter(pk=pk, quarantine=q).first() \
            if str(pk).isdigit() else None
        if found is None or not found.scheduled:
            raise ValidationError({"slot": _("该人员没有这次应随访记录：%(value)s") % {"value": slot}})
        if found.status != FollowUpStatus.DUE:
            raise ValidationError({"slot": _("%(time)s 的随访状态为“%(status)s”，不能重复记录") % {
                "time": fmt(found.due_at), "status": found.get_status_display()}})
        if local_day(found.due_at) != local_day(at):
            raise ValidationError({"at": _("随访时间 %(at)s 与应随访日期 %(day)s 不是同一天") % {
                "at": fmt(at), "day": local_day(found.due_at)}})
        return found
    low, high = day_bounds(local_day(at))
    adapt = connection.ops.adapt_datetimefield_value
    candidates = rows.select(FollowUp, _ALL, "quarantine_id = %s AND scheduled = %s AND status = %s "
                             "AND due_at >= %s AND due_at < %s",
                             [q.pk, True, FollowUpStatus.DUE.value, adapt(low), adapt(min(high, at + EARLY))],
                             suffix=_for_update())
    if not candidates:
        return None
    return min(candidates, key=lambda fu: (abs(fu.due_at - at), fu.due_at))


def alert_reason(temperature: Decimal, fever: bool, symptoms: list[str]) -> str:
    parts = []
    if fever:
        parts.append(_("体温%(t)s°C") % {"t": temperature})
    if symptoms:
        parts.append(_("症状：%(s)s") % {"s": "、".join(str(Symptom(s).label) for s in symptoms)})
    return "；".join(parts)


def _raise_transfer(actor, q: Quarantine, reason: str, at: datetime.datetime, *, fever: bool, temperature,
                    symptoms: list[str]) -> tuple[TransferRequest, list[counters.Contribution]]:
    """Open a transfer request to the fever clinic, or add to the one already open for this person: a fever
    by the rule of every register (quarantine.services.fevers: the day's check on the ledger too), symptoms
    alone by the transfer only. Returns it with its roll-up contributions (for the caller's one
    `track_change`): none when it was open already.
    """
    kp = KeyPerson.objects.get(pk=q.key_person_id)
    person_id = kp.person_id
    if fever:
        found = Fever(person=person_id, key_person=kp,
                      temperature=temperature, source=FeverSource.FOLLOW_UP, at=at, region_code=q.region_id,
                      symptoms="、".join(str(Symptom(s).label) for s in symptoms))
        return fevers.fever_found(actor, found, quarantine=q, reason=reason, line=False)
    transfer, new, _opened = fevers.open_transfer(actor, person_id=person_id, key_person_id=q.key_person_id,
                                                  quarantine=q, region_code=q.region_id, reason=reason, at=at)
    return transfer, new


# What recording a follow-up reads of its order, under the order's lock: what may have changed since the
# caller loaded it (status, end, region, responsible people) and what the record is checked against.
_LOCKED_FIELDS = ("id", "key_person_id", "region_id", "status", "ended_at", "start_at", "fever_threshold",
                  "cadre_id", "doctor_id")
_AUDITED = ("due_at", "scheduled", "done_at", "temperature", "symptoms", "method", "alert", "transfer")
# The columns a recorded follow-up changes (an UPDATE of these only; a new extra one is inserted whole)
_RECORDED = ["status", "done_at", "temperature", "symptoms", "method", "fever", "alert", "note", "transfer",
             "recorded_by", "recorded_at"]


_ALL = tuple(f.attname for f in FollowUp._meta.concrete_fields)


def _for_update() -> str:
    """Row locks where the database has them (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises writers."""
    return "FOR UPDATE" if connection.features.has_select_for_update else ""


def _locked_order(quarantine: Quarantine) -> Quarantine:
    """The order re-read under its row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers),
    with only what a follow-up needs. The person, when the caller already loaded it, is kept: it never changes."""
    found = rows.select(Quarantine, _LOCKED_FIELDS, "id = %s", [quarantine.pk], suffix=_for_update())
    if not found:
        raise Quarantine.DoesNotExist
    q = found[0]
    if Quarantine.key_person.is_cached(quarantine) and quarantine.key_person_id == q.key_person_id:
        q.key_person = quarantine.key_person
    return q


@transaction.atomic
def record_follow_up(actor, quarantine: Quarantine, *, temperature, method: str, symptoms=(), at=None,
                     slot=None, note: str = "") -> FollowUp:
    """记录随访: temperature, symptoms, method. Fills the matching due slot (or records an extra one).

    A temperature at or above the order's fever threshold, or any listed symptom, sets `alert`
    and opens (or adds to) a transfer request to the fever clinic: `follow_up.transfer`.
    The returned follow-up carries its order (`fu.quarantine`, with the person when the caller had it).
    """
    require_worker(actor)
    # Locking the order serialises follow-ups and status changes of one person.
    q = _locked_order(quarantine)
    require_visible(actor, q)
    require_active(q)
    errors: dict = {}
    at = as_moment(at, "at", _("随访时间"), default=now())
    not_future(at, "at", _("随访时间"), errors)
    if at < q.start_at:
        errors.setdefault("at", _("随访时间 %(at)s 早于隔离开始时间 %(start)s") % {"at": fmt(at), "start": fmt(q.start_at)})
    try:
        temperature = parse_temperature(temperature)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    method = choice(method, CheckMethod, "method", _("随访方式"), errors)
    symptoms = clean_symptoms(symptoms, errors)
    note = text(note, "note", _("备注"), 200, errors)
    raise_if(errors)
    fu = _slot_for(q, at, slot)
    old = rollup.follow_up_contributions(fu) if fu is not None else []
    if fu is None:
        fu = FollowUp(quarantine=q, region_id=q.region_id, cadre_id=q.cadre_id, doctor_id=q.doctor_id,
                      scheduled=False, due_at=at)
    else:
        fu.quarantine = q  # the caller's response names the person: no re-read
    fever = is_fever(temperature, q.fever_threshold)  # the policy's own threshold, else the deployment's
    fu.status, fu.done_at, fu.temperature, fu.symptoms, fu.method = FollowUpStatus.DONE, at, temperature, symptoms, method
    fu.fever, fu.alert, fu.note = fever, fever or bool(symptoms), note
    fu.recorded_by, fu.recorded_at = actor, timezone.now()
    new = []
    if fu.alert:
        reason = alert_reason(temperature, fever, symptoms)
        fu.transfer, new = _raise_transfer(actor, q, reason, at, fever=fever, temperature=temperature,
                                           symptoms=symptoms)
        add_event(q, "quarantine.alert", _("随访预警：%(reason)s，已提请转送发热门诊") % {"reason": reason}, actor)
    if fu.pk is None:
        rows.insert(fu)
    else:
        rows.update(fu, _RECORDED)
    counters.track_change(old, new + rollup.follow_up_contributions(fu))  # one upsert for the slot and a transfer
    audit.record(actor, "follow_up.record", fu, region=q.region_id, after=audit.snapshot(fu, _AUDITED))
    return fu


@transaction.atomic
def phone_to_call(actor, quarantine: Quarantine) -> str:
    """The person's full phone number for the follow-up call (电话随访), logged as a reveal.

    Phones are shown masked; those answerable for an active order (包保: its cadre and its doctor)
    must call the person twice a day, so they may see the number of *their* person, each time
    logged like any reveal. Roles that may reveal personal data anyway (people.permissions) may too,
    in their scope. Anyone else is refused.
    """
    q = Quarantine.objects.select_related("key_person__person").get(pk=quarantine.pk)
    require_visible(actor, q)
    answerable = actor.pk in (q.cadre_id, q.doctor_id)
    if not (answerable or account_permissions.can_reveal_in(actor, q.region_id)):
        raise PermissionDenied(_("只有该人员的包保干部和医生可以查看完整电话"))
    require_active(q)
    person = q.key_person.person
    if not person.phone:
        raise ValidationError(_("%(name)s 没有登记电话") % {"name": person.name})
    audit.record(actor, "person.reveal", person, region=person.region_id,
                 after={"fields": ["phone"], "purpose": "follow_up_call", "quarantine": q.pk})
    return person.phone


@transaction.atomic
def excuse_follow_up(actor, follow_up: FollowUp, *, reason: str) -> FollowUp:
    """说明未随访: a missed slot leaves the overdue lists only with a reason (hospital visit, phone off …)."""
    require_worker(actor)
    fu = FollowUp.objects.select_for_update(of=("self",)).select_related("quarantine").get(pk=follow_up.pk)
    require_visible(actor, fu.quarantine)
    errors: dict = {}
    reason = text(reason, "reason", _("未随访原因"), 200, errors, required=True)
    raise_if(errors)
    if fu.status != FollowUpStatus.DUE:
        raise ValidationError(_("%(time)s 的随访状态为“%(status)s”") % {
            "time": fmt(fu.due_at), "status": fu.get_status_display()})
    if fu.due_at > now():
        raise ValidationError(_("%(time)s 这次随访还没到时间，不能说明未随访") % {"time": fmt(fu.due_at)})
    old = rollup.follow_up_contributions(fu)
    fu.status, fu.excuse_reason = FollowUpStatus.EXCUSED, reason
    fu.recorded_by, fu.recorded_at = actor, timezone.now()
    fu.save(update_fields=["status", "excuse_reason", "recorded_by", "recorded_at"])
    counters.track_change(old, rollup.follow_up_contributions(fu))
    audit.record(actor, "follow_up.excuse", fu, region=fu.region_id, after={"due_at": fu.due_at, "reason": reason})
    return fu
