"""The JSON API under /api/: one NinjaAPI, each app mounts its router here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from fangkong.accounts.api import router as accounts_router
from fangkong.accounts.api_auth import AUTH, docs_access
from fangkong.analytics.api import router as analytics_router
from fangkong.briefing.api import router as briefing_router
from fangkong.checkpoints.api import router as checkpoints_router
from fangkong.core.errors import Conflict, protected_conflict
from fangkong.ledger.api import router as ledger_router
from fangkong.medical.api import router as medical_router
from fangkong.people.api import router as people_router
from fangkong.places.api import router as places_router
from fangkong.quarantine.api import router as quarantine_router
from fangkong.regions.api import router as regions_router
from fangkong.reports.api import router as reports_router
from fangkong.risk_areas.api import router as risk_areas_router
from fangkong.screening.api import router as screening_router
from fangkong.tracing.api import router as tracing_router

api = NinjaAPI(title="Fangkong API", version="1", auth=AUTH, urls_namespace="api", docs_decorator=docs_access,
               description="Fangkong (防控) epidemic prevention and control platform. "
                           "Session auth (browser, CSRF) or `Authorization: Bearer <token>`.")
# the registration endpoints (public check-in, passages) first: URL resolution walks the routers in order
api.add_router("/places", places_router)
api.add_router("/checkpoints", checkpoints_router)
api.add_router("/", accounts_router)
api.add_router("/regions", regions_router)
api.add_router("/people", people_router)
api.add_router("/screening", screening_router)
api.add_router("/ledger", ledger_router)
api.add_router("/rollup", analytics_router)
api.add_router("/quarantine", quarantine_router)
api.add_router("/risk-areas", risk_areas_router)
api.add_router("/tracing", tracing_router)
api.add_router("/medical", medical_router)
api.add_router("/reports", reports_router)
api.add_router("/reports", briefing_router)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(Conflict)
def _conflict(request, exc: Conflict):
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=409)


@api.exception_handler(ProtectedError)
def _protected(request, exc: ProtectedError):
    # a delete whose service did not name its blockers itself: still a 409 that says what blocks it
    return api.create_response(request, {"detail": protected_conflict(_("该记录"), exc).messages[0]}, status=409)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("无权执行此操作")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("不存在或不在您的管辖范围内")}, status=404)
