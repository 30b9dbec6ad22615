"""Key-person pages: the three phone pages of a village worker (today's list, register, record a check)
and the ledger list, detail, edit and status change for everyone who works the ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fangkong.accounts import permissions
from fangkong.core import region_picker
from fangkong.core.forms import apply_service_error, query_day
from fangkong.core.health import fever_threshold, is_fever
from fangkong.core.region_codes import in_scope
from fangkong.core.searches import redirect_to_list, typed
from fangkong.people import reviews
from fangkong.people.models import Household
from fangkong.regions.forms import ABOVE_GRID

from .. import selectors, services
from ..forms import CheckForm, KeyPersonEditForm, RegisterForm, StatusForm, split_symptoms
from ..models import Category, Status
from .common import day_param, int_param, require_worker

# Past a few weeks "day N of observation" means nothing; the list shows the arrival date instead.
OBSERVATION_DAYS_SHOWN = 28
# Open arrival tasks shown on today's list (the rest on screening:arrival_tasks)
ARRIVAL_TASKS_SHOWN = 20


def _observation_day(kp, day) -> int | None:
    """第N天: days since arrival (or registration), counting the first day as 1."""
    n = (day - (kp.arrival_date or kp.registered_on)).days + 1
    return n if n <= OBSERVATION_DAYS_SHOWN else None


@login_required
def today(request):
    """今日名单: who is under management and whether today's check is done, one tap to record it."""
    user, day = request.user, day_param(request)
    mine, pending = request.GET.get("mine") == "1", request.GET.get("pending") == "1"
    fever = request.GET.get("fever") == "1" and not pending  # 发热: the people the figure counts
    region = selectors.region_in_view(user, request.GET["region"]).code if request.GET.get("region") else ""
    items = selectors.today_list(user, day=day, mine=mine, pending=pending, fever=fever, region_code=region,
                                 after=int_param(request, "after"), limit=selectors.PAGE_SIZE)
    for kp in items:
        kp.observation_day = _observation_day(kp, day)
        kp.today_fever = is_fever(kp.today_temperature)
    is_today = day == timezone.localdate()
    return render(request, "screening/today.html", {
        "items": items, "day": day, "is_today": is_today, "day_query": "&".join(([] if is_today else [f"day={day}"]) + ([f"region={region}"] if region else [])),
        "mine": mine, "pending": pending, "fever": fever,
        "figures": selectors.scope_figures(user, day, region), "region": region,
        "next_after": items[-1].pk if len(items) == selectors.PAGE_SIZE else None,
        "can_work": permissions.can_work_ledger(user),
        "arrival_tasks": _arrival_tasks(user),
    })


def _arrival_tasks(user) -> list:
    """来人核查任务: the first open arrival tasks of the scope (the full list is their own page)."""
    return selectors.page_of_tasks(user, limit=ARRIVAL_TASKS_SHOWN) if permissions.can_view_ledger(user) else []


def _household_initial(user, household_id) -> dict:
    household = Household.objects.filter(in_scope(user), pk=household_id).first() if household_id else None
    if household is None:
        return {}
    return {"household": household.pk, "address": household.address, "region": household.region_id}


