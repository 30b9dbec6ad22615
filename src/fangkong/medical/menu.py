"""The medical app's entry of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(Entry(_("药店购药登记"), "medical:purchases", permissions.can_view, order=145))
