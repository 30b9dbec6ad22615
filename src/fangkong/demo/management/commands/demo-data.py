import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fangkong.accounts.models import Role
from fangkong.audit import services as audit

from ... import county
from ...clock import DAYS, SHORTEST, Clock
from ...steps import STEPS


class Command(BaseCommand):
    help = "Build the demo county (regions, accounts, residents, …). Does nothing if it already exists."
    stealth_options = ("clock",)  # a test builds on a Clock it keeps, to know the demo's days

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=100_000)
        parser.add_argument("--villages-per-township", type=int, default=15)
        parser.add_argument("--grids-per-village", type=int, default=3)
        parser.add_argument("--days", type=int, default=DAYS, help=f"the demo's days, ending today (default {DAYS})")
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, **options):
        clock = options["clock"] = options.get("clock") or Clock.ending_now(options["days"])
        if clock.length < SHORTEST:
            raise CommandError(f"--days: at least {SHORTEST}")
        if county.county_exists():
            self.stdout.write("demo county already present; nothing to do")
        else:
            self.stdout.write(f"demo days: {clock.first_day} to {clock.today} ({clock.length} days)")
            started = time.monotonic()
            with audit.source("cli"):
                for step in STEPS:
                    step(options, lambda msg: self.stdout.write(f"  {msg} ({time.monotonic() - started:.1f}s)"))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self.stdout.write(f"demo county built in {time.monotonic() - started:.1f}s")
        if not options["quiet_accounts"]:
            self.stdout.write(f"\nDemo accounts (password {county.DEMO_PASSWORD}):")
            for a in county.demo_accounts():  # where each works by name, as the pages show it
                self.stdout.write(f"  {a.username:<12} {str(Role(a.role).label):<12} {county.place_name(a.region_code)}"
                                  f"  {a.display_name}")
