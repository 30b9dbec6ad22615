"""The main menu. Each entry says who sees it; apps add their entries here, in menu order."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.checkpoints import permissions as checkpoints
from fangkong.checkpoints.selectors import reconciliation
from fangkong.quarantine import views_common as quarantine_menu
from fangkong.reports import brief
from fangkong.reports import permissions as reports


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    visible: Callable = lambda user: True


ENTRIES: list[Entry] = [
    Entry(_("首页"), "core:home"),
    Entry(_("行政区划"), "regions:tree"),
    Entry(_("指挥部看板"), "reports:dashboard", permissions.can_view_ledger),
    Entry(_("人员"), "people:list"),
    Entry(_("登记核实"), "people:reviews", permissions.can_write),
    Entry(_("今日名单"), "screening:today", permissions.can_work_ledger),
    Entry(_("重点人员"), "screening:key_persons", permissions.can_view_ledger),
    Entry(_("摸排"), "screening:sweeps", permissions.can_view_ledger),
    Entry(_("台账导入导出"), "ledger:index", permissions.can_view_ledger),
    Entry(_("我的包保对象"), "quarantine:mine", quarantine_menu.shows_my_people),
    Entry(_("隔离管理"), "quarantine:orders", quarantine_menu.shows_management),
    Entry(_("转运请求"), "quarantine:transfers", quarantine_menu.shows_transfers),
    Entry(_("卡点"), "checkpoints:list", checkpoints.can_view),
    Entry(_("重点场所"), "checkpoints:places", checkpoints.can_view),
    Entry(_("来人核查任务"), "checkpoints:tasks", checkpoints.can_work_tasks),
    Entry(_("不漏一人核对"), "checkpoints:reconciliation", reconciliation.shows_reconciliation),
    Entry(_("密接排查"), "checkpoints:exposure", checkpoints.can_search_exposure),
    Entry(_("每日一报"), "analytics:daily"),
    Entry(_("报送情况"), "reports:chain", reports.shows_chain),
    Entry(_("工作简报"), "reports:brief", brief.can_issue_brief),
    Entry(_("用户管理"), "accounts:users", permissions.can_manage_users),
    Entry(_("审计日志"), "audit:list", permissions.can_view_audit),
]


def entries_for(user) -> list[dict]:
    return [{"label": e.label, "url": reverse(e.url_name), "name": e.url_name}
            for e in ENTRIES if e.visible(user)]
