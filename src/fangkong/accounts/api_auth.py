"""How the JSON API knows who is calling: a browser session (with CSRF) or a bearer token, and who may read
the API's own documentation."""

import functools

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from . import services as account_services


class SessionAuthCSRF(SessionAuth):
    """Browser session (with CSRF on unsafe methods), for pages that call the API."""

    def _get_key(self, request):
        # CSRF protects a logged-in browser session. Without one there is nothing to forge,
        # and ninja's check would answer 403 before the bearer token is even looked at:
        # scripts (no cookies, no CSRF token) could never write.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` for scripts; tokens come from `fangkong users token`."""

    def authenticate(self, request, token):
        user = account_services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


AUTH = [SessionAuthCSRF(csrf=True), TokenAuth()]


def docs_access(view):
    """/api/docs and /api/openapi.json for signed-in users only (a session or an API token): the list of
    endpoints and their parameters tells an outsider where to knock. FANGKONG_PUBLIC_API_DOCS opens them.
    A browser without a session is sent to the login page, a script without a token gets 401."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if settings.FANGKONG_PUBLIC_API_DOCS or request.user.is_authenticated or TokenAuth()(request):
            return view(request, *args, **kwargs)
        if "Authorization" in request.headers or not request.path.endswith("/docs"):
            return JsonResponse({"detail": _("请先登录或提供 API 令牌")}, status=401)
        return redirect_to_login(request.get_full_path())
    return wrapper
