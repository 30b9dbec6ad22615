"""来人核对 (不漏一人): the report of arrivals from risk areas on no ledger, and "run now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..selectors import reconciliation as selectors
from ..services import reconciliation as services


@login_required
@require_GET
def reconciliation(request):
    user = request.user
    report = selectors.report(user, township=request.GET.get("township", ""), after=request.GET.get("after"))
    return render(request, "tracing/reconciliation_report.html", {
        "report": report, "can_run": permissions.can_run_reconciliation(user), "township": request.GET.get("township", ""),
    })


@login_required
@require_POST
def run(request):
    user = request.user
    if not permissions.can_run_reconciliation(user):
        raise PermissionDenied
    try:
        summary = services.reconcile(user, hours=request.POST.get("hours") or None)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _(
            "核对完成：%(arrivals)s 名风险地区来人（%(hours)s 小时前抵达），%(unlisted)s 名未列入台账，"
            "新建排查任务 %(opened)s 个，已列入台账自动关闭 %(closed)s 个") % summary.as_dict())
    return redirect(reverse("tracing:reconciliation"))
