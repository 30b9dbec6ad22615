"""Pieces every screening write shares: who may write, scope, today.

Values are checked by fangkong.core.validation, as in every app."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.core import region_codes as codes
from fangkong.regions.models import Region
from fangkong.regions.selectors import region_in_scope as scoped_region

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
