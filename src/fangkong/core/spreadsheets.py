"""Reading an uploaded or given table file — every import's one way in — within limits.

A workbook of 1.6 KB can ask python-calamine for 512 GB (two cells, A1 and XFD1048576: calamine makes
the range between them dense), a zip of kilobytes can unpack to gigabytes, a CSV can hold millions of
rows. So every file an import reads (a ledger, lab results, a region code table …) comes through here:

- the file's size is checked before anything is read (`Limits.max_bytes`), and an upload beyond it is
  not even kept whole (`LimitedUploadHandler`);
- a workbook (.xlsx/.xlsm/.xlsb/.xls/.ods) is read in a child process (`spreadsheet_worker`) whose
  memory and CPU time the operating system caps: the zip and the sheets' declared dimensions are checked
  there before calamine sees the file, the sheets' real sizes after it has loaded them, and a file that
  still exhausts the child ends the child, not the server; its rows come back in batches through a pipe;
- a CSV is read here, its size, rows, columns and cells counted as it is parsed.

Whatever is refused raises `FileError` (`LimitError` for a limit) with a message naming the sheet, the
value and the limit. The limits are settings (FANGKONG_IMPORT_*, documented in settings.py), read by
`import_limits()`; an import with other needs changes some of them.
"""

import codecs
import csv
import io
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext as _

from . import spreadsheet_worker

logger = logging.getLogger(__name__)

