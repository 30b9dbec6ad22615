"""Order pages: the list by status, kind and region; the detail with its timeline and the forms that
change the order (planned end, responsible people, tests, release, other endings); starting an order
from a key person; the printable notice and pledge."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core import paging, region_picker
from fangkong.core.docx import DOCX_TYPE
from fangkong.core.forms import apply_service_error, moment_text, query_day
from fangkong.core.validation import as_moment
from fangkong.regions.forms import ABOVE_GRID
from fangkong.screening import selectors as screening_selectors

from .. import notices, permissions, selectors, services
from ..forms import (
    EndForm,
    NoticeForm,
    PlannedEndForm,
    ReleaseForm,
    ResponsibleForm,
    StartForm,
    TestForm,
)
from ..models import CountsFrom, Kind, QuarantineStatus
from ..schedule import day_bounds, local_day, policy_end, tz
from .common import candidates, form_errors_text, int_param, mark_slot, require


@login_required
@require_GET
def orders(request):
    """隔离管理: orders in scope, newest first, filtered by status, kind and region; a keyset page at a time."""
    user = request.user
    filters = {"status": request.GET.get("status", ""), "kind": request.GET.get("kind", ""),
               "region": request.GET.get("region", "")}
    mine = request.GET.get("mine") == "1"
    active_on = query_day(request, "active_on")  # under way at the end of that day: 居家隔离, 集中医学观察
    qs = selectors.quarantines_for(user, **filters, mine=mine, active_on=active_on)
    items = paging.page_after(qs, int_param(request, "after"), paging.PAGE_SIZE)
    return render(request, "quarantine/orders.html", {
        "items": items, **filters, "mine": mine, "active_on": active_on, "statuses": QuarantineStatus.choices, "kinds": Kind.choices,
        "region_select": region_picker.select("region", filters["region"], user.region_id, blank=_("全部"),
                                              levels=ABOVE_GRID),
        "next_after": items[-1].pk if len(items) == paging.PAGE_SIZE else None,
    })


def _order_forms(user, q) -> dict:
    if not (permissions.can_work(user) and q.is_active):
        return {}
    found = {"planned_form": PlannedEndForm(initial={"planned_end": moment_text(q.planned_end)}),
             "test_form": TestForm(), "release_form": ReleaseForm(), "end_form": EndForm()}
    people = selectors.candidates_of_regions(user, [q.region_id])[q.region_id]  # the order's region: no look-up
    if people["cadres"] or people["doctors"]:
        found["responsible_form"] = ResponsibleForm(cadres=people["cadres"], doctors=people["doctors"])
    return found


def _detail(request, q, bound: dict | None = None, status: int = 200):
    user = request.user
    forms = _order_forms(user, q) | (bound or {})
    if bound and not q.is_active:
        # an ended order shows no forms: the refusal (e.g. releasing twice) goes on top of the page
        for form in bound.values():
            messages.error(request, form_errors_text(form))
    now = timezone.now()
    tonight = day_bounds(local_day(now))[1]
    follow_ups = selectors.follow_ups_of(user, q)
    for fu in follow_ups:
        mark_slot(fu, now)
    # the slots of the days to come are summed up, not listed: the history and today are what one reads
    later = [fu for fu in follow_ups if fu.due_at >= tonight]
    # the rooms to check in to: only while the person has none (a hotel has hundreds)
    rooms = (selectors.rooms_of(q.site) if q.site_id and not q.room_id and q.kind == Kind.CENTRALISED
             and q.is_active else [])
    return render(request, "quarantine/order_detail.html", {
        "q": q, "person": q.key_person.person, "follow_ups": [fu for fu in follow_ups if fu.due_at < tonight],
        "later_count": len(later), "later_last": later[-1].due_at if later else None,
        "tests": list(q.nucleic_acid_tests.select_related("recorded_by").order_by("sampled_at", "id")),
        "stays": list(q.stays.select_related("site", "room").order_by("checked_in_at", "id")),
        "events": screening_selectors.timeline_of(q.key_person),
        "free_rooms": [r for r in rooms if r.free > 0],
        "can_work": permissions.can_work(user), "can_reveal": account_permissions.can_reveal(user),
        "ended": not q.is_active, **forms,
    }, status=status)


@login_required
@require_GET
def order(request, pk: int):
    return _detail(request, selectors.quarantine_for(request.user, pk))


def _act(request, pk: int, form_class, form_name: str, call, done_text: str, **form_kwargs):
    """One of the order's forms posted: the service call, or the detail page again with the errors."""
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            call(user, q, form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, done_text % {"name": q.key_person.person.name})
            return redirect("quarantine:order", pk=q.pk)
    return _detail(request, q, {form_name: form}, status=400)


@login_required
@require_POST
def release(request, pk: int):
    return _act(request, pk, ReleaseForm, "release_form", lambda user, q, d: services.release_quarantine(
        user, q, at=d["at"] or None, reason=d["reason"]), _("%(name)s 已解除隔离"))


