"""Counters put straight in place, for tests of what reads them (the writers have their own tests)."""

import datetime

from fangkong.analytics import counters

DAY = datetime.date(2020, 2, 3)
BEFORE = DAY - datetime.timedelta(days=1)


def add(code: str, metric: str, amount: int = 1, day: datetime.date = DAY) -> None:
    """Count `amount` of `metric` in the region (and so in all its ancestors) on `day`."""
    counters.track_change([], [(code, day, metric, amount)])
