"""Reads of checkpoints, duty shifts, five-haves inspections and risk areas, scoped to the user.

Out of scope is 404 (as if it did not exist); a role that may not see checkpoints is 403.

The passage queue reads a checkpoint on every request: `passage_checkpoint` gives the few fields
registration needs (id, name, region, status, opening day), kept in Django's cache (FANGKONG_CACHE)
for CACHE_SECONDS. Every save or delete of a checkpoint drops its entry at once (and again when that
transaction commits); with the default cache, kept in each worker process, other processes see a
change — a closing above all — within CACHE_SECONDS, after which a closed checkpoint is refused
everywhere (with a shared cache, at once).
"""

import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.core import region_codes as codes
from fangkong.core.paging import MAX_PAGE, PAGE_SIZE, id_or_404, page_after
from fangkong.core.region_codes import in_scope, within

from .. import permissions
from ..models import Checkpoint, CheckpointStatus, DutyShift, FiveHavesInspection

# duty shifts shown on a checkpoint: those ending in the last day and those starting in the next week
SHIFTS_BACK = datetime.timedelta(hours=24)
SHIFTS_AHEAD = datetime.timedelta(days=7)


def require_viewer(user) -> None:
    if not permissions.can_view(user):
        raise PermissionDenied


def checkpoints_for(user, *, status: str = "", kind: str = "", region: str = "",
                    open_on: datetime.date | None = None) -> QuerySet[Checkpoint]:
    """Checkpoints in the user's scope, by id, with the latest inspection joined. `open_on`: those running at the
    end of that day, as the roll-up's stock 运行卡点 counts them (set up by then, not taken down by then)."""
    require_viewer(user)
    qs = Checkpoint.objects.filter(in_scope(user)).select_related("region", "last_inspection")
    if open_on:
        qs = qs.filter(Q(status=CheckpointStatus.OPEN) | Q(closed_on__isnull=True) | Q(closed_on__gt=open_on),
                       opened_on__lte=open_on)
    elif status in CheckpointStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        if not region.isdigit() or not codes.covers(user, region):
            raise Http404
        qs = qs.filter(within(region))
    return qs.order_by("id")


def checkpoint_for(user, pk) -> Checkpoint:
    try:
        return checkpoints_for(user).get(pk=id_or_404(pk))
    except Checkpoint.DoesNotExist:
        raise Http404 from None


# The queue's lean, cached read ------------------------------------------------------------------------

CACHE_SECONDS = 5
LEAN_FIELDS = ("id", "name", "region_id", "status", "opened_on")


def _key(pk: int) -> str:
    return f"checkpoints.lean:{pk}"


def lean_checkpoint(pk: int) -> Checkpoint | None:
    """The checkpoint with LEAN_FIELDS only (others deferred), None when there is none; found ones cached
    for CACHE_SECONDS. A new instance each call: callers may not share one across threads."""
    values = cache.get(_key(pk))
    if values is None:
        values = Checkpoint.objects.filter(pk=pk).values_list(*LEAN_FIELDS).first()
        if values is None:
            return None
        cache.set(_key(pk), values, CACHE_SECONDS)
    return Checkpoint.from_db("default", LEAN_FIELDS, values)


def forget_checkpoint(pk: int) -> None:
    """Drop the cached checkpoint."""
    cache.delete(_key(pk))


def _checkpoint_written(sender, instance, **kwargs) -> None:
    forget_checkpoint(instance.pk)
    transaction.on_commit(lambda: forget_checkpoint(instance.pk))


post_save.connect(_checkpoint_written, sender=Checkpoint, dispatch_uid="checkpoints.lean_checkpoint.save")
post_delete.connect(_checkpoint_written, sender=Checkpoint, dispatch_uid="checkpoints.lean_checkpoint.delete")


def passage_checkpoint(user, pk) -> Checkpoint:
    """The checkpoint a passage is registered at (lean and cached, see the module's docstring), in scope."""
    require_viewer(user)
    found = lean_checkpoint(id_or_404(pk))
    if found is None or not codes.covers(user, found.region_id):
        raise Http404
    return found


def failing_checkpoints(user, *, region: str = "", after=None, limit=PAGE_SIZE) -> list[Checkpoint]:
    """Open checkpoints of the scope (or `region` in it) whose latest five-haves inspection failed any item
    (index on five_haves_ok, region)."""
    qs = checkpoints_for(user, status=CheckpointStatus.OPEN, region=region).filter(five_haves_ok=False)
    return page_after(qs, after, limit)


def uninspected_count(user) -> int:
    """Open checkpoints never inspected (a scope has dozens of checkpoints, not millions)."""
    return checkpoints_for(user, status=CheckpointStatus.OPEN).filter(five_haves_ok__isnull=True).count()


def shifts_of(checkpoint: Checkpoint, *, now=None) -> list[DutyShift]:
    """Shifts of the checkpoint around now: ended within a day, running, or starting within a week."""
    now = now or timezone.now()
    return list(DutyShift.objects.filter(checkpoint=checkpoint, starts_at__lt=now + SHIFTS_AHEAD,
                                         ends_at__gt=now - SHIFTS_BACK)
                .select_related("staff").order_by("starts_at", "id")[:MAX_PAGE])


def on_duty(shifts: list[DutyShift], now=None) -> list[DutyShift]:
    now = now or timezone.now()
    return [s for s in shifts if s.starts_at <= now < s.ends_at]


def shift_for(user, pk) -> DutyShift:
    require_viewer(user)
    found = (DutyShift.objects.filter(in_scope(user, "checkpoint__region"), pk=id_or_404(pk))
             .select_related("checkpoint", "staff").first())
    if found is None:
        raise Http404
    return found


def staff_candidates(user) -> list[User]:
    """Who may be put on duty: active checkpoint, township and village staff of the user's scope."""
    return list(User.objects.filter(in_scope(user), is_active=True,
                                    role__in=[Role.CHECKPOINT_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER])
                .select_related("region").order_by("region_id", "username")[:MAX_PAGE])


def inspections_of(checkpoint: Checkpoint, *, limit: int = 10) -> list[FiveHavesInspection]:
    return list(FiveHavesInspection.objects.filter(checkpoint=checkpoint).select_related("inspector")
                .order_by("-inspected_at", "-id")[:limit])


# Risk areas ------------------------------------------------------------------------------------------



