"""Read an exported workbook back, as the county's staff would open it."""

import io

from python_calamine import CalamineWorkbook


def sheet_rows(data: bytes, index: int = 0) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def data_rows(data: bytes) -> list[list]:
    """Rows below the title, the exporter line and the header (see core.exports)."""
    return sheet_rows(data)[3:]
