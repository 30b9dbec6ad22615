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
    written: bool
