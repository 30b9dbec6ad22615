"""The people app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core.navigation import Entry, register

register(
    Entry(_("人员"), "people:list", order=40),
    Entry(_("登记核实"), "people:reviews", permissions.can_write, order=45),
)
