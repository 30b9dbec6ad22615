"""The analytics app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

register(Entry(_("每日一报"), "analytics:daily", order=170))
