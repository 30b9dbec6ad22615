"""Reads of check-ins: the active code behind a public token, the latest check-ins of a place, and what
tracing staff review to link a check-in to a person (`check_in_for`, `match_candidates`).

The public check-in reads its code on every request, so `active_code_by_token` reads only what the
request needs (token → place or checkpoint, its region and name) with one indexed query by the
unique token, and keeps the answer in Django's cache (FANGKONG_CACHE) for CODE_CACHE_SECONDS (found
codes only: a code just issued works at once everywhere, and unknown tokens do not fill the cache).
Every save or delete of a place code, and every save of its place or checkpoint (name, region), drops
the code's entry at once (and again on commit); with the default cache, kept in each worker process,
another process may still accept a withdrawn code, or show an old name or region, for at most
CODE_CACHE_SECONDS after the change — a few check-ins recorded at the place the code named; nothing is
revealed either way. With a shared cache (database, Redis) every process sees the change at once.
"""

import re
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from fangkong.checkpoints.models import Checkpoint

from ..models import CheckIn, Place, PlaceCode

TOKEN_MAX = 32
TOKEN = re.compile(r"[A-Za-z0-9_-]+")  # models.new_token's alphabet: anything else is no code (nor a cache key)
CODE_CACHE_SECONDS = 5


class ActiveCode(NamedTuple):
    """What a check-in needs of an active code: exactly one of place_id / checkpoint_id is set."""
    token: str
    place_id: int | None
    checkpoint_id: int | None
    region_id: str
    name: str  # the place's or checkpoint's


def _key(token: str) -> str:
    return f"places.code:{token}"


def _read_code(token: str) -> ActiveCode | None:
    """One query by the unique token."""
    row = (PlaceCode.objects.filter(token=token, is_active=True)
           .values_list("place_id", "checkpoint_id", Coalesce("place__region_id", "checkpoint__region_id"),
                        Coalesce("place__name", "checkpoint__name")).first())
    return None if row is None else ActiveCode(token, *row)


def active_code_by_token(token: str) -> ActiveCode:
    """The active code with this token (cached, see the module's docstring); Http404 for an unknown or
    withdrawn one (the same answer for both: a withdrawn token tells nothing)."""
    token = str(token or "")
    if len(token) > TOKEN_MAX or not TOKEN.fullmatch(token):
        raise Http404
    code = cache.get(_key(token))
    if code is None:
        code = _read_code(token)
        if code is None:
            raise Http404
        cache.set(_key(token), code, CODE_CACHE_SECONDS)
    return code


def forget_codes(*tokens: str) -> None:
    """Drop the cached codes of these tokens."""
    cache.delete_many([_key(token) for token in tokens])


def _forget_on_commit(*tokens: str) -> None:
    """Now, and again when the writing transaction commits (a read meanwhile may have cached the old row)."""
    forget_codes(*tokens)
    transaction.on_commit(lambda: forget_codes(*tokens))


def _code_written(sender, instance, **kwargs) -> None:
    _forget_on_commit(instance.token)


def _target_written(sender, instance, **kwargs) -> None:
    target = {"place": instance} if sender is Place else {"checkpoint": instance}
    _forget_on_commit(*PlaceCode.objects.filter(**target).values_list("token", flat=True))


post_save.connect(_code_written, sender=PlaceCode, dispatch_uid="places.check_ins.code.save")
post_delete.connect(_code_written, sender=PlaceCode, dispatch_uid="places.check_ins.code.delete")
post_save.connect(_target_written, sender=Place, dispatch_uid="places.check_ins.place.save")
post_save.connect(_target_written, sender=Checkpoint, dispatch_uid="places.check_ins.checkpoint.save")


def recent_check_ins(*, place: Place | None = None, checkpoint: Checkpoint | None = None, limit: int = 20) -> list:
    """The latest check-ins of a place or checkpoint (index (place, time) / (checkpoint, time)); the caller
    has checked the place is in the user's scope."""
    qs = CheckIn.objects.filter(place=place) if place is not None else CheckIn.objects.filter(checkpoint=checkpoint)
    return list(qs.select_related("person").order_by("-checked_in_at")[:limit])


# Which person a check-in was: what tracing staff review (services.matching) ------------------------



