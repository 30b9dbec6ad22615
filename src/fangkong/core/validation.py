"""What a form, the API, a script or a CLI sends to a service: one rule for each kind of value.

Decided here and nowhere else; services call these and write no cleaning of their own:

* Errors are messages in Chinese keyed by the service's argument name. Given a dict (`errors`), a helper
  adds its message there (the first one per field wins) and returns None, so that a form shows every
  problem at once and `raise_if` raises them together; given none, it raises its ValidationError at once.
* Text follows fangkong.core.text, the one Unicode rule: `name_text` for what identifies a person, place or thing
  (names, addresses, codes, plates: full-width forms folded, clean_name), `text` for a one-line note or
  reason (written as it was, clean_text), `prose` for paragraphs (clean_prose). Each then checks that a
  required value is there and that it is not longer than its limit.
* A choice is the stored value of a TextChoices, folded as a name ("ｈｏｍｅ" is "home"); an empty one is
  refused unless `blank`.
* A moment is an aware datetime. A naive datetime, and ISO text without an offset, is the county's local
  time (core.days.tz); a bare date is its 00:00. A moment is within the accepted days (core.days), and
  "the future" starts CLOCK_SLACK after now: phones and servers disagree a little about the time.
* A day is a date; an aware datetime gives its local day (the county's calendar), a naive one its date.
  Within the accepted days; "the future" is after today.
* A time of day is kept to the minute, from a time or "H:MM" text.
* A whole number is an int or text of digits (full-width ones folded); a float or Decimal only when it
  is whole, never a bool.
Text of a moment, a day or a number is folded (NFKC) and stripped before it is parsed.
"""

import datetime
import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .days import day_problem, day_start, moment_problem, tz
from .text import clean_name, clean_prose, clean_text

# Phones and servers disagree a little on the time: "now" plus this is not yet "the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def is_id(value) -> bool:
    """Whether `value` can name a row by its id: ASCII digits ("²" and "٣" pass str.isdigit(), and the first is
    refused by int())."""
    text = str(value if value is not None else "")
    return text.isascii() and text.isdigit()


def raise_if(errors: dict) -> None:
    """Raise the collected errors, all at once, if there are any."""
    if errors:
        raise ValidationError(errors)


def _fail(errors: dict | None, field: str, message: str) -> None:
    if errors is None:
        raise ValidationError({field: message})
    errors.setdefault(field, message)


def fmt(moment: datetime.datetime) -> str:
    """A moment as the county reads it in a message: local "YYYY-MM-DD HH:MM"."""
    return f"{timezone.localtime(moment, tz()):%Y-%m-%d %H:%M}"


# Text ------------------------------------------------------------------------------------------------

def _sized(cleaned: str, field: str, label: str, limit: int, errors: dict | None, required: bool) -> str:
    if required and not cleaned:
        _fail(errors, field, _("请填写%(label)s") % {"label": label})
    elif len(cleaned) > limit:
        _fail(errors, field, _("%(label)s不能超过%(limit)s个字") % {"label": label, "limit": limit})
    return cleaned


def name_text(value, field: str, label: str, limit: int, errors: dict | None = None, *, required: bool = False) -> str:
    """A name, address, code or plate, cleaned by clean_name (full-width forms folded, white space collapsed),
    at most `limit` characters; "" when empty (an error when `required`)."""
    return _sized(clean_name(value), field, label, limit, errors, required)


def text(value, field: str, label: str, limit: int, errors: dict | None = None, *, required: bool = False) -> str:
    """A one-line note or reason, cleaned by clean_text (kept as written, white space collapsed), at most
    `limit` characters; "" when empty (an error when `required`)."""
    return _sized(clean_text(value), field, label, limit, errors, required)


def prose(value, field: str, label: str, limit: int, errors: dict | None = None, *, required: bool = False) -> str:
    """Text in paragraphs, cleaned by clean_prose (line breaks kept), at most `limit` characters."""
    return _sized(clean_prose(value), field, label, limit, errors, required)


def choice(value, choices, field: str, label: str, errors: dict | None = None, *, blank: bool = False) -> str:
    """The stored value of one of `choices` (a TextChoices), folded as a name; "" is allowed only when `blank`."""
    cleaned = clean_name(value)
    if not cleaned:
        if not blank:
            _fail(errors, field, _("请选择%(label)s") % {"label": label})
    elif cleaned not in choices.values:
        _fail(errors, field, _("未知的%(label)s：%(value)s") % {"label": label, "value": cleaned})
    return cleaned


