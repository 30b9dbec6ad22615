"""Finding the header row of a hand-made ledger and what each column holds.

Village sheets put a merged title (and often a date or unit line) above the header, name the
same column in several ways (身份证号 / 公民身份号码 / 证件号码) and sometimes split the header
over two rows (a group label like 返乡信息 above 出发地 / 返回日期). The header is the row among
the first few that names the most known columns; a neighbouring row naming further columns
below or above empty header cells is merged into it.

The rows above the header carry the sheet's date (填报日期：2020年2月3日, 截至2月3日), the day the sheet
describes: `title_date` finds it. Besides the named columns, a day's temperature (体温) and yes/no symptom
columns (是否有发热、咳嗽症状) are that day's check; every other header cell is a column not imported,
listed by `Header.ignored` so the importer can say so.
"""

import datetime
import re
from dataclasses import dataclass, field

from . import cells

# field → the header texts that mean it (compared without spaces, full-width folded, case-insensitive)
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "name": ("姓名", "名字"),
    "id_type": ("证件类型", "证件种类"),
    "id_number": ("身份证号", "公民身份号码", "证件号码", "身份证号码", "身份证", "证件号", "身份证件号码"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月日", "出生年月"),
    "phone": ("手机", "联系电话", "电话", "手机号码", "手机号", "联系方式", "电话号码"),
    "address": ("现住址", "住址", "现居住地址", "现住地址", "家庭住址", "居住地址", "现居住地"),
    "village": ("村", "社区", "村(社区)", "所属村(社区)", "村/社区", "村社区", "所属村", "所属社区",
                "所属村居", "村(居)"),
    "workplace": ("工作单位", "单位"),
    "origin": ("出发地", "来自何地", "从何地返回", "来源地", "从何地来", "来自地区", "从何地返乡", "出发地点"),
    "departure_date": ("离开日期", "出发日期", "离开时间", "出发时间"),
    "arrival_date": ("返回日期", "到达日期", "抵达时间", "返乡时间", "抵达日期", "到达时间", "返回时间",
                     "返乡日期", "抵达本地时间", "到达本地时间"),
    "transport_mode": ("交通方式", "交通工具", "出行方式", "返回方式"),
    "transport_number": ("车次/航班/车牌", "车次", "航班", "车牌", "车牌号", "航班号", "车次/航班",
                         "车次航班", "车次航班车牌", "车次/航班号/车牌号", "车次(航班、车牌)"),
    "category": ("类别", "人员类别", "人员类型", "类型"),
    "symptoms": ("症状", "有无症状", "健康状况", "身体状况", "目前症状"),
    "note": ("备注", "说明"),
    "registered_on": ("登记日期", "登记时间", "摸排日期"),
    # the day's check (每天一查) of the sheet's date; 体温(℃) and 体温（°C） count too
    "temperature": ("体温", "今日体温", "当日体温", "测量体温", "体温测量", "晨检体温", "体温情况"),
    # known but not imported: the ledger keeps these itself
    "age": ("年龄",),
    "responsible": ("责任人", "包保责任人", "包保干部"),
    "status": ("状态", "管控状态"),
}
NOT_IMPORTED = {"seq", "age", "responsible", "status"}
REQUIRED = ("name", "id_number")
SCAN_ROWS = 30  # the header is within the first rows; titles and notes above it are short

_LOOKUP = {key: name for name, texts in SYNONYMS.items() for key in texts}
_BRACKETS = re.compile(r"\([^)]*\)")
# a yes/no column about symptoms: 是否有发热、咳嗽症状, 是否发热, 有无咳嗽 (有无症状 is the 症状 column above)
_FLAG = re.compile(r"(?:是否有?|有无)(.*(?:发热|发烧|咳嗽|乏力|腹泻|气促|呼吸困难|症状).*)")


def _key(value) -> str:
    return cells.compact(value).strip("*:：").lower()


def field_of(header) -> str | None:
    """The field a header cell names, or None. 联系电话(手机) and 身份证号(18位) count too."""
    key = _key(header)
    if not key:
        return None
    found = _LOOKUP.get(key)
    if found is None and "(" in key:
        found = _LOOKUP.get(_BRACKETS.sub("", key))
    return found


def flag_of(header) -> str | None:
    """The symptom a yes/no column asks about (是否有发热、咳嗽症状 → 发热、咳嗽), or None."""
    key = _key(header)
    if not key or key in _LOOKUP:
        return None
    match = _FLAG.fullmatch(_BRACKETS.sub("", key))
    if match is None:
        return None
    return match[1].removesuffix("等症状").removesuffix("症状").removesuffix("等") or "症状"


@dataclass
class Header:
    """Where the header is and which column holds which field (first column wins on repeats)."""

    last_row: int  # 0-based index of the header's last row; data starts below it
    first_row: int = 0  # 0-based index of its first row: the title rows are above it
    columns: dict[str, int] = field(default_factory=dict)  # field → 0-based column
    titles: dict[str, str] = field(default_factory=dict)   # field → the header text as in the file
    flags: dict[str, str] = field(default_factory=dict)     # yes/no symptom column's field → the symptom asked
    ignored: list[str] = field(default_factory=list)       # header texts of the columns not imported

    def missing(self) -> list[str]:
        return [name for name in REQUIRED if name not in self.columns]


