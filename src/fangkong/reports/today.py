"""The report chain's duty on the home page (core.today): the regions of the scope whose report of the day is
past the deadline and not in yet, for those who chase them (headquarters, townships)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.today import Duty, register

from . import permissions, selectors


def _overdue_reports(user) -> int | None:
    if not permissions.can_read(user) or not permissions.RETURN & {user.role}:
        return None
    status = selectors.chain_status(user, user.region_id, timezone.localdate())
    return sum(level.counts[selectors.OVERDUE] for level in status.levels)


register(Duty("reports_overdue", _("逾期未报"), _overdue_reports,
              lambda user: reverse("reports:chain") + f"?state={selectors.OVERDUE}", order=40, urgent=True))
