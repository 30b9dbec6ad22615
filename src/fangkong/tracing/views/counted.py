"""The rows behind a figure of the epidemic situation (selectors.counted): the page the dashboard's case and
contact figures link to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fangkong.core import links
from fangkong.core import region_codes as codes
from fangkong.core.forms import query_day

from .. import permissions
from ..selectors import counted as selectors

# the page of one row of each kind (a row links there when the page exists and its reader may open it)
ROW_PAGES = {"case": "tracing:case", "contact": "tracing:case", "key_person": "screening:key_person"}


def _may_open(user, kind: str, row) -> bool:
    if kind == "key_person":
        return links.may_open(user, ROW_PAGES[kind], row)
    case = row.case if kind == "contact" else row
    # a case's page answers its readers in the case's region (a contact's case may lie outside the reader's)
    return permissions.can_view_cases(user) and codes.covers(user, case.region_id)


def _row_url(user, kind: str, row) -> str:
    if not _may_open(user, kind, row):
        return ""
    try:
        return reverse(ROW_PAGES[kind], args=[row.case_id if kind == "contact" else row.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def counted(request):
    """?figure=<key>&region=<code>&date=<day>: which cases, contacts or ledger entries the figure counts."""
    user = request.user
    day = query_day(request, "date", default=timezone.localdate())
    found = selectors.counted(user, request.GET.get("figure", ""), request.GET.get("region", "") or user.region_id,
                              day, after=request.GET.get("after"))
    return render(request, "tracing/counted.html", {
        "c": found, "items": found.items, "rows": [(row, _row_url(user, found.kind, row)) for row in found.items],
    })
