"""The regions app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

register(Entry(_("行政区划"), "regions:tree", order=20))
