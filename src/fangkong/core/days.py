"""Local days: the county's calendar (the default time zone, Asia/Shanghai), shared by every app.

A write counts on the local day it happened, and "the passages of a day" are the moments in
[00:00, next 00:00) local. One definition, so the roll-up sources, the day lists and their
rebuilds can never disagree about where a day ends.
"""

import datetime

from django.utils import timezone


def tz():
    return timezone.get_default_timezone()


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, tz()).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """00:00 local of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz())


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a local day."""
    return day_start(day), day_start(day + datetime.timedelta(days=1))
