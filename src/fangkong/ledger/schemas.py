"""The ledger API's import report."""

from ninja import Field, Schema


class ImportErrorOut(Schema):
    sheet: str
    row: int
    column: str
    value: str
    reason: str


class ErrorColumnOut(Schema):
    column: str
    count: int


class SkippedSheetOut(Schema):
    sheet: str
    reason: str


class SheetDateOut(Schema):
    sheet: str
    date: str


class ImportOut(Schema):
    rows_read: int
    created: int
    updated: int
    duplicates: int
    pending: int = Field(description="rows held for review by the staff above (people.reviews), not written yet")
    errors: list[ImportErrorOut] = Field(description="the first errors of each column (FANGKONG_IMPORT_ERRORS_SHOWN)")
    error_count: int = Field(description="every error found")
    error_columns: list[ErrorColumnOut] = Field(description="errors counted per column")
    stopped: bool = Field(description="checking stopped early: most rows were wrong")
    checks: int = Field(description="the day's checks (temperature and symptom columns) written")
    ignored_columns: list[str] = Field(description="header texts of the columns not imported")
    skipped_sheets: list[SkippedSheetOut] = Field(description="sheets not imported (a summary, no ledger header)")
    sheet_dates: list[SheetDateOut] = Field(description="the day each sheet was read as of")
    written: bool
