"""Observation-site pages (集中医学观察点): sites with occupancy, their rooms, checking people in and out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import paging
from fangkong.core.forms import apply_service_error
from fangkong.screening import selectors as screening_selectors

from .. import permissions, selectors, services
from ..forms import CapacityForm, CheckInForm, CheckOutForm, RoomForm, SiteForm
from ..models import QuarantineStatus
from .common import back_with_error, error_text, form_errors_text, require, safe_next

# A site's waiting list (assigned to it, no room yet) is short in practice; this bounds the page.
WAITING_SHOWN = 100


@login_required
@require_GET
def sites(request):
    user = request.user
    found = list(selectors.sites_for(user)[:paging.MAX_PAGE])
    for s in found:
        s.free = s.capacity - s.occupied
    return render(request, "quarantine/sites.html", {"sites": found, "can_manage": permissions.can_manage_sites(user)})


def _site_form(user, data=None) -> SiteForm:
    return SiteForm(data, scope=user.region_id,
                    managers=screening_selectors.responsible_choices(user), initial={"region_code": user.region_id})


@login_required
def site_new(request):
    """设立观察点 with its rooms."""
    user = request.user
    require(permissions.can_manage_sites(user))
    form = _site_form(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = services.create_site(user, name=data["name"], region_code=data["region_code"],
                                        address=data["address"], manager=data["manager"] or None, rooms=data["rooms"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已设立观察点 %(name)s") % {"name": site.name})
            return redirect("quarantine:site", pk=site.pk)
    return render(request, "quarantine/site_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@require_GET
def site(request, pk: int):
    """One site: rooms with beds taken and free, who is in which room, who waits for a room."""
    user = request.user
    found = selectors.site_for(user, pk)
    rooms = selectors.rooms_of(found)
    waiting = list(selectors.quarantines_for(user, status=QuarantineStatus.ACTIVE)
                   .filter(site=found, room__isnull=True)[:WAITING_SHOWN])
    can_manage = permissions.can_manage_sites(user) and user.region.contains(found.region_id)
    occupants, others = selectors.occupants_of(user, found)
    return render(request, "quarantine/site_detail.html", {
        "site": found, "rooms": rooms, "occupants": occupants, "other_occupants": others, "waiting": waiting,
        "check_in_form": CheckInForm(rooms=rooms), "room_form": RoomForm(), "can_manage": can_manage,
        "can_work": permissions.can_work(user), "here": request.get_full_path(),
    })


@login_required
@require_POST
def add_room(request, pk: int):
    user = request.user
    require(permissions.can_manage_sites(user))
    found = selectors.site_for(user, pk)
    target = reverse("quarantine:site", args=[found.pk])
    form = RoomForm(request.POST)
    if not form.is_valid():
        return back_with_error(request, target, form_errors_text(form))
    try:
        room = services.add_room(user, found, **form.cleaned_data)
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("已添加房间 %(room)s") % {"room": room})
    return redirect(target)


@login_required
@require_POST
def room_capacity(request, pk: int):
    user = request.user
    require(permissions.can_manage_sites(user))
    room = selectors.room_for(user, pk)
    target = reverse("quarantine:site", args=[room.site_id])
    form = CapacityForm(request.POST)
    if not form.is_valid():
        return back_with_error(request, target, form_errors_text(form))
    try:
        services.change_room_capacity(user, room, capacity=form.cleaned_data["capacity"])
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("已修改 %(room)s 的床位数") % {"room": room})
    return redirect(target)


@login_required
@require_POST
def check_in(request, pk: int):
    """入住, posted from the order page or the site's waiting list."""
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    target = safe_next(request, reverse("quarantine:order", args=[q.pk]))
    room = request.POST.get("room", "")
    try:
        stay = services.check_in(user, q, room=room, at=request.POST.get("at") or None)
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("%(name)s 已入住 %(room)s") % {"name": q.key_person.person.name, "room": stay.room})
    return redirect(target)


@login_required
@require_POST
def check_out(request, pk: int):
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    target = safe_next(request, reverse("quarantine:order", args=[q.pk]))
    form = CheckOutForm(request.POST)
    form.is_valid()
    try:
        stay = services.check_out(user, q, at=form.cleaned_data.get("at") or None)
    except ValidationError as exc:
        return back_with_error(request, target, error_text(exc))
    messages.success(request, _("%(name)s 已退房（%(room)s）") % {"name": q.key_person.person.name, "room": stay.room})
    return redirect(target)
