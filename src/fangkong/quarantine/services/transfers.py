"""Transfer requests to the fever clinic: opened by a fever any register found or an alerting follow-up
(services.fevers), assigned, then closed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.region_codes import covers
from fangkong.core.validation import fmt, raise_if, text

from .. import permissions, rollup
from ..models import TransferRequest, TransferStatus
from .common import staff

CLOSING = (TransferStatus.DONE, TransferStatus.CANCELLED)


def transfer_visible(actor, t: TransferRequest) -> bool:
    """In the actor's scope, or the actor is its assignee or the person's doctor."""
    return (actor.region.contains(t.region_id) or t.assignee_id == actor.pk
            or (t.quarantine is not None and t.quarantine.doctor_id == actor.pk))


def _locked(actor, transfer: TransferRequest) -> TransferRequest:
    if not permissions.can_handle_transfers(actor):
        raise PermissionDenied(_("您的角色不能处理转送申请"))
    t = TransferRequest.objects.select_for_update(of=("self",)).select_related("quarantine").get(pk=transfer.pk)
    if not transfer_visible(actor, t):
        raise PermissionDenied(_("该转送申请不在您的管辖范围内"))
    if not t.is_open:
        raise ValidationError(_("该转送申请已%(status)s") % {"status": t.get_status_display()})
    return t


def _append(t: TransferRequest, actor, line: str) -> None:
    if line:
        t.notes = f"{t.notes}\n[{fmt(timezone.now())} {actor}] {line}".strip()


@transaction.atomic
def assign_transfer(actor, transfer: TransferRequest, *, assignee, note: str = "") -> TransferRequest:
    """指派: who takes the person to the fever clinic (staff whose scope covers the person, or in the actor's)."""
    t = _locked(actor, transfer)
    errors: dict = {}
    person = staff(assignee, "assignee", _("处理人"), errors)
    note = text(note, "note", _("说明"), 200, errors)
    if person is not None and not (covers(person, t.region_id) or actor.region.contains(person.region_id)):
        errors.setdefault("assignee", _("%(name)s 不在该人员所在区划，不能指派") % {"name": person})
    raise_if(errors)
    before = {"status": t.status, "assignee": t.assignee_id}
    t.status, t.assignee = TransferStatus.ASSIGNED, person
    _append(t, actor, _("指派给 %(name)s。%(note)s") % {"name": person, "note": note})
    t.save(update_fields=["status", "assignee", "notes"])
    audit.record(actor, "transfer_request.assign", t, region=t.region_id, before=before,
                 after={"status": t.status, "assignee": person.pk, "note": note})
    return t


@transaction.atomic
def close_transfer(actor, transfer: TransferRequest, *, status: str, note: str = "") -> TransferRequest:
    """Close as done (taken to the clinic) or cancelled (a note is required: why it was not needed)."""
    t = _locked(actor, transfer)
    errors: dict = {}
    if status not in CLOSING:
        errors["status"] = _("未知的处理结果：%(value)s") % {"value": status}
    note = text(note, "note", _("说明"), 200, errors, required=status == TransferStatus.CANCELLED)
    raise_if(errors)
    old = rollup.transfer_contributions(t)
    t.status, t.closed_at, t.closed_by = status, timezone.now(), actor
    _append(t, actor, f"{t.get_status_display()}。{note}")
    t.save(update_fields=["status", "closed_at", "closed_by", "notes"])
    counters.track_change(old, rollup.transfer_contributions(t))
    audit.record(actor, f"transfer_request.{status}", t, region=t.region_id, after={"status": status, "note": note})
    return t
