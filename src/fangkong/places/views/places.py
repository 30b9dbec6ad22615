"""Pages of key places: registry, detail with closures and hygiene logs, compliance, place codes."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core import paging
from fangkong.core.forms import apply_service_error, query_day

from .. import permissions, qr
from ..forms import ClosureForm, HygieneCorrectionForm, HygieneForm, PlaceForm
from ..models import PlaceKind
from ..selectors import check_ins as check_in_selectors
from ..selectors import places as selectors
from ..services import places as services


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _closed_param(value: str):
    return {"1": True, "0": False}.get(value)


@login_required
@require_GET
def places(request):
    user = request.user
    g = request.GET
    closed_on = query_day(request, "closed_on")  # closed at the end of that day: the figure 关停场所 of a day
    filters = {"region": g.get("region", ""), "kind": g.get("kind", ""), "closed": g.get("closed", ""),
               "q": g.get("q", ""), "closed_on": closed_on.isoformat() if closed_on else ""}
    found = selectors.places_for(user, region=filters["region"], kind=filters["kind"],
                                 closed=_closed_param(filters["closed"]), q=filters["q"], closed_on=closed_on,
                                 after=g.get("after"))
    size = paging.page_limit(None)
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "places/place_list.html", {
        "places": found, "filters": filters, "kinds": PlaceKind.choices,
        "regions": selectors.township_choices(user), "can_manage": permissions.can_manage(user),
        "next_after": found[-1].pk if len(found) == size else None, "query": query,
    })


def _place_form(user, data=None, initial=None) -> PlaceForm:
    return PlaceForm(data, scope=user.region_id,
                     initial=initial or {"region_code": user.region_id})


@login_required
def place_new(request):
    user = request.user
    _require(permissions.can_manage(user))
    form = _place_form(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = services.create_place(user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记重点场所 %(name)s") % {"name": place.name})
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/place_form.html", {"form": form, "place": None},
                  status=400 if form.is_bound else 200)


@login_required
def place_edit(request, pk: int):
    user = request.user
    _require(permissions.can_manage(user))
    place = selectors.place_for(user, pk)
    initial = {"name": place.name, "kind": place.kind, "region_code": place.region_id, "address": place.address,
               "operator": place.operator, "operator_phone": place.operator_phone}
    form = _place_form(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_place(user, place, **form.cleaned_data)
        except (ValidationError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("places:detail", pk=place.pk)
    return render(request, "places/place_form.html", {"form": form, "place": place},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def place_detail(request, pk: int):
    user = request.user
    place = selectors.place_for(user, pk)
    return render(request, "places/place_detail.html", {
        "place": place, "closures": selectors.closures_of(place), "logs": selectors.hygiene_logs_of(place),
        "check_ins": check_in_selectors.recent_check_ins(place=place),
        "can_manage": permissions.can_manage(user), "can_log": permissions.can_log_hygiene(user),
        "can_match": account_permissions.can_trace(user),
        "closure_form": ClosureForm(), "hygiene_form": HygieneForm(),
        "correctable_from": timezone.localdate() - datetime.timedelta(days=services.CORRECTION_DAYS),
    })


@login_required
@require_POST
def place_close(request, pk: int):
    user = request.user
    _require(permissions.can_manage(user))
    place = selectors.place_for(user, pk)
    try:
        services.close_place(user, place, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已关闭 %(name)s") % {"name": place.name})
    return redirect("places:detail", pk=place.pk)


@login_required
@require_POST
def place_reopen(request, pk: int):
    user = request.user
    _require(permissions.can_manage(user))
    place = selectors.place_for(user, pk)
    try:
        services.reopen_place(user, place)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(name)s 已恢复开放") % {"name": place.name})
    return redirect("places:detail", pk=place.pk)


@login_required
@require_POST
def place_hygiene(request, pk: int):
    user = request.user
    _require(permissions.can_log_hygiene(user))
    place = selectors.place_for(user, pk)
    form = HygieneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("日期格式错误"))
    else:
        try:
            services.log_hygiene(user, place, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已记录 %(name)s 的卫生情况") % {"name": place.name})
    target = request.POST.get("next", "")
    if target == "compliance":
        return redirect("places:hygiene_compliance")
    return redirect("places:detail", pk=place.pk)


@login_required
def hygiene_correct(request, pk: int, day: str):
    """更正卫生记录: the log of a day of the last week, with a reason."""
    user = request.user
    _require(permissions.can_log_hygiene(user))
    log = selectors.hygiene_log_of(selectors.place_for(user, pk), day)
    initial = {"cleaned": log.cleaned, "disinfected": log.disinfected, "patrolled": log.patrolled, "note": log.note}
    form = HygieneCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_hygiene(user, log, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已更正 %(day)s 的卫生记录") % {"day": log.day.isoformat()})
            return redirect("places:detail", pk=pk)
    return render(request, "places/hygiene_correct.html", {"form": form, "log": log, "place": log.place},
                  status=400 if form.is_bound else 200)


@login_required
@require_GET
def hygiene_compliance(request):
    """Open places missing today's hygiene log: per township, and the list (a keyset page)."""
    user = request.user
    region = request.GET.get("region", "")
    day = min(query_day(request, "date", timezone.localdate()), timezone.localdate())  # the dashboard's day
    found = selectors.hygiene_compliance(user, day=day, region=region, after=request.GET.get("after"))
    return render(request, "places/place_compliance.html", {
        "c": found, "region": region, "regions": selectors.township_choices(user),
        "can_log": permissions.can_log_hygiene(user), "hygiene_form": HygieneForm(),
    })


