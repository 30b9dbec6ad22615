"""Pieces every screening write shares: who may write, scope, dates, the timeline."""

import datetime
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.core import region_codes as codes
from fangkong.core.days import day_problem
from fangkong.core.text import clean_text
from fangkong.regions.models import Region
from fangkong.regions.selectors import region_in_scope as scoped_region

from ..models import KeyPerson, KeyPersonEvent

LEDGER_LEVELS = (codes.VILLAGE, codes.GRID)


def today() -> datetime.date:
    return timezone.localdate()


def require_worker(actor) -> None:
    if not permissions.can_work_ledger(actor):
        raise PermissionDenied(_("您的角色不能登记或修改摸排与台账数据"))


def require_in_scope(actor, region_code: str) -> None:
    """Defence in depth: selectors already answer 404 outside the scope."""
    if not actor.region.contains(region_code):
        raise PermissionDenied(_("该记录不在您的管辖范围内"))


def region_in_scope(actor, code, *, field: str = "region", levels=None) -> Region:
    region = scoped_region(actor, code, field)
    if levels and region.level not in levels:
        raise ValidationError({field: _("台账须登记到村（社区）或网格，%(name)s 是%(level)s") % {
            "name": region.name, "level": region.get_level_display()}})
    return region


def as_date(value, field: str, label: str) -> datetime.date | None:
    """A date from a date or an ISO string (API and forms give dates; scripts may give text)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(unicodedata.normalize("NFKC", str(value)).strip())
        except ValueError:
            raise ValidationError({field: _("%(label)s不是有效日期：%(value)s") % {"label": label, "value": value}}) \
                from None
    if problem := day_problem(value):
        raise ValidationError({field: f"{label}：{problem}"})
    return value


def not_future(day: datetime.date | None, field: str, label: str, errors: dict) -> None:
    if day is not None and day > today():
        errors.setdefault(field, _("%(label)s %(day)s 是将来的日期") % {"label": label, "day": day})


def text(value, field: str, label: str, limit: int, errors: dict) -> str:
    cleaned = clean_text(value)
    if len(cleaned) > limit:
        errors.setdefault(field, _("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit})
    return cleaned


def choice(value, choices, field: str, label: str, errors: dict, *, blank: bool = True) -> str:
    value = str(value or "").strip()
    if (value or not blank) and value not in choices.values:
        errors.setdefault(field, _("未知的%(label)s：%(value)s") % {"label": label, "value": value})
    return value


def add_event(key_person: KeyPerson, kind: str, message: str, actor) -> KeyPersonEvent:
    return KeyPersonEvent.objects.create(key_person=key_person, kind=kind, text=message[:300],
                                         actor=actor if actor is not None and actor.pk else None)
