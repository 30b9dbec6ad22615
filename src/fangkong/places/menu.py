"""The places app's entry of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(Entry(_("重点场所"), "places:list", permissions.can_view, order=130))
