"""Key places (重点场所): registering and editing them, closure orders, daily hygiene logs, place codes.

Every write checks the actor's role (checkpoints.permissions) and scope, runs in one transaction,
leaves one audit entry and keeps the roll-up counters (rollup_places) in step.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.checkpoints.models import Checkpoint
from fangkong.core.days import local_day
from fangkong.core.region_codes import in_scope
from fangkong.core.validation import as_date, as_moment, choice, fmt, name_text, raise_if, text
from fangkong.people import identity
from fangkong.regions.selectors import region_in_scope

from .. import permissions
from ..models import ClosureOrder, HygieneLog, Place, PlaceCode, PlaceKind
from ..rollup import closure_contributions, hygiene_contributions, place_contributions

PLACE_FIELDS = ["name", "kind", "region", "address", "operator", "operator_phone", "is_closed"]
CLOSURE_FIELDS = ["place", "closed_at", "reason", "reopened_at"]
HYGIENE_FIELDS = ["place", "region", "day", "cleaned", "disinfected", "patrolled", "note"]


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_place(actor, *, name, kind, region_code, address, operator, operator_phone) -> dict:
    errors: dict = {}
    out = {"name": name_text(name, "name", _("名称"), 100, errors, required=True),
           "address": name_text(address, "address", _("地址"), 200, errors),
           "operator": name_text(operator, "operator", _("经营/管理单位"), 100, errors),
           "kind": choice(kind, PlaceKind, "kind", _("场所类型"), errors)}
    out["operator_phone"] = ""
    if identity.normalize(operator_phone or ""):
        try:
            out["operator_phone"] = identity.check_phone(operator_phone)
        except ValidationError as exc:
            errors["operator_phone"] = exc.messages[0]
    try:
        out["region"] = region_in_scope(actor, region_code, field="region_code")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    raise_if(errors)
    return out


def create_place(actor, *, name: str, kind: str, region_code: str, address: str = "", operator: str = "",
                 operator_phone: str = "") -> Place:
    _require(permissions.can_manage(actor), _("您的角色不能登记重点场所"))
    fields = _clean_place(actor, name=name, kind=kind, region_code=region_code, address=address,
                          operator=operator, operator_phone=operator_phone)
    with transaction.atomic():
        place = Place.objects.create(**fields)
        counters.track_change(new=place_contributions(place))
        audit.record(actor, "place.create", place, region=place.region_id, after=audit.snapshot(place, PLACE_FIELDS))
    return place


def _locked(actor, place: Place) -> Place:
    found = Place.objects.select_for_update().filter(in_scope(actor)).filter(pk=place.pk).first()
    if found is None:
        raise PermissionDenied(_("不存在或不在您的管辖范围内"))
    return found


def update_place(actor, place: Place, *, name: str, kind: str, region_code: str, address: str = "",
                 operator: str = "", operator_phone: str = "") -> Place:
    """Edit a place. A move to another region moves its counters (registration and closures) along."""
    _require(permissions.can_manage(actor), _("您的角色不能修改重点场所"))
    fields = _clean_place(actor, name=name, kind=kind, region_code=region_code, address=address,
                          operator=operator, operator_phone=operator_phone)
    with transaction.atomic():
        place = _locked(actor, place)
        before = audit.snapshot(place, PLACE_FIELDS)
        closures = list(place.closures.all())
        old = place_contributions(place) + [c for o in closures for c in closure_contributions(o, place.region_id)]
        for key, value in fields.items():
            setattr(place, key, value)
        place.updated_at = timezone.now()
        place.save()
        new = place_contributions(place) + [c for o in closures for c in closure_contributions(o, place.region_id)]
        counters.track_change(old=old, new=new)
        audit.record(actor, "place.update", place, region=place.region_id, before=before,
                     after=audit.snapshot(place, PLACE_FIELDS))
    return place


def _logs_counted_from(place: Place, moment: datetime.datetime) -> tuple[list[HygieneLog], list]:
    """The place's logs from the day of `moment` on, and their contributions now: a closure or reopening from
    then changes whether each counts as a closed place's (rollup.hygiene_contributions)."""
    logs = list(HygieneLog.objects.filter(place=place, day__gte=local_day(moment)))
    return logs, [c for log in logs for c in hygiene_contributions(log)]


