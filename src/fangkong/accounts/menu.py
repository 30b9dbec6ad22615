"""The accounts app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from . import permissions

register(Entry(_("用户管理"), "accounts:users", permissions.can_manage_users, order=200))
