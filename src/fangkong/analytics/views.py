import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from fangkong.core.exports import XLSX_TYPE
from fangkong.core.forms import cleaned_or_400
from fangkong.core.replica import heavy_read
from fangkong.regions import selectors as region_selectors

from . import reports, selectors, services
from .forms import DailyTableForm


def _choice(request) -> tuple[DailyTableForm, str, datetime.date]:
    """The region and day asked for; the user's scope and today when absent or invalid (the form shows why)."""
    form = DailyTableForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return form, (data.get("region") or request.user.region_id), (data.get("date") or timezone.localdate())


def _cells(row: selectors.Row, figures: list) -> list[dict]:
    """Each figure's value and change, under its column's name (a phone shows a row as a card of them)."""
    return [{"label": f"{f.group}·{f.label}" if f.group else f.label, "value": row.values[f.key],
             "up": max(row.change(f.key), 0), "down": max(-row.change(f.key), 0)} for f in figures]


@login_required
@require_GET
@heavy_read
def daily(request):
    """每日一报: the region's children with their figures, the total, and the change since the day before."""
    form, code, day = _choice(request)
    table = selectors.daily_table(request.user, code, day)
    top, bottom = reports.header_rows(table.figures)
    return render(request, "analytics/daily.html", {
        "form": form,
        "table": table,
        "ancestors": region_selectors.ancestors_in_scope(request.user, table.region),
        "header_top": top,
        "header_bottom": bottom,
        "rows": [(child.region, _cells(child, table.figures)) for child in table.children],
        "totals": _cells(table.totals, table.figures),
        "day_before": table.previous_day,
        "day_after": day + datetime.timedelta(days=1),
    })


@login_required
@require_GET
@heavy_read
def daily_xlsx(request):
    """The same table as .xlsx (with the day before on a second sheet); the export is audited."""
    data = cleaned_or_400(DailyTableForm(request.GET))
    code, day = data.get("region") or request.user.region_id, data.get("date") or timezone.localdate()
    content, filename = services.export_daily_table(request.user, code, day)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
