"""API shapes of isolation and follow-up, and the functions that fill them from models.

Moments in request bodies are ISO text ("2020-02-01T08:05", or a date "2020-01-23" for 00:00),
local time (Asia/Shanghai) unless an offset is given; services parse them so a bad value gets
the same Chinese message as on the pages.
"""

import datetime

from django.utils import timezone
from ninja import Field, Schema

from .models import Symptom
from .schedule import slot_state

Moment = str | None


# Requests ---------------------------------------------------------------------------------------

class OrderIn(Schema):
    key_person_id: int
    cadre_id: int
    doctor_id: int
    kind: str | None = Field(None, description="home / centralised; default: the category's policy")
    start_at: Moment = Field(None, description="default: now")
    last_exposure: Moment = None
    arrival: Moment = Field(None, description="default: the key person's arrival date")
    planned_end: Moment = Field(None, description="default: from the policy; a different one needs a reason")
    planned_end_reason: str = ""
    home_address: str | None = Field(None, description="home orders; default: the person's address")
    site_id: int | None = None
    room_id: int | None = Field(None, description="centralised: check in to this room at once")


class ReleaseIn(Schema):
    at: Moment = None
    reason: str = Field("", description="required when not released on the planned end's day")


class EndIn(Schema):
    status: str = Field(description="transferred_to_hospital / became_case / moved_away")
    at: Moment = None
    reason: str = ""
    handover_region: str = Field("", description="moved_away: region code taking over, when in the system")
    handover_to: str = Field("", description="moved_away: where to / who takes over")


class PlannedEndIn(Schema):
    planned_end: str
    reason: str


class ResponsibleIn(Schema):
    cadre_id: int | None = None
    doctor_id: int | None = None


class TestIn(Schema):
    sampled_at: str
    result: str = Field(description="negative / positive")


class RoomCheckInIn(Schema):
    room_id: int
    at: Moment = None


class CheckOutIn(Schema):
    at: Moment = None


class FollowUpIn(Schema):
    temperature: str | float
    method: str = Field(description="phone / visit / self_report")
    symptoms: list[str] = Field(default_factory=list, description=", ".join(Symptom.values))
    at: Moment = Field(None, description="when it was made; default now")
    slot_id: int | None = Field(None, description="the due follow-up it fulfils; default: today's nearest")
    note: str = ""


class ExcuseIn(Schema):
    reason: str


class AssignIn(Schema):
    assignee_id: int
    note: str = ""


class TransferCloseIn(Schema):
    status: str = Field(description="done / cancelled")
    note: str = ""


class RoomIn(Schema):
    name: str
    capacity: int


class SiteIn(Schema):
    name: str
    region_code: str
    address: str
    manager_id: int | None = None
    rooms: list[RoomIn] = Field(default_factory=list)


class CapacityIn(Schema):
    capacity: int


class PolicyPatch(Schema):
    kind: str | None = None
    length_days: int | None = None
    counts_from: str | None = None
    follow_up_times: list[str] | None = None
    fever_threshold: str | float | None = None
    release_needs_negative_tests: bool | None = None


# Responses --------------------------------------------------------------------------------------

class PolicyOut(Schema):
    category: str
    category_label: str
    kind: str
    length_days: int
    counts_from: str
    follow_up_times: list[str]
    fever_threshold: str | None  # null: the deployment's (fever_from)
    fever_from: str
    release_needs_negative_tests: bool


class OrderOut(Schema):
    id: int
    key_person_id: int
    person_name: str
    region_code: str
    region_name: str
    category: str
    kind: str
    status: str
    status_label: str
    start_at: datetime.datetime
    policy_end: datetime.datetime
    planned_end: datetime.datetime
    planned_end_reason: str
    length_days: int
    counts_from: str
    follow_up_times: list[str]
    fever_threshold: str
    release_needs_negative_tests: bool
    home_address: str
    site_id: int | None
    site_name: str
    room_id: int | None
    room_name: str
    cadre_id: int
    cadre_name: str
    cadre_phone: str
    doctor_id: int
    doctor_name: str
    doctor_phone: str
    ended_at: datetime.datetime | None
    end_reason: str
    handover_to: str


class OrderPage(Schema):
    items: list[OrderOut]
    next_after: int | None


class FollowUpOut(Schema):
    id: int
    quarantine_id: int
    person_name: str
    region_code: str
    scheduled: bool
    due_at: datetime.datetime
    status: str
    state: str = Field(description="for a due slot: upcoming / due_now / overdue; else its status")
    done_at: datetime.datetime | None
    temperature: str | None
    symptoms: list[str]
    method: str
    fever: bool
    alert: bool
    transfer_id: int | None
    note: str
    excuse_reason: str


class PhoneOut(Schema):
    quarantine_id: int
    phone: str


class PersonTodayOut(Schema):
    quarantine: OrderOut
    state: str
    next_slot_id: int | None
    today: list[FollowUpOut]
    overdue_before: list[FollowUpOut]


