"""Checkpoint pages: the registry (list, set up, edit, close, reopen), a checkpoint's page (day figures,
who is on duty, five haves, the day's passages), duty shifts, five-haves inspections and the list of
checkpoints failing any item, and the risk-area list headquarters keeps."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import region_codes as codes
from fangkong.core.forms import apply_service_error, moment_text, query_day
from fangkong.core.region_codes import in_scope
from fangkong.regions.models import Region

from .. import permissions
from ..forms import CheckpointForm, InspectionForm, ShiftForm
from ..models import FIVE_HAVES, CheckpointStatus, FiveHavesInspection
from ..selectors import checkpoints as selectors
from ..selectors import passages as passage_selectors
from ..services import checkpoints as services

FIVE_HAVE_LABELS = {name: FiveHavesInspection._meta.get_field(name).verbose_name for name in FIVE_HAVES}


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def failing_labels(inspection) -> list[str]:
    return [str(FIVE_HAVE_LABELS[name]) for name in inspection.failing] if inspection else []


def _region_choices(user) -> list[tuple[str, str]]:
    rows = (Region.objects.filter(in_scope(user, "code"),
                                  level__in=[codes.COUNTY, codes.TOWNSHIP, codes.VILLAGE])
            .order_by("code").values_list("code", "name", "level")[:3000])
    return [(code, f"{'　' * (codes.PREFIX_LENGTH[level] // 3 - 1)}{name}") for code, name, level in rows]


# The registry -----------------------------------------------------------------------------------------------

@login_required
@require_GET
def checkpoint_list(request):
    """卡点: every checkpoint of the scope, by id, a page at a time; five-haves state at a glance."""
    user = request.user
    status, region = request.GET.get("status", CheckpointStatus.OPEN), request.GET.get("region", "")
    open_on = query_day(request, "open_on")  # running at the end of that day: the figure 在岗卡点 of a day
    items = selectors.page_after(selectors.checkpoints_for(user, status=status, region=region, open_on=open_on),
                                 request.GET.get("after"))
    for c in items:
        c.failing_labels = failing_labels(c.last_inspection)
    return render(request, "checkpoints/checkpoint_list.html", {
        "items": items, "status": status, "region": region, "open_on": open_on,
        "next_after": items[-1].pk if len(items) == selectors.PAGE_SIZE else None,
        "can_manage": permissions.can_manage(user),
    })


def _checkpoint_form_page(request, form, checkpoint=None):
    form.fields["region_code"].widget.choices = _region_choices(request.user)
    return render(request, "checkpoints/checkpoint_form.html", {"form": form, "checkpoint": checkpoint},
                  status=400 if form.is_bound else 200)


@login_required
def checkpoint_new(request):
    """设卡."""
    user = request.user
    require(permissions.can_manage(user))
    form = CheckpointForm(request.POST or None, initial={"region_code": user.region_id, "open_24h": True})
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = services.create_checkpoint(user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已设立卡点：%(name)s") % {"name": checkpoint.name})
            return redirect("checkpoints:detail", checkpoint.pk)
    return _checkpoint_form_page(request, form)


@login_required
def checkpoint_edit(request, pk: int):
    user = request.user
    require(permissions.can_manage(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    form = CheckpointForm(request.POST or None, initial={
        "name": checkpoint.name, "kind": checkpoint.kind, "region_code": checkpoint.region_id,
        "location": checkpoint.location, "open_24h": checkpoint.open_24h, "hours": checkpoint.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_checkpoint(user, checkpoint, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("checkpoints:detail", checkpoint.pk)
    return _checkpoint_form_page(request, form, checkpoint)


@login_required
@require_POST
def checkpoint_close(request, pk: int):
    user = request.user
    require(permissions.can_manage(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    try:
        services.close_checkpoint(user, checkpoint, day=request.POST.get("day") or None)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤除卡点：%(name)s") % {"name": checkpoint.name})
    return redirect("checkpoints:detail", checkpoint.pk)


@login_required
@require_POST
def checkpoint_reopen(request, pk: int):
    user = request.user
    require(permissions.can_manage(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    try:
        services.reopen_checkpoint(user, checkpoint)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已恢复卡点：%(name)s") % {"name": checkpoint.name})
    return redirect("checkpoints:detail", checkpoint.pk)


# A checkpoint's page -------------------------------------------------------------------------------------------

def _staff_choices(user) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(u.pk), f"{u}（{u.get_role_display()}）") for u in selectors.staff_candidates(user)]


@login_required
@require_GET
def checkpoint_detail(request, pk: int):
    """A checkpoint: the day's figures (any day: ?day=), on duty now, five haves, the day's passages."""
    user, now = request.user, timezone.now()
    checkpoint = selectors.checkpoint_for(user, pk)
    day = query_day(request, "day", timezone.localdate())
    shifts = selectors.shifts_of(checkpoint, now=now)
    rows, cursor = passage_selectors.passages_of_day(checkpoint, day, before=request.GET.get("before", ""), limit=30)
    can_manage = permissions.can_manage(user)
    shift_form = None
    if can_manage and checkpoint.status == CheckpointStatus.OPEN:
        start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        shift_form = ShiftForm(initial={"starts_at": moment_text(start),
                                        "ends_at": moment_text(start + datetime.timedelta(hours=8))})
        shift_form.fields["staff"].widget.choices = _staff_choices(user)
    return render(request, "checkpoints/checkpoint_detail.html", {
        "checkpoint": checkpoint, "day": day, "is_today": day == timezone.localdate(),
        "figures": passage_selectors.day_figures(checkpoint, day),
        "shifts": shifts, "on_duty": selectors.on_duty(shifts, now), "now": now,
        "inspections": selectors.inspections_of(checkpoint, limit=5),
        "failing": failing_labels(checkpoint.last_inspection),
        "passages": rows, "next_before": cursor, "fever_threshold": passage_selectors.fever_threshold(),
        "can_manage": can_manage, "can_inspect": permissions.can_inspect(user),
        "can_register": permissions.can_register_passages(user) and checkpoint.status == CheckpointStatus.OPEN,
        "shift_form": shift_form,
    })


@login_required
@require_POST
def shift_new(request, pk: int):
    """排班 from the checkpoint's page."""
    user = request.user
    require(permissions.can_manage(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    form = ShiftForm(request.POST)
    if form.is_valid():
        try:
            shift = services.plan_shift(user, checkpoint, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已排班：%(name)s %(start)s 至 %(end)s") % {
                "name": shift.staff, "start": f"{timezone.localtime(shift.starts_at):%m-%d %H:%M}",
                "end": f"{timezone.localtime(shift.ends_at):%m-%d %H:%M}"})
    else:
        messages.error(request, _("请填写值守人员、开始和结束时间"))
    return redirect(reverse("checkpoints:detail", args=[checkpoint.pk]) + "#shifts")


@login_required
@require_POST
def shift_cancel(request, pk: int):
    user = request.user
    require(permissions.can_manage(user))
    shift = selectors.shift_for(user, pk)
    try:
        services.cancel_shift(user, shift)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已取消该班次"))
    return redirect(reverse("checkpoints:detail", args=[shift.checkpoint_id]) + "#shifts")


@login_required
def inspect(request, pk: int):
    """五有检查: tick what is in place; whatever is not ticked is a failing item."""
    user = request.user
    require(permissions.can_inspect(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    form = InspectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.record_inspection(user, checkpoint, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if inspection.failing:
                messages.error(request, _("五有检查不达标：缺%(items)s") % {"items": "、".join(failing_labels(inspection))})
            else:
                messages.success(request, _("五有检查达标"))
            return redirect("checkpoints:detail", checkpoint.pk)
    return render(request, "checkpoints/checkpoint_inspect.html", {"checkpoint": checkpoint, "form": form},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def failing(request):
    """五有不达标: open checkpoints whose latest inspection failed any item, with the items."""
    user = request.user
    region = request.GET.get("region", "")
    items = selectors.failing_checkpoints(user, region=region, after=request.GET.get("after"))
    for c in items:
        c.failing_labels = failing_labels(c.last_inspection)
    return render(request, "checkpoints/checkpoint_failing.html", {
        "items": items, "uninspected": selectors.uninspected_count(user), "region": region,
        "next_after": items[-1].pk if len(items) == selectors.PAGE_SIZE else None,
    })


# Risk areas ------------------------------------------------------------------------------------------------------



