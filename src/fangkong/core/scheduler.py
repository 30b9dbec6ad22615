"""Runs the periodic jobs (core.periodic) on the Django tasks API: django-tasks with its database backend
(django_tasks_db). `fangkong worker` calls `tick()` every few seconds and runs the tasks that are ready.

A job runs once per period, with any number of workers on any number of machines:

1. **Enqueue.** `tick(now)` inserts a `PeriodicRun` (job, period) for each job whose current period has none
   and enqueues its task in the same transaction. The unique constraint on (job, period) lets exactly one
   insert win; a worker that loses the race gets an IntegrityError and enqueues nothing.
2. **Take.** Workers take tasks with SELECT … FOR UPDATE SKIP LOCKED (django_tasks_db), so a task goes to one
   worker; on SQLite the database's single write lock does the same.
3. **Claim.** `execute` moves the run from queued to running by a conditional UPDATE (state = queued): a second
   task of the same run, should there ever be one, finds it taken and does nothing.
4. **Retry.** A failed attempt leaves the run `retry`, with its error (the traceback is also on the task's
   result) and the time of its next attempt; `tick` queues it again then, again by a conditional UPDATE, so
   one worker does. After the job's `retries` the run is `failed` and logged as an error. A run still
   `running` past the job's timeout (its worker was killed mid-job) counts as a failed attempt and is
   retried the same way.

Every job is written to be run again safely (the reconciliation closes and opens tasks idempotently; the
others read), so the rare second run after a timeout that was too short does no harm.
"""

import datetime
import logging
import os
import socket
import traceback

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from . import periodic
from .models import PeriodicRun, RunState

logger = logging.getLogger("fangkong.periodic")
QUEUE = "periodic"


def worker_name() -> str:
    """This process, as the runs and the task results name it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


@task(queue_name=QUEUE)
def run_periodic(run_id: int) -> dict:
    """The task every periodic run is enqueued as."""
    return execute(run_id)


def tick(now: datetime.datetime | None = None) -> list[PeriodicRun]:
    """Enqueue the current period of every job that has no run for it yet, and queue again the runs whose
    retry time has come or whose worker died. The runs enqueued anew."""
    now = now or timezone.now()
    current = {}
    for job in periodic.jobs():
        period, due_at = job.schedule.period(now)
        current[(job.key, period)] = due_at
    known = set(PeriodicRun.objects.filter(job__in={j for j, _ in current}, period__in={p for _, p in current})
                .values_list("job", "period"))
    created = []
    for (job_key, period), due_at in current.items():
        if (job_key, period) in known:
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job_key, period=period, due_at=due_at)
                _enqueue(run)
        except IntegrityError:
            continue  # another worker inserted this period first: it runs there
        logger.info("queued %s for %s", job_key, period)
        created.append(run)
    _requeue(now)
    return created


def execute(run_id: int) -> dict:
    """One attempt of a run (the body of the task): claim it, run its job as of the period's due time, record
    the result, or the failure and what follows from it (retry or failed). A failure is raised again, so
    the task's result holds it too."""
    claimed = PeriodicRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), finished_at=None,
        next_attempt_at=None, worker=worker_name())
    if not claimed:
        return {"skipped": "the run is no longer queued"}
    run = PeriodicRun.objects.get(pk=run_id)
    job = periodic.job(run.job)
    if job is None:
        _attempt_failed(run, f"no periodic job is registered as {run.job!r}", timezone.now())
        return {"skipped": "no such job"}
    logger.info("running %s for %s (attempt %s)", run.job, run.period, run.attempts)
    try:
        result = job.run(run.due_at)
    except Exception:
        _attempt_failed(run, traceback.format_exc(), timezone.now())
        raise
    PeriodicRun.objects.filter(pk=run.pk, state=RunState.RUNNING, attempts=run.attempts).update(
        state=RunState.DONE, finished_at=timezone.now(), result=result, error="")
    logger.info("done %s for %s: %s", run.job, run.period, result)
    return result


def run_ready(worker_id: str | None = None) -> int:
    """Run every task that is ready now (periodic or any other), one after another, then return how many ran.
    Each is taken as django_tasks_db's own worker takes it: SELECT … FOR UPDATE SKIP LOCKED and marked
    running in one transaction, then run outside it, its result or traceback kept on the task."""
    worker_id = worker_id or worker_name()
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
    ran = 0
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(worker_id)
        if task_result is None:
            return ran
        worker.run_task(task_result)
        ran += 1


def _enqueue(run: PeriodicRun) -> None:
    result = run_periodic.enqueue(run.pk)
    run.task_id = str(result.id)
    PeriodicRun.objects.filter(pk=run.pk).update(task_id=run.task_id)


def _requeue(now: datetime.datetime) -> None:
    for run in PeriodicRun.objects.filter(state=RunState.RETRY, next_attempt_at__lte=now):
        with transaction.atomic():
            if PeriodicRun.objects.filter(pk=run.pk, state=RunState.RETRY, attempts=run.attempts).update(
                    state=RunState.QUEUED, next_attempt_at=None):
                _enqueue(run)
                logger.info("queued %s for %s again (attempt %s)", run.job, run.period, run.attempts + 1)
    for run in PeriodicRun.objects.filter(state=RunState.RUNNING):
        job = periodic.job(run.job)
        timeout = datetime.timedelta(minutes=job.timeout_minutes if job else 60)
        if run.started_at and run.started_at + timeout <= now:
            _attempt_failed(run, f"still running {timeout} after it started on {run.worker}: "
                                 "taken for dead (the worker stopped during the run)", now)


def _attempt_failed(run: PeriodicRun, error: str, now: datetime.datetime) -> None:
    """Record a failed attempt: `retry` at the job's next attempt time, or `failed` after its last."""
    job = periodic.job(run.job)
    final = job is None or run.attempts > job.retries
    mine = PeriodicRun.objects.filter(pk=run.pk, state=RunState.RUNNING, attempts=run.attempts)
    if final:
        if mine.update(state=RunState.FAILED, finished_at=now, error=error):
            logger.error("periodic job %s for %s failed after %s attempt(s):\n%s", run.job, run.period,
                         run.attempts, error)
        return
    retry_at = now + datetime.timedelta(minutes=job.retry_minutes)
    if mine.update(state=RunState.RETRY, finished_at=now, next_attempt_at=retry_at, error=error):
        logger.warning("periodic job %s for %s failed (attempt %s of %s), retried at %s:\n%s", run.job, run.period,
                       run.attempts, job.retries + 1, timezone.localtime(retry_at), error)


def latest_runs() -> dict[str, PeriodicRun]:
    """The latest run of each registered job (for `fangkong worker --status`)."""
    found = {}
    for job in periodic.jobs():
        run = PeriodicRun.objects.filter(job=job.key).order_by("-due_at").first()
        if run is not None:
            found[job.key] = run
    return found
