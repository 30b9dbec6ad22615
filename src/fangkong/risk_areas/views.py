"""Pages of the risk-area list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.forms import apply_service_error

from . import permissions, selectors
from . import services as risk_area_services
from .forms import RiskAreaForm


@login_required
def risk_areas(request):
    """风险地区: the list every arrival is checked against; the deployment's headquarters admins add, end and
    remove areas (the form and buttons are shown to them only)."""
    user = request.user
    can_manage = permissions.can_manage_risk_areas(user)
    form = RiskAreaForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                area = risk_area_services.create_risk_area(user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已添加风险地区：%(name)s（%(code)s）") % {"name": area.name, "code": area.code})
                return redirect("risk_areas:list")
    today = timezone.localdate()
    areas = list(selectors.risk_areas_for(user))
    for a in areas:
        a.active = a.active_on(today)
    return render(request, "risk_areas/risk_area_list.html", {
        "areas": areas, "form": form if can_manage else None, "can_manage": can_manage, "today": today,
    }, status=400 if form.is_bound else 200)


@login_required
@require_POST
def risk_area_end(request, pk: int):
    user = request.user
    if not permissions.can_manage_risk_areas(user):
        raise PermissionDenied
    area = selectors.risk_area_for(user, pk)
    try:
        if request.POST.get("delete") == "1":
            risk_area_services.delete_risk_area(user, area)
            messages.success(request, _("已删除：%(name)s") % {"name": area.name})
        else:
            risk_area_services.end_risk_area(user, area)
            messages.success(request, _("已解除：%(name)s") % {"name": area.name})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("risk_areas:list")