@login_required
def register(request):
    """登记人员: person, category and travel details in one form."""
    user = request.user
    require_worker(user)
    cadres = list(selectors.responsible_choices(user))
    initial = {"registered_on": timezone.localdate(),
               "responsible": str(user.pk) if any(c.pk == user.pk for c in cadres) else "",
               "region": user.region_id,
               "category": request.GET.get("category") if request.GET.get("category") in Category.values
               else Category.RETURNEE,
               **_household_initial(user, int_param(request, "household"))}
    form = RegisterForm(request.POST or None, scope=user.region_id, responsible_choices=cadres, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            kp, created = services.register_key_person(
                user, **form.person(), category=form.cleaned_data["category"],
                registered_on=form.cleaned_data["registered_on"], **form.details())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if kp is None:  # held for review: the one answer, whatever the reason (people.reviews)
                messages.info(request, reviews.SUBMITTED)
                return redirect("people:reviews")
            text = _("已登记 %(name)s") if created else _("%(name)s 已在台账中，已更新登记信息")
            messages.success(request, text % {"name": kp.person.name})
            return redirect("screening:key_person", pk=kp.pk)
    return render(request, "screening/register.html", {"form": form})


@login_required
def record_check(request, pk: int):
    """记录检查: temperature on the numeric keypad, symptoms and method by tapping."""
    user = request.user
    require_worker(user)
    kp = selectors.key_person_for(user, pk)
    back_to_today = request.GET.get("from") == "today"
    day = day_param(request)
    form = CheckForm(request.POST or None, initial={"checked_on": day})
    if request.method == "POST" and form.is_valid():
        try:
            check, created = services.record_daily_check(user, kp, **form.values())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            values = {"name": kp.person.name, "temperature": check.temperature}
            if is_fever(check.temperature):
                messages.error(request, _("%(name)s 体温 %(temperature)s°C，发热！请按规定上报并转运发热门诊") % values)
            else:
                messages.success(request, _("已记录 %(name)s 体温 %(temperature)s°C") % values)
            if back_to_today:
                today_url = reverse("screening:today")
                return redirect(today_url if check.checked_on == timezone.localdate()
                                else f"{today_url}?day={check.checked_on}")
            return redirect("screening:key_person", pk=kp.pk)
    return render(request, "screening/record_check.html", {
        "kp": kp, "form": form, "back_to_today": back_to_today, "recent": selectors.checks_of(kp, limit=3),
        "past_day": day if day != timezone.localdate() else None,
        "open": kp.status == Status.UNDER_MANAGEMENT})


@login_required
@require_http_methods(["GET", "POST"])
def key_persons(request):
    """重点人员: the ledger by category, status and region, newest first, a keyset page at a time. The filters
    post: an ID number typed into the search box never stands in the address (core.searches)."""
    if request.method == "POST":
        return redirect_to_list(request)
    user = request.user
    search = typed(request)
    filters = {"category": request.GET.get("category", ""), "status": request.GET.get("status", ""),
               "region_code": request.GET.get("region", ""), "q": search.text,
               "registered_on": query_day(request, "registered"), "under_on": query_day(request, "under")}
    items = [] if search.error else selectors.key_person_page(user, **filters, before=int_param(request, "before"))
    return render(request, "screening/key_person_list.html", {
        "items": items, **filters, "search": search, "categories": Category.choices, "statuses": Status.choices,
        "region_select": region_picker.select("region", filters["region_code"], user.region_id, blank=_("全部"),
                                              levels=ABOVE_GRID),
        "next_before": items[-1].pk if len(items) == selectors.PAGE_SIZE else None,
        "can_work": permissions.can_work_ledger(user), "fever": fever_threshold(),
    }, status=400 if search.error else 200)


@login_required
def key_person(request, pk: int):
    user = request.user
    kp = selectors.key_person_for(user, pk)
    can_work = permissions.can_work_ledger(user)
    return render(request, "screening/key_person_detail.html", {
        "kp": kp, "events": selectors.timeline_of(kp), "checks": selectors.checks_of(kp),
        "fever": fever_threshold(), "can_work": can_work,
        "status_form": StatusForm(initial={"ended_on": timezone.localdate()})
        if can_work and kp.status == Status.UNDER_MANAGEMENT else None,
    })


@login_required
def key_person_edit(request, pk: int):
    user = request.user
    require_worker(user)
    kp = selectors.key_person_for(user, pk)
    initial = {"region": kp.region_id, "registered_on": kp.registered_on, "origin": kp.origin,
               "departure_date": kp.departure_date, "arrival_date": kp.arrival_date,
               "transport_mode": kp.transport_mode, "transport_number": kp.transport_number,
               "responsible": str(kp.responsible_id or ""), "note": kp.note, **split_symptoms(kp.symptoms)}
    cadres = list(selectors.responsible_choices(user))
    if kp.responsible is not None and all(c.pk != kp.responsible_id for c in cadres):
        cadres.append(kp.responsible)  # keep a cadre from outside the editor's scope selectable as is
    form = KeyPersonEditForm(request.POST or None, initial=initial, scope=user.region_id,
                             responsible_choices=cadres)
    if request.method == "POST" and form.is_valid():
        changes = form.details()
        if str(changes["responsible"] or "") == str(kp.responsible_id or ""):
            del changes["responsible"]  # unchanged: not re-checked against the editor's scope
        try:
            services.update_key_person(user, kp, region_code=form.cleaned_data["region"],
                                       registered_on=form.cleaned_data["registered_on"], **changes)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("screening:key_person", pk=kp.pk)
    return render(request, "screening/key_person_edit.html", {"kp": kp, "form": form})


@login_required
@require_POST
def key_person_status(request, pk: int):
    user = request.user
    require_worker(user)
    kp = selectors.key_person_for(user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("screening:key_person", pk=kp.pk)
    try:
        kp = services.change_key_person_status(user, kp, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已结束管理：%(status)s") % {"status": kp.get_status_display()})
    return redirect("screening:key_person", pk=kp.pk)
