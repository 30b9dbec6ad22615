"""Periodic work without cron: each app's jobs run from the registry, once per period whatever the number of
workers, a failed attempt is retried and then reported, a run whose worker died is run again. Driven with a
fixed clock (django.utils.timezone.now, which the scheduler and django-tasks' database backend both read)."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from fangkong.core import periodic, scheduler
from fangkong.core.models import PeriodicRun, RunState
from fangkong.core.periodic import Daily, Every, Job
from tests import factories
from tests.concurrency import at_once

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def local(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


class Clock:
    def __init__(self, monkeypatch, start: datetime.datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, text: str) -> datetime.datetime:
        self.now = local(text)
        return self.now

    def advance(self, **delta) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, local("2020-02-03T10:47"))


@pytest.fixture
def only(monkeypatch):
    """The registry holding just the given jobs, for one test."""
    def _only(*jobs: Job) -> None:
        monkeypatch.setattr(periodic, "_jobs", {job.key: job for job in jobs})
    return _only


def work(now: datetime.datetime, worker: str = "a") -> int:
    """What `fangkong worker` does at each interval: enqueue what is due, run what is ready."""
    scheduler.tick(now)
    return scheduler.run_ready(worker)


# --- schedules ---------------------------------------------------------------------------------------------

def test_a_period_of_minutes_starts_on_the_clock_and_is_due_at_its_start():
    assert Every(minutes=30).period(local("2020-02-03T10:47")) == ("2020-02-03T10:30", local("2020-02-03T10:30"))
    assert Every(minutes=30).period(local("2020-02-03T10:30")) == ("2020-02-03T10:30", local("2020-02-03T10:30"))
    assert Every(minutes=60).period(local("2020-02-03T00:59:59")) == ("2020-02-03T00:00", local("2020-02-03T00:00"))


def test_a_daily_period_is_due_at_its_time_and_before_it_the_day_before_is_current():
    nightly = Daily(at=datetime.time(2, 30))
    assert nightly.period(local("2020-02-04T01:00")) == ("2020-02-03", local("2020-02-03T02:30"))
    assert nightly.period(local("2020-02-04T02:30")) == ("2020-02-04", local("2020-02-04T02:30"))


def test_a_length_that_does_not_divide_a_day_is_refused():
    with pytest.raises(ValueError, match="divide a day"):
        Every(minutes=7)


def test_every_periodic_job_of_the_apps_is_registered_with_its_schedule():
    assert {job.key: str(job.schedule) for job in periodic.jobs()}.items() >= {
        "tracing.reconcile": "every 60 min",
        "quarantine.overdue_follow_ups": "every 30 min",
        "screening.overdue_visits": "every 60 min",
        "reports.late_lists": "every 30 min",
        "analytics.rollup_check": "daily at 02:30",
        "core.partitions": "daily at 01:15",
        "people.pair_recent": "daily at 01:45",
    }.items()


# --- once per period ---------------------------------------------------------------------------------------

def test_two_workers_at_the_same_moment_run_a_job_once_per_period(db, clock, only):
    calls = []
    only(Job("test.count", "count", lambda at: calls.append(at) or {"calls": len(calls)}, Every(minutes=30)))

    assert len(scheduler.tick(clock.now)) == 1  # worker a enqueues the period
    assert scheduler.tick(clock.now) == []  # worker b finds it enqueued
    assert scheduler.run_ready("a") + scheduler.run_ready("b") == 1
    assert work(clock.advance(minutes=5), "b") == 0  # same period, later

    assert calls == [local("2020-02-03T10:30")]  # run as of the period's due time
    run = PeriodicRun.objects.get()
    assert (run.period, run.state, run.attempts, run.result) == ("2020-02-03T10:30", RunState.DONE, 1, {"calls": 1})
    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"

    assert work(clock.set("2020-02-03T11:00"), "b") == 1  # the next period
    assert calls == [local("2020-02-03T10:30"), local("2020-02-03T11:00")]


def test_a_period_missed_while_no_worker_ran_is_not_replayed(db, clock, only):
    calls = []
    only(Job("test.count", "count", lambda at: calls.append(at) or {}, Every(minutes=30)))
    work(clock.now)
    work(clock.set("2020-02-03T14:10"))  # four periods later
    assert calls == [local("2020-02-03T10:30"), local("2020-02-03T14:00")]


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (SQLite's test database is one in-memory file)")
@pytest.mark.django_db(transaction=True)
def test_workers_in_parallel_threads_run_each_period_once(clock, only):
    """Four workers tick and take tasks at the same moment on their own connections: the unique (job, period) and
    SKIP LOCKED leave one run of each job."""
    calls, lock = [], threading.Lock()

    def slow(at):
        with lock:
            calls.append(at)
        threading.Event().wait(0.2)  # long enough for the others to look for work meanwhile
        return {}

    only(Job("test.slow", "slow", slow, Every(minutes=30)), Job("test.other", "other", slow, Every(minutes=60)))
    def worker(i):
        for _ in range(3):
            work(clock.now, f"w{i}")

    errors = [r for r in at_once(4, worker) if isinstance(r, Exception)]
    assert errors == []
    assert len(calls) == 2
    assert sorted(PeriodicRun.objects.values_list("job", "state", "attempts")) == [
        ("test.other", "done", 1), ("test.slow", "done", 1)]
    assert DBTaskResult.objects.count() == 2


# --- failures ----------------------------------------------------------------------------------------------

def test_a_failed_attempt_is_retried_after_the_jobs_wait(db, clock, only):
    attempts = []

    def flaky(at):
        attempts.append(timezone.now())
        if len(attempts) == 1:
            raise RuntimeError("the file share is not mounted")
        return {"ok": True}

    only(Job("test.flaky", "flaky", flaky, Every(minutes=60), retries=2, retry_minutes=5))
    work(clock.now)
    run = PeriodicRun.objects.get()
    assert run.state == RunState.RETRY and run.attempts == 1
    assert "RuntimeError: the file share is not mounted" in run.error
    assert run.next_attempt_at == clock.now + datetime.timedelta(minutes=5)
    failed_task = DBTaskResult.objects.get(id=run.task_id)
    assert failed_task.status == "FAILED" and "the file share is not mounted" in failed_task.traceback

    assert work(clock.advance(minutes=4)) == 0  # not yet
    assert work(clock.advance(minutes=1)) == 1
    run.refresh_from_db()
    assert (run.state, run.attempts, run.result, run.error) == (RunState.DONE, 2, {"ok": True}, "")
    assert len(attempts) == 2


def test_a_job_failing_every_attempt_is_reported_as_failed(db, clock, only, caplog):
    def broken(at):
        raise RuntimeError("no space left on device")

    only(Job("test.broken", "broken", broken, Every(minutes=60), retries=1, retry_minutes=5))
    work(clock.now)
    work(clock.advance(minutes=5))
    assert work(clock.advance(minutes=60)) == 1  # the next period is a new run; the failed one is not retried
    failed = PeriodicRun.objects.get(period="2020-02-03T10:00")
    assert (failed.state, failed.attempts) == (RunState.FAILED, 2)
    assert any(r.levelname == "ERROR" and "test.broken" in r.getMessage() and "no space left" in r.getMessage()
               for r in caplog.records)
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3

    out = _status()
    assert "test.broken" in out and "latest 2020-02-03T11:00: retry, 1 attempt(s)" in out
    assert "RuntimeError: no space left on device" in out


def test_a_run_whose_worker_died_mid_job_runs_again_once(db, clock, only):
    attempts = []

    def dies_first_time(at):
        attempts.append(timezone.now())
        if len(attempts) == 1:
            raise SystemExit(137)  # the process ends inside the job: nothing records the attempt's end
        return {"ok": True}

    only(Job("test.killed", "killed", dies_first_time, Every(minutes=60), timeout_minutes=30, retry_minutes=5))
    work(clock.set("2020-02-03T10:05"))
    assert PeriodicRun.objects.get().state == RunState.RUNNING
    assert work(clock.advance(minutes=29)) == 0  # may still be running
    work(clock.advance(minutes=1))  # timed out: a failed attempt, retried in 5 minutes
    run = PeriodicRun.objects.get()
    assert run.state == RunState.RETRY and "taken for dead" in run.error
    assert work(clock.advance(minutes=5)) == 1
    run.refresh_from_db()
    assert (run.state, run.attempts, len(attempts)) == (RunState.DONE, 2, 2)
    assert work(clock.advance(minutes=10)) == 0


def _status() -> str:
    from io import StringIO
    out = StringIO()
    call_command("worker", status=True, stdout=out)
    return out.getvalue()


# --- the apps' jobs ----------------------------------------------------------------------------------------

def test_the_nightly_check_reports_counters_that_differ_from_the_raw_rows(tree, clock, only):
    only(periodic.job("analytics.rollup_check"))
    work(clock.set("2020-02-04T02:30"))
    assert PeriodicRun.objects.get().result == {"day": "2020-02-03", "differences": 0}

    DailyCounter.objects.create(region_id=factories.VILLAGE_A1, day=datetime.date(2020, 2, 4), metric="checks_done",
                                value=3)
    work(clock.set("2020-02-05T03:00"))
    run = PeriodicRun.objects.get(period="2020-02-05")
    assert run.state == RunState.FAILED and run.attempts == 1  # not retried: the same rows differ the same way
    assert f"{factories.VILLAGE_A1} checks_done: counter 3, raw rows 0" in run.error
    assert "fangkong rollup rebuild --date 2020-02-04" in run.error


def test_the_late_list_names_the_regions_whose_report_is_not_in_after_the_deadline(tree, clock, only):
    only(periodic.job("reports.late_lists"))
    work(clock.set("2020-02-03T15:40"))  # before 16:00, the default deadline
    assert PeriodicRun.objects.get().result == {"day": "2020-02-03", "counties": {}}

    work(clock.set("2020-02-03T16:05"))  # the run of 16:00 works as of 16:00: the deadline has not passed
    assert PeriodicRun.objects.get(period="2020-02-03T16:00").result["counties"] == {}
    work(clock.set("2020-02-03T16:35"))
    late = PeriodicRun.objects.get(period="2020-02-03T16:30").result["counties"][factories.COUNTY]
    assert late["deadline"] == "16:00"
    assert set(late["overdue"]) == {factories.COUNTY, factories.TOWN_A, factories.TOWN_B, factories.VILLAGE_A1,
                                    factories.VILLAGE_A2, factories.VILLAGE_B1}


def test_the_reconciliation_runs_every_hour_as_the_system(tree, clock, only):
    only(periodic.job("tracing.reconcile"))
    work(clock.set("2020-02-03T10:05"))
    run = PeriodicRun.objects.get()
    assert run.state == RunState.DONE and run.result["opened"] == 0 and run.result["hours"] == 24
    entry = AuditEntry.objects.get(action="reconciliation.run")
    assert entry.actor is None and entry.region in ("", None)


def test_the_overdue_lists_count_per_county(tree, clock, only):
    only(periodic.job("quarantine.overdue_follow_ups"), periodic.job("screening.overdue_visits"))
    work(clock.now)
    results = dict(PeriodicRun.objects.values_list("job", "result"))
    assert results["quarantine.overdue_follow_ups"]["overdue"] == 0
    assert results["screening.overdue_visits"] == {"at": "2020-02-03T10:00:00+08:00", "hours": 24, "overdue": 0,
                                                   "counties": {}}
