"""Checkpoints (卡点): set up, edit, close and reopen; duty shifts; five-haves inspections (五有).

Every function takes the acting user first, validates (ValidationError keyed by field, in
Chinese), writes in one transaction with its audit entry and, where the roll-up counts it, moves
the counters (`checkpoints_open` is a stock of opened − closed checkpoints).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.region_codes import in_scope
from fangkong.core.validation import as_date, as_moment, choice, fmt, name_text, raise_if, text
from fangkong.regions.selectors import region_in_scope

from .. import permissions
from ..models import FIVE_HAVES, Checkpoint, CheckpointKind, CheckpointStatus, DutyShift, FiveHavesInspection
from ..rollup import checkpoint_contributions

CHECKPOINT_FIELDS = ["name", "kind", "region", "location", "open_24h", "hours", "status", "opened_on", "closed_on"]
MAX_SHIFT = datetime.timedelta(hours=24)


def require_in_scope(actor, checkpoint: Checkpoint) -> None:
    """Defence in depth: selectors already answer 404 outside the scope."""
    if not actor.region.contains(checkpoint.region_id):
        raise PermissionDenied(_("该卡点不在您的管辖范围内"))


def _require_manager(actor) -> None:
    if not permissions.can_manage(actor):
        raise PermissionDenied(_("您的角色不能设立或修改卡点"))


# Checkpoints ---------------------------------------------------------------------------------------------

def _clean_checkpoint(actor, raw: dict, errors: dict) -> dict:
    found = {
        "name": name_text(raw.get("name"), "name", _("名称"), 100, errors, required=True),
        "kind": choice(raw.get("kind"), CheckpointKind, "kind", _("卡点类型"), errors),
        "location": name_text(raw.get("location"), "location", _("位置"), 200, errors),
        "open_24h": bool(raw.get("open_24h")),
        "hours": name_text(raw.get("hours"), "hours", _("值守时段"), 50, errors),
    }
    if not found["open_24h"] and not found["hours"]:
        errors.setdefault("hours", _("不是24小时值守的卡点请填写值守时段，如 07:00-22:00"))
    if found["open_24h"]:
        found["hours"] = ""
    try:
        found["region"] = region_in_scope(actor, raw.get("region_code"), "region_code")
    except ValidationError as exc:
        errors.update(exc.error_dict)
    return found


@transaction.atomic
def create_checkpoint(actor, *, name: str, kind: str, region_code: str, location: str = "", open_24h: bool = True,
                      hours: str = "", opened_on=None) -> Checkpoint:
    """设卡: a checkpoint in a region of the actor's scope, open from `opened_on` (default today)."""
    _require_manager(actor)
    errors: dict = {}
    data = _clean_checkpoint(actor, {"name": name, "kind": kind, "region_code": region_code, "location": location,
                                     "open_24h": open_24h, "hours": hours}, errors)
    day = as_date(opened_on, "opened_on", _("设卡日期"), errors, allow_future=False) or timezone.localdate()
    raise_if(errors)
    checkpoint = Checkpoint.objects.create(opened_on=day, **data)
    counters.track_change(new=checkpoint_contributions(checkpoint))
    audit.record(actor, "checkpoint.create", checkpoint, region=checkpoint.region_id,
                 after=audit.snapshot(checkpoint, CHECKPOINT_FIELDS))
    return checkpoint


def _locked(actor, checkpoint: Checkpoint) -> Checkpoint:
    locked = Checkpoint.objects.select_for_update().filter(in_scope(actor), pk=checkpoint.pk).first()
    if locked is None:
        raise PermissionDenied(_("该卡点不在您的管辖范围内"))
    return locked


def _save(actor, checkpoint: Checkpoint, before: dict, old: list, action: str) -> Checkpoint:
    old_audit, new_audit = audit.changes(before, audit.snapshot(checkpoint, CHECKPOINT_FIELDS))
    if not new_audit:
        return checkpoint
    checkpoint.updated_at = timezone.now()
    checkpoint.save()
    counters.track_change(old, checkpoint_contributions(checkpoint))
    audit.record(actor, action, checkpoint, region=checkpoint.region_id, before=old_audit, after=new_audit)
    return checkpoint


