"""The briefing app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(
    Entry(_("指挥部看板"), "briefing:dashboard", permissions.shows_dashboard, order=30),
    Entry(_("工作简报"), "briefing:brief", permissions.can_issue_brief, order=190),
)
