"""`fangkong brief --region CODE --date D --out FILE.docx`: the work brief (工作简报) of a region and day."""


from django.core.management.base import BaseCommand

from fangkong.audit import services as audit
from fangkong.briefing import services
from fangkong.core.cli import acting_user, day_option, service_errors, write_output


class Command(BaseCommand):
    help = ("Writes the work brief (工作简报) of a region and day as a Word document, from the data of that day: "
            "`brief --region CODE --date YYYY-MM-DD --out FILE.docx [--user NAME]`. The issue number is assigned "
            "on first use and kept for that day; the generation is audited.")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code (usually the county)")
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--out", help="file to write (default: the brief's name in the current folder)")
        parser.add_argument("--user", help="act as this headquarters user, inside their scope "
                                           "(default: the system, every region)")

    def handle(self, *args, **opts):
        user = acting_user(opts["user"])
        day = day_option(opts["date"])
        region = opts["region"].strip()
        with service_errors(region), audit.source("cli"):
            content, filename = services.generate_brief(user, region, day)
        self.stdout.write(str(write_output(content, filename, opts["out"])))
