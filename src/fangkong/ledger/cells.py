"""Spreadsheet cells as values: text, dates, categories and transport modes, the way villages type them.

Each parser takes one cell as python-calamine (or the csv reader) gives it — str, int, float,
date, datetime — and returns the value to store or raises `CellError` with the reason in Chinese.
"""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from fangkong.core.health import parse_temperature
from fangkong.core.text import clean_name
from fangkong.screening.models import Category, TransportMode

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
EARLIEST = datetime.date(1900, 1, 1)


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


def raw_text(value) -> str:
    """The cell as the file shows it, for error messages (13812345678.0 → "13812345678")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def text(value) -> str:
    """Clean text, by the rule every typed text follows (`core.text.clean_name`): invisible characters
    gone, full-width letters, digits and brackets to ASCII (NFKC), runs of spaces to one."""
    if value is None or value == "":
        return ""
    return clean_name(value if isinstance(value, str) else raw_text(value))


def name_text(value) -> str:
    """A person's name: spaces typed inside a Chinese name (张 三) go, a Latin name keeps its spaces."""
    cleaned = text(value)
    if " " in cleaned and not any("a" <= ch.lower() <= "z" for ch in cleaned):
        return cleaned.replace(" ", "")
    return cleaned


def compact(value) -> str:
    """Text with every space removed (numbers, codes, short labels)."""
    return "".join(text(value).split())


_FULL_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?"
                        r"(?:\s*[T ]?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


def _date(year: int, month: int, day: int, shown) -> datetime.date:
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("日期不存在：%(value)s") % {"value": raw_text(shown)}) from None
    if found < EARLIEST:
        raise CellError(_("日期不可能：%(value)s") % {"value": raw_text(shown)})
    return found


