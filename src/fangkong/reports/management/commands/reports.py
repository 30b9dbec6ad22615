"""`fangkong reports export|status`: the daily report chain from the command line."""

import json

from django.core.management.base import BaseCommand

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user, day_option, service_errors, write_output
from fangkong.reports import selectors, services
from fangkong.reports.schemas import status_out


class Command(BaseCommand):
    help = ("Daily report chain: `reports export --region CODE --date D [--summary] [--out FILE] [--user NAME]` "
            "writes a submitted report (or with --summary the summary workbook, one sheet per level) as .xlsx; "
            "`reports status --region CODE --date D` prints who has submitted, who is late, as JSON.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="a submitted daily report, or the summary workbook, as .xlsx")
        status = sub.add_parser("status", help="the chain status of a day as JSON")
        for p in (export, status):
            p.add_argument("--region", required=True, help="region code")
            p.add_argument("--date", help="YYYY-MM-DD (default: today)")
            p.add_argument("--user", help="act as this user, inside their scope (default: the system)")
        export.add_argument("--summary", action="store_true", help="the summary workbook (one sheet per level)")
        export.add_argument("--out", help="file to write (default: the suggested name in the current folder)")

    def handle(self, *args, action, **opts):
        user = acting_user(opts["user"])
        day = day_option(opts["date"])
        region = opts["region"].strip()
        with service_errors(region):
            if action == "status":
                text = json.dumps(status_out(selectors.chain_status(user, region, day)), ensure_ascii=False,
                                  default=str)
                self.stdout.write(text)
                return
            with audit.source("cli"):
                if opts["summary"]:
                    content, filename = services.export_summary(user, region, day)
                else:
                    content, filename = services.export_report(user, region, day)
        self.stdout.write(str(write_output(content, filename, opts["out"])))