def _recognised(row: list) -> dict[int, str]:
    return {i: name for i, value in enumerate(row) if (name := field_of(value))}


def find_header(rows: list[list]) -> Header | None:
    """The header among `rows` (the sheet's first rows), or None when no row names 姓名 and one more column."""
    scored = [(len(set(found.values())), i, found) for i, row in enumerate(rows[:SCAN_ROWS])
              if "name" in (found := _recognised(row)).values() or len(set(found.values())) >= 3]
    if not scored:
        return None
    best = max(scored, key=lambda s: (s[0], -s[1]))
    count, index, found = best
    if count < 2:
        return None
    header = Header(last_row=index, first_row=index)
    _take(header, rows[index], found)
    # a two-row header: names below (or above) cells of the best row that name nothing
    for neighbour in (index + 1, index - 1):
        if 0 <= neighbour < len(rows):
            extra = {i: name for i, name in _recognised(rows[neighbour]).items()
                     if i not in found and name not in header.columns}
            if extra and _only_headers(rows[neighbour]):
                _take(header, rows[neighbour], extra)
                header.last_row = max(header.last_row, neighbour)
                header.first_row = min(header.first_row, neighbour)
    _others(header, rows[header.first_row:header.last_row + 1])
    return header


def _others(header: Header, rows: list[list]) -> None:
    """The yes/no symptom columns, and the header cells naming a column not imported (序号 aside: a
    running number is no data). A group label over named columns (返乡信息) is no column either."""
    used = {i for name, i in header.columns.items() if name not in NOT_IMPORTED}
    seen = set()
    for i in range(max((len(row) for row in rows), default=0)):
        if i in used:
            continue
        texts = [" ".join(str(row[i]).split()) for row in rows if i < len(row) and row[i] not in ("", None)]
        if not texts:
            continue
        flag = next((found for t in texts if (found := flag_of(t))), None)
        if flag is not None:  # a field of its own, "flag<column>", read with the others
            name = f"flag{i}"
            header.flags[name], header.columns[name], header.titles[name] = flag, i, texts[-1]
        elif header.columns.get("seq") != i and texts[-1] not in seen:
            seen.add(texts[-1])
            header.ignored.append(texts[-1])


def _only_headers(row: list) -> bool:
    """A row of header names (and group labels) only: no cell looks like data (a number or a date)."""
    return all(isinstance(v, str) and not any(ch.isdigit() for ch in v) for v in row if v not in ("", None))


def _take(header: Header, row: list, found: dict[int, str]) -> None:
    for i in sorted(found):
        name = found[i]
        if name not in header.columns:
            header.columns[name] = i
            header.titles[name] = " ".join(str(row[i]).split())  # as the file writes it, for error messages


# 填报日期：2020年2月3日, 截至2月3日, 统计时间 2020.2.3; an export's or a printer's own time stamp is no sheet date
_TITLE_DATE = re.compile(r"(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*[-./月]\s*(\d{1,2})(?!\d)")
_STAMPS = ("导出时间", "打印时间", "生成时间", "导出人", "打印人")
_DATE_WORDS = ("填报日期", "填报时间", "截至", "截止", "统计日期", "统计时间", "日期", "时间", "在管")


def title_date(rows: list[list], today: datetime.date) -> datetime.date | None:
    """The sheet's date in its title rows (the rows above the header), or None. A date named as the
    sheet's (填报日期, 截至, 统计时间 …) wins over another; a year-less one (截至2月3日) is the latest such
    day not after `today`."""
    found = []
    for row in rows:
        for value in row:
            if isinstance(value, datetime.datetime):
                found.append((False, value.date()))
            elif isinstance(value, datetime.date):
                found.append((False, value))
            elif isinstance(value, str):
                found.extend(_dates_in(cells.text(value), today))
    named = [day for is_named, day in found if is_named]
    return (named or [day for _named, day in found] or [None])[0]


def _dates_in(line: str, today: datetime.date) -> list[tuple[bool, datetime.date]]:
    found = []
    for match in _TITLE_DATE.finditer(line):
        words = line[max(match.start() - 8, 0):match.start()]
        if any(stamp in words for stamp in _STAMPS):
            continue
        if match[1] is None and "月" not in match[0]:
            continue  # 2/3 alone, or a number range, is no date
        year, month, day = int(match[1]) if match[1] else today.year, int(match[2]), int(match[3])
        try:
            found_day = datetime.date(year, month, day)
            if match[1] is None and found_day > today:
                found_day = datetime.date(year - 1, month, day)
        except ValueError:
            continue
        after = line[match.end():match.end() + 3]
        found.append((any(w in words for w in _DATE_WORDS) or "在管" in after, found_day))
    return found
