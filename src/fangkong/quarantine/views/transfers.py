"""转运请求: fever-clinic transfer requests opened by alerting follow-ups; assign one to a person, close it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import paging
from fangkong.core.forms import query_day

from .. import permissions, selectors, services
from ..forms import AssignForm, CloseForm, user_choices
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


def _assignees(user, people: dict) -> list:
    """Who may take the person to the clinic: the cadres and doctors around the person's village (`people`:
    their region's candidates), and the user."""
    found = {u.pk: u for u in people["doctors"] + people["cadres"]}
    found.setdefault(user.pk, user)
    return sorted(found.values(), key=lambda u: (u.role != "doctor", u.username))


def _options(choices, rendered: dict) -> list[tuple[str, str, str]]:
    """Each choice as (value, its <option>, the same selected), each person's rendered once a page (`rendered`):
    a county's transfers each offer the county's doctors, so the template would render rows × doctors."""
    for value, label in choices:
        if value not in rendered:
            rendered[value] = (format_html('<option value="{}">{}</option>', value, label),
                               format_html('<option value="{}" selected>{}</option>', value, label))
    return [(value, *rendered[value]) for value, _label in choices]


def _select_options(options, chosen) -> str:
    chosen = str(chosen)
    return mark_safe("".join(on if value == chosen else off for value, off, on in options))  # each escaped above


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
    shown = [t for t in items if t.is_open] if permissions.can_handle_transfers(user) else []
    # the people of every row's region in one read, each region's options rendered once
    people = selectors.candidates_of_regions(user, {t.region_id for t in shown})
    options, rendered = {}, {}
    close_form = CloseForm(initial={"status": TransferStatus.DONE})
    for t in shown:
        if t.region_id not in options:
            # AssignForm's choices, without a form per region (a ChoiceField normalises its choices on each read)
            options[t.region_id] = _options(user_choices(_assignees(user, people[t.region_id]), _("请选择")), rendered)
        t.assignee_options = _select_options(options[t.region_id], t.assignee_id or "")
        t.close_form = close_form
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
    form = AssignForm(request.POST, people=_assignees(user, candidates(user, t.region_id)))
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
