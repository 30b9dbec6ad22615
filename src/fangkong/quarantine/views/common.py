"""Pieces the isolation pages share: who sees which menu entry, role checks, query parameters, redirects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from fangkong.accounts.models import Role

from .. import permissions, selectors
from ..models import FollowUpStatus, Symptom
from ..schedule import slot_state

STATE_LABELS = {"overdue": gettext_lazy("逾期"), "due_now": gettext_lazy("待随访"), "upcoming": gettext_lazy("未到时间"),
                "done": gettext_lazy("今日已完成"), "excused": gettext_lazy("已说明未随访")}

# The cadres' and doctors' own list; headquarters and townships work from the regional views.
RESPONSIBLE_ROLES = {Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER, Role.DOCTOR}
MANAGEMENT_ROLES = permissions.HQ | {Role.TOWNSHIP_STAFF, Role.SUPERVISOR, Role.VIEWER}


def shows_my_people(user) -> bool:
    """Menu: 我的包保对象."""
    return permissions.can_work(user) and user.role in RESPONSIBLE_ROLES


def shows_management(user) -> bool:
    """Menu: 隔离管理 (orders, due by region, sites, policies)."""
    return permissions.can_read(user) and user.role in MANAGEMENT_ROLES


def shows_transfers(user) -> bool:
    """Menu: 转运请求."""
    return permissions.can_handle_transfers(user)


def candidates(user, region_code: str) -> dict:
    """Cadres and doctors the user may name for an order of the region (none when it is outside their scope)."""
    try:
        return selectors.responsible_candidates(user, region_code)
    except Http404:
        return {"cadres": [], "doctors": []}


def mark_slot(slot, now) -> None:
    """`state` (overdue / due_now / upcoming, or its status once recorded) and its label, for the templates."""
    slot.state = slot_state(slot.due_at, now) if slot.status == FollowUpStatus.DUE else slot.status
    slot.state_label = STATE_LABELS.get(slot.state, "")
    slot.symptom_labels = "、".join(str(Symptom(s).label) for s in slot.symptoms if s in Symptom.values)


def require(allowed: bool) -> None:
    """Forms that write are not shown to roles that may not (the services refuse them anyway)."""
    if not allowed:
        raise PermissionDenied


def int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def safe_next(request, default: str) -> str:
    """Where a small form posted from a list returns to: the list it came from, on this site only."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return default


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def form_errors_text(form) -> str:
    return "；".join(f"{form.fields[name].label}：{e}" if name in form.fields and form.fields[name].label else str(e)
                    for name, errors in form.errors.items() for e in errors)


def back_with_error(request, target: str, text: str):
    messages.error(request, text)
    return redirect(target)
