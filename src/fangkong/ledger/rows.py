"""One ledger row → the values to store, or an error for every bad cell.

Person fields go through the people app's `clean_person_fields` (the same rules as the
registration page); the ledger fields (category, travel, symptoms) are checked here with the
rules of the key-person service: no date in the future, departure before arrival, arrival not
after registration and not absurdly long before it.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.people.cleaning import clean_person_fields
from fangkong.people.models import IdType
from fangkong.regions.models import Region, within

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
    """Cleans the data rows of one sheet; collects errors as {sheet, row, column, value, reason}."""

    sheet: str
    header: Header
    today: datetime.date
    default_category: str
    regions: Regions
    errors: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self._columns = list(self.header.columns.items())
        self._id_title = self.title("id_number")

    def error(self, row: int, name: str, value, reason: str) -> None:
        self.errors.append({"sheet": self.sheet, "row": row, "column": self.title(name),
                            "value": cells.raw_text(value), "reason": str(reason)})

    def title(self, name: str) -> str:
        return self.header.titles.get(name) or DEFAULT_TITLES.get(name, name)

    def values(self, cells_: list) -> dict:
        width = len(cells_)
        return {name: (cells_[i] if i < width else "") for name, i in self._columns}

    def clean(self, number: int, raw: dict) -> LedgerRow | None:
        """The row's values to store, or None after recording its errors."""
        before = len(self.errors)
        person = self._person(number, raw)
        reported = len(self.errors)
        category = self._cell(number, raw, "category", cells.parse_category) or self.default_category
        if not category and len(self.errors) == reported:
            self.error(number, "category", raw.get("category", ""), _("未指定人员类别（文件中无类别列时请选择类别）"))
        region = self._cell(number, raw, "village", self.regions.resolve)
        registered_on = self._date(number, raw, "registered_on")
        details = self._details(number, raw, registered_on or self.today)
        if len(self.errors) > before:
            return None
        return LedgerRow(self.sheet, number, person, region, category, registered_on, details,
                         self._id_title, cells.raw_text(raw.get("id_number")))

    def _cell(self, number: int, raw: dict, name: str, parse):
        value = raw.get(name, "")
        try:
            return parse(value)
        except cells.CellError as exc:
            self.error(number, name, value, str(exc))
            return None

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
        try:
            day = cells.parse_date(value, self.today)
        except cells.CellError as exc:
            self.error(number, name, value, str(exc))
            return None
        if day is not None and day > self.today:
            self.error(number, name, value, _("%(label)s %(day)s 是将来的日期") % {"label": self.title(name), "day": day})
        return day

    def _details(self, number: int, raw: dict, registered_on: datetime.date) -> dict:
        """Travel, symptoms and note. Labels are only translated when a row is wrong: gettext per row is slow."""
        get = raw.get
        found = {"origin": cells.text(get("origin")), "transport_number": cells.text(get("transport_number")).upper(),
                 "note": cells.text(get("note")), "symptoms": cells.parse_symptoms(get("symptoms")),
                 "transport_mode": cells.parse_transport_mode(get("transport_mode"))}
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
