"""The tracing app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions as account_permissions
from fangkong.core.navigation import Entry, register

from .permissions import shows_reconciliation

register(
    Entry(_("来人核对"), "tracing:reconciliation", shows_reconciliation, order=150),
    Entry(_("时空伴随排查"), "tracing:exposure", account_permissions.can_trace, order=160),
)
