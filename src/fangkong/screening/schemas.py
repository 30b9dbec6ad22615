"""The screening API's request and response bodies: sweeps and visits, key persons, daily checks and
arrival tasks."""

import datetime

from ninja import Field, Schema

from fangkong.core.days import Day, local_iso
from fangkong.core.health import is_fever


class SweepIn(Schema):
    name: str
    region_code: str
    start_date: Day
    end_date: Day


class SweepOut(Schema):
    id: int
    name: str
    region_code: str
    region_name: str
    start_date: datetime.date
    end_date: datetime.date


class ProgressRowOut(Schema):
    region_code: str | None
    region_name: str
    visited: int
    known: int


class ProgressOut(Schema):
    region_code: str
    region_name: str
    visited: int
    known: int
    children: list[ProgressRowOut]


class SweepHouseholdOut(Schema):
    id: int
    address: str
    head_name: str
    region_code: str


class SweepHouseholdPage(Schema):
    items: list[SweepHouseholdOut]
    next_after: int | None


class VisitIn(Schema):
    household_id: int
    present_count: int
    visited_on: Day | None = None
    away_note: str = ""
    finding: str = ""
    note: str = ""


class VisitOut(Schema):
    id: int
    sweep_id: int
    household_id: int
    region_code: str
    visited_on: datetime.date
    present_count: int
    away_note: str
    finding: str
    note: str
    created: bool = False


class KeyPersonIn(Schema):
    name: str
    id_type: str = "resident_id"
    id_number: str
    phone: str = ""
    region_code: str
    address: str = ""
    workplace: str = ""
    household_id: int | None = None
    category: str
    registered_on: Day | None = None
    origin: str = ""
    departure_date: Day | None = None
    arrival_date: Day | None = None
    transport_mode: str = ""
    transport_number: str = ""
    symptoms: str = ""
    responsible_id: int | None = None
    note: str = ""


class KeyPersonPatch(Schema):
    region_code: str | None = None
    registered_on: Day | None = None
    origin: str | None = None
    departure_date: Day | None = None
    arrival_date: Day | None = None
    transport_mode: str | None = None
    transport_number: str | None = None
    symptoms: str | None = None
    responsible_id: int | None = None
    note: str | None = None


class StatusIn(Schema):
    status: str
    ended_on: Day | None = None
    note: str = ""


class KeyPersonOut(Schema):
    id: int
    person_id: int
    name: str
    id_number_masked: str
    phone_masked: str
    category: str
    category_label: str
    status: str
    status_label: str
    region_code: str
    region_name: str
    registered_on: datetime.date
    origin: str
    departure_date: datetime.date | None
    arrival_date: datetime.date | None
    transport_mode: str
    transport_number: str
    symptoms: str
    responsible_id: int | None
    responsible_name: str
    ended_on: datetime.date | None
    note: str
    created: bool = False


class KeyPersonPage(Schema):
    items: list[KeyPersonOut]
    next_before: int | None


class KeyPersonSearchIn(Schema):
    """The ledger's filters in a body, where an ID number may stand (never in an address)."""
    category: str = Field("", max_length=30)
    status: str = Field("", max_length=30)
    region: str = Field("", max_length=15)
    q: str = Field("", max_length=100)
    before: int = 0
    limit: int = 50


class CheckIn(Schema):
    temperature: float | str
    method: str
    symptoms: str = ""
    checked_on: Day | None = None


class CheckOut(Schema):
    id: int
    key_person_id: int
    checked_on: datetime.date
    temperature: str
    fever: bool
    symptoms: str
    method: str
    checked_by: str
    created: bool = False


class EventOut(Schema):
    at: datetime.datetime
    kind: str
    text: str
    actor: str


class KeyPersonDetail(KeyPersonOut):
    checks: list[CheckOut]
    events: list[EventOut]


class TodayItem(KeyPersonOut):
    today_temperature: str | None
    today_fever: bool


class TodayPage(Schema):
    day: datetime.date
    items: list[TodayItem]
    next_after: int | None


def sweep_out(s) -> dict:
    return {"id": s.pk, "name": s.name, "region_code": s.region_id, "region_name": s.region.name,
            "start_date": s.start_date, "end_date": s.end_date}


def visit_out(v, created: bool = False) -> dict:
    return {"id": v.pk, "sweep_id": v.sweep_id, "household_id": v.household_id, "region_code": v.region_id,
            "visited_on": v.visited_on, "present_count": v.present_count, "away_note": v.away_note,
            "finding": v.finding, "note": v.note, "created": created}


def key_person_out(kp, created: bool = False) -> dict:
    return {"id": kp.pk, "person_id": kp.person_id, "name": kp.person.name,
            "id_number_masked": kp.person.masked_id, "phone_masked": kp.person.masked_phone,
            "category": kp.category, "category_label": str(kp.get_category_display()),
            "status": kp.status, "status_label": str(kp.get_status_display()),
            "region_code": kp.region_id, "region_name": kp.region.name, "registered_on": kp.registered_on,
            "origin": kp.origin, "departure_date": kp.departure_date, "arrival_date": kp.arrival_date,
            "transport_mode": kp.transport_mode, "transport_number": kp.transport_number, "symptoms": kp.symptoms,
            "responsible_id": kp.responsible_id, "responsible_name": str(kp.responsible or ""),
            "ended_on": kp.ended_on, "note": kp.note, "created": created}


def check_out(c, created: bool = False) -> dict:
    return {"id": c.pk, "key_person_id": c.key_person_id, "checked_on": c.checked_on,
            "temperature": str(c.temperature), "fever": is_fever(c.temperature), "symptoms": c.symptoms,
            "method": c.method, "checked_by": str(c.checked_by or ""), "created": created}


class TaskCloseIn(Schema):
    note: str


class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    region: str
    region_name: str
    person_id: int | None = Field(description="none for the visitor of a check-in not linked to a person")
    name: str
    phone_masked: str
    checkpoint: str
    passed_at: str | None
    origin: str
    key_person_id: int | None
    status: str
    opened_at: str
    closed_at: str | None
    note: str


class TaskPage(Schema):
    items: list[TaskOut]
    next_after: int | None


def task_out(t) -> dict:
    passage = t.passage
    return {"id": t.pk, "kind": t.kind, "kind_label": str(t.get_kind_display()), "region": t.region_id,
            "region_name": t.region.name, "person_id": t.person_id, "name": t.subject.name,
            "phone_masked": t.subject.masked_phone,
            "checkpoint": passage.checkpoint.name if passage is not None else "",
            "passed_at": local_iso(passage.passed_at) if passage is not None else None,
            "origin": passage.origin if passage is not None else "", "key_person_id": t.key_person_id,
            "status": t.status, "opened_at": local_iso(t.opened_at), "closed_at": local_iso(t.closed_at), "note": t.note}


