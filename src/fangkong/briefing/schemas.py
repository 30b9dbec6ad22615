"""Shapes of the dashboard and brief API."""

import datetime

from ninja import Schema

from .dashboard import Dashboard
from .models import Brief


class DashboardFigureOut(Schema):
    key: str
    label: str
    value: int
    change: int
    url: str


class TrendLineOut(Schema):
    label: str
    values: list[int]


class TrendOut(Schema):
    id: str
    title: str
    lines: list[TrendLineOut]
    day_urls: list[str]  # the list behind each day of the chart, one per day of `days`


class RegionRowOut(Schema):
    code: str
    name: str
    overdue_follow_ups: int
    late_reports: int
    missing_reports: int


class FigureGroupOut(Schema):
    id: str
    title: str
    figures: list[DashboardFigureOut]


class DashboardOut(Schema):
    region: str
    name: str
    day: datetime.date
    days: list[datetime.date]
    figures: list[DashboardFigureOut]
    alerts: list[DashboardFigureOut]
    trends: list[TrendOut]
    regions: list[RegionRowOut]
    cases: list[FigureGroupOut]


class BriefOut(Schema):
    region: str
    day: datetime.date
    issue_number: int
    next_steps: str


class NextStepsIn(Schema):
    next_steps: str = ""


def _figure(t) -> dict:
    return {"key": t.key, "label": t.label, "value": t.value, "change": t.change, "url": t.url}


def dashboard_out(board: Dashboard) -> dict:
    return {
        "region": board.region.code, "name": board.region.name, "day": board.day, "days": board.days,
        "figures": [_figure(t) for t in board.tiles], "alerts": [_figure(a) for a in board.alerts],
        "trends": [{"id": t.id, "title": t.title, "lines": [{"label": label, "values": values}
                                                            for label, values in t.lines], "day_urls": t.day_urls}
                   for t in board.trends],
        "regions": [{"code": r.region.code, "name": r.region.name, "overdue_follow_ups": r.overdue,
                     "late_reports": r.late, "missing_reports": r.missing} for r in board.regions],
        "cases": [{"id": g.id, "title": g.title, "figures": [_figure(t) for t in g.tiles]} for g in board.cases],
    }


def brief_out(brief: Brief) -> dict:
    return {"region": brief.region_id, "day": brief.day, "issue_number": brief.issue_number,
            "next_steps": brief.next_steps}
