"""Finding the header row of a hand-made ledger and what each column holds.

Village sheets put a merged title (and often a date or unit line) above the header, name the
same column in several ways (身份证号 / 公民身份号码 / 证件号码) and sometimes split the header
over two rows (a group label like 返乡信息 above 出发地 / 返回日期). The header is the row among
the first few that names the most known columns; a neighbouring row naming further columns
below or above empty header cells is merged into it.
"""

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


@dataclass
class Header:
    """Where the header is and which column holds which field (first column wins on repeats)."""

    last_row: int  # 0-based index of the header's last row; data starts below it
    columns: dict[str, int] = field(default_factory=dict)  # field → 0-based column
    titles: dict[str, str] = field(default_factory=dict)   # field → the header text as in the file

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
    header = Header(last_row=index)
    _take(header, rows[index], found)
    # a two-row header: names below (or above) cells of the best row that name nothing
    for neighbour in (index + 1, index - 1):
        if 0 <= neighbour < len(rows):
            extra = {i: name for i, name in _recognised(rows[neighbour]).items()
                     if i not in found and name not in header.columns}
            if extra and _only_headers(rows[neighbour]):
                _take(header, rows[neighbour], extra)
                header.last_row = max(header.last_row, neighbour)
    return header


def _only_headers(row: list) -> bool:
    """A row of header names (and group labels) only: no cell looks like data (a number or a date)."""
    return all(isinstance(v, str) and not any(ch.isdigit() for ch in v) for v in row if v not in ("", None))


def _take(header: Header, row: list, found: dict[int, str]) -> None:
    for i in sorted(found):
        name = found[i]
        if name not in header.columns:
            header.columns[name] = i
            header.titles[name] = " ".join(str(row[i]).split())  # as the file writes it, for error messages