def close_place(actor, place: Place, *, reason: str, at: datetime.datetime | None = None) -> ClosureOrder:
    """A closure order (关闭令) with its reason; the place counts as closed until reopened."""
    _require(permissions.can_manage(actor), _("您的角色不能关闭场所"))
    reason = text(reason, "reason", _("关闭原因"), 300, required=True)
    now = timezone.now()
    at = as_moment(at, "closed_at", _("关闭时间"), default=now, allow_future=False)
    with transaction.atomic():
        place = _locked(actor, place)
        if place.is_closed or place.closures.filter(reopened_at__isnull=True).exists():
            raise ValidationError({"reason": _("该场所已处于关闭状态")})
        logs, old_logs = _logs_counted_from(place, at)
        closure = ClosureOrder.objects.create(place=place, ordered_by=actor, closed_at=at, reason=reason)
        place.is_closed, place.updated_at = True, now
        place.save(update_fields=["is_closed", "updated_at"])
        counters.track_change(old=old_logs, new=closure_contributions(closure, place.region_id)
                              + [c for log in logs for c in hygiene_contributions(log)])
        audit.record(actor, "place.close", closure, region=place.region_id,
                     after=audit.snapshot(closure, CLOSURE_FIELDS))
    return closure


def reopen_place(actor, place: Place, *, at: datetime.datetime | None = None) -> ClosureOrder:
    """Lift the open closure order."""
    _require(permissions.can_manage(actor), _("您的角色不能恢复开放场所"))
    now = timezone.now()
    at = as_moment(at, "reopened_at", _("恢复开放时间"), default=now, allow_future=False)
    with transaction.atomic():
        place = _locked(actor, place)
        closure = place.closures.select_for_update().filter(reopened_at__isnull=True).first()
        if closure is None:
            raise ValidationError({"place": _("该场所未处于关闭状态")})
        if at < closure.closed_at:
            raise ValidationError({"reopened_at": _("恢复开放时间 %(at)s 早于关闭时间 %(closed)s") % {
                "at": fmt(at), "closed": fmt(closure.closed_at)}})
        before = audit.snapshot(closure, CLOSURE_FIELDS)
        logs, old_logs = _logs_counted_from(place, closure.closed_at)
        old = closure_contributions(closure, place.region_id) + old_logs
        closure.reopened_at, closure.reopened_by = at, actor
        closure.save(update_fields=["reopened_at", "reopened_by"])
        place.is_closed, place.updated_at = False, now
        place.save(update_fields=["is_closed", "updated_at"])
        counters.track_change(old=old, new=closure_contributions(closure, place.region_id)
                              + [c for log in logs for c in hygiene_contributions(log)])
        audit.record(actor, "place.reopen", closure, region=place.region_id, before=before,
                     after=audit.snapshot(closure, CLOSURE_FIELDS))
    return closure


def log_hygiene(actor, place: Place, *, day: datetime.date | None = None, cleaned: bool, disinfected: bool,
                patrolled: bool, note: str = "") -> HygieneLog:
    """一日一清洗、一日一消毒、一日一巡查: the place's log for `day` (today by default), once per day."""
    _require(permissions.can_log_hygiene(actor), _("您的角色不能填写场所卫生记录"))
    day = as_date(day, "day", _("记录日期"), allow_future=False) or timezone.localdate()
    note = text(note, "note", _("备注"), 300)
    with transaction.atomic():
        place = _locked(actor, place)
        if HygieneLog.objects.filter(place=place, day=day).exists():
            raise ValidationError({"day": _("%(day)s 的记录已填写") % {"day": day.isoformat()}})
        log = HygieneLog.objects.create(place=place, region_id=place.region_id, day=day, cleaned=bool(cleaned),
                                        disinfected=bool(disinfected), patrolled=bool(patrolled), note=note,
                                        recorded_by=actor)
        counters.track_change(new=hygiene_contributions(log))
        audit.record(actor, "hygiene_log.create", log, region=place.region_id, after=audit.snapshot(log, HYGIENE_FIELDS))
    return log


# A log says what was done that day; one typed wrong is corrected, with a reason, while that week's
# compliance is still being followed. Older logs are history.
CORRECTION_DAYS = 7


