"""Exposure search page (时空伴随排查) for headquarters and doctors, the reveal of one row, and the contact list.

Whom the page may search and what it shows are decided by `selectors.exposure.subjects_for`: a person out of
the searcher's reach answers 404 like a person who does not exist. Numbers are masked; a reveal is a POST of
one person of the result, done by the people app's `reveal_person` (its rule, its audit entry).
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core import searches
from fangkong.core.exports import XLSX_TYPE
from fangkong.core.replica import heavy_read
from fangkong.people import services as people_services

from ..forms import ExposureForm
from ..selectors import exposure as selectors
from ..services import exposure as services

TEMPLATE = "tracing/exposure_search.html"


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


@dataclass
class Outcome:
    form: ExposureForm
    found: selectors.Exposure | None = None
    candidates: list = field(default_factory=list)
    error: str = ""
    status: int = 200

    def context(self, **extra) -> dict:
        query = ""
        if self.found:  # the subject by id, not by the number typed: links and forms carry no ID number or phone
            query = urlencode({"person": self.found.person.pk, "start": timezone.localtime(self.found.start).strftime("%Y-%m-%d"),
                               "end": timezone.localtime(self.found.end).strftime("%Y-%m-%d")})
        return {"form": self.form, "candidates": self.candidates, "found": self.found, "error": self.error,
                "query": query, "revealed": None, **extra}


def _search(request, data=None, *, subjects_only: bool = False) -> Outcome:
    """The search the query (or `data`) asks for; with `subjects_only`, only whom it would search (candidates)."""
    user = request.user
    if not account_permissions.can_trace(user):
        raise PermissionDenied
    if data is None and "number" in request.GET:  # an address carries the person's id, never a number
        return Outcome(ExposureForm(), error=str(searches.IN_ADDRESS), status=400)
    form = ExposureForm(data if data is not None else request.GET or None)
    if not form.is_bound:
        return Outcome(form)
    if not form.is_valid():
        return Outcome(form, error=_("请检查输入的日期"), status=400)
    start, end = _bounds(form)
    if start > end:
        return Outcome(form, error=_("开始日期不能晚于结束日期"), status=400)
    data = form.cleaned_data
    if not data.get("person") and not data.get("number"):
        return Outcome(form, error=_("请输入身份证号码或手机号"), status=400)
    subjects = selectors.subjects_for(user, person_id=data.get("person"), number=data.get("number", ""))
    if not subjects:
        return Outcome(form, error=_("未找到该人员，请核对身份证号码或手机号"), status=404)
    if len(subjects) > 1 or subjects_only:
        return Outcome(form, candidates=subjects)
    found = selectors.exposure_search(user, subjects[0], start=start, end=end)
    services.record_exposure_search(user, found)
    return Outcome(form, found=found)


@login_required
@require_http_methods(["GET", "POST"])
@heavy_read
def exposure(request):
    """The page's form posts the number typed, so an ID number or phone never stands in an address (the
    browser's history, the server's access log, a shared link): one person found is redirected to the search
    by person id, several are listed to choose from (their links carry the id too)."""
    if request.method == "POST":
        outcome = _search(request, request.POST, subjects_only=True)
        if len(outcome.candidates) == 1:
            return redirect(f"{request.path}?{_by_person(outcome)}")
    else:
        outcome = _search(request)
    return render(request, TEMPLATE, outcome.context(), status=outcome.status)


def _by_person(outcome: Outcome) -> str:
    data = outcome.form.cleaned_data
    query = {"person": outcome.candidates[0].pk}
    query.update({name: data[name].isoformat() for name in ("start", "end") if data.get(name)})
    return urlencode(query)


@never_cache
@login_required
@require_POST
def exposure_reveal(request):
    """The result again, with one person of it (the subject or a contact, `reveal`) in full, on this response
    only; the people app's reveal_person decides whether the user may and logs it as a reveal of that person."""
    outcome = _search(request)
    if outcome.found is None:
        raise Http404
    person = selectors.person_of_row(outcome.found, request.POST.get("reveal"))
    revealed = {"person_id": person.pk, **people_services.reveal_person(request.user, person)}
    return render(request, TEMPLATE, outcome.context(revealed=revealed))


@login_required
@require_GET
@heavy_read
def exposure_export(request):
    """The contacts as an .xlsx list for screening, numbers masked (services.exposure says why); exporter and
    time in the file; the export is audited."""
    outcome = _search(request)
    if outcome.found is None:
        return render(request, TEMPLATE, outcome.context(error=outcome.error or _("请先选定人员")),
                      status=outcome.status if outcome.status != 200 else 400)
    data, _rows = services.export_contacts(request.user, outcome.found)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="exposure-{outcome.found.person.pk}-{stamp}.xlsx"'
    return response
