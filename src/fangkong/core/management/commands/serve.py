"""`fangkong serve`: the production server, gunicorn in front of `fangkong.wsgi:application`.

Collects the static files into STATIC_ROOT (FANGKONG_VAR/static), which WhiteNoise serves from the app itself
(no CDN: government intranets have none), then replaces this process with a gunicorn master (same process id,
so systemd and signals reach gunicorn directly). The master imports no application code: its workers do, so
a graceful reload (SIGHUP: new workers start on the current code and settings, the old ones finish their
requests) picks up a new release. SIGTERM stops gracefully, SIGQUIT at once; SIGTTIN/SIGTTOU add or remove a
worker.

Workers are gthread processes (default: one per core, 4 threads each); every request is logged to the access
log by path only: a query string can hold an ID number or a phone (a person search) and never reaches the log.
"""

import importlib.util
import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# without the query string (%(U)s, not %(r)s); the client a trusted proxy names comes last
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s" fwd=%({x-forwarded-for}i)s'


def cores() -> int:
    """The cores this process may run on (a container's or cgroup's share where the OS says so)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Serve Fangkong in production: gunicorn workers, static files, access log, graceful reload on SIGHUP."

    def add_arguments(self, parser):
        parser.add_argument("--bind", action="append", default=None,
                            help="address to listen on, host:port or unix:PATH; repeat for several "
                                 "(default: FANGKONG_BIND or 127.0.0.1:8000)")
        parser.add_argument("--workers", type=positive, default=None,
                            help="worker processes (default: FANGKONG_WORKERS or the number of cores)")
        parser.add_argument("--threads", type=positive, default=None,
                            help="threads per worker (default: FANGKONG_THREADS or 4)")
        parser.add_argument("--timeout", type=positive, default=60,
                            help="seconds a silent worker is given before it is restarted (default 60)")
        parser.add_argument("--graceful-timeout", type=positive, default=30,
                            help="seconds workers get to finish their requests on reload or stop (default 30)")
        parser.add_argument("--access-log", default="-",
                            help="file of the access log, '-' for standard output (default), '' for none")
        parser.add_argument("--error-log", default="-", help="file of the server's own log ('-': standard error)")
        parser.add_argument("--pid", default="", help="write the master's process id to this file")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="skip collecting the static files (already done by this release)")

    def handle(self, *args, **opts):
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError("gunicorn is not installed in this environment (pip install -e .)")
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = gunicorn_argv(opts)
        self.stdout.write(f"fangkong serve: {' '.join(argv[3:])}")
        self.stdout.flush()
        sys.stderr.flush()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
        os.execv(sys.executable, argv)


def gunicorn_argv(opts: dict) -> list[str]:
    """The gunicorn command line for the options (environment defaults applied)."""
    binds = opts["bind"] or [b.strip() for b in os.environ.get("FANGKONG_BIND", "127.0.0.1:8000").split(",")
                             if b.strip()]
    workers = opts["workers"] or int(os.environ.get("FANGKONG_WORKERS") or cores())
    threads = opts["threads"] or int(os.environ.get("FANGKONG_THREADS") or 4)
    argv = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(workers),
            "--threads", str(threads), "--timeout", str(opts["timeout"]),
            "--graceful-timeout", str(opts["graceful_timeout"]), "--error-logfile", opts["error_log"] or "-",
            "--name", "fangkong", "--no-control-socket"]
    for bind in binds:
        argv += ["--bind", bind]
    if opts["access_log"]:
        argv += ["--access-logfile", opts["access_log"], "--access-logformat", ACCESS_LOG_FORMAT]
    if opts["pid"]:
        argv += ["--pid", opts["pid"]]
    if os.path.isdir("/dev/shm"):  # the workers' heartbeat files in memory, not on a slow or full disk
        argv += ["--worker-tmp-dir", "/dev/shm"]
    return [*argv, "fangkong.wsgi:application"]
