"""Isolation's periodic job (core.periodic): every half hour, the overdue follow-ups (逾期未随访: slots past their
time and the grace period, neither recorded nor excused) counted per county, kept with the run and logged.
The overdue lists themselves are live reads (quarantine:overdue): nothing is marked, a late follow-up
recorded afterwards simply leaves them."""

import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.periodic import Every, Job, register

from . import selectors

logger = logging.getLogger("fangkong.periodic")


def overdue_follow_ups(at) -> dict:
    found = selectors.overdue_by_county(at)
    for county, overdue in found.items():
        logger.info("%s: %s follow-up(s) overdue", county, overdue)
    return {"at": timezone.localtime(at).isoformat(), "overdue": sum(found.values()), "counties": found}


register(Job("quarantine.overdue_follow_ups", _("逾期未随访"), overdue_follow_ups, Every(minutes=30)))
