"""来人核查任务: the arrivals a village worker goes to see, on the village ledger's work list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions
from fangkong.core.forms import query_day
from fangkong.core.paging import PAGE_SIZE

from .. import selectors
from ..forms import TaskCloseForm
from ..models import TaskKind, TaskStatus
from ..services import arrival_tasks as task_services


@login_required
@require_GET
def tasks(request):
    """来人核查任务: arrivals the checkpoints put on the villages' ledgers (and the reconciliation's
    unlisted arrivals), open first; each is closed with a note saying what was done."""
    user = request.user
    status = request.GET.get("status", TaskStatus.OPEN)
    kind, region = request.GET.get("kind", ""), request.GET.get("region", "")
    open_on = query_day(request, "open_on")  # open at the end of that day: the figures 待核实/待排查
    items = selectors.page_of_tasks(user, status=status, kind=kind, region_code=region, open_on=open_on,
                                    after=request.GET.get("after"))
    return render(request, "screening/arrival_task_list.html", {
        "items": items, "status": status, "kind": kind, "kinds": TaskKind.choices, "region": region,
        "open_on": open_on,
        "next_after": items[-1].pk if len(items) == PAGE_SIZE else None,
        "can_work": permissions.can_work_ledger(user), "form": TaskCloseForm(),
        "here": request.get_full_path(),
    })


@login_required
@require_POST
def task_close(request, pk: int):
    user = request.user
    if not permissions.can_work_ledger(user):
        raise PermissionDenied
    task = selectors.task_for(user, pk)
    form = TaskCloseForm(request.POST)
    target = reverse("screening:arrival_tasks")
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        target = nxt
    if not form.is_valid():
        messages.error(request, _("请填写处理情况"))
        return redirect(target)
    try:
        task_services.close_task(user, task, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已处理：%(name)s（%(note)s）") % {"name": task.subject.name,
                                                                  "note": form.cleaned_data["note"]})
    return redirect(target)


