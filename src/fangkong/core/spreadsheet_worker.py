"""The part of reading a workbook that runs in a child process, under limits the operating system enforces.

`fangkong.core.spreadsheets` starts `python -m fangkong.core.spreadsheet_worker REQUEST` for every
.xlsx/.xlsm/.xlsb/.xls/.ods it reads. The child first caps its own address space, CPU time and the size
of any file it writes (`setrlimit`), so a file that makes python-calamine allocate without bound (two
cells, A1 and XFD1048576, ask for a dense range of 512 GB) or parse for ever ends this process, never
the server's. Then, before calamine sees the file, it checks what can be checked cheaply: the zip's
member count, declared unpacked size and compression ratios, and each .xlsx sheet's declared
`<dimension ref>` (or, where a sheet declares none, the cell references in its XML); after calamine has
loaded a sheet, the sheet's real size. It writes to stdout a stream of pickled messages:

    ("sheet", name)                 a worksheet begins
    ("rows", [row, …])              its rows, in order, in batches (a row: a list of cell values)
    ("refused", code, {params})     a limit was exceeded or the file cannot be read; nothing follows

The request (argv[1], JSON) holds the file's path and the limits. This module imports nothing but the
standard library and python-calamine: the child starts fast and has no settings, database or secrets.
Messages for people are written by the parent from the code and parameters.
"""

import json
import os
import pickle
import re
import resource
import sys
import zipfile

import python_calamine

HEAD_BYTES = 64 * 1024  # a worksheet declares its <dimension> before <sheetData>, within its first bytes
SCAN_CHUNK = 1024 * 1024
RATIO_FROM_BYTES = 1024 * 1024  # small members may compress well; only large ones are held to the ratio
BATCH_CELLS = 20000  # cells per message: large enough to cost little per row, small enough to stream
STDERR_BYTES = 1024 * 1024  # what the child may write to its stderr file (a Rust panic message, a traceback)

