"""The reports app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(
    Entry(_("报送情况"), "reports:chain", permissions.shows_chain, order=180),
)
