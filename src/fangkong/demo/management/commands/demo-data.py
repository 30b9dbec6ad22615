import time

from django.core.management.base import BaseCommand
from django.db import connection

from fangkong.audit import services as audit

from ... import county
from ...steps import STEPS


class Command(BaseCommand):
    help = "Build the demo county (regions, accounts, residents, …). Does nothing if it already exists."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=100_000)
        parser.add_argument("--villages-per-township", type=int, default=15)
        parser.add_argument("--grids-per-village", type=int, default=3)
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the demo accounts")

    def handle(self, *args, **options):
        if county.county_exists():
            self.stdout.write("demo county already present; nothing to do")
        else:
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
            for a in county.demo_accounts():
                self.stdout.write(f"  {a.username:<12} {a.role:<17} {a.region_code}  {a.display_name}")
