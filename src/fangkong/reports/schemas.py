"""Shapes of the report chain API."""

import datetime

from ninja import Schema

from .selectors import ChainStatus, ReportView


class SituationIn(Schema):
    situation: str = ""


class ReturnIn(Schema):
    comment: str


class SettingsIn(Schema):
    deadline: str | None = None
    issuer: str | None = None


class SettingsOut(Schema):
    region: str
    deadline: str
    issuer: str


class RegionStateOut(Schema):
    code: str
    name: str
    state: str
    label: str
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    return_comment: str


class LevelOut(Schema):
    level: str
    label: str
    total: int
    submitted: int
    late_submitted: int
    returned: int
    missing: int
    overdue: int
    late: int
    regions: list[RegionStateOut]


class StatusOut(Schema):
    region: str
    name: str
    date: datetime.date
    deadline: datetime.datetime | None
    past_deadline: bool
    levels: list[LevelOut]


class DifferenceOut(Schema):
    key: str
    frozen: int
    live: int


class ChildOut(Schema):
    code: str
    name: str
    state: str
    figures: dict[str, int] | None
    live: dict[str, int]


class HistoryOut(Schema):
    at: datetime.datetime
    actor: str
    action: str
    comment: str
    situation: str


class DailyReportOut(Schema):
    region: str
    name: str
    level: str
    date: datetime.date
    state: str
    label: str
    deadline: datetime.datetime
    situation: str
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    late: bool
    returned_by: str | None
    returned_at: datetime.datetime | None
    return_comment: str
    figures: dict[str, int] | None
    live: dict[str, int]
    differences: list[DifferenceOut]
    children: list[ChildOut]
    history: list[HistoryOut]


def _name(user) -> str | None:
    return (user.display_name or user.username) if user else None


def settings_out(found) -> dict:
    return {"region": found.region_id, "deadline": found.deadline.strftime("%H:%M"), "issuer": found.issuer}


def status_out(status: ChainStatus) -> dict:
    return {
        "region": status.region.code, "name": status.region.name, "date": status.day, "deadline": status.deadline,
        "past_deadline": status.past_deadline,
        "levels": [{
            "level": lv.level, "label": lv.label, "total": lv.total, "submitted": lv.submitted,
            "late_submitted": lv.counts["late_submitted"], "returned": lv.returned, "missing": lv.missing,
            "overdue": lv.counts["overdue"], "late": lv.late,
            "regions": [{"code": r.region.code, "name": r.region.name, "state": r.state, "label": r.label,
                         "submitted_by": _name(r.report.submitted_by) if r.report else None,
                         "submitted_at": r.report.submitted_at if r.report else None,
                         "return_comment": r.report.return_comment if r.report and r.state == "returned" else ""}
                        for r in lv.rows],
        } for lv in status.levels],
    }


def report_out(view: ReportView) -> dict:
    report = view.report
    return {
        "region": view.region.code, "name": view.region.name, "level": view.region.level, "date": view.day,
        "state": view.state, "label": view.label, "deadline": view.due,
        "situation": report.situation if report and report.status != "draft" else "",
        "submitted_by": _name(report.submitted_by) if report else None,
        "submitted_at": report.submitted_at if report else None,
        "late": bool(report and report.late),
        "returned_by": _name(report.returned_by) if report else None,
        "returned_at": report.returned_at if report else None,
        "return_comment": report.return_comment if report else "",
        "figures": view.frozen, "live": view.live,
        "differences": [{"key": k, "frozen": f, "live": v} for k, (f, v) in view.differences.items()],
        "children": [{"code": c.region.code, "name": c.region.name, "state": c.state, "figures": c.frozen,
                      "live": c.live} for c in view.children],
        "history": [{"at": e.at, "actor": e.actor_name, "action": e.action,
                     "comment": (e.after or {}).get("return_comment", "") if e.action == "report_returned" else "",
                     "situation": (e.after or {}).get("situation", "") if e.action != "report_returned" else ""}
                    for e in view.history],
    }
