"""The checkpoints app's entry of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(Entry(_("卡点"), "checkpoints:list", permissions.can_view, order=120))
