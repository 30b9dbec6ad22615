"""Isolation's duties on the home page (core.today): my follow-ups due now and overdue, and a scope's overdue
follow-ups for those who watch over them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.today import Duty, register

from . import permissions, selectors
from .models import FollowUpStatus
from .schedule import slot_state


def _my_slots(user, state: str) -> int | None:
    """My open slots in `state` (due_now / overdue): the figures at the top of 我的包保对象."""
    if not permissions.can_work(user) or permissions.watches_follow_ups(user):
        return None
    now = timezone.now()
    people = selectors.my_people_today(user, now=now)
    return sum(1 for person in people for slot in person.overdue_before + person.today
               if slot.status == FollowUpStatus.DUE and slot_state(slot.due_at, now) == state)


def _scope_overdue(user) -> int | None:
    if not permissions.watches_follow_ups(user):
        return None
    return selectors.overdue_count(user)


register(
    Duty("follow_ups_due", _("待随访"), lambda user: _my_slots(user, "due_now"), lambda user: reverse("quarantine:mine"),
         order=30),
    Duty("follow_ups_overdue", _("随访已逾期"), lambda user: _my_slots(user, "overdue"),
         lambda user: reverse("quarantine:mine"), order=31, urgent=True),
    Duty("scope_follow_ups_overdue", _("辖区逾期未随访"), _scope_overdue, lambda user: reverse("quarantine:overdue"),
         order=32, urgent=True),
)
