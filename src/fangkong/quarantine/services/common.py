"""Pieces every quarantine write shares: who may write, scope, staff, regions, the timeline.

Values are checked by fangkong.core.validation, as in every app."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.core.validation import fmt
from fangkong.regions.models import Region
from fangkong.screening.services.timeline import record_event

from .. import permissions
from ..models import Quarantine


def require_worker(actor) -> None:
    if not permissions.can_work(actor):
        raise PermissionDenied(_("您的角色不能办理隔离观察和随访"))


def require_visible(actor, q: Quarantine) -> None:
    """Defence in depth: selectors already answer 404 outside the scope."""
    if not permissions.can_see(actor, q):
        raise PermissionDenied(_("该隔离对象不在您的管辖范围内"))


def require_active(q: Quarantine) -> None:
    if q.status != "active":
        raise ValidationError(_("%(name)s 的隔离已于%(day)s结束（%(status)s），不能再办理") % {
            "name": q.key_person.person.name, "day": fmt(q.ended_at),
            "status": q.get_status_display()})


def now() -> datetime.datetime:
    return timezone.now()


def staff(value, field: str, label: str, errors: dict) -> User | None:
    """An active user from a User or its id; None (with an error) when there is none."""
    pk = value.pk if isinstance(value, User) else value
    found = User.objects.filter(pk=pk, is_active=True).select_related("region").first() \
        if str(pk or "").isdigit() else None
    if found is None or found.region_id is None:
        errors.setdefault(field, _("%(label)s %(value)s 不存在或已停用") % {"label": label, "value": value})
        return None
    return found


def region_or_none(code, field: str, errors: dict) -> Region | None:
    code = "".join(str(code or "").split())
    if not code:
        return None
    found = Region.objects.filter(code=code).first()
    if found is None:
        errors.setdefault(field, _("区划 %(code)s 不存在") % {"code": code})
    return found


def add_event(q: Quarantine, kind: str, message: str, actor) -> None:
    """A line on the key person's timeline, written by the ledger's own writer of it."""
    record_event(q.key_person_id, kind, message, actor)
