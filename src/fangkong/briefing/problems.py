"""What the brief's "存在的问题" says: the problems the day's reports name, grouped, and the regions the
figures show behind (reports late or not in, key persons not checked, follow-ups overdue).

A report's "情况与问题" is free text. How the brief reads it is decided here and nowhere else:

- The problems are what follows a problem heading ("存在问题：", "存在的问题：", "问题：", "困难和问题：",
  "主要问题：" …). What comes before it is the situation, which the brief states from the figures instead.
  A text without such a heading is quoted whole.
- Each line is one problem; a leading "1." "（一）" "一是" is dropped. "无", "暂无", "没有" … say there is
  none, and a line wholly in brackets ("（已按退回意见核实更正）") is a remark, not a problem.
- The same problem (equal once spaces and the closing punctuation are set aside) reported by several
  regions is one entry naming them and their count; a village is always named with its township
  ("花园镇石桥村、东岳村，丰山镇红旗村"), since village names repeat across townships.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fangkong.core import region_codes as codes
from fangkong.regions.models import Level

# regions named in one entry; the count says how many there are in all ("… 等 23 个村（社区）")
NAMES_SHOWN = 4

_HEADING = re.compile(r"^\s*(?:存在的?|主要的?|当前)?(?:问题|困难)(?:[和与及、](?:问题|困难|不足|建议))?\s*[：:]\s*",
                      re.MULTILINE)
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[.、．)）]|[（(]\s*[\d一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+[是、.．])\s*")
_NONE = {"无", "暂无", "没有", "无问题", "暂无问题", "没有问题", "无异常", "暂无异常", "正常", "无明显问题", "未发现问题"}
_CLOSING = "。；;，,.、 　"


def problem_lines(text: str) -> list[str]:
    """The problems one report names (see the module's rules), each ending in "。"."""
    heading = _HEADING.search(text or "")
    part = (text or "")[heading.end():] if heading else (text or "")
    found = []
    for line in part.splitlines():
        line = _NUMBERING.sub("", line).strip().rstrip(_CLOSING)
        if not line or line in _NONE or _is_remark(line):
            continue
        found.append(line + "。")
    return found


def _is_remark(line: str) -> bool:
    return line[0] in "（(" and line[-1] in "）)" and line.count("（") + line.count("(") == 1


def _key(line: str) -> str:
    return re.sub(r"\s+", "", line).rstrip(_CLOSING)


@dataclass(frozen=True)
class Place:
    """A region as the brief names it: its code, name and level, and its township's name (villages)."""

    code: str
    name: str
    level: str
    township: str = ""


def township_code(code: str) -> str:
    return codes.prefix_of(code, codes.TOWNSHIP).ljust(12, "0")


def names(places: Iterable[Place], limit: int = NAMES_SHOWN) -> str:
    """"花园镇石桥村、东岳村，丰山镇红旗村": villages under their township's name, townships and counties by
    their own ("花园镇、丰山镇"); in code order, at most `limit` of them."""
    shown = sorted(places, key=lambda p: p.code)[:limit]
    groups: dict[str, list[Place]] = {}
    for place in shown:
        key = township_code(place.code) if place.level in (codes.VILLAGE, codes.TOWNSHIP) else place.code
        groups.setdefault(key, []).append(place)
    parts = []
    listed = False  # a township with its villages: the groups are then set apart by "，"
    for members in groups.values():
        villages = [p.name for p in members if p.level == codes.VILLAGE]
        own = next((p for p in members if p.level != codes.VILLAGE), None)
        listed = listed or bool(villages)
        if own is not None:
            parts.append(own.name + ("及" + "、".join(villages) if villages else ""))
        else:
            parts.append(members[0].township + "、".join(villages))
    return ("，" if listed else "、").join(parts)


def unit(places: Iterable[Place]) -> str:
    """"个村（社区）", "个乡镇（街道）" …, or "个单位" for places of several levels."""
    levels = {p.level for p in places}
    return f"个{Level(levels.pop()).label}" if len(levels) == 1 else "个单位"


def entry(places: list[Place], **extra) -> dict:
    """The brief's account of some places: {"where", "count", "unit"} (and `extra`)."""
    return {"where": names(places), "count": len(places), "unit": unit(places) if places else "", **extra}


def grouped(reported: Iterable[tuple[Place, str]]) -> list[dict]:
    """The problems of (place, situation text) pairs, one entry per problem: {"text", "where", "count",
    "unit", "region"} ("region" is "where", the name templates before grouping used), the problem reported
    by most places first, then from the higher level, then in code order."""
    by_key: dict[str, tuple[str, list[Place]]] = {}
    for place, text in reported:
        for line in problem_lines(text):
            _text, places = by_key.setdefault(_key(line), (line, []))
            if place not in places:
                places.append(place)
    level_rank = {level: n for n, level in enumerate(codes.PREFIX_LENGTH)}
    ordered = sorted(by_key.values(), key=lambda item: (-len(item[1]), min(level_rank[p.level] for p in item[1]),
                                                        min(p.code for p in item[1])))
    found = []
    for text, places in ordered:
        account = entry(places, text=text)
        account["region"] = account["where"]
        found.append(account)
    return found


def ranked(values: dict[str, int], places: dict[str, Place]) -> list[dict]:
    """Regions with a non-zero figure, the largest first: [{"name", "value"}] (names as `names` writes them)."""
    rows = [(value, code) for code, value in values.items() if value > 0 and code in places]
    return [{"name": names([places[code]]), "value": value} for value, code in sorted(rows, key=lambda r: (-r[0], r[1]))]
