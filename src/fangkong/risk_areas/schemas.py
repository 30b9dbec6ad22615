"""What the risk-area API takes and answers."""

from django.utils import timezone
from ninja import Field, Schema


class RiskAreaIn(Schema):
    code: str = Field(description="2 digits a province, 4 a city, 6 a county (9/12: a township/village held here)")
    name: str = Field("", description="default: the name of the code where known")
    valid_from: str | None = Field(None, description="default today")
    valid_until: str | None = Field(None, description="empty: until further notice")


class RiskAreaPatch(Schema):
    code: str | None = None
    name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = Field("keep", description="a date, null for open-ended; left out: unchanged")


class RiskAreaOut(Schema):
    id: int
    code: str
    name: str
    valid_from: str
    valid_until: str | None
    active: bool


def risk_area_out(a, day=None) -> dict:
    day = day or timezone.localdate()
    return {"id": a.pk, "code": a.code, "name": a.name, "valid_from": a.valid_from.isoformat(),
            "valid_until": a.valid_until.isoformat() if a.valid_until else None,
            "active": a.active_on(day)}


