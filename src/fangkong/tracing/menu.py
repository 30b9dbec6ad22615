"""The tracing app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions as account_permissions
from fangkong.core.navigation import Entry, register

from .permissions import can_investigate, can_view_cases, shows_reconciliation

register(
    Entry(_("来人核对"), "tracing:reconciliation", shows_reconciliation, order=150),
    Entry(_("时空伴随排查"), "tracing:exposure", account_permissions.can_trace, order=160),
    Entry(_("病例管理"), "tracing:cases", can_view_cases, order=161),
    Entry(_("实验室检测"), "tracing:lab", can_view_cases, order=163),
    Entry(_("病例活动轨迹"), "tracing:notices", can_view_cases, order=165),
)
# investigations (流调) and contacts (密接)
register(
    Entry(_("流行病学调查"), "tracing:investigations", can_investigate, order=162),
    Entry(_("密切接触者"), "tracing:contacts", can_view_cases, order=164),
)
# chains, clusters, the epidemic curve and Rt
register(
    Entry(_("聚集性疫情"), "tracing:clusters", can_view_cases, order=166),
    Entry(_("疫情曲线与Rt"), "tracing:epi", can_view_cases, order=167),
)
