"""Pieces every `fangkong` command shares."""

import contextlib
import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .actors import SYSTEM
from .days import day_problem


def active_user(username: str):
    """The active user with a scope region of that name, or None: who a command acts as (--user)."""
    user = get_user_model().objects.filter(username=username, is_active=True).select_related("region").first()
    return user if user is not None and user.region_id else None


def acting_user(username: str | None):
    """The user named by --user (SYSTEM when not given); CommandError when there is none."""
    if not username:
        return SYSTEM
    user = active_user(username)
    if user is None:
        raise CommandError(_("用户不存在、已停用或没有管辖区划：%(name)s") % {"name": username})
    return user


def day_option(value: str | None, option: str = "--date") -> datetime.date:
    """The day of a date option (YYYY-MM-DD, within the accepted days; today when not given), or a
    CommandError naming the option, the value and what is wrong."""
    if not value:
        return timezone.localdate()
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(_("%(option)s 日期格式应为 YYYY-MM-DD：%(value)s")
                           % {"option": option, "value": value}) from None
    if problem := day_problem(day):
        raise CommandError(f"{option} {problem}")
    return day


@contextlib.contextmanager
def service_errors(region: str = ""):
    """What a service refuses, said as the command's error: a 404 is the region (`--region`) missing or
    outside the user's scope, PermissionDenied and ValidationError give their own messages."""
    try:
        yield
    except Http404:
        raise CommandError(_("区划不存在或不在管辖范围内：%(code)s") % {"code": region}) from None
    except PermissionDenied as exc:
        raise CommandError(str(exc) or _("无权执行此操作")) from None
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages)) from None


def write_output(content: bytes, filename: str, out: str | None = None) -> Path:
    """Write a generated file to --out (default: the service's file name in the current folder); the path
    written, or a CommandError naming it."""
    path = Path(out or filename)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"{path}: {exc}") from None
    return path
