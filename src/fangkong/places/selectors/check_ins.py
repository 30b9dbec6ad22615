"""Reads of check-ins: the active code behind a public token, the latest check-ins of a place, and what
tracing staff review to link a check-in to a person (`check_in_for`, `match_candidates`).

The public check-in reads its code on every request, so `active_code_by_token` reads only what the
request needs (token → place or checkpoint, its region and name) with one indexed query by the
unique token, and keeps the answer per process for CODE_CACHE_SECONDS (found codes only: a code
just issued works at once everywhere). Staleness, bounded: every save or delete of a place code
drops its entry in the writing process at once (and again on commit); every save of a place or a
checkpoint (name, region) drops all entries there. Another process may still accept a withdrawn
code, or show an old name or region, for at most CODE_CACHE_SECONDS after the change — a few
check-ins recorded at the place the code named; nothing is revealed either way.
"""

from typing import NamedTuple

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from fangkong.checkpoints.models import Checkpoint
from fangkong.core.process_cache import ProcessCache

from ..models import CheckIn, Place, PlaceCode

TOKEN_MAX = 32
CODE_CACHE_SECONDS = 5


class ActiveCode(NamedTuple):
    """What a check-in needs of an active code: exactly one of place_id / checkpoint_id is set."""
    token: str
    place_id: int | None
    checkpoint_id: int | None
    region_id: str
    name: str  # the place's or checkpoint's


_codes = ProcessCache()


_READ_CODE = """
    SELECT c.place_id, c.checkpoint_id, COALESCE(p.region_id, k.region_id), COALESCE(p.name, k.name)
    FROM checkpoints_placecode c
    LEFT JOIN checkpoints_place p ON p.id = c.place_id
    LEFT JOIN checkpoints_checkpoint k ON k.id = c.checkpoint_id
    WHERE c.token = %s AND c.is_active
"""


def _read_code(token: str) -> ActiveCode | None:
    """One query by the unique token (written out: the ORM took longer to build it than the database to
    answer, and an unknown token, never cached, must stay cheap)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ_CODE, [token])
        row = cursor.fetchone()
    return None if row is None else ActiveCode(token, *row)


def active_code_by_token(token: str) -> ActiveCode:
    """The active code with this token (cached, see the module's docstring); Http404 for an unknown or
    withdrawn one (the same answer for both: a withdrawn token tells nothing)."""
    token = str(token or "")
    if not token or len(token) > TOKEN_MAX:
        raise Http404
    code = _codes.fetch(token, CODE_CACHE_SECONDS, lambda: _read_code(token))
    if code is None:
        raise Http404
    return code


def forget_codes(token: str | None = None) -> None:
    """Drop the cached code of this token (all of them when token is None)."""
    if token is None:
        _codes.clear()
    else:
        _codes.forget(token)


def _code_written(sender, instance, **kwargs) -> None:
    token = instance.token
    forget_codes(token)
    transaction.on_commit(lambda: forget_codes(token))


def _target_written(sender, instance, **kwargs) -> None:
    forget_codes()
    transaction.on_commit(forget_codes)


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