class DueRowOut(Schema):
    region_code: str | None
    region_name: str
    due_now: int
    overdue: int


class TransferOut(Schema):
    id: int
    quarantine_id: int | None
    person_name: str
    source: str
    temperature: float | None
    region_code: str
    reason: str
    status: str
    assignee_id: int | None
    assignee_name: str
    notes: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None


class TestOut(Schema):
    id: int
    quarantine_id: int
    sampled_at: datetime.datetime
    result: str


class StayOut(Schema):
    id: int
    quarantine_id: int
    site_id: int
    room_id: int
    room_name: str
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime | None


class RoomOut(Schema):
    id: int
    name: str
    capacity: int
    occupied: int
    free: int


class SiteOut(Schema):
    id: int
    name: str
    region_code: str
    address: str
    manager_id: int | None
    manager_name: str
    is_active: bool
    capacity: int
    occupied: int
    free: int


class SiteDetailOut(SiteOut):
    rooms: list[RoomOut]


# Filling them -----------------------------------------------------------------------------------

def _local(moment):
    return timezone.localtime(moment) if moment else None


def policy_out(p) -> dict:
    return {"category": p.category, "category_label": str(p.get_category_display()), "kind": p.kind,
            "length_days": p.length_days, "counts_from": p.counts_from, "follow_up_times": p.follow_up_times,
            "fever_threshold": None if p.fever_threshold is None else str(p.fever_threshold),
            "fever_from": str(p.fever_from), "release_needs_negative_tests": p.release_needs_negative_tests}


def order_out(q) -> dict:
    return {
        "id": q.pk, "key_person_id": q.key_person_id, "person_name": q.key_person.person.name,
        "region_code": q.region_id, "region_name": q.region.name, "category": q.category, "kind": q.kind,
        "status": q.status, "status_label": str(q.get_status_display()), "start_at": _local(q.start_at),
        "policy_end": _local(q.policy_end), "planned_end": _local(q.planned_end),
        "planned_end_reason": q.planned_end_reason, "length_days": q.length_days, "counts_from": q.counts_from,
        "follow_up_times": q.follow_up_times, "fever_threshold": str(q.fever_from),
        "release_needs_negative_tests": q.release_needs_negative_tests, "home_address": q.home_address,
        "site_id": q.site_id, "site_name": q.site.name if q.site_id else "", "room_id": q.room_id,
        "room_name": q.room.name if q.room_id else "", "cadre_id": q.cadre_id, "cadre_name": str(q.cadre),
        "cadre_phone": q.cadre.phone, "doctor_id": q.doctor_id, "doctor_name": str(q.doctor),
        "doctor_phone": q.doctor.phone, "ended_at": _local(q.ended_at), "end_reason": q.end_reason,
        "handover_to": q.handover_to,
    }


def follow_up_out(fu, now=None) -> dict:
    state = slot_state(fu.due_at, now or timezone.now()) if fu.status == "due" else fu.status
    return {
        "id": fu.pk, "quarantine_id": fu.quarantine_id, "person_name": fu.quarantine.key_person.person.name,
        "region_code": fu.region_id, "scheduled": fu.scheduled, "due_at": _local(fu.due_at), "status": fu.status,
        "state": state, "done_at": _local(fu.done_at),
        "temperature": str(fu.temperature) if fu.temperature is not None else None, "symptoms": fu.symptoms,
        "method": fu.method, "fever": fu.fever, "alert": fu.alert, "transfer_id": fu.transfer_id, "note": fu.note,
        "excuse_reason": fu.excuse_reason,
    }


def transfer_out(t) -> dict:
    return {"id": t.pk, "quarantine_id": t.quarantine_id, "person_name": t.person.name,
            "source": t.source, "temperature": float(t.temperature) if t.temperature is not None else None,
            "region_code": t.region_id, "reason": t.reason, "status": t.status, "assignee_id": t.assignee_id,
            "assignee_name": str(t.assignee) if t.assignee_id else "", "notes": t.notes,
            "opened_at": _local(t.opened_at), "closed_at": _local(t.closed_at)}


def stay_out(s) -> dict:
    return {"id": s.pk, "quarantine_id": s.quarantine_id, "site_id": s.site_id, "room_id": s.room_id,
            "room_name": s.room.name, "checked_in_at": _local(s.checked_in_at),
            "checked_out_at": _local(s.checked_out_at)}


def site_out(site, rooms=None) -> dict:
    found = {"id": site.pk, "name": site.name, "region_code": site.region_id, "address": site.address,
             "manager_id": site.manager_id, "manager_name": str(site.manager) if site.manager_id else "",
             "is_active": site.is_active, "capacity": site.capacity, "occupied": site.occupied,
             "free": site.capacity - site.occupied}
    if rooms is not None:
        found["rooms"] = [{"id": r.pk, "name": r.name, "capacity": r.capacity, "occupied": r.occupied,
                           "free": r.free} for r in rooms]
    return found
