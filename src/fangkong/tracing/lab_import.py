"""Reading and checking a lab's result list (核酸检测结果清单), before anything is written.

The file comes through the guarded reader of every import (core.spreadsheets) and its cells are read by the
ledger importer's cell rules (ledger.cells: dates typed any way, numbers Excel stored as numbers, full-width
text, 合计 rows, summary sheets): a lab's list is typed like a village's ledger. The header is the row among
the first few naming the most known columns (样本编号 / 标本编号 / 条码号 …); every bad cell is reported with
its sheet, row, column, value and reason, counted per column like the ledger's (ledger.importing.ImportResult).

A row names its person by ID number (looked up by keyed digest, among the persons of the importer's scope:
a person elsewhere is as unknown as one never registered) and its sample by the lab's sample number, unique per
lab: a row whose (lab, sample number) is stored already is that test (its result updated, or unchanged).
"""

import datetime
import re
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import spreadsheets
from fangkong.core.days import day_start, moment_problem, tz
from fangkong.core.region_codes import covers
from fangkong.core.validation import fmt, is_future
from fangkong.ledger import cells
from fangkong.ledger.importing import ImportResult, is_summary_sheet
from fangkong.people import identity
from fangkong.people.cleaning import clean_id_number
from fangkong.people.models import IdType, Person

from .models import LabResult, LabTest, Specimen, TestKind

# field → the header texts that mean it (compared without spaces, full-width folded, case-insensitive)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "序"),
    "name": ("姓名", "受检者姓名", "受检者", "被检者姓名"),
    "id_number": ("身份证号", "公民身份号码", "证件号码", "身份证号码", "身份证", "证件号", "身份证件号码"),
    "sample_number": ("样本编号", "样本号", "标本编号", "标本号", "样品编号", "条码号", "条码", "采样编号",
                      "样本条码", "检测编号"),
    "sampled_at": ("采样时间", "采样日期", "采集时间", "采集日期", "采样日期时间", "标本采集时间"),
    "result": ("检测结果", "结果", "核酸检测结果", "核酸结果", "抗体检测结果", "检验结果"),
    "result_at": ("出结果时间", "报告时间", "报告日期", "结果时间", "检测时间", "检测日期", "出报告时间"),
    "kind": ("检测类型", "检测项目", "项目", "检测方法"),
    "specimen": ("标本类型", "样本类型", "标本", "样本", "标本种类"),
}
NOT_IMPORTED = {"seq"}
REQUIRED = ("id_number", "sample_number", "sampled_at", "result")
TITLES = {"id_number": "证件号码", "sample_number": "样本编号", "sampled_at": "采样时间", "result": "检测结果",
          "result_at": "出结果时间", "name": "姓名", "kind": "检测类型", "specimen": "标本类型"}
SCAN_ROWS = 30
LOOKUP_CHUNK = 2000
# A sample is recorded on the day or within weeks; older is a typo (the sample form's rule too).
MAX_SAMPLE_AGE = datetime.timedelta(days=60)

_LOOKUP = {cells.compact(text).lower(): name for name, texts in SYNONYMS.items() for text in texts}
_BRACKETS = re.compile(r"\([^)]*\)")
_TIME = re.compile(r"[T\s]*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")

