"""Lab pages (实验室检测): the positive results waiting for a decision and the pending results with their age,
recording a sample and its result, deciding a proposal, importing a lab's result list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core import paging
from fangkong.core.forms import apply_service_error

from .. import permissions
from ..forms import DismissForm, LabImportForm, ResultForm, SampleForm
from ..models import LabResult
from ..selectors import lab as selectors
from ..services import lab as services


def _require_recorder(user) -> None:
    if not permissions.can_report_case(user):
        raise PermissionDenied


@login_required
@require_GET
def lab_list(request):
    """实验室检测: the proposals to decide, then the tests by result (pending by default, longest waiting first)."""
    user = request.user
    result = request.GET.get("result", LabResult.PENDING)
    items = selectors.lab_tests_for(user, result=result, after=request.GET.get("after"))
    can_record = permissions.can_report_case(user)
    return render(request, "tracing/lab/list.html", {
        "items": items, "result": result, "results": LabResult.choices, "can_record": can_record,
        "proposals": selectors.proposals_for(user) if can_record else [], "dismiss_form": DismissForm(),
        "next_after": items[-1].pk if len(items) == paging.PAGE_SIZE else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def lab_sample(request):
    """采样登记."""
    user = request.user
    _require_recorder(user)
    if request.method == "GET":
        return render(request, "tracing/lab/sample.html", {"form": SampleForm(initial={"person": request.GET.get(
            "person")})})
    form = SampleForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            test = services.record_sample(
                user, person_id=d["person"], id_number=d["id_number"], kind=d["kind"], specimen=d["specimen"],
                lab=d["lab"], sample_number=d["sample_number"], sampled_at=d["sampled_at"], result=d["result"],
                result_at=d["result_at"] or None)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 的样本") % {"name": test.person.name})
            return redirect("tracing:lab")
    return render(request, "tracing/lab/sample.html", {"form": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def lab_result(request, pk: int):
    """录入检测结果 of one sample."""
    user = request.user
    _require_recorder(user)
    test = selectors.lab_test_for(user, pk)
    if request.method == "GET":
        return render(request, "tracing/lab/result.html", {"test": test, "form": ResultForm()})
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            test = services.record_result(user, test, result=form.cleaned_data["result"],
                                          result_at=form.cleaned_data["result_at"] or None)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已录入 %(name)s 的检测结果：%(result)s") % {
                "name": test.person.name, "result": test.get_result_display()})
            return redirect("tracing:lab")
    return render(request, "tracing/lab/result.html", {"test": test, "form": form}, status=400)


def _back(request, test) -> str:
    """Back to the case page when the proposal was decided there, else to the lab list."""
    if request.POST.get("from") == "case" and test.case_id:
        return redirect("tracing:case", pk=test.case_id)
    return redirect("tracing:lab")


@login_required
@require_POST
def proposal_accept(request, pk: int):
    """采纳 (one click): the suspected case confirmed by the positive result."""
    user = request.user
    _require_recorder(user)
    test = selectors.lab_test_for(user, pk)
    try:
        case = services.accept_proposal(user, test)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _back(request, test)
    messages.success(request, _("病例 %(number)s 已订正为确诊病例") % {"number": case.number})
    return redirect("tracing:case", pk=case.pk)


@login_required
@require_POST
def proposal_dismiss(request, pk: int):
    user = request.user
    _require_recorder(user)
    test = selectors.lab_test_for(user, pk)
    form = DismissForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("请填写不采纳的理由")})
        services.dismiss_proposal(user, test, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已不采纳 %(name)s 的阳性结果建议") % {"name": test.person.name})
    return _back(request, test)


@login_required
@require_http_methods(["GET", "POST"])
def lab_import(request):
    """导入检测结果: a lab's result list (.xlsx …), all-or-nothing unless the valid rows are to be kept."""
    user = request.user
    _require_recorder(user)
    if request.method == "GET":
        return render(request, "tracing/lab/import.html", {"form": LabImportForm()})
    form = LabImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "tracing/lab/import.html", {"form": form}, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = services.import_lab_results(user, upload, filename=upload.name, lab=form.cleaned_data["lab"],
                                             keep_valid=form.cleaned_data["keep_valid"])
    except ValidationError as exc:
        apply_service_error(form, exc)
        return render(request, "tracing/lab/import.html", {"form": form}, status=400)
    return render(request, "tracing/lab/import.html", {"form": LabImportForm(initial={"lab": form.cleaned_data["lab"]}),
                                                       "result": result}, status=200 if result.written else 422)
