"""Shared pieces of the JSON API: the error body and the sender's idempotency key. Authentication is the
accounts app's (accounts.api_auth)."""

from ninja import Schema


def idempotency_key(request, given: str = "") -> str:
    """The sender's idempotency key of a registration: the `Idempotency-Key` header, else the body's field."""
    return request.headers.get("Idempotency-Key", "") or given or ""


class ErrorOut(Schema):
    detail: str | list | dict
