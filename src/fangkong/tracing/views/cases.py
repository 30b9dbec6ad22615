"""Case pages (病例管理): the list (by classification, the late reports), one case with its history, lab tests
and proposals, and the forms that report, correct, reclassify and close a case. Numbers are masked; a reveal
is a POST done by the people app's `reveal_person` (its rule, its audit entry)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core import paging
from fangkong.core.forms import apply_service_error, moment_text
from fangkong.ledger.forms import region_choices
from fangkong.people import services as people_services

from .. import permissions
from ..forms import CaseEditForm, OutcomeForm, ReclassifyForm, ReportCaseForm
from ..models import Classification
from ..selectors import cases as selectors
from ..selectors import lab as lab_selectors
from ..services import cases as services

MOMENTS = ("diagnosed_at", "reported_at", "confirmed_at", "isolated_at", "admitted_at")
DAYS = ("onset_date", "first_visit_date")


def _list(request, revealed=None, status: int = 200):
    user = request.user
    classification = request.GET.get("classification", "")
    late = request.GET.get("late") == "1"
    after = request.GET.get("after")
    items = selectors.cases_for(user, classification=classification, late=late, after=after)
    return render(request, "tracing/cases/list.html", {
        "items": items, "classification": classification, "late": late, "after": after or "",
        "classifications": Classification.choices, "revealed": revealed,
        "can_report": permissions.can_report_case(user), "can_reveal": account_permissions.can_reveal(user),
        "next_after": items[-1].pk if len(items) == paging.PAGE_SIZE else None,
    }, status=status)


@login_required
@require_GET
def case_list(request):
    """病例管理: cases in scope, newest first; filters: classification, late reports (2-hour rule)."""
    return _list(request)


@login_required
@require_POST
def case_list_reveal(request):
    """The list again with one row's person in full (POST reveal=<case id>), on this response only."""
    case = selectors.case_for(request.user, request.POST.get("reveal"))
    revealed = {"case_id": case.pk, **people_services.reveal_person(request.user, case.person)}
    return _list(request, revealed)


def _detail(request, case, *, bound: dict | None = None, revealed=None, status: int = 200):
    user = request.user
    can_report = permissions.can_report_case(user)
    is_open = not case.outcome and case.classification != Classification.EXCLUDED
    forms = {}
    if can_report and is_open:
        forms = {"reclassify_form": ReclassifyForm(initial={"classification": case.classification,
                                                             "severity": case.severity}),
                 "outcome_form": OutcomeForm()}
    forms |= bound or {}
    return render(request, "tracing/cases/detail.html", {
        "case": case, "person": case.person, "changes": selectors.changes_of(case),
        "tests": selectors.lab_tests_of(case), "proposals": selectors.proposals_of(case) if can_report else [],
        "can_investigate": permissions.can_investigate(user), "can_report": can_report, "is_open": is_open,
        "can_reveal": account_permissions.can_reveal(user), "revealed": revealed, **forms,
    }, status=status)


@login_required
@require_GET
def case_detail(request, pk: int):
    return _detail(request, selectors.case_for(request.user, pk))


@login_required
@require_POST
def case_reveal(request, pk: int):
    case = selectors.case_for(request.user, pk)
    return _detail(request, case, revealed=people_services.reveal_person(request.user, case.person))


def _require_reporter(user) -> None:
    if not permissions.can_report_case(user):
        raise PermissionDenied


def _values(data: dict, names) -> dict:
    return {name: data.get(name) or None for name in names}


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request):
    """报告病例. ?person=<id> (and &lab_test=<id>, a positive result's proposal) names the person already."""
    user = request.user
    _require_reporter(user)
    source = request.POST if request.method == "POST" else request.GET
    person = None
    if str(source.get("person", "")).isdigit():
        person = selectors.person_for_report(user, source["person"])
    test = None
    if str(source.get("lab_test", "")).isdigit():
        test = lab_selectors.lab_test_for(user, source["lab_test"])
        person = person or test.person
    kwargs = {"regions": region_choices(user), "person": person}
    if request.method == "GET":
        initial = {"person": person.pk if person else None, "lab_test": test.pk if test else None,
                   "classification": Classification.CONFIRMED if test else Classification.SUSPECTED,
                   "diagnosed_at": moment_text(test.result_at) if test and test.result_at else ""}
        return render(request, "tracing/cases/report.html", {"form": ReportCaseForm(initial=initial, **kwargs),
                                                             "person": person, "test": test})
    form = ReportCaseForm(request.POST, **kwargs)
    if form.is_valid():
        d = form.cleaned_data
        fields = ({"person_id": person.pk} if person else
                  {"name": d["name"], "id_number": d["id_number"], "region_code": d["region_code"],
                   "phone": d["phone"], "address": d["address"]})
        try:
            case = services.report_case(
                user, **fields, classification=d["classification"], severity=d["severity"],
                found_by=d["found_by"], reporting_unit=d["reporting_unit"], note=d["note"],
                **_values(d, MOMENTS + DAYS))
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已报告病例 %(number)s") % {"number": case.number})
            return redirect("tracing:case", pk=case.pk)
    return render(request, "tracing/cases/report.html", {"form": form, "person": person, "test": test}, status=400)


def _act(request, pk: int, form_class, form_name: str, call, done: str):
    """One of the case's forms posted: the service call, or the case page again with the errors."""
    user = request.user
    _require_reporter(user)
    case = selectors.case_for(user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(user, case, form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, done % {"number": case.number})
            return redirect("tracing:case", pk=case.pk)
    return _detail(request, case, bound={form_name: form}, status=400)


@login_required
@require_POST
def case_reclassify(request, pk: int):
    return _act(request, pk, ReclassifyForm, "reclassify_form", lambda user, case, d: services.reclassify(
        user, case, classification=d["classification"], severity=d["severity"], reason=d["reason"],
        at=d["at"] or None), _("病例 %(number)s 已订正"))


@login_required
@require_POST
def case_outcome(request, pk: int):
    return _act(request, pk, OutcomeForm, "outcome_form", lambda user, case, d: services.record_outcome(
        user, case, outcome=d["outcome"], at=d["at"] or None, note=d["note"]), _("已记录病例 %(number)s 的转归"))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    """修改病例信息: the dates, how it was found, the reporting unit, the note."""
    user = request.user
    _require_reporter(user)
    case = selectors.case_for(user, pk)
    if request.method == "GET":
        initial = {name: moment_text(getattr(case, name)) for name in MOMENTS}
        initial |= {name: getattr(case, name).isoformat() if getattr(case, name) else "" for name in DAYS}
        initial |= {"found_by": case.found_by, "reporting_unit": case.reporting_unit, "note": case.note}
        return render(request, "tracing/cases/edit.html", {"case": case, "form": CaseEditForm(initial=initial)})
    form = CaseEditForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.update_case(user, case, found_by=d["found_by"], reporting_unit=d["reporting_unit"],
                                 note=d["note"], **{name: d[name] or None for name in MOMENTS + DAYS})
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已修改病例 %(number)s") % {"number": case.number})
            return redirect("tracing:case", pk=case.pk)
    return render(request, "tracing/cases/edit.html", {"case": case, "form": form}, status=400)
