"""The screening app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core.navigation import Entry, register

register(
    Entry(_("今日名单"), "screening:today", permissions.can_work_ledger, order=50),
    Entry(_("重点人员"), "screening:key_persons", permissions.can_view_ledger, order=60),
    Entry(_("摸排"), "screening:sweeps", permissions.can_view_ledger, order=70),
    # beside the checkpoints and places whose arrivals the tasks are about
    Entry(_("来人核查任务"), "screening:arrival_tasks", permissions.can_work_ledger, order=140),
)
