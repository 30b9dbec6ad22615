"""Reading and checking a whole ledger file, before anything is written.

`read_ledger` turns every sheet into clean rows plus errors, each sheet read as on its own date (the
importer's --as-of, else the date in its title rows, else today), a sheet named after a category (the
export's layout: one sheet per category) holding that category's rows, a summary sheet (汇总, 统计) skipped
and said so, and every column not imported named; `match_existing` finds, in bulk,
who is already known (by ID digest) and their open ledger entries, reports rows repeating an
earlier row of the file, and sets aside the rows of people the importer may not touch (registered
outside their scope, or with the category's open entry held outside it): those are held for review
(people.reviews) like any such registration, never reported as errors that would tell where a person
is registered. The service then writes all of it, or nothing.
"""

import datetime
from contextlib import closing
from dataclasses import asdict, dataclass, field
from itertools import chain, islice

from django.conf import settings
from django.utils.translation import gettext as _

from fangkong.core import spreadsheets
from fangkong.core.actors import is_system
from fangkong.people.models import Person
from fangkong.people.services import find_persons
from fangkong.screening.models import KeyPerson, Status

from . import cells, columns
from .rows import LedgerRow, Regions, SheetReader

LOOKUP_CHUNK = 2000  # digests per IN (...) query: under every database's parameter limit
# An error repeats the cell and may quote it: a cell of 30,000 characters is shown cut short.
VALUE_SHOWN = 100
REASON_SHOWN = 300


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    pending: int = 0  # rows held for review by the staff above (people.reviews): counted, never described
    errors: list[dict] = field(default_factory=list)  # the first FANGKONG_IMPORT_ERRORS_SHOWN of each column
    error_count: int = 0  # every error found
    checks: int = 0  # the day's checks (体温 and symptom columns) written
    written: bool = False
    stopped: bool = False  # checking stopped early: most rows were wrong (FANGKONG_IMPORT_ERRORS_STOP)
    ignored_columns: list[str] = field(default_factory=list)  # header texts of the columns not imported
    skipped_sheets: list[dict] = field(default_factory=list)  # [{"sheet", "reason"}]: summaries, no header
    sheet_dates: list[dict] = field(default_factory=list)  # [{"sheet", "date"}]: the day each sheet was read as of
    sheets: list[str] = field(default_factory=list, repr=False)  # in file order, to sort the errors
    counted: dict[str, list] = field(default_factory=dict, repr=False)  # field → [column title, errors]

    @classmethod
    def refused(cls, sheet: str, reason, value="") -> "ImportResult":
        """A file refused as a whole, before any row was read."""
        result = cls()
        result.add_error(_error(sheet, 0, "", value, reason))
        return result

    def as_dict(self) -> dict:
        found = asdict(self)
        del found["sheets"], found["counted"]
        found["error_columns"] = self.error_columns()
        return found

    def add_error(self, error: dict, about: str = "") -> None:
        """Counts the error under the column of the field it is `about` and keeps it if it is among the
        column's first FANGKONG_IMPORT_ERRORS_SHOWN: a file of 100,000 bad rows answers in kilobytes."""
        self.error_count += 1
        counted = self.counted.get(about)
        if counted is None:
            counted = self.counted[about] = [error["column"], 0]
        counted[1] += 1
        if counted[1] <= settings.FANGKONG_IMPORT_ERRORS_SHOWN:
            error["value"] = _shortened(error["value"], VALUE_SHOWN)
            error["reason"] = _shortened(error["reason"], REASON_SHOWN)
            self.errors.append(error)

    def error_columns(self) -> list[dict]:
        """How many errors each column had, in the order first found: [{"column": title, "count": n}]."""
        return [{"column": title, "count": count} for title, count in self.counted.values()]

    def sort_errors(self) -> None:
        order = {name: i for i, name in enumerate(self.sheets)}
        self.errors.sort(key=lambda e: (order.get(e["sheet"], -1), e["row"]))


def _error(sheet: str, row: int, column: str, value, reason) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "value": cells.raw_text(value), "reason": str(reason)}


