"""JSON API of the risk-area list, mounted at /api/risk-areas."""

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from fangkong.core.api import ErrorOut

from . import selectors
from . import services as risk_area_services
from .schemas import RiskAreaIn, RiskAreaOut, RiskAreaPatch, risk_area_out

router = Router(tags=["risk-areas"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("", response={200: list[RiskAreaOut], **READ})
def list_risk_areas(request, current: bool = False):
    """The county's list of risk areas (`current=true`: only those valid today)."""
    day = timezone.localdate()
    return [risk_area_out(a, day) for a in selectors.risk_areas_for(request.user, current_only=current, day=day)]


@router.post("", response={201: RiskAreaOut, **WRITE})
def create_risk_area(request, payload: RiskAreaIn):
    return Status(201, risk_area_out(risk_area_services.create_risk_area(request.user, **payload.dict())))


@router.patch("/{int:area_id}", response={200: RiskAreaOut, **WRITE})
def update_risk_area(request, area_id: int, payload: RiskAreaPatch):
    area = selectors.risk_area_for(request.user, area_id)
    return risk_area_out(risk_area_services.update_risk_area(request.user, area, **payload.dict()))


@router.delete("/{int:area_id}", response={204: None, **WRITE})
def delete_risk_area(request, area_id: int):
    risk_area_services.delete_risk_area(request.user, selectors.risk_area_for(request.user, area_id))
    return Status(204, None)


