"""The audit app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

register(Entry(_("审计日志"), "audit:list", lambda user: user.has_perm("audit.view_auditentry"), order=210))
