"""`fangkong brief --region CODE --date D --out FILE.docx`: the work brief (工作简报) of a region and day."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.briefing import services
from fangkong.core.cli import acting_user, day_option


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
        try:
            with audit.source("cli"):
                content, filename = services.generate_brief(user, region, day)
        except Http404:
            raise CommandError(_("区划不存在或不在管辖范围内：%(code)s") % {"code": region}) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("无权执行此操作")) from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        path = Path(opts["out"] or filename)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(str(path))
