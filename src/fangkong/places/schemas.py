"""API shapes of places, hygiene logs, the public check-in and the exposure search."""

import datetime

from django.utils import timezone
from ninja import Field, Schema


class PlaceIn(Schema):
    name: str
    kind: str = Field(description="market / supermarket / station / school / hotel / restaurant / venue / religious / pharmacy / other")
    region_code: str
    address: str = ""
    operator: str = ""
    operator_phone: str = ""


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    address: str
    operator: str
    operator_phone: str
    is_closed: bool


class PlacePage(Schema):
    items: list[PlaceOut]
    next_after: int | None


class ClosureIn(Schema):
    reason: str


class ClosureOut(Schema):
    id: int
    place_id: int
    closed_at: datetime.datetime
    reason: str
    reopened_at: datetime.datetime | None


class HygieneIn(Schema):
    day: str | None = Field(None, description="YYYY-MM-DD, default today; not in the future")
    cleaned: bool = False
    disinfected: bool = False
    patrolled: bool = False
    note: str = ""


class HygieneCorrectionIn(Schema):
    cleaned: bool = False
    disinfected: bool = False
    patrolled: bool = False
    note: str = ""
    reason: str = Field("", description="why the log is corrected (required; audited)")


class HygieneOut(Schema):
    id: int
    place_id: int
    day: datetime.date
    cleaned: bool
    disinfected: bool
    patrolled: bool
    note: str


class TownshipOut(Schema):
    code: str
    name: str
    open_places: int
    missing: int


class ComplianceOut(Schema):
    day: datetime.date
    open_places: int
    missing: int
    townships: list[TownshipOut]
    places: list[PlaceOut]
    next_after: int | None


class CodeOut(Schema):
    token: str
    url: str = Field(description="the public check-in page the QR code encodes")
    place_id: int | None
    checkpoint_id: int | None


class PublicCheckInIn(Schema):
    phone: str = ""
    name: str = ""
    id_number: str = ""
    origin: str = ""
    origin_code: str = ""
    temperature: str = Field("", description="体温 (°C), optional, e.g. 36.5; a fever is found once tracing staff "
                                             "confirm who the visitor was")
    client_key: str = Field("", description="idempotency key (or the Idempotency-Key header): sent again, "
                                            "nothing more is stored")


class CheckInOut(Schema):
    detail: str
    where: str
    at: datetime.datetime








def place_out(place) -> dict:
    return {"id": place.pk, "name": place.name, "kind": place.kind, "region_code": place.region_id,
            "address": place.address, "operator": place.operator, "operator_phone": place.operator_phone,
            "is_closed": place.is_closed}


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)
