"""The public check-in page (扫码登记), reached by scanning a place code: no account, CSRF-protected form,
rate-limited per client (services.check_ins). What it answers never depends on who the visitor is:
the same thank-you page for everyone, errors only about the visitor's own input, and a withdrawn or
unknown code gives the same bare 404 page.

And the staff page that links a check-in to a person after review (扫码登记核对, services.matching)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from fangkong.core.clients import client_ip
from fangkong.core.forms import apply_service_error

from .forms_places import CheckInForm
from .selectors import check_ins as check_in_selectors
from .selectors.check_ins import active_code_by_token
from .services import check_ins as services
from .services import matching


def _not_found(request):
    return render(request, "checkpoints/check_in_gone.html", status=404)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def check_in(request, token: str):
    try:
        code = active_code_by_token(token)
    except Http404:
        return _not_found(request)
    form = CheckInForm(request.POST or None)
    context = {"form": form, "where": code.name}
    if request.method == "POST":
        if not services.allow_attempt(client_ip(request)):
            context["limited"] = _("提交过于频繁，请稍后再试")
            return render(request, "checkpoints/check_in_form.html", context, status=429)
        form.is_valid()
        try:
            services.check_in(code, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
            return render(request, "checkpoints/check_in_form.html", context, status=400)
        return render(request, "checkpoints/check_in_done.html",
                      {"where": code.name, "at": timezone.localtime()})
    return render(request, "checkpoints/check_in_form.html", context)


# Which person a check-in was: reviewed by tracing staff (services.matching) ------------------------

@login_required
@require_http_methods(["GET", "POST"])
def check_in_match(request, pk: int):
    """扫码登记核对: the check-in as typed, the persons it may be; POST person=… confirms one."""
    row = check_in_selectors.check_in_for(request.user, pk)
    if request.method == "POST":
        try:
            matching.match_check_in(request.user, row, request.POST.get("person"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已核对：该扫码登记计为此人的到访"))
        return redirect("checkpoints:check_in_match", pk=row.pk)
    candidates = [] if row.person_id else check_in_selectors.match_candidates(request.user, row)
    return render(request, "checkpoints/check_in_match.html", {"row": row, "candidates": candidates})


@login_required
@require_POST
def check_in_unmatch(request, pk: int):
    matching.unmatch_check_in(request.user, check_in_selectors.check_in_for(request.user, pk))
    messages.success(request, _("已撤销核对"))
    return redirect("checkpoints:check_in_match", pk=pk)