def _shortened(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


def _is_blank(raw: dict) -> bool:
    """Nothing in the columns that are imported (a template row with only its 序号 is blank too)."""
    for name, value in raw.items():
        if value != "" and value is not None and name not in columns.NOT_IMPORTED:
            if not isinstance(value, str) or value.strip():
                return False
    return True


def _first_text(row: list):
    for value in row:
        if value != "" and value is not None:
            return value
    return ""


SUMMARY_WORDS = ("汇总", "统计", "总表", "合计", "总计")


def is_summary_sheet(name: str) -> bool:
    """A sheet of totals (汇总表, 统计, 合计): its rows are counts or repeat the other sheets'."""
    return any(word in cells.compact(name) for word in SUMMARY_WORDS)


def sheet_category(name: str, default: str) -> str:
    """The category a sheet's name gives (疫区返乡人员, 密接), else `default`: a row's 类别 cell still wins."""
    try:
        return cells.parse_category(name) or default
    except cells.CellError:
        return default


def read_ledger(source, filename: str, *, regions: Regions, today: datetime.date,
                default_category: str, as_of: datetime.date | None = None) -> tuple[list[LedgerRow], ImportResult]:
    """Every data row of every sheet with a ledger header, cleaned; errors in sheet and row order.

    The file is read by the guarded reader of every import (core.spreadsheets), within the limits of
    settings.py. A file mostly wrong (FANGKONG_IMPORT_ERRORS_STOP bad rows, and at least half of the
    rows read) stops being checked: it is the wrong file or the wrong columns, and checking 200,000
    rows of it would only make more errors to read."""
    result = ImportResult()
    rows: list[LedgerRow] = []
    first_sheet = None
    found = False
    bad, stop_after = 0, settings.FANGKONG_IMPORT_ERRORS_STOP
    try:
        with closing(spreadsheets.sheets(source, filename, limits=spreadsheets.import_limits())) as book:
            for sheet, sheet_rows in book:
                first_sheet = first_sheet or sheet
                result.sheets.append(sheet)
                if is_summary_sheet(sheet):
                    result.skipped_sheets.append({"sheet": sheet, "reason": _("汇总表，未导入")})
                    continue
                head = list(islice(sheet_rows, columns.SCAN_ROWS))
                header = columns.find_header(head)
                if header is None:  # an instructions sheet (填表说明) or an empty one
                    if any(_first_text(row) != "" for row in head):
                        result.skipped_sheets.append({"sheet": sheet, "reason": _("没有台账表头，未导入")})
                    continue
                found = True
                for title in header.ignored:
                    if title not in result.ignored_columns:
                        result.ignored_columns.append(title)
                day = as_of or columns.title_date(head[:header.first_row], today) or today
                if day > today:
                    result.add_error(_error(sheet, 1, "", day.isoformat(), _(
                        "表格日期 %(day)s 是将来的日期") % {"day": day.isoformat()}))
                    continue
                result.sheet_dates.append({"sheet": sheet, "date": day.isoformat()})
                if header.missing():
                    labels = "、".join(rows_default_title(name) for name in header.missing())
                    result.add_error(_error(sheet, header.last_row + 1, "", "",
                                            _("缺少必需的列：%(columns)s") % {"columns": labels}))
                    continue
                reader = SheetReader(sheet, header, day, sheet_category(sheet, default_category), regions,
                                     result.add_error)
                data = chain(head[header.last_row + 1:], sheet_rows)
                for number, values in enumerate(data, start=header.last_row + 2):
                    raw = reader.values(values)
                    if _is_blank(raw) or cells.is_total_label(_first_text(values)):
                        continue
                    result.rows_read += 1
                    row = reader.clean(number, raw)
                    if row is not None:
                        rows.append(row)
                        continue
                    bad += 1
                    if bad >= stop_after and 2 * bad >= result.rows_read:
                        _stop(result, sheet, number, bad)
                        return [], result
    except spreadsheets.FileError as exc:
        result.add_error(_error(first_sheet or filename, 0, "", "", exc))
        return [], result
    if not found:
        result.add_error(_error(first_sheet or filename, 0, "", "", _(
            "没有找到台账表头：表头行须包含“姓名”和“身份证号”（或公民身份号码、证件号码）等列")))
    return rows, result


def _stop(result: ImportResult, sheet: str, number: int, bad: int) -> None:
    result.stopped = True
    result.add_error(_error(sheet, number, "", "", _(
        "已读%(rows)s行，其中%(bad)s行有错误，已停止检查其余行，未导入任何数据：请核对是否选错了文件、"
        "表头是否在前几行") % {"rows": result.rows_read, "bad": bad}))


def rows_default_title(name: str) -> str:
    return columns.SYNONYMS[name][0] if name != "id_number" else "身份证号"


@dataclass
class Matches:
    persons: dict[str, Person]                   # id digest → existing person
    open_entries: dict[tuple[int, str], KeyPerson]  # (person id, category) → open ledger entry
    held: list[tuple[LedgerRow, Person, KeyPerson | None]] = field(default_factory=list)  # out of reach: reviews


def _in_chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def match_existing(actor, rows: list[LedgerRow], result: ImportResult) -> tuple[list[LedgerRow], Matches]:
    """Drop in-file duplicates; look up who is already known; set aside (in `Matches.held`) the rows the
    actor may not write, for review."""
    rows = _drop_duplicates(rows, result)
    persons = find_persons(row.person["id_digest"] for row in rows)  # the rule of every register, in bulk
    open_entries: dict[tuple[int, str], KeyPerson] = {}
    for chunk in _in_chunks([p.pk for p in persons.values()]):
        for kp in KeyPerson.objects.filter(person_id__in=chunk, status=Status.UNDER_MANAGEMENT).select_related("region"):
            open_entries[(kp.person_id, kp.category)] = kp
    kept, held = [], []
    for row in rows:
        person = persons.get(row.person["id_digest"])
        entry = open_entries.get((person.pk, row.category)) if person is not None else None
        if _out_of_reach(actor, person) or _out_of_reach(actor, entry):
            held.append((row, person, entry))
        elif _check_before_entry(row, entry, result):
            continue
        else:
            kept.append(row)
    return kept, Matches(persons, open_entries, held)


def _check_before_entry(row: LedgerRow, entry: KeyPerson | None, result: ImportResult) -> bool:
    """The day's check falls before the open entry's registration (an old sheet of someone registered since),
    as the daily check's service would refuse it: an error at the temperature cell."""
    if row.check is None or entry is None or (row.registered_on or entry.registered_on) <= row.day:
        return False
    result.add_error(_error(row.sheet, row.row, row.check[2], cells.raw_text(row.check[0]), _(
        "检查日期 %(day)s 早于登记日期 %(registered)s") % {"day": row.day, "registered": entry.registered_on}),
        "temperature")
    return True


def _out_of_reach(actor, record: Person | KeyPerson | None) -> bool:
    """A known person or open entry the actor may not change (SYSTEM: the command line, no scope)."""
    return record is not None and not is_system(actor) and not actor.region.contains(record.region_id)


def _drop_duplicates(rows: list[LedgerRow], result: ImportResult) -> list[LedgerRow]:
    """The first row of a person in a category is kept; each later one is an error naming the first."""
    first: dict[tuple[str, str], LedgerRow] = {}
    kept = []
    for row in rows:
        key = (row.person["id_digest"], row.category)
        earlier = first.get(key)
        if earlier is None:
            first[key] = row
            kept.append(row)
            continue
        result.duplicates += 1
        where = (_("第%(row)s行") % {"row": earlier.row} if earlier.sheet == row.sheet
                 else _("工作表“%(sheet)s”第%(row)s行") % {"sheet": earlier.sheet, "row": earlier.row})
        result.add_error(_error(row.sheet, row.row, row.id_title, row.id_cell,
                                _("与%(where)s重复：同一人员、同一类别在文件中出现两次") % {"where": where}),
                         "id_number")
    return kept
