"""`fangkong worker`: runs the periodic jobs and any background task, without cron (core.scheduler).

Every `--interval` seconds it enqueues the jobs whose period has come (once per period, whatever the number of
workers) and runs every task that is ready. Run one per machine, or several: each job still runs once.
SIGTERM or SIGINT stops it after the task it is running. While the database is away it logs a warning and
tries again at the next interval.
"""

import logging
import signal
import sys
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from fangkong.core import periodic, scheduler

logger = logging.getLogger("fangkong.periodic")


class Command(BaseCommand):
    help = "Run the periodic jobs (reconciliation, overdue lists, late reports, nightly checks) and background tasks."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0,
                            help="seconds between two looks for due jobs and ready tasks (default 10)")
        parser.add_argument("--once", action="store_true",
                            help="enqueue what is due, run every ready task, then exit")
        parser.add_argument("--worker-id", default="", help="this worker's name on the tasks it runs "
                                                            "(default: host:pid)")
        parser.add_argument("--status", action="store_true",
                            help="list the jobs, their schedule and latest run, then exit")

    def handle(self, *args, **opts):
        if opts["status"]:
            return self.status()
        self.configure_logging(opts["verbosity"])
        self.running = True
        if not opts["once"]:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            logger.info("worker %s: %s job(s), every %ss", opts["worker_id"] or scheduler.worker_name(),
                        len(periodic.jobs()), opts["interval"])
        while self.running:
            close_old_connections()
            try:
                scheduler.tick()
                scheduler.run_ready(opts["worker_id"] or None)
            except DatabaseError as exc:
                if opts["once"]:
                    raise
                logger.warning("database unavailable, trying again in %ss: %s", opts["interval"],
                               str(exc).strip().partition("\n")[0])
            if opts["once"]:
                return
            self.sleep(opts["interval"])
        logger.info("worker stopped")

    def stop(self, signum, frame):
        logger.info("%s: stopping after the current task", signal.Signals(signum).name)
        self.running = False

    def sleep(self, seconds: float) -> None:
        """Sleep in short steps, so a stop signal is acted on at once."""
        until = time.monotonic() + seconds
        while self.running and time.monotonic() < until:
            time.sleep(min(0.2, until - time.monotonic()))

    def configure_logging(self, verbosity: int) -> None:
        """The runs (info) at -v1 and more, warnings and errors always; to standard error (journald)."""
        level = logging.INFO if verbosity >= 1 else logging.WARNING
        for name in ("fangkong.periodic", "django_tasks", "django_tasks_db"):
            named = logging.getLogger(name)
            named.setLevel(level)
            if not named.handlers:
                handler = logging.StreamHandler(sys.stderr)
                handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
                named.addHandler(handler)
                named.propagate = False

    def status(self) -> None:
        runs = scheduler.latest_runs()
        now = timezone.now()
        for job in periodic.jobs():
            period, due_at = job.schedule.period(now)
            run = runs.get(job.key)
            line = f"{job.key:32} {job.schedule!s:18} current period {period}"
            if run is None:
                line += "  never run"
            else:
                line += f"  latest {run.period}: {run.state}, {run.attempts} attempt(s)"
                if run.finished_at:
                    line += f", finished {timezone.localtime(run.finished_at):%Y-%m-%d %H:%M:%S}"
                if run.error and run.state in ("retry", "failed"):
                    line += f"\n    {run.error.strip().splitlines()[-1]}"
            self.stdout.write(line)