# Moments and days ------------------------------------------------------------------------------------

def as_moment(value, field: str, label: str, errors: dict | None = None, *, default=None,
              allow_future: bool = True) -> datetime.datetime | None:
    """An aware datetime from a datetime (naive = local time), a date (its 00:00 local) or ISO text;
    `default` when empty. None (with an error) when it is no moment, outside the accepted days, or later
    than now + CLOCK_SLACK while not `allow_future`."""
    if value is None or value == "":
        return default
    if isinstance(value, str):
        raw = clean_name(value)
        try:
            value = datetime.datetime.fromisoformat(raw)
        except ValueError:
            _fail(errors, field, _("%(label)s不是有效的时间：%(value)s") % {"label": label, "value": raw})
            return None
    if isinstance(value, datetime.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value, tz())
    elif isinstance(value, datetime.date):
        moment = day_start(value)
    else:
        _fail(errors, field, _("%(label)s不是有效的时间：%(value)s") % {"label": label, "value": value})
        return None
    if problem := moment_problem(moment):
        _fail(errors, field, f"{label}：{problem}")
        return None
    if not allow_future and is_future(moment):
        _fail(errors, field, _future_message(moment, label))
        return None
    return moment


def as_date(value, field: str, label: str, errors: dict | None = None, *,
            allow_future: bool = True) -> datetime.date | None:
    """A date from a date, a datetime (an aware one: its local day) or ISO text (YYYY-MM-DD); None when
    empty. None (with an error) when it is no date, outside the accepted days, or after today while not
    `allow_future`."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        if problem := moment_problem(value):
            _fail(errors, field, f"{label}：{problem}")
            return None
        value = timezone.localtime(value, tz()).date() if timezone.is_aware(value) else value.date()
    elif not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(clean_name(value))
        except ValueError:
            _fail(errors, field, _("%(label)s不是有效日期：%(value)s") % {"label": label, "value": value})
            return None
    if problem := day_problem(value):
        _fail(errors, field, f"{label}：{problem}")
        return None
    if not allow_future and is_future(value):
        _fail(errors, field, _future_message(value, label))
        return None
    return value


def is_future(value: datetime.date | datetime.datetime) -> bool:
    """A moment later than now + CLOCK_SLACK; a day after today (the county's calendar)."""
    if isinstance(value, datetime.datetime):
        return value > timezone.now() + CLOCK_SLACK
    return value > timezone.localdate(timezone=tz())


def _future_message(value, label: str) -> str:
    if isinstance(value, datetime.datetime):
        return _("%(label)s %(moment)s 是将来的时间") % {"label": label, "moment": fmt(value)}
    return _("%(label)s %(day)s 是将来的日期") % {"label": label, "day": value}


def not_future(value: datetime.date | datetime.datetime | None, field: str, label: str,
               errors: dict | None = None) -> None:
    """An error when a moment or a day already read (None: nothing to check) lies in the future (is_future)."""
    if value is not None and is_future(value):
        _fail(errors, field, _future_message(value, label))


def as_time(value, field: str, label: str, errors: dict | None = None, *, example: str = "08:00") -> datetime.time | None:
    """A time of day to the minute from a time or "H:MM"/"HH:MM" text (a full-width colon too); None when empty,
    None (with an error naming `example`) when it is no time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    raw = clean_name(value)  # folds the full-width colon
    try:
        return datetime.time.fromisoformat(raw if len(raw) != 4 else "0" + raw).replace(second=0, microsecond=0)
    except ValueError:
        _fail(errors, field, _("%(label)s应为 时:分，例如 %(example)s：%(value)s") % {
            "label": label, "example": example, "value": raw})
        return None


# Numbers ---------------------------------------------------------------------------------------------

def as_whole(value, field: str, label: str, errors: dict | None = None, *, least: int, most: int) -> int | None:
    """A whole number from an int, a whole float or Decimal, or text of digits, within least..most; None
    (with an error) otherwise, and when empty."""
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float | Decimal):
        number = int(value) if math.isfinite(value) and value == int(value) else None
    elif isinstance(value, str):
        raw = clean_name(value)
        number = int(raw) if raw.lstrip("+-").isascii() and raw.lstrip("+-").isdigit() else None
    if number is None:
        _fail(errors, field, _("%(label)s应为整数：%(value)s") % {"label": label, "value": value})
        return None
    if not least <= number <= most:
        _fail(errors, field, _("%(label)s应在%(least)s到%(most)s之间：%(value)s") % {
            "label": label, "least": least, "most": most, "value": value})
        return None
    return number
