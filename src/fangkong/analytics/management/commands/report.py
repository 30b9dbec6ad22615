import json
from pathlib import Path

from django.core.management.base import BaseCommand

from fangkong.analytics import reports, selectors, services
from fangkong.audit import services as audit
from fangkong.core.cli import acting_user, day_option, service_errors, write_output


class Command(BaseCommand):
    help = ("Reports: `report daily --region CODE --date D --format json|xlsx [--out FILE] [--user NAME]` "
            "gives the daily roll-up table (每日一报) of a region and its children.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        daily = sub.add_parser("daily", help="the daily roll-up table of a region")
        daily.add_argument("--region", required=True, help="region code")
        daily.add_argument("--date", help="YYYY-MM-DD (default: today)")
        daily.add_argument("--format", choices=["json", "xlsx"], default="json")
        daily.add_argument("--out", help="file to write (json default: stdout; xlsx default: "
                                         "daily-report-CODE-DATE.xlsx in the current folder)")
        daily.add_argument("--user", help="act as this user, inside their scope (default: the system, every region)")

    def handle(self, *args, report, **opts):
        user = acting_user(opts["user"])
        day = day_option(opts["date"])
        region = opts["region"].strip()
        with service_errors(region):
            if opts["format"] == "json":
                self._json(user, region, day, opts["out"])
            else:
                self._xlsx(user, region, day, opts["out"])

    def _json(self, user, region: str, day, out: str | None) -> None:
        text = json.dumps(reports.as_json(selectors.daily_table(user, region, day)), ensure_ascii=False)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"written {out}")
        else:
            self.stdout.write(text)

    def _xlsx(self, user, region: str, day, out: str | None) -> None:
        with audit.source("cli"):
            content, filename = services.export_daily_table(user, region, day)
        self.stdout.write(str(write_output(content, filename, out)))