RESULT_WORDS = {
    "阴性": LabResult.NEGATIVE, "阴": LabResult.NEGATIVE, "-": LabResult.NEGATIVE, "(-)": LabResult.NEGATIVE,
    "negative": LabResult.NEGATIVE, "neg": LabResult.NEGATIVE, "未检出": LabResult.NEGATIVE,
    "阳性": LabResult.POSITIVE, "阳": LabResult.POSITIVE, "+": LabResult.POSITIVE, "(+)": LabResult.POSITIVE,
    "positive": LabResult.POSITIVE, "pos": LabResult.POSITIVE, "检出": LabResult.POSITIVE,
    "弱阳性": LabResult.INCONCLUSIVE, "可疑": LabResult.INCONCLUSIVE, "不确定": LabResult.INCONCLUSIVE,
    "灰区": LabResult.INCONCLUSIVE, "待复核": LabResult.INCONCLUSIVE, "inconclusive": LabResult.INCONCLUSIVE,
    "待检": LabResult.PENDING, "待出结果": LabResult.PENDING, "检测中": LabResult.PENDING,
    "pending": LabResult.PENDING,
}
KIND_WORDS = {"核酸": TestKind.NUCLEIC_ACID, "核酸检测": TestKind.NUCLEIC_ACID, "pcr": TestKind.NUCLEIC_ACID,
              "rt-pcr": TestKind.NUCLEIC_ACID, "nucleic_acid": TestKind.NUCLEIC_ACID,
              "抗体": TestKind.ANTIBODY, "抗体检测": TestKind.ANTIBODY, "igm": TestKind.ANTIBODY,
              "igg": TestKind.ANTIBODY, "igm/igg": TestKind.ANTIBODY, "antibody": TestKind.ANTIBODY}
SPECIMEN_WORDS = {"咽拭子": Specimen.THROAT_SWAB, "口咽拭子": Specimen.THROAT_SWAB, "throat_swab": Specimen.THROAT_SWAB,
                  "鼻拭子": Specimen.NASAL_SWAB, "鼻咽拭子": Specimen.NASAL_SWAB, "nasal_swab": Specimen.NASAL_SWAB,
                  "痰": Specimen.SPUTUM, "痰液": Specimen.SPUTUM, "sputum": Specimen.SPUTUM,
                  "血": Specimen.BLOOD, "血液": Specimen.BLOOD, "血清": Specimen.BLOOD, "静脉血": Specimen.BLOOD,
                  "blood": Specimen.BLOOD, "其他": Specimen.OTHER, "other": Specimen.OTHER}


@dataclass
class LabImportResult(ImportResult):
    """The import's report: the ledger's (errors named and counted per column) with a lab list's figures."""

    unchanged: int = 0  # rows whose test is stored already with the same result: a list imported again
    proposals: int = 0  # positive results that propose a case or a classification change

    def as_dict(self) -> dict:
        found = super().as_dict()
        for name in ("pending", "checks", "sheet_dates"):  # the ledger's own figures
            found.pop(name, None)
        return found


@dataclass
class LabRow:
    sheet: str
    row: int
    titles: dict           # field → the column's header as written, for errors found later
    values: dict           # field → the cell as typed
    digests: list          # keyed digests the ID number may have
    id_problem: str        # why the ID number is no resident ID (reported when no person has it)
    name: str
    sample_number: str
    sampled_at: datetime.datetime
    result: str
    result_at: datetime.datetime | None
    kind: str
    specimen: str
    person: Person | None = None
    existing: LabTest | None = None


@dataclass
class Header:
    last_row: int
    columns: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def field_of(header) -> str | None:
    key = cells.compact(header).strip("*:：").lower()
    if not key:
        return None
    return _LOOKUP.get(key) or (_LOOKUP.get(_BRACKETS.sub("", key)) if "(" in key else None)


def find_header(rows: list[list]) -> Header | None:
    """The row among the first SCAN_ROWS naming the most known columns, at least the ID number and one more."""
    best = None
    for index, row in enumerate(rows[:SCAN_ROWS]):
        found = {i: name for i, value in enumerate(row) if (name := field_of(value))}
        names = set(found.values())
        if "id_number" in names and len(names) >= 2 and (best is None or len(names) > len(best[1])):
            best = (index, names, found)
    if best is None:
        return None
    index, _names, found = best
    header = Header(last_row=index)
    for i in sorted(found):
        name = found[i]
        if name not in header.columns:
            header.columns[name] = i
            header.titles[name] = " ".join(str(rows[index][i]).split())
    for i, value in enumerate(rows[index]):
        title = " ".join(str(value or "").split())
        if title and i not in header.columns.values() and title not in header.ignored:
            header.ignored.append(title)
    return header


