"""The report chain's periodic job (core.periodic): every half hour, each county whose deadline of the day has
passed gets its late list (逾期未报: the villages, townships and the county itself whose report of the day is
not in, and those submitted late), kept with the run and logged, as the chain's status page would show it at
that moment. Nothing is written into the chain: lateness is decided by the deadline (reports.deadlines)."""

import logging

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.actors import SYSTEM
from fangkong.core.periodic import Every, Job, register
from fangkong.regions.models import Level, Region

from . import selectors

logger = logging.getLogger("fangkong.periodic")


def late_lists(at) -> dict:
    """{"day", "counties": {county code: {"deadline", "overdue": [codes], "late_submitted": [codes]}}} for the
    counties past their deadline at `at`; a county still before it is left out."""
    day = timezone.localdate(at)
    found = {}
    for county in Region.objects.filter(level=Level.COUNTY).order_by("code").only("code"):
        status = selectors.chain_status(SYSTEM, county.code, day, now=at)
        if not status.past_deadline:
            continue
        rows = [row for level in status.levels for row in level.rows]
        overdue = [r.region.code for r in rows if r.state == selectors.OVERDUE]
        found[county.code] = {"deadline": f"{timezone.localtime(status.deadline):%H:%M}", "overdue": overdue,
                              "late_submitted": [r.region.code for r in rows if r.state == selectors.LATE_SUBMITTED]}
        if overdue:
            logger.info("%s %s: %s report(s) not in after the deadline %s", county.code, day, len(overdue),
                           found[county.code]["deadline"])
    return {"day": day.isoformat(), "counties": found}


register(Job("reports.late_lists", _("每日一报逾期名单"), late_lists, Every(minutes=30)))
