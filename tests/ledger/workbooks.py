"""Real ledger files for the tests, written the way village staff make them (xlsxwriter / csv)."""

import csv
import datetime
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

HEADERS = ["序号", "姓名", "身份证号", "联系电话", "现住址", "来自何地", "返回日期", "交通方式", "车次", "症状", "备注"]


def xlsx(path: Path, sheets: dict[str, list[list]], *, title: str = "", title_rows: int = 0,
         date_cells: dict | None = None) -> Path:
    """A workbook: per sheet, `title_rows` merged title lines, then the given rows (header first).

    `date_cells` {(sheet, row index, column index): date} writes real Excel dates (serial + format).
    """
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        width = max(len(r) for r in rows) if rows else 1
        for t in range(title_rows):
            text = title if t == 0 else "填报单位：东岳村    填报日期：2020年1月25日"
            ws.merge_range(t, 0, t, max(width - 1, 1), text)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cell = (name, i, j)
                if date_cells and cell in date_cells:
                    ws.write_datetime(title_rows + i, j, datetime.datetime.combine(date_cells[cell], datetime.time()),
                                      date_format)
                elif value is None or value == "":
                    continue
                elif isinstance(value, int | float):
                    ws.write_number(title_rows + i, j, value)
                else:
                    ws.write_string(title_rows + i, j, value)
    book.close()
    return path


def csv_file(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        csv.writer(handle).writerows(rows)
    return path


def ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS or LibreOffice save), text and number cells only."""
    body = []
    for name, rows in sheets.items():
        body.append(f'<table:table table:name="{escape(name)}">')
        for row in rows:
            cells = []
            for value in row:
                if value in ("", None):
                    cells.append("<table:table-cell/>")
                elif isinstance(value, int | float):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                                 f"<text:p>{value}</text:p></table:table-cell>")
                else:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
                                 "</table:table-cell>")
            body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        body.append("</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               "<office:body><office:spreadsheet>" + "".join(body)
               + "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path
