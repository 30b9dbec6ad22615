"""Exposure search page (时空伴随排查) for headquarters and CDC staff, and its export as a contact list."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.core.exports import XLSX_TYPE

from . import permissions
from .forms_places import ExposureForm
from .selectors import exposure as selectors
from .services import check_ins as services


def _bounds(form: ExposureForm) -> tuple[datetime.datetime, datetime.datetime]:
    """The days of the form as [00:00 of start, 24:00 of end] local time; default from 00:00 14 days ago up to now
    (the export link passes the same days, so it lists what the page shows)."""
    tz = timezone.get_current_timezone()
    data = form.cleaned_data if form.is_valid() else {}
    end_day, start_day = data.get("end"), data.get("start")
    now = timezone.now()
    end = (datetime.datetime.combine(end_day, datetime.time.max, tzinfo=tz) if end_day else now)
    start_day = start_day or timezone.localdate(end) - datetime.timedelta(days=selectors.DEFAULT_DAYS)
    start = datetime.datetime.combine(start_day, datetime.time.min, tzinfo=tz)
    return start, end


def _search(request):
    """(form, candidates, exposure or None, error)"""
    user = request.user
    if not permissions.can_search_exposure(user):
        raise PermissionDenied
    form = ExposureForm(request.GET or None)
    if not form.is_bound:
        return form, [], None, ""
    if not form.is_valid():
        return form, [], None, _("请检查输入的日期")
    start, end = _bounds(form)
    if start > end:
        return form, [], None, _("开始日期不能晚于结束日期")
    person = None
    candidates = []
    if form.cleaned_data.get("person"):
        person = selectors.person_by_id(user, form.cleaned_data["person"])
    elif form.cleaned_data.get("number"):
        candidates = selectors.persons_matching(user, form.cleaned_data["number"])
        if len(candidates) == 1:
            person, candidates = candidates[0], []
    if person is None:
        return form, candidates, None, "" if candidates else _("未找到该人员，请核对身份证号或手机号")
    found = selectors.exposure_search(user, person, start=start, end=end)
    services.record_exposure_search(user, found)
    return form, [], found, ""


@login_required
@require_GET
def exposure(request):
    form, candidates, found, error = _search(request)
    return render(request, "checkpoints/exposure_search.html", {
        "form": form, "candidates": candidates, "found": found, "error": error,
        "full": selectors.shows_full_numbers(request.user), "query": request.GET.urlencode(),
    })


@login_required
@require_GET
def exposure_export(request):
    """The contacts as an .xlsx list for screening (exporter and time in the file; the export is audited)."""
    form, _candidates, found, error = _search(request)
    if found is None:
        return render(request, "checkpoints/exposure_search.html", {
            "form": form, "candidates": _candidates, "found": None, "error": error or _("请先选定人员"),
            "full": False, "query": ""}, status=400)
    data, rows = services.export_contacts(request.user, found)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="exposure-{found.person.pk}-{stamp}.xlsx"'
    return response
