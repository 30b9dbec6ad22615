"""The reports app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions as account_permissions
from fangkong.core.navigation import Entry, register

from . import permissions
from .brief import can_issue_brief

register(
    Entry(_("指挥部看板"), "reports:dashboard", account_permissions.can_view_ledger, order=30),
    Entry(_("报送情况"), "reports:chain", permissions.shows_chain, order=180),
    Entry(_("工作简报"), "reports:brief", can_issue_brief, order=190),
)
