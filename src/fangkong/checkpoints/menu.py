"""The checkpoints app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions
from .selectors.reconciliation import shows_reconciliation

register(
    Entry(_("卡点"), "checkpoints:list", permissions.can_view, order=120),
    Entry(_("重点场所"), "checkpoints:places", permissions.can_view, order=130),
    Entry(_("来人核查任务"), "checkpoints:tasks", permissions.can_work_tasks, order=140),
    Entry(_("不漏一人核对"), "checkpoints:reconciliation", shows_reconciliation, order=150),
    Entry(_("密接排查"), "checkpoints:exposure", permissions.can_search_exposure, order=160),
)