def parse_moment(value, today: datetime.date) -> datetime.datetime | None:
    """A moment from a date-time cell, an Excel serial (its fraction the time of day) or text: a date in any of
    the ledger's spellings (cells.parse_date), optionally followed by H:MM[:SS]; a date alone is its 00:00.
    The county's local time. None for an empty cell; CellError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value, tz())
    elif isinstance(value, datetime.date):
        moment = day_start(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = cells.parse_date(value, today)
        seconds = round((float(value) % 1) * 86400)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            seconds=seconds), tz())
    else:
        text = cells.text(value)
        match = _TIME.search(text)
        clock = datetime.time()
        if match and match.start() > 0:
            hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
            if hour > 23 or minute > 59 or second > 59:
                raise cells.CellError(_("无法识别的时间：%(value)s") % {"value": cells.raw_text(value)})
            clock = datetime.time(hour, minute, second)
            text = text[:match.start()]
        day = cells.parse_date(text, today)
        if day is None:
            raise cells.CellError(_("无法识别的时间：%(value)s（请写成2020-01-23 14:30）") % {"value": cells.raw_text(value)})
        moment = timezone.make_aware(datetime.datetime.combine(day, clock), tz())
    if problem := moment_problem(moment):
        raise cells.CellError(problem)
    return moment


def _lookup(words: dict, value, default: str, what: str) -> str:
    key = cells.compact(value).lower()
    if not key:
        return default
    found = words.get(key) or words.get(key.strip("()（）"))
    if found is None:
        raise cells.CellError(_("无法识别的%(what)s：%(value)s") % {"what": what, "value": cells.raw_text(value)})
    return found


def parse_result(value) -> str:
    """阴性/阳性/弱阳性/待检 …, (+)/(-), negative/positive; empty: pending (a sample list without results)."""
    return _lookup(RESULT_WORDS, value, LabResult.PENDING, _("检测结果"))


def parse_kind(value) -> str:
    return _lookup(KIND_WORDS, value, TestKind.NUCLEIC_ACID, _("检测类型"))


def parse_specimen(value) -> str:
    return _lookup(SPECIMEN_WORDS, value, Specimen.THROAT_SWAB, _("标本类型"))


def id_digests(value) -> tuple[list[str], str]:
    """(the digests the typed ID number may have, why it is no resident ID or ""): a valid resident ID has
    one; another number may be any other kind of document's."""
    number = cells.number_text(value)
    try:
        return [identity.digest(IdType.RESIDENT_ID, identity.check_resident_id(number))], ""
    except ValidationError as exc:
        problem = exc.messages[0]
    found = []
    for kind in IdType.values:
        if kind == IdType.RESIDENT_ID:
            continue
        try:
            found.append(identity.digest(kind, clean_id_number(kind, number)))
        except ValidationError:
            return [], problem
    return found, problem


