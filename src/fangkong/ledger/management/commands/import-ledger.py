"""`fangkong import-ledger FILE --region CODE`: import a key-person ledger workbook (or CSV).

The last line on stdout is one JSON object: {"rows_read", "created", "updated", "duplicates",
"pending" (rows held for review by the staff above), "checks", "ignored_columns", "skipped_sheets",
"sheet_dates", "errors": [{"sheet", "row", "column", "value", "reason"}] (the first
of each column), "error_count", "error_columns": [{"column", "count"}], "stopped", "written"}. Exit status 0 when the
file was written, 1 when it was refused (any error without --keep-valid, or nothing to write).
"""

import datetime
import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.core.cli import acting_user
from fangkong.ledger import services
from fangkong.ledger.importing import ImportResult


class Command(BaseCommand):
    help = "Import a key-person ledger (.xlsx/.xls/.ods/.csv). All-or-nothing unless --keep-valid."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ledger file")
        parser.add_argument("--region", required=True, help="region code the ledger belongs to")
        parser.add_argument("--category", default="",
                            help="category for rows without a 类别 cell (returnee, fever, … or the Chinese label)")
        parser.add_argument("--keep-valid", action="store_true", help="write the valid rows, report the rest")
        parser.add_argument("--as-of", default="", metavar="YYYY-MM-DD",
                            help="the day the sheets describe (default: the date in each sheet's title rows, "
                                 "else today)")
        parser.add_argument("--user", default="",
                            help="import as this user (their scope applies); default: the system itself")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            result = self._import(path, opts)
        except (Http404, PermissionDenied, ValidationError, CommandError) as exc:
            value = opts["region"] if isinstance(exc, Http404) else ""
            result = ImportResult.refused("", _refusal(exc), value)
        for sheet in result.skipped_sheets:
            self.stderr.write(f"{sheet['sheet']}: {sheet['reason']}")
        if result.ignored_columns:
            self.stderr.write(_("未导入的列：%(columns)s") % {"columns": "、".join(result.ignored_columns)})
        for error in result.errors:
            self.stderr.write(f"{error['sheet']} 第{error['row']}行 {error['column']}: {error['reason']}")
        if result.error_count > len(result.errors):
            counts = "、".join(f"{c['column'] or '-'} {c['count']}" for c in result.error_columns())
            self.stderr.write(f"{result.error_count} errors, the first of each column above; per column: {counts}")
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.written:
            sys.exit(1)

    def _import(self, path: Path, opts) -> ImportResult:
        if not path.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": path})
        try:
            as_of = datetime.date.fromisoformat(opts["as_of"]) if opts["as_of"] else None
        except ValueError:
            raise CommandError(_("--as-of 应为日期，例如 2020-02-03：%(value)s") % {"value": opts["as_of"]}) from None
        actor = acting_user(opts["user"])
        return services.import_ledger(actor, path, filename=path.name, region_code=opts["region"],
                                      category=opts["category"], keep_valid=opts["keep_valid"], as_of=as_of)


def _refusal(exc) -> str:
    if isinstance(exc, Http404):
        return _("区划不存在或不在您的管辖范围内")
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or _("无权执行此操作")
