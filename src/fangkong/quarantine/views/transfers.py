"""转运请求: fever-clinic transfer requests opened by alerting follow-ups; assign one to a person, close it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import paging
from fangkong.core.forms import query_day

from .. import permissions, selectors, services
from ..forms import AssignForm, CloseForm
from ..models import TransferStatus
from .common import (
    back_with_error,
    candidates,
    error_text,
    form_errors_text,
    int_param,
    require,
    safe_next,
)


def _assignees(user, region_code: str, cache: dict) -> list:
    """Who may take the person to the clinic: the cadres and doctors around the person's village."""
    if region_code not in cache:
        people = candidates(user, region_code)
        found = {u.pk: u for u in people["doctors"] + people["cadres"]}
        found.setdefault(user.pk, user)
        cache[region_code] = sorted(found.values(), key=lambda u: (u.role != "doctor", u.username))
    return cache[region_code]


@login_required
@require_GET
def transfers(request):
    """Open requests by default (oldest concern first is the newest row: newest first, keyset paged)."""
    user = request.user
    status = request.GET.get("status", "")
    region = request.GET.get("region", "")
    open_on = query_day(request, "open_on")  # open at the end of that day: the figure 待转送发热门诊 of a day
    qs = selectors.transfers_for(user, status="" if status in ("", "all") else status,
                                 open_only=status == "", region=region, open_on=open_on)
    items = paging.page_after(qs, int_param(request, "after"), paging.PAGE_SIZE)
    can_handle = permissions.can_handle_transfers(user)
    cache: dict = {}
    for t in items:
        if can_handle and t.is_open:
            t.assign_form = AssignForm(people=_assignees(user, t.region_id, cache),
                                       initial={"assignee": t.assignee_id or ""})
            t.close_form = CloseForm(initial={"status": TransferStatus.DONE})
    return render(request, "quarantine/transfers.html", {
        "items": items, "status": status, "region": region, "statuses": TransferStatus.choices, "open_on": open_on,
        "region_name": selectors.region_in_view(user, region).name if region else "",
        "next_after": items[-1].pk if len(items) == paging.PAGE_SIZE else None,
        "here": request.get_full_path(),
    })


@login_required
@require_POST
def assign(request, pk: int):
    user = request.user
    require(permissions.can_handle_transfers(user))
    t = selectors.transfer_for(user, pk)
    target = safe_next(request, reverse("quarantine:transfers"))
    form = AssignForm(request.POST, people=_assignees(user, t.region_id, {}))
    if not form.is_valid():
        return back_with_error(request, target, form_errors_text(form))
    try:
        t = services.assign_transfer(user, t, assignee=form.cleaned_data["assignee"], note=form.cleaned_data["note"])
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("已将 %(name)s 的转送指派给 %(assignee)s") % {
        "name": t.person.name, "assignee": t.assignee})
    return redirect(target)


@login_required
@require_POST
def close(request, pk: int):
    user = request.user
    require(permissions.can_handle_transfers(user))
    t = selectors.transfer_for(user, pk)
    target = safe_next(request, reverse("quarantine:transfers"))
    form = CloseForm(request.POST)
    if not form.is_valid():
        return back_with_error(request, target, form_errors_text(form))
    try:
        t = services.close_transfer(user, t, **form.cleaned_data)
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("%(name)s 的转送申请：%(status)s") % {
        "name": t.person.name, "status": t.get_status_display()})
    return redirect(target)
