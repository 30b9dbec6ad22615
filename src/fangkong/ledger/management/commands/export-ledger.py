"""`fangkong export-ledger --region CODE --date D --out FILE`: the standard ledger as .xlsx.

ID numbers and phones are masked unless --reveal is given by a user allowed to see them.
Every export is audited.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user, day_option
from fangkong.ledger import services


class Command(BaseCommand):
    help = "Export the key-person ledger of a region subtree on a date (.xlsx, one sheet per category)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code")
        parser.add_argument("--date", default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--reveal", action="store_true", help="full ID numbers and phones (if allowed)")
        parser.add_argument("--user", default="", help="export as this user (scope, reveal right, name in file)")

    def handle(self, *args, **opts):
        day = day_option(opts["date"])
        actor = acting_user(opts["user"])
        try:
            with audit.source("cli"):
                content, _name, rows = services.export_ledger(actor, region_code=opts["region"], day=day,
                                                              reveal=opts["reveal"])
        except Http404:
            raise CommandError(f"region {opts['region']} does not exist or is outside the user's scope") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        Path(opts["out"]).write_bytes(content)
        self.stdout.write(f"wrote {rows} rows to {opts['out']}")