@transaction.atomic
def update_checkpoint(actor, checkpoint: Checkpoint, *, name: str, kind: str, region_code: str, location: str = "",
                      open_24h: bool = True, hours: str = "") -> Checkpoint:
    """Edit a checkpoint's name, type, region, location and hours (status has its own functions)."""
    _require_manager(actor)
    checkpoint = _locked(actor, checkpoint)
    errors: dict = {}
    data = _clean_checkpoint(actor, {"name": name, "kind": kind, "region_code": region_code, "location": location,
                                     "open_24h": open_24h, "hours": hours}, errors)
    raise_if(errors)
    before, old = audit.snapshot(checkpoint, CHECKPOINT_FIELDS), checkpoint_contributions(checkpoint)
    for key, value in data.items():
        setattr(checkpoint, key, value)
    return _save(actor, checkpoint, before, old, "checkpoint.update")


@transaction.atomic
def close_checkpoint(actor, checkpoint: Checkpoint, *, day=None) -> Checkpoint:
    """撤卡: the checkpoint is closed from `day` (default today); passages can no longer be registered."""
    _require_manager(actor)
    checkpoint = _locked(actor, checkpoint)
    errors: dict = {}
    day = as_date(day, "closed_on", _("撤卡日期"), errors, allow_future=False) or timezone.localdate()
    if checkpoint.status == CheckpointStatus.CLOSED:
        errors["status"] = _("该卡点已于%(day)s撤除") % {"day": checkpoint.closed_on}
    elif day < checkpoint.opened_on:
        errors.setdefault("closed_on", _("撤卡日期 %(day)s 早于设卡日期 %(opened)s") % {
            "day": day, "opened": checkpoint.opened_on})
    raise_if(errors)
    before, old = audit.snapshot(checkpoint, CHECKPOINT_FIELDS), checkpoint_contributions(checkpoint)
    checkpoint.status, checkpoint.closed_on = CheckpointStatus.CLOSED, day
    return _save(actor, checkpoint, before, old, "checkpoint.close")


@transaction.atomic
def reopen_checkpoint(actor, checkpoint: Checkpoint) -> Checkpoint:
    """恢复设卡: open again from today. The roll-up then counts it open from today (its earlier period
    is not kept as a separate one: `opened_on` moves to today)."""
    _require_manager(actor)
    checkpoint = _locked(actor, checkpoint)
    if checkpoint.status != CheckpointStatus.CLOSED:
        raise ValidationError({"status": _("该卡点正在运行，不需要恢复")})
    before, old = audit.snapshot(checkpoint, CHECKPOINT_FIELDS), checkpoint_contributions(checkpoint)
    checkpoint.status, checkpoint.closed_on, checkpoint.opened_on = CheckpointStatus.OPEN, None, timezone.localdate()
    return _save(actor, checkpoint, before, old, "checkpoint.reopen")


# Duty shifts ------------------------------------------------------------------------------------------------

def _staff(actor, value, errors: dict) -> User | None:
    pk = value.pk if isinstance(value, User) else value
    found = User.objects.filter(pk=pk, is_active=True).first() if str(pk or "").isdigit() else None
    if found is None or found.region_id is None or not actor.region.contains(found.region_id):
        errors.setdefault("staff", _("值守人员 %(value)s 不存在或不在您的管辖范围内") % {"value": value or ""})
        return None
    return found


