"""Reads of investigations (流调), scoped: the case to investigate, its investigation and itinerary, the list of
investigations. Whoever may investigate (permissions.can_investigate) reads those whose case lies in their
scope; for anyone else a case or investigation does not exist (404). A village worker is never here: they
see a case's contacts on their ledger, nothing of the investigation."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from fangkong.core.days import day_start
from fangkong.core.paging import PAGE_SIZE, id_or_404, page_after
from fangkong.core.region_codes import in_scope

from .. import permissions
from ..models import Case, Investigation, InvestigationStatus, ItineraryStop

# the itinerary covers the 14 days before onset
ITINERARY_DAYS = 14


def itinerary_window(case: Case) -> tuple[datetime.datetime, datetime.datetime]:
    """The days an itinerary covers, decided here: from 00:00 of the 14th day before onset (the diagnosis day of
    a case without onset, such as an asymptomatic one) up to the report. The services check the stops against it
    and the candidate contacts are read over it."""
    first = case.onset_date or timezone.localdate(case.diagnosed_at)
    return day_start(first - datetime.timedelta(days=ITINERARY_DAYS)), case.reported_at


def require_investigator(user) -> None:
    if not permissions.can_investigate(user):
        raise PermissionDenied


def case_to_investigate(user, pk) -> Case:
    """The case, in the user's scope, for someone who investigates; 404 otherwise."""
    require_investigator(user)
    case = (Case.objects.filter(in_scope(user), pk=id_or_404(pk)).select_related("person", "region").first())
    if case is None:
        raise Http404
    return case


def investigation_of(case: Case) -> Investigation | None:
    return Investigation.objects.filter(case=case).select_related("investigator").first()


def investigation_for(user, pk) -> Investigation:
    require_investigator(user)
    inv = (Investigation.objects.filter(in_scope(user), pk=id_or_404(pk))
           .select_related("case__person", "case__region", "investigator").first())
    if inv is None:
        raise Http404
    return inv


def stops_of(investigation: Investigation) -> list[ItineraryStop]:
    return list(investigation.stops.select_related("key_place", "region").order_by("starts_at", "id"))


def stop_for(user, pk) -> ItineraryStop:
    require_investigator(user)
    stop = (ItineraryStop.objects.filter(in_scope(user, "investigation__region_id"), pk=id_or_404(pk))
            .select_related("investigation__case").first())
    if stop is None:
        raise Http404
    return stop


def investigations_for(user, *, status: str = "", after=None, limit=PAGE_SIZE) -> list[Investigation]:
    """Investigations in scope, latest first (a keyset page by id); `status` open / completed."""
    require_investigator(user)
    qs = Investigation.objects.filter(in_scope(user))
    if status in InvestigationStatus.values:
        qs = qs.filter(status=status)
    return page_after(qs.select_related("case__person", "investigator").order_by("-id"), after, limit)
