"""The demo's one clock: the days on which every demo generator writes.

The demo county is a county at work on the DAYS days ending today. Day 1 of the response is the
first of them: the risk areas are listed, the checkpoints open, the first sweep goes door to door
and the ledger opens; day DAYS is today, and nothing is written after now. Every generator takes its
days and moments from one `Clock`, so every register lies on the same days and today's pages show
a county at work today, not one frozen in the past.

Generators of the areas still to come (cases and contact tracing, treatment and supplies, command
and supervision, services to residents) take their days from it the same way: `clock.day(k)` is day
k of the response (0 and below: before it began, as a returnee's arrival may be), `clock.days()` the
demo days, `clock.moment(...)` a moment of a day that is not after now.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from fangkong.core.days import day_start, local_day

DAYS = 14
SHORTEST = 7  # fewer days leave no room for a 14-day isolation that ends while the demo runs
MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Clock:
    now: datetime.datetime
    length: int = DAYS

    @classmethod
    def ending_now(cls, length: int = DAYS) -> "Clock":
        return cls(timezone.now(), length)

    @property
    def today(self) -> datetime.date:
        return local_day(self.now)

    @property
    def first_day(self) -> datetime.date:
        return self.today - (self.length - 1) * DAY

    def day(self, k: int) -> datetime.date:
        """Day k of the response: 1 is the first demo day, `length` today."""
        return self.first_day + (k - 1) * DAY

    def number(self, day: datetime.date) -> int:
        """Which day of the response `day` is (the inverse of `day`)."""
        return (day - self.first_day).days + 1

    def days(self, first: int = 1, last: int | None = None) -> list[datetime.date]:
        """Days `first` to `last` of the response (by default all the demo days), today at the latest."""
        last = self.length if last is None else min(last, self.length)
        return [self.day(k) for k in range(first, last + 1)]

    def at(self, day: datetime.date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
        """That local time of `day`."""
        return day_start(day) + datetime.timedelta(hours=hour, minutes=minute, seconds=second)

    def clamp(self, moment: datetime.datetime) -> datetime.datetime:
        """`moment`, or a minute before now when it is later."""
        return min(moment, self.now - MINUTE)

    def moment(self, rng: random.Random, day: datetime.date, hours: tuple[int, int] = (8, 18),
               after: datetime.datetime | None = None) -> datetime.datetime | None:
        """A moment of `day` in whole minutes, in its working hours (`hours[0]`:00 to `hours[1]`:59), later than
        `after` when given and at least a minute before now. When none of the working hours is left (today
        before they begin, or `after` late in the day) any moment of the day that is; None when the day has
        none (a day to come, or `after` too close to its end or to now)."""
        floor = day_start(day)
        if after is not None:  # the next whole minute after it
            floor = max(floor, after.replace(second=0, microsecond=0) + MINUTE)
        ceiling = min(day_start(day + DAY) - MINUTE, self.now - MINUTE)
        if floor > ceiling:
            return None
        low, high = max(floor, self.at(day, hours[0])), min(ceiling, self.at(day, hours[1], 59))
        if low > high:
            low, high = floor, ceiling
        return low + rng.randrange((high - low) // MINUTE + 1) * MINUTE


def clock_of(options) -> Clock:
    """The clock `fangkong demo-data` runs on (a test may hand it its own); a new one ending now without."""
    return options.get("clock") or Clock.ending_now()