def correct_hygiene(actor, log: HygieneLog, *, cleaned: bool, disinfected: bool, patrolled: bool, note: str = "",
                    reason: str) -> HygieneLog:
    """更正卫生记录: change what a log of the last CORRECTION_DAYS days says; the reason and the before/after
    go to the audit trail (the log has its day's count in the roll-up whatever it says: no counter moves)."""
    _require(permissions.can_log_hygiene(actor), _("您的角色不能填写场所卫生记录"))
    errors: dict = {}
    note = text(note, "note", _("备注"), 300, errors)
    reason = text(reason, "reason", _("更正原因"), 200, errors, required=True)
    if log.day < timezone.localdate() - datetime.timedelta(days=CORRECTION_DAYS):
        errors["day"] = _("%(day)s 的记录已超过%(days)s天，不能更正") % {"day": log.day.isoformat(),
                                                                  "days": CORRECTION_DAYS}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _locked(actor, log.place)
        log = HygieneLog.objects.select_for_update().get(pk=log.pk)
        before = audit.snapshot(log, HYGIENE_FIELDS)
        log.cleaned, log.disinfected, log.patrolled, log.note = bool(cleaned), bool(disinfected), bool(patrolled), note
        old, new = audit.changes(before, audit.snapshot(log, HYGIENE_FIELDS))
        if not new:
            raise ValidationError(_("记录没有改动"))
        log.save(update_fields=["cleaned", "disinfected", "patrolled", "note"])
        audit.record(actor, "hygiene_log.correct", log, region=log.region_id, before=old,
                     after={**new, "reason": reason})
    return log


# Place codes (场所码) ----------------------------------------------------------------------------------

def _target_in_scope(actor, place: Place | None, checkpoint: Checkpoint | None):
    if (place is None) == (checkpoint is None):
        raise ValueError("a code belongs to one place or one checkpoint")
    target = place or checkpoint
    if not actor.region.contains(target.region_id):
        raise PermissionDenied(_("不存在或不在您的管辖范围内"))
    return target


def _issue(actor, place, checkpoint, action: str) -> PlaceCode:
    code = PlaceCode.objects.create(place=place, checkpoint=checkpoint)
    target = place or checkpoint
    audit.record(actor, action, code, region=target.region_id,
                 after={"place_id": place.pk if place else None, "checkpoint_id": checkpoint.pk if checkpoint else None})
    return code


def _lock_target(place, checkpoint):
    model, target = (Place, place) if place is not None else (Checkpoint, checkpoint)
    model.objects.select_for_update().filter(pk=target.pk).first()


def _active(place, checkpoint):
    qs = PlaceCode.objects.filter(is_active=True)
    qs = qs.filter(place=place) if place is not None else qs.filter(checkpoint=checkpoint)
    return qs.order_by("-id").first()


def code_for(actor, *, place: Place | None = None, checkpoint: Checkpoint | None = None) -> PlaceCode:
    """The active code of a place or checkpoint, issued on first request."""
    _require(permissions.can_manage(actor), _("您的角色不能打印场所码"))
    _target_in_scope(actor, place, checkpoint)
    found = _active(place, checkpoint)
    if found:
        return found
    with transaction.atomic():
        _lock_target(place, checkpoint)
        return _active(place, checkpoint) or _issue(actor, place, checkpoint, "place_code.issue")


def reissue_code(actor, *, place: Place | None = None, checkpoint: Checkpoint | None = None) -> PlaceCode:
    """Withdraw the active code (its printed copies stop working: their page answers 404) and issue a new one."""
    _require(permissions.can_manage(actor), _("您的角色不能重新生成场所码"))
    _target_in_scope(actor, place, checkpoint)
    with transaction.atomic():
        _lock_target(place, checkpoint)
        qs = PlaceCode.objects.filter(is_active=True)
        qs = qs.filter(place=place) if place is not None else qs.filter(checkpoint=checkpoint)
        for old in qs:
            old.is_active = False
            old.save(update_fields=["is_active"])
            audit.record(actor, "place_code.withdraw", old, region=(place or checkpoint).region_id,
                         before={"is_active": True}, after={"is_active": False})
        return _issue(actor, place, checkpoint, "place_code.reissue")
