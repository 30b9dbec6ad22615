"""Who is on the other end of a request: the one rule for the client address, used by every limit that
counts per client (the public check-in's rate, the login lockout).

The client address is REMOTE_ADDR. When REMOTE_ADDR is one of `FANGKONG_TRUSTED_PROXIES` (the addresses
of the reverse proxies in front of the site, default none), the last address of X-Forwarded-For that is
not itself a trusted proxy is taken instead. Never X-Forwarded-For otherwise: any client can send it.
"""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind a trusted reverse proxy the client it forwarded for ("" when unknown)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = set(settings.FANGKONG_TRUSTED_PROXIES)
    if remote in trusted:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if address not in trusted:
                return address
    return remote
