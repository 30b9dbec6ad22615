"""One ledger row → the values to store, or an error for every bad cell.

Person fields go through the people app's `clean_person_fields` (the same rules as the
registration page); the ledger fields (category, travel, symptoms) are checked here with the
rules of the key-person service: no date in the future, departure before arrival, arrival not
after registration and not absurdly long before it. "The future" and "long before" are counted from the
sheet's date (its title's, the importer's --as-of, else today): a ledger of any day reads as on that day.
A temperature and yes/no symptom columns are that day's check, the temperature checked by the rule of every
register (core.health); yes/no symptoms without a temperature go to the entry's symptoms.
"""

import datetime
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.region_codes import within
from fangkong.people import identity
from fangkong.people.cleaning import ADDRESS_MAX, NAME_MAX, WORKPLACE_MAX, clean_person_fields
from fangkong.people.models import IdType
from fangkong.regions.models import Region

from . import cells
from .columns import Header

# Travel that long before registration is a typo, not a recent arrival (as the key-person service says).
MAX_TRAVEL_DAYS_BEFORE = 180
TEXT_LIMITS = {"origin": 100, "transport_number": 40, "symptoms": 200, "note": 300}
# Column names used in errors when the file has no such column
DEFAULT_TITLES = {"category": "类别", "village": "村(社区)", "id_number": "证件号码", "name": "姓名"}
SEXES = {"男": "male", "女": "female"}
DETAIL_FIELDS = ("origin", "departure_date", "arrival_date", "transport_mode", "transport_number", "symptoms",
                 "note")
# A column's cells repeat (a county has a few dozen dates, villages, origins): each distinct cell is
# parsed once per sheet. Bounded, so a file of all-different cells costs memory in proportion only.
MEMO_LIMIT = 20000
CHECK_SYMPTOMS_MAX = 200  # the daily check's symptoms, as its service takes them
_MISSING = object()


def _memo_key(value):
    # 1, 1.0 and True are equal dict keys but not equal cells (True is no Excel serial): the type goes in
    return value if value.__class__ is str else (value.__class__, value)


def _text_upper(value) -> str:
    return cells.text(value).upper()


@dataclass(slots=True)
class LedgerRow:
    sheet: str
    row: int
    person: dict        # clean_person_fields output, digests included
    region: str         # village or grid code
    category: str
    registered_on: datetime.date | None
    details: dict       # origin, dates, transport, symptoms, note (empty values included)
    id_title: str       # the ID column's header and
    id_cell: str        # the ID cell as typed, for errors found later (duplicates, scope)
    day: datetime.date | None = None  # the sheet's date: a new entry's registration when none is given
    check: tuple | None = None  # that day's check: (temperature, symptoms, the temperature column's title)


class Regions:
    """Resolves a 村/社区 cell (name or code) to a village or grid code under the import's target region."""

    def __init__(self, target: Region):
        self.target = target
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        for code, name in (Region.objects.filter(within(target.code, "code"), level__in=("village", "grid"))
                           .values_list("code", "name")):
            self.by_code[code] = code
            self.by_name.setdefault(cells.compact(name), set()).add(code)
        self.cache: dict[str, str] = {}

    @property
    def default(self) -> str | None:
        return self.target.code if self.target.code in self.by_code else None

    def resolve(self, value) -> str:
        key = cells.compact(value)
        if key not in self.cache:
            self.cache[key] = self._resolve(key, value)
        return self.cache[key]

    def _resolve(self, key: str, shown) -> str:
        if not key:
            if self.default is None:
                raise cells.CellError(_("导入到%(region)s时每行须填写所属村（社区）") % {"region": self.target.name})
            return self.default
        if key.isdigit():
            if key in self.by_code:
                return key
            raise cells.CellError(_("区划代码不是%(region)s下的村（社区）或网格：%(value)s") % {
                "region": self.target.name, "value": cells.raw_text(shown)})
        for candidate in (key, key + "村", key + "社区", key.removesuffix("村"), key.removesuffix("社区")):
            found = self.by_name.get(candidate)
            if found and len(found) == 1:
                return next(iter(found))
            if found:
                raise cells.CellError(_("%(region)s下有多个名为%(value)s的村（社区），请填写区划代码") % {
                    "region": self.target.name, "value": cells.raw_text(shown)})
        raise cells.CellError(_("%(region)s下没有这个村（社区）：%(value)s") % {
            "region": self.target.name, "value": cells.raw_text(shown)})


