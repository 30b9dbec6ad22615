"""GET /api/rollup/daily: the daily roll-up table, the same object as `fangkong report daily --format json`."""

import datetime

from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import create_model

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day

from . import reports, selectors
from .figures import FIGURES


class RegionRef(Schema):
    code: str
    name: str
    level: str


class FigureColumnOut(Schema):
    key: str
    label: str
    group: str


# One typed field per declared figure, so the OpenAPI document lists every column. Built when the
# URLs load, after every app's ready() has declared its figures.
DailyFigures = create_model(
    "DailyFigures", __base__=Schema,
    **{f.key: (int, Field(..., description=f.heading)) for f in FIGURES},
)
DailyChild = create_model("DailyChild", __base__=DailyFigures, code=(str, ...), name=(str, ...), level=(str, ...))


class PreviousDay(Schema):
    date: datetime.date
    totals: DailyFigures
    children: list[DailyChild]


class DailyTableOut(Schema):
    region: RegionRef
    date: datetime.date
    figures: list[FigureColumnOut]
    totals: DailyFigures
    children: list[DailyChild]
    previous: PreviousDay


router = Router(tags=["rollup"])


@router.get("/daily", response={200: DailyTableOut, 404: ErrorOut})
def daily(request, region: str = "", date: Day | None = None):
    """每日一报: the region's totals and one row per child region for `date` (default today), with the
    day before under `previous`. Default region: the caller's scope; outside the scope: 404."""
    table = selectors.daily_table(request.user, region or request.user.region_id, date or timezone.localdate())
    return reports.as_json(table)
