"""Arrival tasks on a village worker's list: opened by a checkpoint passage or by the reconciliation,
closed by the worker with a note. Counters and audit go with every change."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.actors import user_of
from fangkong.core.region_codes import in_scope
from fangkong.core.validation import text

from ..models import ArrivalTask, TaskStatus
from ..rollup import task_contributions

_AUDIT_FIELDS = ["kind", "region", "person", "passage", "check_in", "key_person", "status", "note"]
MERGED_NOTE = "扫码登记已核对为该人员，与其已有任务合并"


def open_task(actor, *, kind: str, region_code: str, person, passage=None, check_in=None,
              key_person=None) -> tuple[ArrivalTask, bool]:
    """The open task of this kind for this person in this village, opened if there is none.

    Returns (task, created). Called by the passage service and the reconciliation (system actor
    allowed: `actor` may be SYSTEM); the caller checks its own permissions. `person` None: a task about
    the visitor of an unlinked `check_in`, always opened (the reconciliation keeps one per visitor).
    """
    with transaction.atomic():
        existing = None if person is None else (
            ArrivalTask.objects.select_for_update()
            .filter(kind=kind, region_id=region_code, person=person, status=TaskStatus.OPEN).first())
        if existing:
            return existing, False
        task = ArrivalTask.objects.create(kind=kind, region_id=region_code, person=person, passage=passage,
                                          check_in=check_in, key_person=key_person)
        counters.track_change(new=task_contributions(task))
        audit.record(actor, "arrival_task.open", task, region=region_code,
                     after=audit.snapshot(task, _AUDIT_FIELDS))
        return task, True


def close_task(actor, task: ArrivalTask, *, note: str) -> ArrivalTask:
    """The worker has dealt with the arrival: says what was done (a note is required)."""
    if not permissions.can_work_ledger(actor):
        raise PermissionDenied(_("您的角色不能处理核查任务"))
    note = text(note, "note", _("处理情况"), 300, required=True)
    with transaction.atomic():
        task = (ArrivalTask.objects.select_for_update()
                .filter(in_scope(actor, "region_id")).filter(pk=task.pk).first())
        if task is None:
            raise PermissionDenied(_("不存在或不在您的管辖范围内"))
        if task.status != TaskStatus.OPEN:
            raise ValidationError({"status": _("该任务已处理")})
        before = audit.snapshot(task, _AUDIT_FIELDS)
        old = task_contributions(task)
        task.status, task.closed_at, task.closed_by, task.note = TaskStatus.DONE, timezone.now(), actor, note
        task.save(update_fields=["status", "closed_at", "closed_by", "note"])
        counters.track_change(old=old, new=task_contributions(task))
        audit.record(actor, "arrival_task.close", task, region=task.region_id, before=before,
                     after=audit.snapshot(task, _AUDIT_FIELDS))
        return task


def close_as_listed(actor, task: ArrivalTask, *, key_person_id: int, note: str) -> None:
    """The reconciliation found the task's person on a ledger by now: the task closes itself (SYSTEM, or the
    user who ran it)."""
    before, old = audit.snapshot(task, _AUDIT_FIELDS), task_contributions(task)
    task.status, task.closed_at, task.closed_by, task.note = TaskStatus.DONE, timezone.now(), user_of(actor), note
    task.key_person_id = key_person_id
    task.save(update_fields=["status", "closed_at", "closed_by", "note", "key_person"])
    counters.track_change(old=old, new=task_contributions(task))
    audit.record(actor, "arrival_task.close", task, region=task.region_id, before=before,
                 after=audit.snapshot(task, _AUDIT_FIELDS))


def follow_check_in(actor, check_in) -> None:
    """A public check-in was confirmed as a person's (fangkong.tracing): the visitor's open tasks become the
    person's, or close when the person already has one of that kind in that village."""
    for task in ArrivalTask.objects.select_for_update().filter(check_in=check_in, person__isnull=True,
                                                              status=TaskStatus.OPEN):
        before, old = audit.snapshot(task, _AUDIT_FIELDS), task_contributions(task)
        duplicate = ArrivalTask.objects.filter(kind=task.kind, region_id=task.region_id, person_id=check_in.person_id,
                                               status=TaskStatus.OPEN).exists()
        task.person_id = check_in.person_id
        if duplicate:
            task.person_id = None
            task.status, task.closed_at, task.closed_by, task.note = (TaskStatus.DONE, timezone.now(), actor,
                                                                      MERGED_NOTE)
        task.save(update_fields=["person", "status", "closed_at", "closed_by", "note"])
        counters.track_change(old=old, new=task_contributions(task))
        audit.record(actor, "arrival_task.close" if duplicate else "arrival_task.update", task, region=task.region_id,
                     before=before, after=audit.snapshot(task, _AUDIT_FIELDS))
