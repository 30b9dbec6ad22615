"""Excel exports that say who made them: every file carries the exporter's name and time.

Every workbook Fangkong writes goes through `workbook_bytes`, which writes each cell through `inert`:
no value from the database becomes a formula or a hyperlink in the file.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import xlsxwriter
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .actors import is_system, name_of

# A cell that begins with one of these may be run as a formula by a spreadsheet program (OWASP, "CSV
# injection"): "=HYPERLINK(…)" sends a neighbouring cell to another host, "=cmd|' /C calc'!A0" starts a
# program (DDE), "+", "-" and "@" begin formulas too, a tab or carriage return may hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter by default writes a string that begins with "=" as a live formula, one that looks like a URL
# as a hyperlink (and may write number-like strings as numbers): every string is written as text instead.
WORKBOOK_OPTIONS = {"in_memory": True, "remove_timezone": True,
                    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


@dataclass
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    title: str = ""


def choice_labels(choices) -> dict[str, str]:
    """Value → label of a choice field in the active language, made once per export: Django's
    get_FOO_display() hashes every lazy label on each call (≈ 35 µs), on every row of a file that may
    hold 100,000. Look values up with `.get(value, value)`, as get_FOO_display() answers an unknown one."""
    return {value: str(label) for value, label in choices}


def inert(value):
    """A cell value no spreadsheet program will run, for every file Fangkong writes.

    Text that begins with = + - @ or a tab / carriage return gets a leading single quote, as OWASP
    recommends: the file stays inert when someone saves it as CSV or pastes it into another sheet, where
    the "write as text" of the .xlsx no longer holds. That includes text that merely looks like a number
    or a phone ("-3", "+86 138…"): what was typed as text stays text, and the quote shows it was guarded.
    Numbers, dates and booleans are written as what they are (a negative number stays a number);
    None becomes an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(sheets: list[Sheet], exporter) -> tuple[bytes, int]:
    """Write the sheets; returns (file bytes, data rows written). Streams rows: constant memory."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    stamp = _("导出人：%(who)s    导出时间：%(when)s") % {
        "who": "system" if is_system(exporter) else f"{exporter.display_name or exporter.username}（{exporter.username}）",
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
    }
    book.set_properties({"author": name_of(exporter), "comments": stamp})
    bold = book.add_format({"bold": True, "bg_color": "#F3F4F6", "border": 1})
    title_format = book.add_format({"bold": True, "font_size": 14})
    total = 0
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        ws.write(0, 0, inert(sheet.title or sheet.name), title_format)
        ws.write(1, 0, inert(stamp))
        ws.write_row(2, 0, [inert(h) for h in sheet.headers], bold)
        ws.freeze_panes(3, 0)
        row_no = 3
        for row in sheet.rows:
            ws.write_row(row_no, 0, [inert(v) for v in row])
            row_no += 1
        total += row_no - 3
        ws.set_column(0, max(len(sheet.headers) - 1, 0), 16)
    book.close()
    return buffer.getvalue(), total


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
