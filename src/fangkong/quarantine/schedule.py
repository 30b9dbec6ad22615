"""Time arithmetic of a quarantine, free of the database: local days, planned ends, follow-up slots.

All days are local days of the default time zone (Asia/Shanghai): a follow-up "at 08:00" is
08:00 in the county, and the roll-up counts a write on the county's calendar day.
"""

import datetime

from django.utils import timezone

from fangkong.core.days import day_bounds, day_start, local_day, tz  # noqa: F401  (re-exported)

from .models import CountsFrom

# A slot is "due now" from its time until GRACE later, then overdue.
GRACE = datetime.timedelta(hours=2)
# A follow-up recorded without naming its slot counts for one due at most EARLY later (the
# evening call made at 16:00 counts for 18:00; a noon check is an extra one, not the evening's).
EARLY = datetime.timedelta(hours=4)


def parse_time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def policy_end(counts_from: str, length_days: int, *, start_at: datetime.datetime,
               arrival: datetime.datetime | None, last_exposure: datetime.datetime | None) -> datetime.datetime:
    """The end the policy gives: `length_days` × 24 h from what it counts from.

    Arrival and last exposure given as dates count from 00:00 of that day, so 14 days from an
    arrival on 23 January end at 00:00 on 6 February: 23 Jan … 5 Feb are the 14 days.
    """
    base = {CountsFrom.ORDER_START: start_at, CountsFrom.ARRIVAL: arrival,
            CountsFrom.LAST_EXPOSURE: last_exposure}[counts_from]
    return base + datetime.timedelta(days=length_days)


def slot_times(start_at: datetime.datetime, end: datetime.datetime, times: list[str]) -> list[datetime.datetime]:
    """The follow-up moments of an order: each local day's `times` with start_at ≤ moment < end."""
    found = []
    day, last = local_day(start_at), local_day(end)
    clock = [parse_time(t) for t in times]
    while day <= last:
        for t in clock:
            moment = timezone.make_aware(datetime.datetime.combine(day, t), tz())
            if start_at <= moment < end:
                found.append(moment)
        day += datetime.timedelta(days=1)
    return found


def slot_state(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """"upcoming", "due_now" or "overdue" for a slot still due at `now`."""
    if due_at > now:
        return "upcoming"
    return "due_now" if due_at > now - GRACE else "overdue"