# Place codes -------------------------------------------------------------------------------------------

def _code_response(request, code, title: str, subtitle: str, back: str, reissue: str):
    url = qr.check_in_url(request, code.token)
    fmt = request.GET.get("format", "")
    filename = f"place-code-{code.token[:8]}"
    if fmt == "png":
        response = HttpResponse(qr.labelled_png(url, title, subtitle), content_type="image/png")
        response["Content-Disposition"] = (f'attachment; filename="{filename}.png"; '
                                           f"filename*=UTF-8''{quote(title + '.png')}")
        return response
    if fmt == "svg":
        response = HttpResponse(qr.labelled_svg(url, title, subtitle), content_type="image/svg+xml")
        response["Content-Disposition"] = f'attachment; filename="{filename}.svg"'
        return response
    return render(request, "places/code_print.html", {
        "title": title, "subtitle": subtitle, "svg": qr.code_svg(url), "url": url, "back": back,
        "reissue": reissue,
    })


@login_required
def place_code(request, pk: int):
    """场所码: the printable page (name above the code), `?format=png|svg` to download; POST reissues."""
    user = request.user
    place = selectors.place_for(user, pk)
    if request.method == "POST":
        services.reissue_code(user, place=place)
        messages.success(request, _("已重新生成场所码，旧码已作废"))
        return redirect("places:code", pk=place.pk)
    code = services.code_for(user, place=place)
    return _code_response(request, code, place.name, place.address, reverse("places:detail", args=[pk]),
                          reverse("places:code", args=[pk]))


def _checkpoint_page(pk: int) -> str:
    try:
        return reverse("checkpoints:detail", args=[pk])
    except NoReverseMatch:  # the checkpoint pages are another part of the app
        return reverse("places:list")


@login_required
def checkpoint_code(request, pk: int):
    user = request.user
    checkpoint = selectors.checkpoint_for(user, pk)
    if request.method == "POST":
        services.reissue_code(user, checkpoint=checkpoint)
        messages.success(request, _("已重新生成场所码，旧码已作废"))
        return redirect("places:checkpoint_code", pk=checkpoint.pk)
    code = services.code_for(user, checkpoint=checkpoint)
    return _code_response(request, code, checkpoint.name, checkpoint.location,
                          _checkpoint_page(pk), reverse("places:checkpoint_code", args=[pk]))
