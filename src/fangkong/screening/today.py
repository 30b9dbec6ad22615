"""Screening's duties on the home page (core.today): the day's checks still to do and the arrivals to verify."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core import region_codes
from fangkong.core.today import Duty, register

from . import selectors
from .models import TaskStatus

# the checks are done from a township down; headquarters read the day's 漏查 on the dashboard
COUNTED_LEVELS = {region_codes.TOWNSHIP, region_codes.VILLAGE, region_codes.GRID}


def _checks_to_do(user) -> int | None:
    if not permissions.can_work_ledger(user) or region_codes.level_of(user.region_id) not in COUNTED_LEVELS:
        return None
    return selectors.today_pending_count(user, timezone.localdate())


def _arrivals_to_verify(user) -> int | None:
    if not permissions.can_work_ledger(user):
        return None
    return selectors.tasks_for(user, status=TaskStatus.OPEN).count()


register(
    Duty("checks_to_do", _("今日待查"), _checks_to_do, lambda user: reverse("screening:today") + "?pending=1",
         order=10, urgent=True),
    Duty("arrivals_to_verify", _("来人待核查"), _arrivals_to_verify,
         lambda user: reverse("screening:arrival_tasks") + "?status=open", order=20, urgent=True),
)
