"""A periodic job for tests/core/test_faults.py, run by real `fangkong worker` processes: each call appends
"start PERIOD PID" to FAULT_DIR/calls; while FAULT_DIR/hang exists it then waits (to be killed mid-job), else it
appends "done PERIOD PID" and returns. Its timeout and retry wait are seconds, so a dead run is taken up at once.

    python -c "from tests.core import fault_jobs; fault_jobs.worker()"     (FAULT_DIR in the environment)
"""

import datetime
import os
import sys
import time
from pathlib import Path

KEY = "test.fault"


def run(at: datetime.datetime) -> dict:
    folder = Path(os.environ["FAULT_DIR"])
    period = at.isoformat()
    with (folder / "calls").open("a") as calls:
        calls.write(f"start {period} {os.getpid()}\n")
    while (folder / "hang").exists():
        time.sleep(0.1)
    with (folder / "calls").open("a") as calls:
        calls.write(f"done {period} {os.getpid()}\n")
    return {"pid": os.getpid()}


def install() -> None:
    """This job alone in the registry (the apps' jobs are not what is tested)."""
    from fangkong.core import periodic
    periodic._jobs.clear()
    periodic.register(periodic.Job(KEY, "fault", run, periodic.Every(minutes=60), retries=2, retry_minutes=0.02,
                                   timeout_minutes=0.05))


def worker() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    django.setup()
    install()
    from django.core.management import call_command
    call_command("worker", interval=0.3, verbosity=1)


if __name__ == "__main__":
    sys.exit(worker())
