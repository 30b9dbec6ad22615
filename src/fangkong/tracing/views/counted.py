"""The rows behind a figure of the epidemic situation (selectors.counted): the page the dashboard's and the
daily table's case and contact figures link to."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fangkong.core.forms import query_day

from ..selectors import counted as selectors

# the page of one row of each kind (a row links there when the page exists)
ROW_PAGES = {"case": "tracing:case", "contact": "tracing:case", "key_person": "screening:key_person"}


def _row_url(kind: str, row) -> str:
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
        "c": found, "items": found.items, "rows": [(row, _row_url(found.kind, row)) for row in found.items],
    })
