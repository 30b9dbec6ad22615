"""The roll-up API's response body, with one typed field per declared figure."""

import datetime

from ninja import Field, Schema
from pydantic import create_model

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
