"""Pieces every `fangkong` command shares."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def active_user(username: str):
    """The active user with a scope region of that name, or None: who a command acts as (--user)."""
    user = get_user_model().objects.filter(username=username, is_active=True).select_related("region").first()
    return user if user is not None and user.region_id else None


def acting_user(username: str | None):
    """The user named by --user (None when not given, i.e. the system); CommandError when there is none."""
    if not username:
        return None
    user = active_user(username)
    if user is None:
        raise CommandError(_("用户不存在、已停用或没有管辖区划：%(name)s") % {"name": username})
    return user