class Reader:
    """Cleans the rows of every sheet into LabRows, each bad cell reported to `result`."""

    def __init__(self, result: LabImportResult, today: datetime.date):
        self.result, self.today = result, today
        self.rows: list[LabRow] = []
        self.bad = 0

    def error(self, sheet: str, row: int, title: str, value, reason, about: str = "") -> None:
        self.result.add_error({"sheet": sheet, "row": row, "column": title, "value": cells.raw_text(value),
                               "reason": str(reason)}, about)

    def read(self, source, filename: str) -> bool:
        """Every sheet of the file; False when it stopped early (most rows wrong)."""
        result = self.result
        first_sheet = None
        found = False
        try:
            with closing(spreadsheets.sheets(source, filename, limits=spreadsheets.import_limits())) as book:
                for sheet, sheet_rows in book:
                    first_sheet = first_sheet or sheet
                    result.sheets.append(sheet)
                    if is_summary_sheet(sheet):
                        result.skipped_sheets.append({"sheet": sheet, "reason": _("汇总表，未导入")})
                        continue
                    head = list(islice(sheet_rows, SCAN_ROWS))
                    header = find_header(head)
                    if header is None:
                        if any(v not in ("", None) for row in head for v in row):
                            result.skipped_sheets.append({"sheet": sheet, "reason": _("没有检测结果表头，未导入")})
                        continue
                    found = True
                    result.ignored_columns += [t for t in header.ignored if t not in result.ignored_columns]
                    missing = [TITLES[name] for name in REQUIRED if name not in header.columns]
                    if missing:
                        self.error(sheet, header.last_row + 1, "", "", _("缺少必需的列：%(columns)s") % {
                            "columns": "、".join(missing)})
                        continue
                    data = chain(head[header.last_row + 1:], sheet_rows)
                    for number, values in enumerate(data, start=header.last_row + 2):
                        if not self._row(sheet, header, number, values):
                            return False
        except spreadsheets.FileError as exc:
            self.error(first_sheet or filename, 0, "", "", exc)
            return True
        if not found:
            self.error(first_sheet or filename, 0, "", "", _(
                "没有找到检测结果表头：表头行须包含“证件号码”（或身份证号）、“样本编号”、“采样时间”和“检测结果”等列"))
        return True

    def _row(self, sheet: str, header: Header, number: int, values: list) -> bool:
        raw = {name: (values[i] if i < len(values) else "") for name, i in header.columns.items()}
        imported = [v for name, v in raw.items() if name not in NOT_IMPORTED]
        if all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in imported):
            return True
        if any(cells.is_total_label(v) for v in values[:3]):
            return True
        self.result.rows_read += 1
        row = self._clean(sheet, header, number, raw)
        if row is not None:
            self.rows.append(row)
            return True
        self.bad += 1
        if self.bad >= settings.FANGKONG_IMPORT_ERRORS_STOP and 2 * self.bad >= self.result.rows_read:
            self.result.stopped = True
            self.error(sheet, number, "", "", _(
                "已读%(rows)s行，其中%(bad)s行有错误，已停止检查其余行，未导入任何数据：请核对是否选错了文件、"
                "表头是否在前几行") % {"rows": self.result.rows_read, "bad": self.bad})
            return False
        return True

    def _clean(self, sheet: str, header: Header, number: int, raw: dict) -> LabRow | None:
        before = self.result.error_count
        titles = {name: header.titles.get(name, TITLES.get(name, name)) for name in TITLES}

        def cell(name: str, parse):
            try:
                return parse(raw.get(name, ""))
            except cells.CellError as exc:
                self.error(sheet, number, titles[name], raw.get(name, ""), exc, name)
                return None

        digests, problem = [], ""
        if raw.get("id_number") in ("", None):
            self.error(sheet, number, titles["id_number"], "", _("请填写证件号码"), "id_number")
        else:
            found = cell("id_number", id_digests)
            if found is not None:
                digests, problem = found
                if not digests:
                    self.error(sheet, number, titles["id_number"], raw["id_number"], problem, "id_number")
        sample_number = cells.compact(raw.get("sample_number", "")).upper()
        if not sample_number:
            self.error(sheet, number, titles["sample_number"], "", _("请填写样本编号"), "sample_number")
        elif len(sample_number) > 40:
            self.error(sheet, number, titles["sample_number"], raw["sample_number"], _("样本编号不能超过40个字"),
                       "sample_number")
        sampled_at = cell("sampled_at", lambda v: parse_moment(v, self.today))
        if raw.get("sampled_at") in ("", None):
            self.error(sheet, number, titles["sampled_at"], "", _("请填写采样时间"), "sampled_at")
        result = cell("result", parse_result)
        result_at = cell("result_at", lambda v: parse_moment(v, self.today))
        kind = cell("kind", parse_kind)
        specimen = cell("specimen", parse_specimen)
        if sampled_at is not None and sampled_at < timezone.now() - MAX_SAMPLE_AGE:
            self.error(sheet, number, titles["sampled_at"], raw["sampled_at"], _(
                "采样时间 %(at)s 早于%(days)s天前，请核实") % {"at": fmt(sampled_at), "days": MAX_SAMPLE_AGE.days},
                "sampled_at")
        for name, moment in (("sampled_at", sampled_at), ("result_at", result_at)):
            if moment is not None and is_future(moment):
                self.error(sheet, number, titles[name], raw[name], _("%(label)s %(at)s 是将来的时间") % {
                    "label": titles[name], "at": fmt(moment)}, name)
        if sampled_at and result_at and result_at < sampled_at:
            self.error(sheet, number, titles["result_at"], raw["result_at"], _(
                "出结果时间 %(at)s 早于采样时间 %(sampled)s") % {"at": fmt(result_at), "sampled": fmt(sampled_at)},
                "result_at")
        if result == LabResult.PENDING and result_at is not None:
            self.error(sheet, number, titles["result_at"], raw["result_at"], _("尚未出结果，不能填写出结果时间"),
                       "result_at")
        if self.result.error_count > before:
            return None
        return LabRow(sheet, number, titles, raw, digests, problem, cells.name_text(raw.get("name", "")),
                      sample_number, sampled_at, result, result_at, kind, specimen)


