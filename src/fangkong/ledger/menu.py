"""The ledger app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core.navigation import Entry, register

register(Entry(_("台账导入导出"), "ledger:index", permissions.can_view_ledger, order=80))
