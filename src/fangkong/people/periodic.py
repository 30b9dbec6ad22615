"""The people app's periodic job (core.periodic): every night the possible duplicates of the persons written since
the day before yesterday are paired again, for the twins two PostgreSQL transactions wrote at the same moment
(people.pairing says why their triggers missed each other)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.days import day_start
from fangkong.core.periodic import Daily, Job, register

from .pairing import pair_since


def pair_recent(at: datetime.datetime) -> dict:
    """The persons written since the start of the day before yesterday (local), paired again."""
    since = day_start(timezone.localdate(at) - datetime.timedelta(days=2))
    return {"since": since.isoformat(), "pairs_added": pair_since(since)}


register(Job("people.pair_recent", _("疑似重复人员补充配对"), pair_recent, Daily(at=datetime.time(1, 45))))
