"""Opening a ledger file: .xlsx/.xlsm/.xls/.ods with python-calamine, .csv with the standard library.

Every sheet comes out as (name, rows), rows being lists of cell values whose position in the
list is the spreadsheet's row number minus one, so an error can name the row the user sees.
"""

import codecs
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import python_calamine
from django.utils.translation import gettext as _

SPREADSHEET_TYPES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_TYPES = {".csv", ".txt"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on Chinese Windows saves CSV as GBK (a subset of GB18030)


class FileError(ValueError):
    """The file cannot be read at all (type, encoding, damage); the message says why."""


def suffix_of(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower()


def check_type(filename: str) -> str:
    suffix = suffix_of(filename)
    if suffix not in SPREADSHEET_TYPES | CSV_TYPES:
        raise FileError(_("不支持的文件类型：%(name)s（请上传 .xlsx、.xls、.ods 或 .csv 文件）") % {"name": filename})
    return suffix


def sheets(source, filename: str) -> Iterator[tuple[str, Iterator[list]]]:
    """(sheet name, row iterator) for each sheet of the file at `source` (a path or a binary file object)."""
    if check_type(filename) in CSV_TYPES:
        yield Path(filename).name, _csv_rows(source)
        return
    try:
        book = (python_calamine.CalamineWorkbook.from_path(os.fspath(source))
                if isinstance(source, str | os.PathLike) else python_calamine.CalamineWorkbook.from_filelike(source))
    except Exception as exc:  # calamine raises several of its own types for damaged or mislabelled files
        raise FileError(_("无法读取文件 %(name)s：%(reason)s") % {"name": filename, "reason": exc}) from None
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            yield meta.name, _sheet_rows(book.get_sheet_by_name(meta.name))


def _sheet_rows(sheet) -> Iterator[list]:
    # iter_rows yields empty rows for the empty rows above the data, so a row's position is its
    # spreadsheet row number − 1; it starts at the first used *column*, which does not matter
    # because columns are found by the header in these same rows (tests/ledger pin both).
    return sheet.iter_rows()


def _csv_rows(source) -> Iterator[list]:
    raw = Path(source).read_bytes() if isinstance(source, str | os.PathLike) else source.read()
    if isinstance(raw, str):
        decoded = raw
    else:
        for encoding in CSV_ENCODINGS:
            try:
                decoded = codecs.decode(raw, encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileError(_("无法识别CSV文件的编码（请保存为UTF-8或GBK）"))
    first_line = decoded.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return iter(list(csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)))
