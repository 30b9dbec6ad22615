"""The signed-in user of a request (with their region), read from the database at most once every
CACHE_SECONDS per worker process.

Every API call and page first finds its user: by bearer token (a query with two joins) or by session
(the user, then their region for the scope). Those reads were a third of a checkpoint registration
and most of an authenticated no-op. A user, token or region saved or deleted in this process clears
the cache at once (signals below); done in another worker process, it takes effect within
CACHE_SECONDS there: a deactivated or locked user (accounts.services.lock_user), a revoked token, a changed password (which ends sessions),
a new role or scope. Each call returns a new User instance, so requests never share one.
"""

from collections.abc import Callable

from django.db.models.signals import post_delete, post_save

from fangkong.core.process_cache import ProcessCache
from fangkong.regions.models import Region

from .models import ApiToken, User

CACHE_SECONDS = 10
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)
_REGION_FIELDS = tuple(f.attname for f in Region._meta.concrete_fields)
# key → (the user's column values, their region's)
_users = ProcessCache()


def user(key: tuple, load: Callable[[], User | None]) -> User | None:
    """The user cached under `key` (e.g. ("token", digest) or ("id", pk)), else `load()` (a User with
    its region, or None: not cached) read now and kept for CACHE_SECONDS."""
    values = _users.fetch(key, CACHE_SECONDS, lambda: _values(load()))
    if values is None:
        return None
    found = User.from_db("default", _USER_FIELDS, values[0])
    found.region = Region.from_db("default", _REGION_FIELDS, values[1])
    return found


def _values(found: User | None) -> tuple[tuple, tuple] | None:
    if found is None:
        return None
    return (tuple(getattr(found, name) for name in _USER_FIELDS),
            tuple(getattr(found.region, name) for name in _REGION_FIELDS))


def forget(**kwargs) -> None:
    """Clear the cache (a user, token or region changed in this process)."""
    _users.clear()


for _model in (User, ApiToken, Region):
    post_save.connect(forget, sender=_model, dispatch_uid=f"accounts.user_cache.{_model.__name__}.save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"accounts.user_cache.{_model.__name__}.delete")
