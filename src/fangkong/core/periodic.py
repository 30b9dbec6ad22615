"""Periodic work (定时任务): a registry each app fills with its jobs (its `periodic.py`, imported by its
AppConfig.ready()), like the menu (core.navigation) and the home page's duties (core.today), so core knows no
feature app. `fangkong worker` runs them (core.scheduler); nothing is left to cron.

A job is a function of the moment it is due, `run(at) -> dict` (a JSON summary of what it did, kept with
the run), and a schedule that cuts time into periods, in local time (settings.TIME_ZONE):

* `Every(minutes=30)`: periods of that many minutes counted from local midnight, each due at its start
  (a length that divides a day: 5, 10, 15, 30, 60 …);
* `Daily(at=time(2, 30))`: one period a local day, due at that time.

A job runs once per period, however many workers run (core.scheduler says how). A period that passed while
no worker ran is not replayed: a worker that starts runs the current period of each job, once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Every:
    """Periods of `minutes` from local midnight; the key is the period's start ("2020-02-03T10:30")."""

    minutes: int

    def __post_init__(self):
        if self.minutes <= 0 or (24 * 60) % self.minutes:
            raise ValueError(f"Every(minutes={self.minutes}): the length must divide a day (5, 10, 15, 30, 60 …)")

    def period(self, now: datetime.datetime) -> tuple[str, datetime.datetime]:
        """The period `now` falls in: (its key, the moment it is due)."""
        local = timezone.localtime(now)
        minutes = (local.hour * 60 + local.minute) // self.minutes * self.minutes
        due = timezone.make_aware(datetime.datetime.combine(local.date(), datetime.time(minutes // 60, minutes % 60)))
        return f"{due:%Y-%m-%dT%H:%M}", due

    def __str__(self) -> str:
        return f"every {self.minutes} min"


@dataclass(frozen=True)
class Daily:
    """One period a local day, due at `at`; before that time of day `now` is still in yesterday's period.
    The key is the day ("2020-02-03")."""

    at: datetime.time

    def period(self, now: datetime.datetime) -> tuple[str, datetime.datetime]:
        local = timezone.localtime(now)
        day = local.date() if local.time() >= self.at else local.date() - DAY
        return day.isoformat(), timezone.make_aware(datetime.datetime.combine(day, self.at))

    def __str__(self) -> str:
        return f"daily at {self.at:%H:%M}"


@dataclass(frozen=True)
class Job:
    """A periodic job. `run(at)` does the work as of `at`, the moment its period was due (a late or retried run
    still works as of then), and returns a JSON summary; an exception fails the attempt.

    `retries`: further attempts after a failed one, each `retry_minutes` later; after the last the run stays
    failed (logged as an error, shown by `fangkong worker --status`). `timeout_minutes`: a run still marked
    running this long after it started is taken for dead (its worker was killed) and counts as a failed
    attempt; keep it above the longest run the job may take."""

    key: str
    label: str
    run: Callable[[datetime.datetime], dict]
    schedule: Every | Daily
    retries: int = 2
    retry_minutes: int = 5
    timeout_minutes: int = 60


_jobs: dict[str, Job] = {}


def register(*jobs: Job) -> None:
    """Add jobs (a job registered again under its key replaces the first)."""
    for job in jobs:
        _jobs[job.key] = job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.key)


def job(key: str) -> Job | None:
    return _jobs.get(key)
