"""Attempts counted per minute in Django's cache: the one mechanism of every per-minute limit (the public
check-in per client address, the passage form's ID look-up per user).

Where the counts live is FANGKONG_CACHE (settings): in each process, in a table of the database or in
Redis; the latter two are shared by every worker process, so a limit holds however many there are.
"""

import time

from django.core.cache import cache


class RateLimited(Exception):
    """Over a limit: the message says which limit and what to do (the API answers 429 with it)."""


def allow(scope: str, who, per_minute: int, now: float | None = None) -> bool:
    """Count one attempt of `who` under `scope` in the current minute; False once over `per_minute`."""
    window = int((now if now is not None else time.time()) // 60)
    key = f"fangkong:{scope}:{who}:{window}"
    try:
        count = cache.incr(key)  # one cache operation for every attempt but the first of a minute
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    return count <= per_minute
