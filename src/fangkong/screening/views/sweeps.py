"""Sweep pages: list and open sweeps, progress per region with the households not yet visited, record a visit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.core import region_codes as codes
from fangkong.core.forms import apply_service_error

from .. import selectors, services
from ..forms import SweepForm, VisitForm
from ..models import Finding
from .common import int_param, require_worker


def _sweep_form(user, data=None) -> SweepForm:
    today = timezone.localdate()
    return SweepForm(data, scope=user.region_id,
                     initial={"region_code": user.region_id, "start_date": today, "end_date": today})


@login_required
def sweeps(request):
    user = request.user
    can_run = permissions.can_run_sweeps(user)
    form = None
    if can_run:
        form = _sweep_form(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                sweep = services.create_sweep(user, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已部署摸排：%(name)s") % {"name": sweep.name})
                return redirect("screening:sweep", pk=sweep.pk)
    elif request.method == "POST":
        raise PermissionDenied
    items = selectors.sweep_page(user, after=int_param(request, "after"))
    return render(request, "screening/sweep_list.html", {
        "items": items, "form": form,
        "next_after": items[-1].pk if len(items) == selectors.page_limit(None) else None})


@login_required
def sweep(request, pk: int):
    """Progress of the sweep in one region (default: the user's part of it), per child region, and the
    households of that region not yet visited."""
    user = request.user
    item = selectors.sweep_for(user, pk)
    progress = selectors.sweep_progress(user, item, request.GET.get("region", ""))
    region = progress.region
    pending = selectors.households_not_visited(user, item, region, after=int_param(request, "after"))
    root = selectors.sweep_root(user, item)
    trail = [c for c in reversed(codes.ancestor_codes(region.code)) if codes.is_within(c, root)]
    return render(request, "screening/sweep_detail.html", {
        "sweep": item, "progress": progress, "region": region, "pending": pending,
        "trail": selectors.regions_by_code(trail),
        "next_after": pending[-1].pk if len(pending) == selectors.PAGE_SIZE else None,
        "can_work": permissions.can_work_ledger(user),
        "recent": selectors.recent_visits(user, item, region, limit=10),
    })


@login_required
def record_visit(request, pk: int, household_id: int):
    """入户走访 of one household: who is at home, who is away and where, anything found."""
    user = request.user
    require_worker(user)
    item = selectors.sweep_for(user, pk)
    household = selectors.household_for_visit(user, item, household_id)
    existing = selectors.visit_of(item, household)
    members = list(household.members.order_by("pk")[:20])
    initial = {"present_count": existing.present_count if existing else len(members),
               "visited_on": existing.visited_on if existing else timezone.localdate()}
    if existing:
        initial.update(away_note=existing.away_note, finding=existing.finding, note=existing.note)
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit, _created = services.record_household_visit(user, item, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已记录走访：%(address)s") % {"address": household.address})
            if visit.finding in (Finding.RETURNEE, Finding.FEVER):
                # Something found at the door goes straight onto the ledger.
                category = "returnee" if visit.finding == Finding.RETURNEE else "fever"
                return redirect(f"{reverse('screening:register')}?household={household.pk}&category={category}")
            village = household.region_id[:12]
            back = village if codes.is_within(village, selectors.sweep_root(user, item)) else ""
            return redirect(f"{reverse('screening:sweep', args=[item.pk])}?region={back}")
    return render(request, "screening/record_visit.html", {
        "sweep": item, "household": household, "members": members, "form": form, "existing": existing})
