"""Quarantine policies: edited by the headquarters admins of the deployment's region; orders keep the values
they started with."""

import decimal
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.audit import services as audit
from fangkong.core.text import clean_name
from fangkong.core.validation import as_time, as_whole, choice, raise_if

from .. import permissions
from ..models import CountsFrom, Kind, QuarantinePolicy

POLICY_FIELDS = ["kind", "length_days", "counts_from", "follow_up_times", "fever_threshold",
                 "release_needs_negative_tests"]
MAX_DAYS = 60
MAX_TIMES_PER_DAY = 6
THRESHOLD_RANGE = (Decimal("36.0"), Decimal("39.0"))


def clean_times(value, errors: dict) -> list[str]:
    """["08:00", "18:00"] from a list of "H:MM"/time values or "08:00,18:00"; sorted, no duplicates."""
    items = value.replace("，", ",").split(",") if isinstance(value, str) else list(value or [])
    found = set()
    for item in items:
        moment = as_time(item, "follow_up_times", _("随访时间"), errors) if item not in (None, "") else None
        if moment is None:
            if "follow_up_times" in errors:
                return []
            continue
        found.add(moment.strftime("%H:%M"))
    if not found:
        errors.setdefault("follow_up_times", _("每天至少要有一个随访时间"))
    elif len(found) > MAX_TIMES_PER_DAY:
        errors.setdefault("follow_up_times", _("每天最多%(n)s个随访时间") % {"n": MAX_TIMES_PER_DAY})
    return sorted(found)


def clean_length(value, errors: dict) -> int:
    return as_whole(value, "length_days", _("隔离天数"), errors, least=1, most=MAX_DAYS) or 0


def clean_threshold(value, errors: dict) -> Decimal | None:
    """The policy's own fever threshold for its follow-ups; empty: none, the deployment's applies
    (core.health.fever_threshold)."""
    raw = clean_name(value)
    if not raw:
        return None
    try:
        threshold = Decimal(raw).quantize(Decimal("0.1"))
    except decimal.InvalidOperation:
        threshold = Decimal("0")
    low, high = THRESHOLD_RANGE
    if not low <= threshold <= high:
        errors.setdefault("fever_threshold", _("发热阈值应在%(low)s–%(high)s°C之间：%(value)s") % {
            "low": low, "high": high, "value": value})
    return threshold


@transaction.atomic
def update_policy(actor, policy: QuarantinePolicy, **changes) -> QuarantinePolicy:
    """Change a category's policy. Only future orders use the new values: started ones keep their copy.

    A policy binds every region of the deployment, so only a headquarters admin of the deployment's
    region (or above) changes it (accounts.permissions.can_change_setting)."""
    owner = permissions.policies_owner()
    if not account_permissions.can_change_setting(actor, owner):
        raise PermissionDenied(_("隔离政策适用于%(region)s全域，只有%(region)s或上级的指挥部管理员可以修改") % {
            "region": owner.name if owner else _("全部区划")})
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    policy = QuarantinePolicy.objects.select_for_update().get(pk=policy.pk)
    errors: dict = {}
    cleaners = {
        "kind": lambda v: choice(v, Kind, "kind", _("隔离方式"), errors),
        "length_days": lambda v: clean_length(v, errors),
        "counts_from": lambda v: choice(v, CountsFrom, "counts_from", _("起算时间"), errors),
        "follow_up_times": lambda v: clean_times(v, errors),
        "fever_threshold": lambda v: clean_threshold(v, errors),
        "release_needs_negative_tests": bool,
    }
    cleaned = {name: cleaners[name](value) for name, value in changes.items()}
    raise_if(errors)
    before = audit.snapshot(policy, POLICY_FIELDS)
    for name, value in cleaned.items():
        setattr(policy, name, value)
    policy.updated_at = timezone.now()
    policy.updated_by = actor
    policy.save()
    old, new = audit.changes(before, audit.snapshot(policy, POLICY_FIELDS))
    audit.record(actor, "quarantine_policy.update", policy, region=owner.code, before=old, after=new)
    return policy
