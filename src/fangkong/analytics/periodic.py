"""The roll-up's periodic job (core.periodic): every night, `rollup check` of the day before. A difference
between the counters and the raw rows fails the run, so it is logged as an error and shown by
`fangkong worker --status`, with the differences; `fangkong rollup rebuild --date D` repairs them."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.periodic import Daily, Job, register

from . import counters


class CountersDiffer(Exception):
    """The counters of a day disagree with a recomputation from the raw rows."""


def check_yesterday(at) -> dict:
    """Compare the counters of the day before `at` with the raw rows; raise CountersDiffer on a difference."""
    day = timezone.localdate(at) - datetime.timedelta(days=1)
    found = counters.differences(day)
    if found:
        listed = "; ".join(f"{code} {metric}: counter {held}, raw rows {fresh}"
                           for (code, metric), (held, fresh) in list(found.items())[:50])
        raise CountersDiffer(f"{day}: {len(found)} counter(s) differ from the raw rows "
                             f"(fangkong rollup rebuild --date {day}): {listed}")
    return {"day": day.isoformat(), "differences": 0}


# not retried: the same rows give the same differences; the failure is the report
register(Job("analytics.rollup_check", _("每日统计核对"), check_yesterday, Daily(at=datetime.time(2, 30)), retries=0))