@transaction.atomic
def plan_shift(actor, checkpoint: Checkpoint, *, staff, starts_at, ends_at, note: str = "") -> DutyShift:
    """排班: `staff` is on duty at the checkpoint from `starts_at` to `ends_at` (at most 24 hours, no
    overlap with another shift of the same person)."""
    _require_manager(actor)
    require_in_scope(actor, checkpoint)
    errors: dict = {}
    person = _staff(actor, staff, errors)
    start = as_moment(starts_at, "starts_at", _("开始时间"), errors)
    end = as_moment(ends_at, "ends_at", _("结束时间"), errors)
    if start is None and "starts_at" not in errors:
        errors["starts_at"] = _("请填写开始时间")
    if end is None and "ends_at" not in errors:
        errors["ends_at"] = _("请填写结束时间")
    note = text(note, "note", _("备注"), 200, errors)
    if start and end:
        if end <= start:
            errors.setdefault("ends_at", _("结束时间 %(end)s 不晚于开始时间 %(start)s") % {"end": fmt(end), "start": fmt(start)})
        elif end - start > MAX_SHIFT:
            errors.setdefault("ends_at", _("一个班次不能超过24小时"))
    if checkpoint.status == CheckpointStatus.CLOSED:
        errors.setdefault("checkpoint", _("该卡点已撤除，不能排班"))
    if person and start and end and not errors:
        clash = (DutyShift.objects.filter(staff=person, starts_at__lt=end, ends_at__gt=start)
                 .select_related("checkpoint").first())
        if clash is not None:
            errors["starts_at"] = _("%(name)s 在 %(start)s 至 %(end)s 已在%(checkpoint)s值班") % {
                "name": person, "start": fmt(clash.starts_at), "end": fmt(clash.ends_at),
                "checkpoint": clash.checkpoint.name}
    raise_if(errors)
    shift = DutyShift.objects.create(checkpoint=checkpoint, staff=person, starts_at=start, ends_at=end, note=note)
    audit.record(actor, "duty_shift.plan", shift, region=checkpoint.region_id,
                 after=audit.snapshot(shift, ["checkpoint", "staff", "starts_at", "ends_at", "note"]))
    return shift


@transaction.atomic
def cancel_shift(actor, shift: DutyShift) -> None:
    """Remove a planned shift (one that has not ended yet)."""
    _require_manager(actor)
    require_in_scope(actor, shift.checkpoint)
    if shift.ends_at <= timezone.now():
        raise ValidationError({"shift": _("已结束的班次不能取消")})
    audit.record(actor, "duty_shift.cancel", shift, region=shift.checkpoint.region_id,
                 before=audit.snapshot(shift, ["checkpoint", "staff", "starts_at", "ends_at", "note"]))
    shift.delete()


# Five-haves inspections --------------------------------------------------------------------------------------

@transaction.atomic
def record_inspection(actor, checkpoint: Checkpoint, *, barrier: bool, staff_on_duty: bool, register: bool,
                      thermometer: bool, disinfection: bool, inspected_at=None, note: str = "") -> FiveHavesInspection:
    """五有检查: supervisors and headquarters record the five items; the latest inspection is the
    checkpoint's state (`five_haves_ok`, `last_inspection`)."""
    if not permissions.can_inspect(actor):
        raise PermissionDenied(_("只有督查人员和指挥部可以进行五有检查"))
    checkpoint = Checkpoint.objects.select_for_update().filter(in_scope(actor), pk=checkpoint.pk).first()
    if checkpoint is None:
        raise PermissionDenied(_("该卡点不在您的管辖范围内"))
    errors: dict = {}
    at = as_moment(inspected_at, "inspected_at", _("检查时间"), errors, default=timezone.now(), allow_future=False)
    note = text(note, "note", _("备注"), 300, errors)
    raise_if(errors)
    items = {"barrier": barrier, "staff_on_duty": staff_on_duty, "register": register, "thermometer": thermometer,
             "disinfection": disinfection}
    inspection = FiveHavesInspection.objects.create(checkpoint=checkpoint, inspector=actor, inspected_at=at,
                                                    note=note, **{k: bool(v) for k, v in items.items()})
    last = checkpoint.last_inspection
    if last is None or (last.inspected_at, last.pk) <= (inspection.inspected_at, inspection.pk):
        checkpoint.last_inspection = inspection
        checkpoint.five_haves_ok = not inspection.failing
        checkpoint.save(update_fields=["last_inspection", "five_haves_ok"])
    audit.record(actor, "five_haves.inspect", inspection, region=checkpoint.region_id,
                 after={**audit.snapshot(inspection, ["checkpoint", "inspected_at", *FIVE_HAVES, "note"])})
    return inspection
