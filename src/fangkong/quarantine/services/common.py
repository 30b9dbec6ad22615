"""Pieces every quarantine write shares: who may write, scope, moments, text, the timeline."""

import datetime
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.core import region_codes as codes
from fangkong.core.days import moment_problem
from fangkong.core.text import clean_text
from fangkong.regions.models import Region
from fangkong.screening.models import KeyPersonEvent

from .. import permissions
from ..models import Quarantine
from ..schedule import day_start, tz

# Clocks of phones and servers differ a little: "now" plus this is not yet "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


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


def as_moment(value, field: str, label: str, *, default=None) -> datetime.datetime | None:
    """An aware datetime from a datetime (naive = local), a date (00:00 local) or ISO text."""
    if value in (None, ""):
        return default
    if isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()
        try:
            value = datetime.datetime.fromisoformat(raw) if ("T" in raw or " " in raw or ":" in raw) \
                else datetime.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError({field: _("%(label)s不是有效的时间：%(value)s") % {"label": label, "value": raw}}) \
                from None
    if isinstance(value, datetime.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value, tz())
    elif isinstance(value, datetime.date):
        moment = day_start(value)
    else:
        raise ValidationError({field: _("%(label)s不是有效的时间：%(value)s") % {"label": label, "value": value}})
    if problem := moment_problem(moment):
        raise ValidationError({field: f"{label}：{problem}"})
    return moment


def not_future(moment: datetime.datetime | None, field: str, label: str, errors: dict) -> None:
    if moment is not None and moment > now() + CLOCK_SLACK:
        errors.setdefault(field, _("%(label)s %(moment)s 是将来的时间") % {
            "label": label, "moment": f"{timezone.localtime(moment, tz()):%Y-%m-%d %H:%M}"})


def text(value, field: str, label: str, limit: int, errors: dict, *, required: bool = False) -> str:
    cleaned = clean_text(value)
    if required and not cleaned:
        errors.setdefault(field, _("请填写%(label)s") % {"label": label})
    elif len(cleaned) > limit:
        errors.setdefault(field, _("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit})
    return cleaned


def choice(value, choices, field: str, label: str, errors: dict) -> str:
    value = str(value or "").strip()
    if value not in choices.values:
        errors.setdefault(field, _("未知的%(label)s：%(value)s") % {"label": label, "value": value})
    return value


def staff(value, field: str, label: str, errors: dict) -> User | None:
    """An active user from a User or its id; None (with an error) when there is none."""
    pk = value.pk if isinstance(value, User) else value
    found = User.objects.filter(pk=pk, is_active=True).select_related("region").first() \
        if str(pk or "").isdigit() else None
    if found is None or found.region_id is None:
        errors.setdefault(field, _("%(label)s %(value)s 不存在或已停用") % {"label": label, "value": value})
        return None
    return found


def covers(user: User, region_code: str) -> bool:
    """The user's scope includes the region (they will see the order)."""
    return codes.is_within(region_code, user.region_id)


def region_or_none(code, field: str, errors: dict) -> Region | None:
    code = "".join(str(code or "").split())
    if not code:
        return None
    found = Region.objects.filter(code=code).first()
    if found is None:
        errors.setdefault(field, _("区划 %(code)s 不存在") % {"code": code})
    return found


def add_event(q: Quarantine, kind: str, message: str, actor) -> None:
    """A line on the key person's timeline (the ledger's KeyPersonEvent)."""
    KeyPersonEvent.objects.create(key_person_id=q.key_person_id, kind=kind, text=message[:300],
                                  actor=actor if actor is not None and actor.pk else None)


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def fmt(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment, tz()):%Y-%m-%d %H:%M}"
