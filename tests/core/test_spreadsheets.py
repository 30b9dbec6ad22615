"""core.spreadsheets: every import reads its file within limits, and a hostile file never harms the server.

The hostile workbooks are made here, tiny: two cells far apart (A1 and XFD1048576, which python-calamine
makes into a dense range of 512 GB), the same with its <dimension> removed or lying, a zip bomb.
"""

import resource
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core import spreadsheets
from fangkong.core.spreadsheets import FileError, LimitError, Limits, import_limits

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, cells: dict[str, object], *, sheet: str = "台账", more: dict | None = None) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, values in {sheet: cells, **(more or {})}.items():
        ws = book.add_worksheet(name)
        for ref, value in values.items():
            ws.write(ref, value)
    book.close()
    return path


def rewritten(path: Path, member: str, change) -> Path:
    """The workbook with one member's bytes changed (the others copied as they are)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    out = path.with_name("changed-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return out


def read_all(path: Path, limits: Limits | None = None, name: str | None = None) -> list[tuple[str, list]]:
    return [(sheet, list(rows)) for sheet, rows in
            spreadsheets.sheets(path, name or path.name, limits=limits or import_limits())]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture
def two_cells(tmp_path):
    return workbook(tmp_path / "two.xlsx", {"A1": "甲", "XFD1048576": "乙"})


def test_two_cells_far_apart_are_refused_by_their_dimension_fast_and_without_growing(two_cells):
    before, started = peak_rss_mb(), time.monotonic()
    with pytest.raises(LimitError) as refused:
        read_all(two_cells)
    assert time.monotonic() - started < 5
    assert peak_rss_mb() - before < 100
    message = str(refused.value)
    assert "A1:XFD1048576" in message and "1,048,576 行" in message and "上限 200,000 行" in message


def test_a_dimension_that_lies_ends_the_worker_at_its_memory_limit_not_this_process(two_cells):
    lying = rewritten(two_cells, SHEET, lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>',
                                                                 b'<dimension ref="A1"/>'))
    before, started = peak_rss_mb(), time.monotonic()
    with pytest.raises(LimitError) as refused:
        read_all(lying)
    assert time.monotonic() - started < 10
    assert peak_rss_mb() - before < 100
    assert "所需内存超过上限 1536 MB" in str(refused.value)


def test_a_sheet_without_dimension_is_measured_by_its_cell_references(two_cells):
    bare = rewritten(two_cells, SHEET, lambda xml: xml.replace(b'<dimension ref="A1:XFD1048576"/>', b""))
    with pytest.raises(LimitError, match="A1:XFD1048576"):
        read_all(bare)


def test_the_real_size_is_checked_after_loading_when_the_dimension_lies(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"A1": "姓名", "B30": "x"})
    lying = rewritten(path, SHEET, lambda xml: xml.replace(b'<dimension ref="A1:B30"/>', b'<dimension ref="A1"/>'))
    with pytest.raises(LimitError) as refused:
        read_all(lying, import_limits(max_rows=10))
    assert "A1:B30" in str(refused.value) and "30 行" in str(refused.value)


def test_rows_columns_and_cells_beyond_the_limits(tmp_path):
    rows = workbook(tmp_path / "rows.xlsx", {"A1": "x", "A11": "y"})
    with pytest.raises(LimitError, match="范围 A1:A11 有 11 行，超过每次导入的上限 10 行"):
        read_all(rows, import_limits(max_rows=10))
    columns = workbook(tmp_path / "columns.xlsx", {"A1": "x", "F1": "y"})
    with pytest.raises(LimitError, match="范围 A1:F1 有 6 列，超过上限 5 列"):
        read_all(columns, import_limits(max_columns=5))
    sheets = workbook(tmp_path / "cells.xlsx", {"A1": "x", "E6": "y"}, more={"二": {"A1": "x", "E6": "y"}})
    assert [len(rows) for _name, rows in read_all(sheets, import_limits(max_cells=60))] == [6, 6]
    with pytest.raises(LimitError, match="读到工作表“二”.*共有 60 个单元格，超过上限 59 个"):
        read_all(sheets, import_limits(max_cells=59))
    with pytest.raises(LimitError, match="读到工作表“二”时共有 12 行，超过每次导入的上限 11 行"):
        read_all(sheets, import_limits(max_rows=11))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = workbook(tmp_path / "bomb.xlsx", {"A1": "x"})
    padding = b" " * (64 * MB)  # whitespace between elements: valid XML, compressed about 1000:1
    bomb = rewritten(path, SHEET, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding))
    assert bomb.stat().st_size < 200 * 1024
    started = time.monotonic()
    with pytest.raises(LimitError, match=r"xl/worksheets/sheet1.xml 压缩比为 \d+:1，超过上限 100:1"):
        read_all(bomb)
    assert time.monotonic() - started < 5
    with pytest.raises(LimitError, match="解压后共 64.0 MB，超过上限 10 MB"):
        read_all(bomb, import_limits(max_unzipped_bytes=10 * MB))


def test_the_worker_memory_limit_is_named_and_the_next_read_works(tmp_path):
    # 60,000 × 100 cells: within the row, column and cell limits, but calamine needs ~200 MB for them
    wide = workbook(tmp_path / "wide.xlsx", {"A1": "甲", "CV60000": "乙"})
    with pytest.raises(LimitError, match="所需内存超过上限 64 MB"):
        read_all(wide, import_limits(worker_memory_bytes=64 * MB))
    [(name, rows)] = read_all(wide)
    assert (name, len(rows), rows[0][0], rows[-1][-1]) == ("台账", 60000, "甲", "乙")


def test_rows_come_back_as_calamine_gives_them(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"B3": "姓名", "C3": 1.5, "C4": True}, more={"二": {"A1": "x"}})
    assert read_all(path) == [("台账", [["", ""], ["", ""], ["姓名", 1.5], ["", True]]), ("二", [["x"]])]


def test_an_uploaded_file_object_is_read_like_a_path(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"A1": "姓名"})
    upload = SimpleUploadedFile("台账.xlsx", path.read_bytes())
    assert [(n, list(r)) for n, r in spreadsheets.sheets(upload, upload.name, limits=import_limits())] == [
        ("台账", [["姓名"]])]


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path):
    path = workbook(tmp_path / "a.xlsx", {"A1": "姓名"})
    size = path.stat().st_size
    with pytest.raises(LimitError, match=r"大小为 [\d,]+ B，超过导入文件的上限 [\d,]+ B"):
        read_all(path, import_limits(max_bytes=size - 1))
    upload = SimpleUploadedFile("台账.csv", b"a,b\n" * 100)
    with pytest.raises(LimitError, match="台账.csv"):
        spreadsheets.csv_rows(upload, upload.name, limits=import_limits(max_bytes=100))


def test_damaged_and_unknown_files(tmp_path):
    broken = tmp_path / "a.xlsx"
    broken.write_bytes(b"this is not a workbook")
    with pytest.raises(FileError, match="无法读取文件 a.xlsx"):
        read_all(broken)
    with pytest.raises(FileError, match="不支持的文件类型"):
        read_all(broken, name="a.docx")


def test_csv_rows_columns_cells_and_encoding(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名,电话\n张三,138\n李四,139\n".encode("gb18030"))
    assert spreadsheets.csv_rows(path, "a.csv", limits=import_limits()) == [["姓名", "电话"], ["张三", "138"], ["李四", "139"]]
    with pytest.raises(LimitError, match="超过 2 行"):
        spreadsheets.csv_rows(path, "a.csv", limits=import_limits(max_rows=2))
    with pytest.raises(LimitError, match="第1行有 2 列，超过上限 1 列"):
        spreadsheets.csv_rows(path, "a.csv", limits=import_limits(max_columns=1))
    with pytest.raises(LimitError, match="单元格超过上限 5 个"):
        spreadsheets.csv_rows(path, "a.csv", limits=import_limits(max_cells=5))
    path.write_bytes(b"\xff\xfe\x00\xd8 not text")
    with pytest.raises(FileError, match="无法识别CSV文件的编码"):
        spreadsheets.csv_rows(path, "a.csv", limits=import_limits())


def test_the_upload_handler_keeps_no_more_than_the_limit(settings):
    settings.FANGKONG_IMPORT_MAX_BYTES = 1000
    handler = spreadsheets.LimitedUploadHandler()
    handler.new_file("file", "big.xlsx", "application/octet-stream", 5000)
    for start in range(0, 5000, 700):
        handler.receive_data_chunk(b"x" * min(700, 5000 - start), start)
    upload = handler.file_complete(5000)
    try:
        assert upload.size == 5000  # the real size, by which the reader refuses it
        assert Path(upload.temporary_file_path()).stat().st_size == 1001
    finally:
        upload.close()
