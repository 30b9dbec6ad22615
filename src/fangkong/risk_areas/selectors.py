"""Reads of the risk-area list (one list for the deployment: not personal data, no region scope)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fangkong.core.paging import id_or_404

from . import permissions
from .models import RiskArea


def risk_areas_for(user, *, current_only: bool = False, day=None) -> QuerySet[RiskArea]:
    """The deployment's list of risk areas (`current_only`: those in force on `day`, default today)."""
    if not permissions.can_view(user):
        raise PermissionDenied
    qs = RiskArea.objects.select_related("created_by")
    if current_only:
        qs = qs.active_on(day or timezone.localdate())
    return qs.order_by("code", "valid_from", "id")


def risk_area_for(user, pk) -> RiskArea:
    try:
        return risk_areas_for(user).get(pk=id_or_404(pk))
    except RiskArea.DoesNotExist:
        raise Http404 from None


def current_risk_areas(day: datetime.date) -> list[RiskArea]:
    """Risk areas in force on `day`, for the origin choices of a registration form."""
    return list(RiskArea.objects.active_on(day).order_by("code")[:200])