@dataclass
class SheetReader:
    """Cleans the data rows of one sheet; reports each error, {sheet, row, column, value, reason}, with the
    field it is about to `report` (ImportResult.add_error, which counts them all and keeps the first few)."""

    sheet: str
    header: Header
    today: datetime.date  # the sheet's date, from which every date rule counts
    default_category: str
    regions: Regions
    report: Callable[[dict, str], None]
    found: int = 0  # errors found in this sheet

    def __post_init__(self):
        self._columns = list(self.header.columns.items())
        self._id_title = self.title("id_number")
        self._memos: dict[str, dict] = {}
        self._digest = identity.digester()
        self._system_today = datetime.date.today()  # what check_resident_id would take
        self._checks = "temperature" in self.header.columns or bool(self.header.flags)
        # the fast path: for each column, a memo of cell → (value, reason of the error or None)
        regions = self.regions.resolve
        self._fast = [(name, {}, compute) for name, compute in (
            ("category", lambda v: _parsed(cells.parse_category, v)),
            ("village", lambda v: _parsed(regions, v)),
            ("registered_on", lambda v: self._parse_date("registered_on", v)),
            ("departure_date", lambda v: self._parse_date("departure_date", v)),
            ("arrival_date", lambda v: self._parse_date("arrival_date", v)),
            ("origin", lambda v: _limited(cells.text(v), "origin")),
            ("transport_number", lambda v: _limited(_text_upper(v), "transport_number")),
            ("note", lambda v: _limited(cells.text(v), "note")),
            ("symptoms", lambda v: _limited(cells.parse_symptoms(v), "symptoms")),
            ("transport_mode", lambda v: (cells.parse_transport_mode(v), None)),
        )]

    def _memo(self, name: str, value, compute):
        """compute(value), once per distinct cell value of the column `name` (see MEMO_LIMIT)."""
        memo = self._memos.get(name)
        if memo is None:
            memo = self._memos[name] = {}
        key = _memo_key(value)
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = compute(value)
            if len(memo) < MEMO_LIMIT:
                memo[key] = found
        return found

    def error(self, row: int, name: str, value, reason: str) -> None:
        self.found += 1
        self.report({"sheet": self.sheet, "row": row, "column": self.title(name),
                     "value": cells.raw_text(value), "reason": str(reason)}, name)

    def title(self, name: str) -> str:
        return self.header.titles.get(name) or DEFAULT_TITLES.get(name, name)

    def values(self, cells_: list) -> dict:
        width = len(cells_)
        return {name: (cells_[i] if i < width else "") for name, i in self._columns}

    def clean(self, number: int, raw: dict) -> LedgerRow | None:
        """The row's values to store, or None after recording its errors."""
        row = self._clean_fast(number, raw)
        if row is not None:
            return row
        before = self.found
        person = self._person_fast(raw)
        if person is None:  # anything unusual: the full checks, which name every bad cell
            person = self._person(number, raw)
        reported = self.found
        category = self._cell(number, raw, "category", cells.parse_category) or self.default_category
        if not category and self.found == reported:
            self.error(number, "category", raw.get("category", ""), _("未指定人员类别（文件中无类别列时请选择类别）"))
        region = self._cell(number, raw, "village", self.regions.resolve)
        registered_on = self._date(number, raw, "registered_on")
        details = self._details(number, raw, registered_on or self.today)
        check = self._day_check(number, raw, details, report=True)[1] if self._checks else None
        if self.found > before:
            return None
        return LedgerRow(self.sheet, number, person, region, category, registered_on, details,
                         self._id_title, cells.raw_text(raw.get("id_number")), self.today, check)

    def _day_check(self, number: int, raw: dict, details: dict, *, report: bool) -> tuple[bool, tuple | None]:
        """(cells fine, the day's check or None). Yes/no symptoms without a temperature go to the entry's
        symptoms when its own cell says nothing."""
        value = raw.get("temperature", "")
        temperature, reason = self._memo("temperature", value, lambda v: _parsed(cells.temperature, v))
        if reason is not None:
            if report:
                self.error(number, "temperature", value, reason)
            return False, None
        said = [found for name, symptom in self.header.flags.items()
                if (found := self._memo(name, raw.get(name, ""), lambda v, s=symptom: cells.parse_flag(v, s)))]
        symptoms = "、".join(dict.fromkeys(said))
        if len(symptoms) > CHECK_SYMPTOMS_MAX:
            if report:
                name = next(iter(self.header.flags))
                self.error(number, name, raw.get(name, ""), _("不能超过%(limit)s个字") % {"limit": CHECK_SYMPTOMS_MAX})
            return False, None
        if temperature is None:
            if symptoms and not details.get("symptoms"):
                details["symptoms"] = symptoms
            return True, None
        return True, (temperature, symptoms, self.title("temperature"))

    def _clean_fast(self, number: int, raw: dict) -> LedgerRow | None:
        """What `clean` gives for a row without a single problem, each distinct cell of a column parsed
        once; None at the first doubt (a bad cell, a cross-check failing), and `clean` then checks the
        row cell by cell and names every error."""
        person = self._person_fast(raw)
        if person is None:
            return None
        get = raw.get
        found = {}
        for name, memo, compute in self._fast:
            value = get(name, "")
            key = value if value.__class__ is str else (value.__class__, value)
            parsed = memo.get(key)
            if parsed is None:
                parsed = compute(value)
                if len(memo) < MEMO_LIMIT:
                    memo[key] = parsed
            if parsed[1] is not None:
                return None
            found[name] = parsed[0]
        category = found.pop("category") or self.default_category
        region = found.pop("village")
        registered_on = found.pop("registered_on")
        if not category:
            return None
        departure, arrival, registered = found["departure_date"], found["arrival_date"], registered_on or self.today
        if departure and arrival and departure > arrival:
            return None
        if arrival and arrival <= self.today and arrival > registered:
            return None
        if ((departure and (registered - departure).days > MAX_TRAVEL_DAYS_BEFORE)
                or (arrival and (registered - arrival).days > MAX_TRAVEL_DAYS_BEFORE)):
            return None
        check = None
        if self._checks:
            ok, check = self._day_check(number, raw, found, report=False)
            if not ok:
                return None
        return LedgerRow(self.sheet, number, person, region, category, registered_on, found,
                         self._id_title, cells.raw_text(get("id_number")), self.today, check)

    def _cell(self, number: int, raw: dict, name: str, parse):
        value = raw.get(name, "")
        found, reason = self._memo(name, value, lambda v: _parsed(parse, v))
        if reason is not None:
            self.error(number, name, value, reason)
        return found

    def _person_fast(self, raw: dict) -> dict | None:
        """The person of a clean row with a resident ID, exactly as `_person` would give it; None when
        any cell needs the full path (another ID type, a birth-date cell, a number cell, anything wrong)."""
        get = raw.get
        typed_id, typed_phone, typed_name = get("id_number"), get("phone", ""), get("name")
        if (get("id_type") not in ("", None) or get("birth_date") not in ("", None)
                or typed_id.__class__ is not str or typed_name.__class__ is not str):
            return None
        number = typed_id if typed_id.isascii() else unicodedata.normalize("NFKC", typed_id)
        number = "".join(number.split()).upper()
        if len(number) != 18 or not number.isascii() or not identity.is_valid_resident_id(number, self._system_today):
            return None
        if typed_phone is None or typed_phone == "":
            phone = ""
        elif typed_phone.__class__ is str and typed_phone.isascii():
            phone = "".join(typed_phone.split()).upper()
            if phone:
                phone = phone.replace("-", "").removeprefix("+86")
                if not (phone.isdigit() and ((len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789")
                                             or (10 <= len(phone) <= 12 and phone[0] == "0"))):
                    return None
        else:
            return None
        name = cells.name_text(typed_name)
        address, workplace = cells.text(get("address")), cells.text(get("workplace"))
        if not name or len(name) > NAME_MAX or len(address) > ADDRESS_MAX or len(workplace) > WORKPLACE_MAX:
            return None
        sex = identity.sex_of(number)
        typed_sex = get("sex")
        if typed_sex not in ("", None) and SEXES.get(cells.text(typed_sex).replace(" ", ""), sex) != sex:
            return None
        return {"name": name, "id_type": IdType.RESIDENT_ID, "id_number": number, "phone": phone,
                "address": address, "workplace": workplace, "sex": sex,
                "birth_date": identity.birth_date_of(number),
                "id_digest": self._digest(IdType.RESIDENT_ID, number),
                "phone_digest": self._digest("phone", phone) if phone else ""}

    def _person(self, number: int, raw: dict) -> dict | None:
        get = raw.get
        given = {"name": cells.name_text(get("name")), "id_type": cells.text(get("id_type")),
                 "address": cells.text(get("address")), "workplace": cells.text(get("workplace")),
                 "sex": cells.text(get("sex")), "birth_date": None}
        failed = set()
        for name in ("id_number", "phone"):
            try:
                given[name] = cells.number_text(get(name))
            except cells.CellError as exc:
                self.error(number, name, get(name), str(exc))
                given[name] = None
                failed.add(name)
        if get("birth_date") not in ("", None):
            try:
                given["birth_date"] = cells.parse_date(get("birth_date"), self.today)
            except cells.CellError as exc:
                self.error(number, "birth_date", get("birth_date"), str(exc))
                failed.add("birth_date")
        try:
            person = clean_person_fields(**given)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name not in failed:
                    self.error(number, name, get(name, ""), messages[0])
            return None
        if failed:
            return None
        sex = given["sex"].replace(" ", "")
        if sex in SEXES and person["id_type"] == IdType.RESIDENT_ID and SEXES[sex] != person["sex"]:
            self.error(number, "sex", raw["sex"], _("性别与身份证号不符：%(value)s") % {"value": sex})
        return person

    def _date(self, number: int, raw: dict, name: str) -> datetime.date | None:
        value = raw.get(name, "")
        if value == "" or value is None:
            return None
        day, reason = self._memo(name, value, lambda v: self._parse_date(name, v))
        if reason is not None:
            self.error(number, name, value, reason)
        return day

    def _parse_date(self, name: str, value) -> tuple[datetime.date | None, str | None]:
        """(day, reason of the error): a day in the future is kept but reported."""
        try:
            day = cells.parse_date(value, self.today)
        except cells.CellError as exc:
            return None, str(exc)
        if day is not None and day > self.today:
            return day, _("%(label)s %(day)s 是将来的日期") % {"label": self.title(name), "day": day}
        return day, None

    def _details(self, number: int, raw: dict, registered_on: datetime.date) -> dict:
        """Travel, symptoms and note. Labels are only translated when a row is wrong: gettext per row is slow."""
        get, memo = raw.get, self._memo
        found = {"origin": memo("origin", get("origin"), cells.text),
                 "transport_number": memo("transport_number", get("transport_number"), _text_upper),
                 "note": memo("note", get("note"), cells.text),
                 "symptoms": memo("symptoms", get("symptoms"), cells.parse_symptoms),
                 "transport_mode": memo("transport_mode", get("transport_mode"), cells.parse_transport_mode)}
        for name, limit in TEXT_LIMITS.items():
            if len(found[name]) > limit:
                self.error(number, name, raw.get(name, ""), _("不能超过%(limit)s个字") % {"limit": limit})
        departure = found["departure_date"] = self._date(number, raw, "departure_date")
        arrival = found["arrival_date"] = self._date(number, raw, "arrival_date")
        if departure and arrival and departure > arrival:
            self.error(number, "departure_date", raw["departure_date"],
                       _("离开日期 %(departure)s 晚于抵达日期 %(arrival)s") % {"departure": departure, "arrival": arrival})
        if arrival and arrival <= self.today and arrival > registered_on:
            self.error(number, "arrival_date", raw["arrival_date"],
                       _("抵达日期 %(arrival)s 晚于登记日期 %(registered)s") % {
                           "arrival": arrival, "registered": registered_on})
        for name, day in (("departure_date", departure), ("arrival_date", arrival)):
            if day and (registered_on - day).days > MAX_TRAVEL_DAYS_BEFORE:
                self.error(number, name, raw[name], _("%(label)s %(day)s 距登记日期超过%(days)s天，请核实") % {
                    "label": self.title(name), "day": day, "days": MAX_TRAVEL_DAYS_BEFORE})
        return found


def _parsed(parse, value) -> tuple[object, str | None]:
    try:
        return parse(value), None
    except cells.CellError as exc:
        return None, str(exc)


def _limited(text: str, name: str) -> tuple[str, str | None]:
    """A text cell for the fast path: too long is a problem (`clean` then says so)."""
    return text, ("too long" if len(text) > TEXT_LIMITS[name] else None)
