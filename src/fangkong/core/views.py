import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET

from . import disk_full, today, unavailable
from .middleware import JsonErrorsUnderApiMiddleware


@login_required
def home(request):
    """The user's day: what is to be done today in their scope (each count links to its list), then the menu."""
    return render(request, "core/home.html", {"scope": request.user.region, "duties": today.duties_for(request.user)})


@require_GET
def healthz(request):
    """For load balancers and monitoring: one round trip to the database (SELECT 1); 503 with Retry-After when
    it does not answer, so a balancer takes this server out while its database is away."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return unavailable.response(request, exc)
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request):
    """/favicon.ico, which browsers and tools that read no <link rel="icon"> ask for: the site's icon (base.html
    names it for every page)."""
    return redirect(static("fangkong/favicon.svg"))


def bad_request(request, exception):
    """400: the reason the request cannot be answered (e.g. a day outside the accepted range), in words;
    JSON under /api/, like every error there."""
    message = str(exception) if exception is not None and str(exception) else _("请求无效")
    if request.path.startswith(JsonErrorsUnderApiMiddleware.PREFIX):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/bad_request.html", {"message": message}, status=400)


def server_error(request):
    """500, unless the error is the database being out of reach: then 503 with Retry-After (core.unavailable),
    which a client may retry; or a full disk: then 507, nothing saved (core.disk_full). Django calls this for any
    uncaught exception, in a view or a middleware."""
    exc = sys.exc_info()[1]
    if unavailable.is_database_down(exc):
        return unavailable.response(request, exc)
    if disk_full.is_disk_full(exc):
        return disk_full.response(request, exc)
    return defaults.server_error(request)
