"""Follow-up pages: "my people today" and the follow-up form on a phone, due and overdue by region, excusing.

A follow-up takes two taps from 我的包保对象: the person's due slot, then 保存 on a form whose
method is already chosen (the temperature is typed on the numeric keypad, symptoms are tapped).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core.forms import apply_service_error, moment_text, query_day
from fangkong.core.paging import PAGE_SIZE
from fangkong.regions import selectors as region_selectors

from .. import permissions, selectors, services
from ..forms import ExcuseForm, FollowUpForm
from ..models import CheckMethod, FollowUpStatus
from ..schedule import local_day
from .common import STATE_LABELS, form_errors_text, int_param, mark_slot, require, safe_next, shows_my_people


@login_required
@require_GET
def index(request):
    """/quarantine/: cadres and doctors land on their people, headquarters and townships on the orders."""
    return redirect("quarantine:mine" if shows_my_people(request.user) else "quarantine:orders")


@login_required
@require_GET
def mine(request):
    """我的包保对象: each person I answer for, today's slots and the overdue ones, most urgent first."""
    user, now = request.user, timezone.now()
    people = selectors.my_people_today(user, now=now)
    for person in people:
        person.state_label = STATE_LABELS[person.state]
        for slot in person.overdue_before + person.today:
            mark_slot(slot, now)
    due = [s for p in people for s in p.overdue_before + p.today if s.status == FollowUpStatus.DUE]
    return render(request, "quarantine/mine.html", {
        "people": people, "today": timezone.localdate(),
        "overdue": sum(s.state == "overdue" for s in due), "due_now": sum(s.state == "due_now" for s in due),
        "can_work": permissions.can_work(user),
    })


def _slot_of(user, q, value):
    """The slot named in the query (?slot=), which must belong to this order."""
    if not value:
        return None
    slot = selectors.follow_up_for(user, value)
    if slot.quarantine_id != q.pk or not slot.scheduled:
        raise Http404
    return slot


def _back(request, q) -> str:
    return reverse("quarantine:mine") if request.GET.get("from") == "mine" else reverse("quarantine:order", args=[q.pk])


def _announce(request, fu) -> None:
    values = {"name": fu.quarantine.key_person.person.name, "temperature": fu.temperature}
    if not fu.alert:
        messages.success(request, _("已记录 %(name)s 体温 %(temperature)s°C") % values)
        return
    text = (_("⚠ 预警：%(name)s 体温 %(temperature)s°C，发热！") if fu.fever
            else _("⚠ 预警：%(name)s 体温 %(temperature)s°C，有症状！")) % values
    messages.error(request, text + _("已发起转送发热门诊申请（%(status)s），请做好防护，等待转运安排。") % {
        "status": fu.transfer.get_status_display()}, extra_tags="alert")


