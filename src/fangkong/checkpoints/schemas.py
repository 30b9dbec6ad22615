"""API shapes of checkpoints, duty shifts, five-haves inspections, risk areas, passages and arrival tasks.

Moments in request bodies are ISO text, local time (Asia/Shanghai) unless an offset is given;
services parse them so a bad value gets the same Chinese message as on the pages. Personal
numbers are masked in every response.
"""

from django.utils import timezone
from ninja import Field, Schema

from fangkong.core.days import local_iso
from fangkong.people import identity

Moment = str | None


# Requests -------------------------------------------------------------------------------------------

class CheckpointIn(Schema):
    name: str
    kind: str = Field(description="highway_exit / station / airport / dock / border_road / village_entrance / "
                                  "community_gate")
    region_code: str
    location: str = ""
    open_24h: bool = True
    hours: str = Field("", description="when not open 24h, e.g. 07:00-22:00")
    opened_on: str | None = Field(None, description="create only; default today")


class CheckpointCloseIn(Schema):
    day: str | None = Field(None, description="default today")


class ShiftIn(Schema):
    staff_id: int
    starts_at: str
    ends_at: str
    note: str = ""


class InspectionIn(Schema):
    barrier: bool
    staff_on_duty: bool
    entry_register: bool = Field(description="the entry/exit register (the model's `register`)")
    thermometer: bool
    disinfection: bool
    inspected_at: Moment = Field(None, description="default now")
    note: str = ""






class PassageIn(Schema):
    id_type: str = Field("resident_id", description="resident_id / passport / hk_macau_permit / taiwan_permit / other")
    id_number: str
    name: str
    phone: str = ""
    vehicle_plate: str = ""
    origin: str = Field("", description="where from, as said")
    origin_code: str = Field("", description="region code of the origin when known (2-12 digits)")
    destination: str = Field("", description="region code in the checkpoint's county: township, village or grid")
    destination_text: str = ""
    temperature: str | float
    outcome: str = Field(description="pass / turned_back / isolation / fever_clinic")
    direction: str = Field("in", description="in / out")
    passed_at: Moment = Field(None, description="default now")
    client_key: str = Field("", description="idempotency key (or the Idempotency-Key header): sent again, the "
                                            "stored passage is answered, nothing written")


class LookupIn(Schema):
    id_type: str = "resident_id"
    id_number: str




# Responses --------------------------------------------------------------------------------------------

class InspectionOut(Schema):
    id: int
    checkpoint_id: int
    inspected_at: str
    inspector: str
    barrier: bool
    staff_on_duty: bool
    entry_register: bool
    thermometer: bool
    disinfection: bool
    failing: list[str]
    note: str


class CheckpointOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: str
    region_name: str
    location: str
    open_24h: bool
    hours: str
    status: str
    opened_on: str
    closed_on: str | None
    five_haves_ok: bool | None
    last_inspection: InspectionOut | None


class CheckpointPage(Schema):
    items: list[CheckpointOut]
    next_after: int | None


class ShiftOut(Schema):
    id: int
    checkpoint_id: int
    staff_id: int
    staff: str
    starts_at: str
    ends_at: str
    note: str
    on_duty: bool




class PassageOut(Schema):
    id: int
    checkpoint_id: int
    passed_at: str
    direction: str
    person_id: int
    name: str
    id_masked: str
    phone_masked: str
    person_created: bool | None = None
    vehicle_plate: str
    counts_vehicle: bool
    origin: str
    origin_code: str
    destination: str
    destination_text: str
    temperature: str
    outcome: str
    from_risk_area: bool
    key_person_id: int | None
    task_id: int | None = None
    duplicate: bool = Field(False, description="stored before (same idempotency key, or the same person and "
                                               "facts within a minute): nothing was written")


class PassagePage(Schema):
    items: list[PassageOut]
    next_before: str


class FiguresOut(Schema):
    checkpoint_id: int
    day: str
    persons: int
    vehicles: int
    turned_back_persons: int
    turned_back_vehicles: int
    fevers: int
    risk_arrivals: int


class LastPassageOut(Schema):
    origin: str
    origin_code: str
    destination: str
    destination_name: str
    destination_text: str


class LookupOut(Schema):
    found: bool = Field(description="the person passed this checkpoint before (its own register only)")
    valid: bool
    message: str
    name: str = ""
    has_phone: bool = False
    last: LastPassageOut | None = Field(None, description="the latest passage here: where from and to")






# Model → response -------------------------------------------------------------------------------------

def inspection_out(i) -> dict:
    return {"id": i.pk, "checkpoint_id": i.checkpoint_id, "inspected_at": local_iso(i.inspected_at),
            "inspector": str(i.inspector), "barrier": i.barrier, "staff_on_duty": i.staff_on_duty,
            "entry_register": i.register, "thermometer": i.thermometer, "disinfection": i.disinfection,
            "failing": ["entry_register" if name == "register" else name for name in i.failing], "note": i.note}


def checkpoint_out(c) -> dict:
    return {"id": c.pk, "name": c.name, "kind": c.kind, "kind_label": str(c.get_kind_display()),
            "region": c.region_id, "region_name": c.region.name, "location": c.location, "open_24h": c.open_24h,
            "hours": c.hours, "status": c.status, "opened_on": c.opened_on.isoformat(),
            "closed_on": c.closed_on.isoformat() if c.closed_on else None, "five_haves_ok": c.five_haves_ok,
            "last_inspection": inspection_out(c.last_inspection) if c.last_inspection_id else None}


def shift_out(s, now=None) -> dict:
    now = now or timezone.now()
    return {"id": s.pk, "checkpoint_id": s.checkpoint_id, "staff_id": s.staff_id, "staff": str(s.staff),
            "starts_at": local_iso(s.starts_at), "ends_at": local_iso(s.ends_at), "note": s.note,
            "on_duty": s.starts_at <= now < s.ends_at}




def passage_out(p) -> dict:
    task = getattr(p, "task", None)
    return {"id": p.pk, "checkpoint_id": p.checkpoint_id, "passed_at": local_iso(p.passed_at), "direction": p.direction,
            "person_id": p.person_id, "name": p.person.name, "id_masked": identity.mask_id(p.person.id_number),
            "phone_masked": identity.mask_phone(p.person.phone), "person_created": getattr(p, "person_created", None),
            "vehicle_plate": p.vehicle_plate, "counts_vehicle": p.counts_vehicle, "origin": p.origin,
            "origin_code": p.origin_code, "destination": p.destination_id or "",
            "destination_text": p.destination_text, "temperature": str(p.temperature), "outcome": p.outcome,
            "from_risk_area": p.from_risk_area, "key_person_id": p.key_person_id,
            "task_id": task.pk if task is not None else None, "duplicate": getattr(p, "duplicate", False)}


