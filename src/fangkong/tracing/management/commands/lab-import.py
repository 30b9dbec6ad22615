"""`fangkong lab-import FILE --lab NAME [--keep-valid] [--user NAME]`: import a lab's result list (.xlsx …).

The last line on stdout is one JSON object: {"rows_read", "created", "updated", "unchanged", "proposals",
"duplicates", "ignored_columns", "skipped_sheets", "errors": [{"sheet", "row", "column", "value", "reason"}]
(the first of each column), "error_count", "error_columns": [{"column", "count"}], "stopped", "written"}; each
error is also written to stderr. Exit status 0 when the file was written, 1 when it was refused (any error
without --keep-valid, or nothing to write). Importing the same list again changes nothing.
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user
from fangkong.tracing.lab_import import LabImportResult
from fangkong.tracing.services import lab as services


class Command(BaseCommand):
    help = "Import a lab's result list (.xlsx/.xls/.ods/.csv). All-or-nothing unless --keep-valid."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the result list")
        parser.add_argument("--lab", required=True, help="the lab (检测机构) whose sample numbers the list holds")
        parser.add_argument("--keep-valid", action="store_true", help="write the valid rows, report the rest")
        parser.add_argument("--user", default="",
                            help="import as this user (their scope applies); default: the system itself")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            if not path.is_file():
                raise CommandError(_("文件不存在：%(path)s") % {"path": path})
            actor = acting_user(opts["user"])
            with audit.source("cli"):
                result = services.import_lab_results(actor, path, filename=path.name, lab=opts["lab"],
                                                     keep_valid=opts["keep_valid"])
        except (PermissionDenied, ValidationError, CommandError) as exc:
            reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or _("无权执行此操作")
            result = LabImportResult.refused("", reason)
        for sheet in result.skipped_sheets:
            self.stderr.write(f"{sheet['sheet']}: {sheet['reason']}")
        for error in result.errors:
            self.stderr.write(f"{error['sheet']} 第{error['row']}行 {error['column']} {error['value']}: {error['reason']}")
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if not result.written:
            sys.exit(1)
