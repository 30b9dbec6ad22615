"""The public check-in page (扫码登记), reached by scanning a place code: no account, CSRF-protected form,
rate-limited per client (services.check_ins). What it answers never depends on who the visitor is:
the same thank-you page for everyone, errors only about the visitor's own input, and a withdrawn or
unknown code gives the same bare 404 page.

And the staff page that links a check-in to a person after review (扫码登记核对, services.matching)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from fangkong.core.clients import client_ip
from fangkong.core.forms import apply_service_error

from ..forms import CheckInForm
from ..selectors.check_ins import active_code_by_token
from ..services import check_ins as services


def _not_found(request):
    return render(request, "places/check_in_gone.html", status=404)


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
            return render(request, "places/check_in_form.html", context, status=429)
        form.is_valid()
        try:
            services.check_in(code, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
            return render(request, "places/check_in_form.html", context, status=400)
        return render(request, "places/check_in_done.html",
                      {"where": code.name, "at": timezone.localtime()})
    return render(request, "places/check_in_form.html", context)


# Which person a check-in was: reviewed by tracing staff (services.matching) ------------------------



