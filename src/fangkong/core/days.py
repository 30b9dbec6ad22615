"""Local days: the county's calendar (the default time zone, Asia/Shanghai), shared by every app.

A write counts on the local day it happened, and "the passages of a day" are the moments in
[00:00, next 00:00) local. One definition, so the roll-up sources, the day lists and their
rebuilds can never disagree about where a day ends.
"""

import datetime
import re
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError


def tz():
    return timezone.get_default_timezone()


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, tz()).date()


def local_iso(moment: datetime.datetime | None) -> str | None:
    """A moment as the deployment's local time in ISO 8601 (with its offset), for an API answer; None stays None."""
    return timezone.localtime(moment).isoformat() if moment else None


def day_start(day: datetime.date) -> datetime.datetime:
    """00:00 local of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz())


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a local day."""
    return day_start(day), day_start(day + datetime.timedelta(days=1))


# The days the system accepts ------------------------------------------------------------------------
# Decided here and nowhere else. Wider than any epidemic record needs, narrow enough that a day's
# neighbours, its trend window and its UTC instant always exist (0001-01-01 minus a day, or
# 9999-12-31 at +14:00, would overflow Python's datetime and answer 500).

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
MAX_OFFSET = datetime.timedelta(hours=14)  # the widest offset in use (UTC+14, Kiribati; UTC−12)


def day_problem(day: datetime.date) -> str | None:
    """Why `day` cannot be used (a message naming the allowed range), or None."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("日期须在 %(first)s 至 %(last)s 之间，%(value)s 超出范围") % {
        "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat(), "value": day.isoformat()}


def moment_problem(moment: datetime.datetime) -> str | None:
    """Why `moment` cannot be used, or None. A naive moment is local time. An aware one needs an offset
    within ±14 h, and its local day (the county's calendar) within the accepted days."""
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return _("时间的时区偏移须在 ±14 小时以内，%(value)s 超出范围") % {"value": moment.isoformat()}
    # the wall-clock day first: converting year 1 or 9999 to another zone can overflow
    problem = day_problem(moment.date())
    if problem is None and offset is not None:
        problem = day_problem(local_day(moment))
    if problem is None:
        return None
    return _("时间须在 %(first)s 至 %(last)s 之间（按本地日期），%(value)s 超出范围") % {
        "first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat(), "value": moment.isoformat()}


def _api_day_text(value):
    # a day is YYYY-MM-DD (OpenAPI's `format: date`); pydantic alone would also take "2020-02-03T00:00:00+15:00"
    # or a Unix timestamp and quietly drop the time
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("day_format", _("日期应写作 YYYY-MM-DD，{value} 不是日期"), {"value": value[:40]})
    return value


def _api_day(day: datetime.date) -> datetime.date:
    if problem := day_problem(day):
        raise PydanticCustomError("day_out_of_range", problem)
    return day


def _api_moment(moment: datetime.datetime) -> datetime.datetime:
    if problem := moment_problem(moment):
        raise PydanticCustomError("moment_out_of_range", problem)
    return moment


# The API's date and time types: every date or datetime in a django-ninja signature or request schema
# is one of these, so a day outside the accepted ones answers 422 naming the parameter (`loc`).
Day = Annotated[datetime.date, BeforeValidator(_api_day_text), AfterValidator(_api_day), WithJsonSchema({
    "type": "string", "format": "date", "description": f"{FIRST_DAY} … {LAST_DAY}", "examples": ["2020-02-03"]})]
Moment = Annotated[datetime.datetime, AfterValidator(_api_moment), WithJsonSchema({
    "type": "string", "format": "date-time", "examples": ["2020-02-03T08:00:00+08:00"],
    "description": f"{FIRST_DAY} … {LAST_DAY} (local day); no offset = local time, an offset within ±14:00"})]
