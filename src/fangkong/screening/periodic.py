"""Screening's periodic job (core.periodic): every hour, the arrival tasks (来人核查) that no village worker has
closed within VISIT_HOURS of their opening (the visit not made), counted per county, kept with the run and
logged. The task lists are live reads: a task closed later leaves them."""

import datetime
import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.periodic import Every, Job, register

from . import selectors

logger = logging.getLogger("fangkong.periodic")
# a village is expected to go and see an arrival within a day of the task
VISIT_HOURS = 24


def overdue_visits(at) -> dict:
    found = selectors.overdue_tasks_by_county(at - datetime.timedelta(hours=VISIT_HOURS))
    for county, still_open in found.items():
        logger.info("%s: %s arrival task(s) open for more than %s h", county, still_open, VISIT_HOURS)
    return {"at": timezone.localtime(at).isoformat(), "hours": VISIT_HOURS, "overdue": sum(found.values()), "counties": found}


register(Job("screening.overdue_visits", _("来人核查逾期"), overdue_visits, Every(minutes=60)))
