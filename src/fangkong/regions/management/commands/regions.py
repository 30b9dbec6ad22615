import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM
from fangkong.core.spreadsheets import FileError
from fangkong.regions import services


class Command(BaseCommand):
    help = "Region code table: `regions import FILE.csv` (columns code,name; all-or-nothing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="load a code table (CSV with header code,name)")
        imp.add_argument("file")

    def handle(self, *args, action, file, **opts):
        path = Path(file)
        with audit.source("cli"):
            try:
                result = services.import_region_file(SYSTEM, path)
            except (OSError, FileError) as exc:  # missing, unreadable, beyond services.CODE_TABLE_LIMITS
                raise CommandError(f"{path}: {exc}") from None
            except ValidationError as exc:
                raise CommandError(f"{path}: {'; '.join(exc.messages)}") from None
        for e in result.errors:
            self.stderr.write(f"{path}:{e['line']}: {e['code']}: {e['reason']}")
        self.stdout.write(json.dumps({"created": result.created, "updated": result.updated,
                                      "errors": result.errors, "written": result.written}, ensure_ascii=False))
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing written", returncode=1)