MB = 1024 * 1024
SPREADSHEET_TYPES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_TYPES = {".csv", ".txt"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on Chinese Windows saves CSV as GBK (a subset of GB18030)
WORKER = "fangkong.core.spreadsheet_worker"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the fangkong package
MESSAGES = {"sheet", "rows", "refused"}  # what the worker writes (spreadsheet_worker's docstring)


@dataclass(frozen=True)
class Limits:
    """What one read may take. `import_limits()` gives the ones settings.py sets (FANGKONG_IMPORT_*, where
    their defaults and meaning are written); an import with other needs changes some of them."""

    max_bytes: int              # the file as uploaded or given
    max_rows: int               # rows of all sheets together (a sheet's rows count to its last)
    max_columns: int            # the last column of any sheet
    max_cells: int              # rows × columns of all sheets: what calamine holds in memory
    max_unzipped_bytes: int     # an .xlsx/.ods unpacked, as its zip declares it
    worker_memory_bytes: int    # address space of the process reading a workbook
    worker_cpu_seconds: int     # and its CPU time
    max_zip_members: int = 1000  # a workbook has a dozen; thousands are a crafted file
    max_zip_ratio: int = 100    # unpacked ÷ packed, of a member of 1 MB or more (a sheet: about 10)


def import_limits(**changes) -> Limits:
    """The limits settings.py sets for imports (FANGKONG_IMPORT_*), with `changes`."""
    return Limits(**{
        "max_bytes": settings.FANGKONG_IMPORT_MAX_BYTES, "max_rows": settings.FANGKONG_IMPORT_MAX_ROWS,
        "max_columns": settings.FANGKONG_IMPORT_MAX_COLUMNS, "max_cells": settings.FANGKONG_IMPORT_MAX_CELLS,
        "max_unzipped_bytes": settings.FANGKONG_IMPORT_MAX_UNZIPPED_BYTES,
        "worker_memory_bytes": settings.FANGKONG_IMPORT_WORKER_MEMORY,
        "worker_cpu_seconds": settings.FANGKONG_IMPORT_WORKER_SECONDS, **changes})


class FileError(ValueError):
    """The file cannot be read (type, encoding, damage) or is refused; the message says why."""


class LimitError(FileError):
    """The file exceeds one of the limits; the message names the value and the limit."""


def megabytes(size: int) -> str:
    """20 MB, 25.3 MB; below a megabyte in bytes (5,288 B), as limits set small may be."""
    if size < MB:
        return f"{size:,} B"
    return f"{size / MB:.1f} MB" if size % MB else f"{size // MB} MB"


def suffix_of(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower()


def sheets(source, filename: str, *, limits: Limits) -> Iterator[tuple[str, Iterator[list]]]:
    """(sheet name, row iterator) for each worksheet of the file at `source` (a path or a binary file
    object) named `filename`. A row is a list of cell values, its position in the sheet's rows its
    spreadsheet row number − 1. A CSV is one sheet named after the file. Raises FileError, also while
    the rows are iterated."""
    suffix = suffix_of(filename)
    if suffix not in SPREADSHEET_TYPES | CSV_TYPES:
        raise FileError(_("不支持的文件类型：%(name)s（请上传 .xlsx、.xls、.ods 或 .csv 文件）") % {"name": filename})
    check_size(size_of(source), filename, limits)
    if suffix in CSV_TYPES:
        yield Path(filename).name, iter(csv_rows(source, filename, limits=limits))
        return
    with _local_path(source, suffix) as path:
        yield from _WorkerRead(path, filename, limits).sheets()


# Size --------------------------------------------------------------------------------------------

def size_of(source) -> int:
    """The size in bytes of a path, an uploaded file (its real size, see LimitedUploadHandler), bytes or
    a seekable file object."""
    if isinstance(source, str | os.PathLike):
        return os.stat(source).st_size
    if isinstance(source, bytes):
        return len(source)
    size = getattr(source, "size", None)
    if size is not None:
        return size
    position = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    return size


def check_size(size: int, filename: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise LimitError(_("文件 %(name)s 大小为 %(size)s，超过导入文件的上限 %(limit)s；请拆分后分批导入") % {
            "name": filename, "size": megabytes(size), "limit": megabytes(limits.max_bytes)})


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """An upload too large for memory goes to a temporary file, as with Django's own handler, but no
    more than FANGKONG_IMPORT_MAX_BYTES + 1 bytes of it are kept: the rest is counted and dropped. The
    upload's `size` stays the real size, by which `check_size` refuses it; a 10 GB upload fills
    neither the disk nor the memory. (Uploads small enough for memory are Django's
    MemoryFileUploadHandler's, listed before this one in FILE_UPLOAD_HANDLERS.)"""

    def receive_data_chunk(self, raw_data, start):
        room = settings.FANGKONG_IMPORT_MAX_BYTES + 1 - start
        if room > 0:
            try:
                self.file.write(raw_data[:room])
            except OSError:
                # a full disk (core.disk_full answers 507): what was spooled of the file goes now, not when the
                # request's objects are collected, so the space is given back and no half file is left
                with suppress(OSError):  # its buffer cannot be flushed either; it is removed all the same
                    self.file.close()
                raise


def check_archive(source, filename: str, limits: Limits) -> None:
    """A zip (.docx, .xlsx …: a path or bytes) with more members, a larger unpacked size or a higher
    compression ratio than `limits` allow raises LimitError, before any member is unpacked; one that is
    no zip, FileError. For files read in this process (a Word template), not by the worker."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            spreadsheet_worker.check_archive(archive, asdict(limits))
    except zipfile.BadZipFile as exc:
        raise FileError(_("无法读取文件 %(name)s：%(reason)s") % {"name": filename, "reason": exc}) from None
    except spreadsheet_worker.Refused as exc:
        raise LimitError(refusal(exc.code, exc.params, filename, limits)) from None


# CSV ---------------------------------------------------------------------------------------------

def csv_rows(source, filename: str, *, limits: Limits) -> list[list[str]]:
    """Every row of a CSV (path, binary file object or bytes) within the limits. UTF-8 or GB18030;
    comma- or tab-separated (whichever the first line has more of)."""
    text = _csv_text(source, filename, limits)
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) == limits.max_rows:
                raise LimitError(_("文件 %(name)s 超过 %(limit)s 行，超过每次导入的上限；请拆分后分批导入") % {
                    "name": filename, "limit": f"{limits.max_rows:,}"})
            if len(row) > limits.max_columns:
                raise LimitError(_("文件 %(name)s 第%(row)s行有 %(columns)s 列，超过上限 %(limit)s 列") % {
                    "name": filename, "row": len(rows) + 1, "columns": len(row), "limit": limits.max_columns})
            cells += len(row)
            if cells > limits.max_cells:
                raise LimitError(_("文件 %(name)s 的单元格超过上限 %(limit)s 个（读到第%(row)s行时）") % {
                    "name": filename, "limit": f"{limits.max_cells:,}", "row": len(rows) + 1})
            rows.append(row)
    except csv.Error as exc:
        raise FileError(_("无法读取文件 %(name)s：%(reason)s") % {"name": filename, "reason": exc}) from None
    return rows


def _csv_text(source, filename: str, limits: Limits) -> str:
    check_size(size_of(source), filename, limits)
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read(limits.max_bytes + 1)
    check_size(len(raw), filename, limits)  # a size that lied
    for encoding in CSV_ENCODINGS:
        try:
            return codecs.decode(raw, encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("无法识别CSV文件的编码（请保存为UTF-8或GBK）"))


# Workbooks, read by the worker -------------------------------------------------------------------

@contextmanager
def _local_path(source, suffix: str) -> Iterator[str]:
    """A path for the worker: the file's own, a temporary upload's, or a temporary copy of a file object."""
    if isinstance(source, str | os.PathLike):
        yield os.fspath(source)
    elif hasattr(source, "temporary_file_path"):
        yield source.temporary_file_path()
    else:
        with tempfile.NamedTemporaryFile(suffix=suffix, prefix="fangkong-import-") as copy:
            if hasattr(source, "seek"):
                source.seek(0)
            shutil.copyfileobj(source, copy)
            copy.flush()
            yield copy.name


class _RowsUnpickler(pickle.Unpickler):
    """Cell values only (str, numbers, booleans, dates and times): the worker reads untrusted files,
    so what it sends may name no other class."""

    ALLOWED = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")
        return super().find_class(module, name)


class _WorkerRead:
    """One workbook read by `python -m fangkong.core.spreadsheet_worker`, its messages turned into
    sheets and rows (or a FileError). The child is killed if the reader stops early."""

    def __init__(self, path: str, filename: str, limits: Limits):
        self.path, self.filename, self.limits = path, filename, limits
        self.pending = None

    def sheets(self) -> Iterator[tuple[str, Iterator[list]]]:
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finally)
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module, no shell)
            [sys.executable, "-m", WORKER, self._request()], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.errors, env=self._environment(), close_fds=True)
        try:
            while (message := self._next()) is not None:
                if message[0] != "sheet":
                    continue  # rows of a sheet the caller did not read to its end
                yield message[1], self._rows()
        finally:
            self._stop()

    def _request(self) -> str:
        limits = asdict(self.limits)
        return json.dumps({"path": self.path, "memory_bytes": limits.pop("worker_memory_bytes"),
                           "cpu_seconds": limits.pop("worker_cpu_seconds"), "limits": limits})

    @staticmethod
    def _environment() -> dict:
        """What the child needs, and none of the server's secrets (it parses files from anyone)."""
        path = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)
        return {"PATH": os.environ.get("PATH", os.defpath), "PYTHONPATH": path, "RUST_BACKTRACE": "0",
                "LANG": "C.UTF-8"}

    def _rows(self) -> Iterator[list]:
        while (message := self._next()) is not None:
            if message[0] != "rows":
                self.pending = message
                return
            yield from message[1]

    def _next(self):
        if self.pending is not None:
            message, self.pending = self.pending, None
            return message
        try:
            message = _RowsUnpickler(self.process.stdout).load()
        except EOFError:
            self._check_exit()
            return None
        except Exception:  # noqa: BLE001 (output cut short by the child's end, or not what the worker writes)
            message = None
        if not (isinstance(message, tuple) and message and message[0] in MESSAGES):
            self._check_exit()
            raise FileError(_("无法读取文件 %(name)s：读取进程的输出不完整") % {"name": self.filename})
        if message[0] == "refused":
            raise (FileError if message[1] == "unreadable" else LimitError)(
                refusal(message[1], message[2], self.filename, self.limits))
        return message

    def _check_exit(self) -> None:
        code = self.process.wait()
        if code == 0:
            return
        self.errors.seek(0)
        logger.warning("spreadsheet worker for %s ended with %s: %s", self.filename, code,
                       self.errors.read()[-2000:].decode("utf-8", "replace"))
        if code == -signal.SIGXCPU:
            raise LimitError(refusal("cpu", {}, self.filename, self.limits))
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):  # Rust aborts when an allocation fails
            raise LimitError(refusal("memory", {}, self.filename, self.limits))
        raise FileError(_("无法读取文件 %(name)s：读取进程意外退出（%(code)s）") % {"name": self.filename, "code": code})

    def _stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.errors.close()


def _rows_message(sheet: str, rows: int, limit: int, *, ref: str = "") -> str:
    values = {"sheet": sheet, "rows": f"{rows:,}", "limit": f"{limit:,}", "ref": ref}
    if ref:
        return _("工作表“%(sheet)s”的范围 %(ref)s 有 %(rows)s 行，超过每次导入的上限 %(limit)s 行；请拆分后分批导入") % values
    return _("读到工作表“%(sheet)s”时共有 %(rows)s 行，超过每次导入的上限 %(limit)s 行；请拆分后分批导入") % values


def refusal(code: str, params: dict, filename: str, limits: Limits) -> str:
    """The message for a refusal the worker reports by code."""
    p = {**params, "name": filename}
    if code == "sheet_rows":
        return _rows_message(params["sheet"], params["rows"], params["limit"], ref=params["ref"])
    if code == "rows":
        return _rows_message(params["sheet"], params["rows"], params["limit"])
    if code == "sheet_columns":
        return _("工作表“%(sheet)s”的范围 %(ref)s 有 %(columns)s 列，超过上限 %(limit)s 列") % p
    if code == "cells":
        return _("读到工作表“%(sheet)s”（范围 %(ref)s）时共有 %(cells)s 个单元格，超过上限 %(limit)s 个") % {
            **p, "cells": f"{params['cells']:,}", "limit": f"{params['limit']:,}"}
    if code == "zip_members":
        return _("文件 %(name)s 含 %(count)s 个部件，超过上限 %(limit)s 个：不是正常的表格文件") % p
    if code == "unzipped_bytes":
        return _("文件 %(name)s 解压后共 %(size)s，超过上限 %(limit)s") % {
            **p, "size": megabytes(params["size"]), "limit": megabytes(params["limit"])}
    if code == "zip_ratio":
        return _("文件 %(name)s 中的 %(member)s 压缩比为 %(ratio)s:1，超过上限 %(limit)s:1（疑似压缩炸弹）") % p
    if code == "memory":
        return _("读取文件 %(name)s 所需内存超过上限 %(limit)s：表格范围过大或文件已损坏") % {
            **p, "limit": megabytes(limits.worker_memory_bytes)}
    if code == "cpu":
        return _("读取文件 %(name)s 超过时间上限（CPU %(limit)s 秒）：文件过大或已损坏") % {
            **p, "limit": limits.worker_cpu_seconds}
    return _("无法读取文件 %(name)s：%(reason)s") % {**p, "reason": params.get("reason", code)}
