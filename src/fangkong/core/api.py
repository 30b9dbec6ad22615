"""Shared pieces of the JSON API: authentication and keyset paging."""

from ninja import Schema
from ninja.security import HttpBearer, SessionAuth

from fangkong.accounts import services as account_services


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


def idempotency_key(request, given: str = "") -> str:
    """The sender's idempotency key of a registration: the `Idempotency-Key` header, else the body's field."""
    return request.headers.get("Idempotency-Key", "") or given or ""


class ErrorOut(Schema):
    detail: str | list | dict