def match(actor, rows: list[LabRow], lab: str, reader: Reader) -> list[LabRow]:
    """Each row's person (by digest, in the actor's scope, the name agreeing) and stored test (by lab and
    sample number, of the same person); a sample number repeated in the file is an error naming the first."""
    digests = sorted({d for row in rows for d in row.digests})
    persons: dict[str, Person] = {}
    for start in range(0, len(digests), LOOKUP_CHUNK):
        for person in Person.objects.filter(id_digest__in=digests[start:start + LOOKUP_CHUNK]).order_by("-id"):
            persons[person.id_digest] = person  # newest first: the oldest twin is set last, as find_persons
    numbers = sorted({row.sample_number for row in rows})
    stored: dict[str, LabTest] = {}
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        for test in LabTest.objects.filter(lab=lab, sample_number__in=numbers[start:start + LOOKUP_CHUNK]):
            stored[test.sample_number] = test
    first: dict[str, LabRow] = {}
    kept = []
    for row in rows:
        problems = _problems(actor, row, persons, stored, first)
        if problems:
            for name, reason in problems:
                reader.error(row.sheet, row.row, row.titles[name], row.values.get(name, ""), reason, name)
            continue
        first[row.sample_number] = row
        kept.append(row)
    return kept


def _problems(actor, row: LabRow, persons: dict, stored: dict, first: dict) -> list[tuple[str, str]]:
    found = []
    earlier = first.get(row.sample_number)
    if earlier is not None:
        where = (_("第%(row)s行") % {"row": earlier.row} if earlier.sheet == row.sheet
                 else _("工作表“%(sheet)s”第%(row)s行") % {"sheet": earlier.sheet, "row": earlier.row})
        found.append(("sample_number", _("与%(where)s的样本编号重复") % {"where": where}))
    person = next((persons[d] for d in row.digests if d in persons), None)
    if person is None or not covers(actor, person.region_id):
        reason = _("未找到该证件号码登记的人员（请先登记人员）")
        found.append(("id_number", f"{row.id_problem}；{reason}" if row.id_problem else reason))
        return found
    if row.name and row.name != person.name:
        found.append(("name", _("姓名与该证件号码登记的姓名“%(name)s”不符") % {"name": person.name}))
    test = stored.get(row.sample_number)
    if test is not None and test.person_id != person.pk:
        found.append(("sample_number", _("该样本编号已登记为另一人员的样本")))
    elif test is not None and not covers(actor, test.region_id):
        found.append(("sample_number", _("该样本编号已登记，不在您的管辖范围内")))
    elif test is not None and test.sampled_at != row.sampled_at:
        found.append(("sampled_at", _("该样本已登记的采样时间为 %(at)s") % {"at": fmt(test.sampled_at)}))
    row.person, row.existing = person, test
    return found
