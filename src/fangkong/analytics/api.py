"""GET /api/rollup/daily: the daily roll-up table, the same object as `fangkong report daily --format json`."""


from django.utils import timezone
from ninja import Router

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day

from . import reports, selectors
from .schemas import DailyTableOut

router = Router(tags=["rollup"])


@router.get("/daily", response={200: DailyTableOut, 404: ErrorOut})
def daily(request, region: str = "", date: Day | None = None):
    """每日一报: the region's totals and one row per child region for `date` (default today), with the
    day before under `previous`. Default region: the caller's scope; outside the scope: 404."""
    table = selectors.daily_table(request.user, region or request.user.region_id, date or timezone.localdate())
    return reports.as_json(table)
