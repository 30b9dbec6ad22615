"""Real ledger files for the tests, written the way village staff make them (xlsxwriter / csv)."""

import csv
import datetime
from pathlib import Path

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