@login_required
@require_POST
def end(request, pk: int):
    return _act(request, pk, EndForm, "end_form", lambda user, q, d: services.end_quarantine(
        user, q, status=d["status"], at=d["at"] or None, reason=d["reason"],
        handover_region=d["handover_region"] or None, handover_to=d["handover_to"]), _("%(name)s 的隔离已结束"))


@login_required
@require_POST
def planned_end(request, pk: int):
    return _act(request, pk, PlannedEndForm, "planned_form", lambda user, q, d: services.change_planned_end(
        user, q, planned_end=d["planned_end"], reason=d["reason"]), _("已修改 %(name)s 的计划结束时间"))


@login_required
@require_POST
def responsible(request, pk: int):
    q = selectors.quarantine_for(request.user, pk)
    people = candidates(request.user, q.region_id)
    return _act(request, pk, ResponsibleForm, "responsible_form", lambda user, q, d: services.assign_responsible(
        user, q, cadre=d["cadre"] or None, doctor=d["doctor"] or None), _("已更换 %(name)s 的包保人员"),
        cadres=people["cadres"], doctors=people["doctors"])


@login_required
@require_POST
def record_test(request, pk: int):
    return _act(request, pk, TestForm, "test_form", lambda user, q, d: services.record_test(
        user, q, sampled_at=d["sampled_at"], result=d["result"]), _("已记录 %(name)s 的核酸检测结果"))


# Starting an order ------------------------------------------------------------------------------

def _policy_end_preview(policy, kp, data: dict) -> datetime.datetime | None:
    """The end the policy gives for what the form holds now (None while something it needs is missing)."""
    try:
        start_at = as_moment(data.get("start_at"), "start_at", "", default=timezone.now())
        arrival = as_moment(data.get("arrival"), "arrival", "", default=None) or (
            as_moment(kp.arrival_date, "arrival", "") if kp.arrival_date else None)
        exposure = as_moment(data.get("last_exposure"), "last_exposure", "")
    except ValidationError:
        return None
    base = {CountsFrom.ARRIVAL: arrival, CountsFrom.LAST_EXPOSURE: exposure}.get(policy.counts_from, start_at)
    if base is None:
        return None
    return policy_end(policy.counts_from, policy.length_days, start_at=start_at, arrival=arrival,
                      last_exposure=exposure)


def _start_initial(user, kp, policy, people: dict) -> dict:
    def pick(users, preferred):
        return next((str(u.pk) for u in users if preferred is not None and u.pk == preferred), "")

    return {"kind": policy.kind if policy else Kind.HOME, "start_at": moment_text(timezone.now()),
            "arrival": kp.arrival_date, "home_address": kp.person.address,
            "cadre": pick(people["cadres"], kp.responsible_id) or pick(people["cadres"], user.pk),
            "doctor": pick(people["doctors"], user.pk)}


@login_required
def start(request, key_person_pk: int):
    """开始隔离 for a key person: the policy's planned end shown, overridable with a reason."""
    user = request.user
    require(permissions.can_work(user))
    kp = screening_selectors.key_person_for(user, key_person_pk)
    try:
        policy = selectors.policy_for(user, kp.category)
    except Http404:
        policy = None
    people = candidates(user, kp.region_id)
    sites = [s for s in selectors.sites_for(user) if s.is_active]
    rooms = [(s, selectors.rooms_of(s)) for s in sites]
    previewing = request.method == "POST" and "preview" in request.POST
    # "计算结束时间" shows the policy's end for what was typed, without refusing what is still missing
    initial = request.POST.dict() if previewing else _start_initial(user, kp, policy, people)
    form = StartForm(None if previewing else (request.POST or None), initial=initial,
                     cadres=people["cadres"], doctors=people["doctors"], sites=sites, rooms=rooms)
    if form.is_bound and form.is_valid():
        try:
            q = services.start_quarantine(user, kp, **form.values())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已开始 %(name)s 的%(kind)s，计划至 %(end)s") % {
                "name": kp.person.name, "kind": q.get_kind_display(),
                "end": f"{timezone.localtime(q.planned_end, tz()):%Y-%m-%d %H:%M}"})
            return redirect("quarantine:order", pk=q.pk)
    data = request.POST if request.method == "POST" else {"start_at": form.initial["start_at"]}
    return render(request, "quarantine/start.html", {
        "kp": kp, "form": form, "policy": policy,
        "policy_end": _policy_end_preview(policy, kp, data) if policy else None,
        "current": kp.quarantines.filter(status=QuarantineStatus.ACTIVE).first(),
    }, status=400 if form.is_bound else 200)


# The notice and the pledge ----------------------------------------------------------------------

@login_required
@require_GET
def notice(request, pk: int):
    """居家隔离告知书 or 承诺书 as .docx; the full ID number only on request by a role that may see it."""
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    form = NoticeForm(request.GET)
    if not form.is_valid():
        raise Http404
    content, name = notices.export_notice(user, q, doc=form.cleaned_data["doc"],
                                          reveal=form.cleaned_data["reveal"])
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