@login_required
def record_follow_up(request, pk: int):
    """记录随访 for a due slot (?slot=), or an extra follow-up without one."""
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    slot = _slot_of(user, q, request.GET.get("slot"))
    now = timezone.now()
    # A slot of an earlier day is back-filled at its own time (a follow-up counts for its own day only).
    past_day = slot is not None and local_day(slot.due_at) != local_day(now)
    form = FollowUpForm(request.POST or None, initial={
        "method": CheckMethod.PHONE, "at": moment_text(slot.due_at) if past_day else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fu = services.record_follow_up(user, q, temperature=data["temperature"], method=data["method"],
                                           symptoms=data["symptoms"], at=data["at"] or None, slot=slot,
                                           note=data["note"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            _announce(request, fu)
            return redirect(_back(request, q))
    return _follow_up_page(request, q, slot, form, past_day, status=400 if form.is_bound else 200)


def _follow_up_page(request, q, slot, form, past_day: bool, *, phone: str = "", status: int = 200):
    if slot is not None:
        mark_slot(slot, timezone.now())
    user = request.user
    return render(request, "quarantine/follow_up_form.html", {
        "q": q, "slot": slot, "form": form, "past_day": past_day, "back": _back(request, q),
        "open": q.is_active, "phone": phone,
        "may_call": user.pk in (q.cadre_id, q.doctor_id) or account_permissions.can_reveal(user),
    }, status=status)


@login_required
@require_POST
def call_person(request, pk: int):
    """拨打电话: the follow-up page again, with the person's full number as a tap-to-call link, on this
    response only; the reveal is logged by the service."""
    user = request.user
    require(permissions.can_work(user))
    q = selectors.quarantine_for(user, pk)
    slot = _slot_of(user, q, request.GET.get("slot"))
    past_day = slot is not None and local_day(slot.due_at) != local_day(timezone.now())
    form = FollowUpForm(initial={"method": CheckMethod.PHONE,
                                 "at": moment_text(slot.due_at) if past_day else ""})
    try:
        phone = services.phone_to_call(user, q)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        phone = ""
    return _follow_up_page(request, q, slot, form, past_day, phone=phone)


@login_required
@require_GET
def due(request):
    """随访进度: due now and overdue per child region, with drill-down, for headquarters and townships."""
    user, now = request.user, timezone.now()
    code = request.GET.get("region", "") or user.region_id
    region = selectors.region_in_view(user, code)
    rows = selectors.due_by_region(user, region=code, now=now)
    return render(request, "quarantine/due.html", {
        "region": region, "rows": rows, "ancestors": region_selectors.ancestors_in_scope(user, region),
        "total_due_now": sum(r.due_now for r in rows), "total_overdue": sum(r.overdue for r in rows), "now": now,
    })


@login_required
@require_GET
def overdue(request):
    """逾期未随访: the oldest overdue slots of a region first, to record late or excuse with a reason."""
    user, now = request.user, timezone.now()
    code = request.GET.get("region", "")
    region = selectors.region_in_view(user, code or user.region_id)
    everything = request.GET.get("all") == "1"
    # due on these days only: a past day's dashboard counts the overdue follow-ups of the days before it
    first, last = query_day(request, "due_from"), query_day(request, "due_to")
    days = (first, last) if first and last else None
    rows = selectors.due_follow_ups(user, now=now, region=code, overdue_only=not everything, due_days=days)
    for slot in rows:
        mark_slot(slot, now)
    return render(request, "quarantine/overdue.html", {
        "region": region, "rows": rows, "everything": everything, "due_days": days,
        "count": selectors.overdue_count(user, now=now, region=code, due_days=days),
        "can_work": permissions.can_work(user), "here": request.get_full_path(),
    })


@login_required
@require_GET
def fevers(request):
    """随访发现发热: the follow-ups of a day that found a fever, in a region (the dashboard's figure)."""
    user = request.user
    code = request.GET.get("region", "")
    region = selectors.region_in_view(user, code or user.region_id)
    day = min(query_day(request, "date", timezone.localdate()), timezone.localdate())
    items = selectors.fever_follow_ups(user, day=day, region=code, after=int_param(request, "after"))
    return render(request, "quarantine/follow_up_fevers.html", {
        "region": region, "day": day, "items": items,
        "next_after": items[-1].pk if len(items) == PAGE_SIZE else None,
    })


@login_required
@require_POST
def excuse(request, pk: int):
    """说明未随访: a missed slot leaves the overdue lists only with a reason."""
    user = request.user
    require(permissions.can_work(user))
    slot = selectors.follow_up_for(user, pk)
    target = safe_next(request, reverse("quarantine:overdue"))
    form = ExcuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(target)
    try:
        services.excuse_follow_up(user, slot, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已说明 %(name)s %(time)s 未随访：%(reason)s") % {
            "name": slot.quarantine.key_person.person.name,
            "time": f"{timezone.localtime(slot.due_at):%m-%d %H:%M}", "reason": form.cleaned_data["reason"]})
    return redirect(target)
