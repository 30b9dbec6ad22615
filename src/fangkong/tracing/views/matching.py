"""扫码登记核对: tracing staff confirm which person a public check-in was."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fangkong.core.health import is_fever

from ..selectors import matching as selectors
from ..services import matching


@login_required
@require_http_methods(["GET", "POST"])
def check_in_match(request, pk: int):
    """扫码登记核对: the check-in as typed, the persons it may be; POST person=… confirms one."""
    row = selectors.check_in_for(request.user, pk)
    if request.method == "POST":
        try:
            matching.match_check_in(request.user, row, request.POST.get("person"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已核对：该扫码登记计为此人的到访"))
        return redirect("tracing:check_in_match", pk=row.pk)
    candidates = [] if row.person_id else selectors.match_candidates(request.user, row)
    return render(request, "tracing/check_in_match.html", {"row": row, "candidates": candidates,
                                                           "fever": is_fever(row.temperature)})


@login_required
@require_POST
def check_in_unmatch(request, pk: int):
    matching.unmatch_check_in(request.user, selectors.check_in_for(request.user, pk))
    messages.success(request, _("已撤销核对"))
    return redirect("tracing:check_in_match", pk=pk)