def _from_serial(number: float, shown) -> datetime.date:
    if not 1 <= number < 2958466:  # Excel's last day is 9999-12-31
        raise CellError(_("无法识别的日期：%(value)s") % {"value": raw_text(shown)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def parse_date(value, today: datetime.date) -> datetime.date | None:
    """A date from a date cell, an Excel serial or text (2020-01-23, 2020.1.23, 2020/1/23,
    2020年1月23日, 20200123, or 1月23日 whose year is today's, or last year's if that is
    still to come). None for an empty cell."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("无法识别的日期：%(value)s") % {"value": raw_text(value)})
    if isinstance(value, int | float):
        return _from_serial(value, value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":  # the common case, in C
        try:
            found = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if found >= EARLIEST:
                return found
    cleaned = text(value)
    if not cleaned:
        return None
    match = _FULL_DATE.fullmatch(cleaned)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), value)
    match = _MONTH_DAY.fullmatch(cleaned)
    if match:
        month, day = int(match[1]), int(match[2])
        try:
            found = datetime.date(today.year, month, day)
        except ValueError:  # 2月29日 in a common year, or no such day at all
            found = None
        if found is None or found > today:
            found = _date(today.year - 1, month, day, value)
        return found
    match = _COMPACT_DATE.fullmatch(cleaned)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), value)
    if _SERIAL.fullmatch(cleaned):
        return _from_serial(float(cleaned), value)
    raise CellError(_("无法识别的日期：%(value)s（请写成2020-01-23）") % {"value": raw_text(value)})


def number_text(value) -> str:
    """An ID or phone cell as text. A long number stored as an Excel number has lost its last digits."""
    if isinstance(value, float):
        if not value.is_integer() or value >= 1e15:
            raise CellError(_("该号码被Excel存成了数字，末几位已丢失，请把该列设为文本后重新填写：%(value)s")
                            % {"value": raw_text(value)})
        return str(int(value))
    if isinstance(value, int):
        if value >= 10**15:
            raise CellError(_("该号码被Excel存成了数字，末几位已丢失，请把该列设为文本后重新填写：%(value)s")
                            % {"value": raw_text(value)})
        return str(value)
    return text(value)


_CATEGORY_WORDS = {
    "疫区返乡": Category.RETURNEE, "返乡": Category.RETURNEE, "返乡人员": Category.RETURNEE,
    "疫区返乡人员": Category.RETURNEE, "武汉返乡人员": Category.RETURNEE, "湖北返乡人员": Category.RETURNEE,
    "返回人员": Category.RETURNEE,
    "发热": Category.FEVER, "发热咳嗽": Category.FEVER, "发热人员": Category.FEVER, "咳嗽": Category.FEVER,
    "密接": Category.CLOSE_CONTACT, "密切接触": Category.CLOSE_CONTACT,
    "次密接": Category.SECONDARY_CONTACT, "次密切接触者": Category.SECONDARY_CONTACT,
    "疑似": Category.SUSPECTED, "疑似患者": Category.SUSPECTED,
    "确诊": Category.CONFIRMED, "确诊患者": Category.CONFIRMED,
    "无症状": Category.ASYMPTOMATIC, "无症状感染": Category.ASYMPTOMATIC,
    "过境": Category.TRANSIENT, "过境人员": Category.TRANSIENT, "流动人员": Category.TRANSIENT,
}


def _category_lookup() -> dict[str, str]:
    # labels are looked up in Chinese whatever the request language: files are typed in Chinese
    found = {value: value for value in Category.values}
    with translation.override(None):  # the msgids are the Chinese labels
        found.update({compact(str(label)): value for value, label in Category.choices})
    found.update(_CATEGORY_WORDS)
    return found


_CATEGORIES: dict[str, str] = {}


def parse_category(value) -> str:
    """The stored category for `returnee`, a Chinese label (疫区返乡人员) or a short form (返乡, 密接)."""
    if not _CATEGORIES:
        _CATEGORIES.update(_category_lookup())
    key = compact(value)
    if not key:
        return ""
    found = _CATEGORIES.get(key) or _CATEGORIES.get(key.lower())
    if found is None:
        raise CellError(_("未知的人员类别：%(value)s") % {"value": raw_text(value)})
    return found


# Keywords in what people write in a 交通方式 column; the first that occurs wins.
_TRANSPORT_WORDS = [
    ("自驾", TransportMode.CAR), ("私家车", TransportMode.CAR), ("小车", TransportMode.CAR),
    ("轿车", TransportMode.CAR), ("car", TransportMode.CAR),
    ("高铁", TransportMode.TRAIN), ("动车", TransportMode.TRAIN), ("火车", TransportMode.TRAIN),
    ("列车", TransportMode.TRAIN), ("train", TransportMode.TRAIN),
    ("飞机", TransportMode.PLANE), ("航班", TransportMode.PLANE), ("plane", TransportMode.PLANE),
    # 汽车 in these ledgers means the long-distance coach (长途汽车) far more often than a car
    ("客车", TransportMode.BUS), ("大巴", TransportMode.BUS), ("长途", TransportMode.BUS),
    ("班车", TransportMode.BUS), ("汽车", TransportMode.BUS), ("公交", TransportMode.BUS),
    ("bus", TransportMode.BUS),
    ("船", TransportMode.SHIP), ("ship", TransportMode.SHIP),
]


@functools.lru_cache(maxsize=1024)
def _transport_mode(key: str) -> str:
    for word, mode in _TRANSPORT_WORDS:
        if word in key:
            return mode
    return TransportMode.OTHER


def parse_transport_mode(value) -> str:
    """The stored transport mode; anything unrecognised (步行, 摩托车) is "other", never an error."""
    key = compact(value).lower()
    return _transport_mode(key) if key else ""


NO_SYMPTOMS = {"无", "否", "没有", "正常", "无症状", "无异常", "/", "-", "—"}


def parse_symptoms(value) -> str:
    cleaned = text(value)
    return "" if cleaned in NO_SYMPTOMS else cleaned


def temperature(value):
    """The day's temperature (a Decimal) by the rule of every register (core.health); None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_temperature(raw_text(value) if isinstance(value, float) else value)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


YES = {"是", "有", "√", "✓", "y", "yes", "1"}
NO = NO_SYMPTOMS | {"×", "✗", "n", "no", "0"}


def parse_flag(value, symptom: str) -> str:
    """A yes/no symptom cell: `symptom` for yes, "" for no or an empty cell, what is written otherwise (咳嗽)."""
    cleaned = text(value)
    key = cleaned.lower()
    if key in YES:
        return symptom
    return "" if not key or key in NO else cleaned


def is_total_label(value) -> bool:
    """A 合计 / 总计 / 小计 row, or the signature line under a table (填表人：…)."""
    if not isinstance(value, str):
        return False
    key = compact(value)
    return key.startswith(("合计", "总计", "小计", "填表人", "填报人", "制表人", "审核人", "负责人签字"))