_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([A-Za-z]{1,3})(\d{1,7})'
                        rb'(?::([A-Za-z]{1,3})(\d{1,7}))?"')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_REFERENCE = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,7})"')  # <row r="7"> and <c r="B7">
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def limit_self(memory_bytes: int, cpu_seconds: int) -> None:
    """Caps this process: address space (allocation beyond it fails: MemoryError, or an abort in Rust),
    CPU time (SIGXCPU at the limit), files written (its stderr file) and no core dump of a large image.
    A limit the system does not allow lowering (macOS ignores RLIMIT_AS) is said on stderr and skipped:
    a laptop's demo still imports, with the checks made before and after calamine's load."""
    for kind, value, hard in ((resource.RLIMIT_AS, memory_bytes, memory_bytes),
                              (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
                              (resource.RLIMIT_FSIZE, STDERR_BYTES, STDERR_BYTES),
                              (resource.RLIMIT_CORE, 0, 0)):
        try:
            resource.setrlimit(kind, (value, hard))
        except (ValueError, OSError) as exc:
            print(f"spreadsheet worker: limit {kind} not set: {exc}", file=sys.stderr)


def column_number(letters: bytes | str) -> int:
    """A=1, Z=26, AA=27 … XFD=16384."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(letter) - 64
    return number


# The zip and the .xlsx sheets' declared sizes -------------------------------------------------------

def check_archive(archive: zipfile.ZipFile, limits: dict) -> None:
    members = archive.infolist()
    if len(members) > limits["max_zip_members"]:
        raise Refused("zip_members", count=len(members), limit=limits["max_zip_members"])
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits["max_unzipped_bytes"]:
        raise Refused("unzipped_bytes", size=unpacked, limit=limits["max_unzipped_bytes"])
    for member in members:
        if member.file_size >= RATIO_FROM_BYTES:
            ratio = member.file_size // max(member.compress_size, 1)
            if ratio > limits["max_zip_ratio"]:
                raise Refused("zip_ratio", member=member.filename, ratio=ratio, limit=limits["max_zip_ratio"])


def xlsx_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, member) of each sheet listed in xl/workbook.xml, found as calamine finds them."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return []
    targets = {}
    for tag in _RELATIONSHIP.findall(_head(archive, "xl/_rels/workbook.xml.rels", None)):
        attributes = dict(_ATTRIBUTE.findall(tag))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        target = target[1:] if target.startswith("/") else target if target.startswith("xl/") else "xl/" + target
        targets[attributes.get(b"Id", b"")] = target
    sheets = []
    for tag in _SHEET.findall(_head(archive, "xl/workbook.xml", None)):
        attributes = {key.split(b":")[-1]: value for key, value in _ATTRIBUTE.findall(tag)}  # r:id → id
        member = targets.get(attributes.get(b"id", b""))
        if member in names:
            sheets.append((_unescape(attributes.get(b"name", b"")), member))
    return sheets


def check_declared(archive: zipfile.ZipFile, limits: dict) -> None:
    """Each .xlsx sheet's extent as it declares it (<dimension ref>), or as its cell references give it
    where it declares none, against the limits; the totals over all sheets too."""
    rows_total = cells_total = 0
    for name, member in xlsx_sheets(archive):
        extent = declared_extent(archive, member)
        if extent is None:
            continue
        first_row, first_column, last_row, last_column, ref = extent
        rows_total += last_row
        cells_total += (last_row - first_row + 1) * (last_column - first_column + 1)
        check_extent(limits, name, ref, last_row, last_column, rows_total, cells_total)


def declared_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int, int, int, str] | None:
    """(first row, first column, last row, last column, "A1:D20") of a worksheet, 1-based; None when empty."""
    head = _head(archive, member, HEAD_BYTES)
    found = _DIMENSION.search(head)
    data = _SHEET_DATA.search(head)
    if found and (data is None or found.start() < data.start()):
        columns = [column_number(found.group(1)), column_number(found.group(3) or found.group(1))]
        rows = [int(found.group(2)), int(found.group(4) or found.group(2))]
        return min(rows), min(columns), max(rows), max(columns), _reference(min(rows), min(columns), max(rows),
                                                                            max(columns))
    return _scanned_extent(archive, member)


def _scanned_extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int, int, int, str] | None:
    """The extent of a sheet without a <dimension>, from the r="…" of its rows and cells, read in chunks."""
    first_row = first_column = sys.maxsize
    last_row = last_column = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")  # a reference cut by the chunk's end is read with the next chunk
            if cut < 0:
                cut = len(text)
            for letters, digits in _REFERENCE.findall(text, 0, cut):
                row = int(digits)
                first_row, last_row = min(first_row, row), max(last_row, row)
                if letters:
                    column = column_number(letters)
                    first_column, last_column = min(first_column, column), max(last_column, column)
            tail = text[cut:]
    if not last_row:
        return None
    if not last_column:
        first_column = last_column = 1
    return first_row, first_column, last_row, last_column, _reference(first_row, first_column, last_row,
                                                                      last_column)


def check_extent(limits: dict, sheet: str, ref: str, rows: int, columns: int, rows_total: int,
                 cells_total: int) -> None:
    if rows > limits["max_rows"]:
        raise Refused("sheet_rows", sheet=sheet, ref=ref, rows=rows, limit=limits["max_rows"])
    if columns > limits["max_columns"]:
        raise Refused("sheet_columns", sheet=sheet, ref=ref, columns=columns, limit=limits["max_columns"])
    if rows_total > limits["max_rows"]:
        raise Refused("rows", sheet=sheet, rows=rows_total, limit=limits["max_rows"])
    if cells_total > limits["max_cells"]:
        raise Refused("cells", sheet=sheet, ref=ref, cells=cells_total, limit=limits["max_cells"])


def _head(archive: zipfile.ZipFile, member: str, size: int | None) -> bytes:
    with archive.open(member) as stream:
        return stream.read(size if size is not None else HEAD_BYTES * 16)


def _unescape(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    for escaped, plain in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(escaped, plain)
    return text


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _reference(first_row: int, first_column: int, last_row: int, last_column: int) -> str:
    return f"{_letters(first_column)}{first_row}:{_letters(last_column)}{last_row}"


# Reading ------------------------------------------------------------------------------------------

def read(path: str, limits: dict):
    """The messages for the workbook at `path` (see the module's docstring); Refused for a limit."""
    if zipfile.is_zipfile(path):  # .xlsx, .xlsm, .xlsb, .ods
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, limits)
            check_declared(archive, limits)
    try:
        with open(path, "rb") as handle:
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # calamine raises several of its own types for damaged or mislabelled files
        raise Refused("unreadable", reason=str(exc)[:300]) from None
    rows_total = cells_total = 0
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            if sheet.end is not None:  # the real extent, which a lying <dimension> does not change
                rows, columns = sheet.end[0] + 1, sheet.end[1] + 1
                rows_total += rows
                cells_total += sheet.height * sheet.width
                check_extent(limits, meta.name, _reference(sheet.start[0] + 1, sheet.start[1] + 1, rows, columns),
                             rows, columns, rows_total, cells_total)
            yield ("sheet", meta.name)
            yield from _batches(sheet.iter_rows(), max(sheet.width, 1))
            del sheet


def _batches(rows, width: int):
    # iter_rows yields empty rows for the empty rows above the data, so a row's position is its
    # spreadsheet row number − 1; it starts at the first used *column* (tests/ledger pin both)
    size = max(1, BATCH_CELLS // width)
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield ("rows", batch)
            batch = []
    if batch:
        yield ("rows", batch)


def main() -> None:
    request = json.loads(sys.argv[1])
    out = os.fdopen(os.dup(1), "wb")  # the messages; anything else printed goes to stderr
    os.dup2(2, 1)
    limit_self(request["memory_bytes"], request["cpu_seconds"])
    try:
        for message in read(request["path"], request["limits"]):
            _send(out, message)
    except Refused as exc:
        _send(out, ("refused", exc.code, exc.params))
    except MemoryError:
        _send(out, ("refused", "memory", {}))
    except Exception as exc:  # a damaged zip or sheet: calamine and zipfile raise many types  # noqa: BLE001
        _send(out, ("refused", "unreadable", {"reason": str(exc)[:300] or exc.__class__.__name__}))
    out.flush()


def _send(out, message) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)  # a fresh pickler: no memo kept across messages


if __name__ == "__main__":
    main()
