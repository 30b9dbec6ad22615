"""疫情曲线与Rt: the epidemic curve by onset or report date of a region of the scope, stacked by classification,
Rt's line with its credible interval and its table, and the headquarters' daily indicators; the two charts also
as PNG (for saving and for documents). A bad parameter is a 400 page naming it."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.core.forms import query_day
from fangkong.core.replica import heavy_read

from .. import epi_charts
from ..selectors import epi as selectors

INDICATOR_DAYS = 7


def basis_label(basis: str) -> str:
    return _("发病日期") if basis == "onset" else _("报告日期")


def _params(request) -> dict:
    today = timezone.localdate()
    last = query_day(request, "last", today)
    return {"region_code": request.GET.get("region") or None, "basis": request.GET.get("basis") or "onset",
            "first": query_day(request, "first"), "last": last, "today": today}


def _bad(exc: ValidationError):
    return BadRequest("；".join(_("%(field)s：%(message)s") % {"field": k, "message": m}
                                for k, ms in exc.message_dict.items() for m in ms)
                      if hasattr(exc, "error_dict") else "；".join(exc.messages))


def read(request) -> tuple:
    """The curve, Rt and the indicators the page and the PNGs show."""
    p = _params(request)
    try:
        curve = selectors.curve(request.user, p["region_code"], basis=p["basis"], first=p["first"], last=p["last"],
                                today=p["today"])
        rt = selectors.rt(request.user, curve.region.code, basis=p["basis"], first=curve.days[0],
                          last=curve.days[-1], mean_si=request.GET.get("mean_si"), std_si=request.GET.get("std_si"))
    except ValidationError as exc:
        raise _bad(exc) from None
    return curve, rt


def _titles(curve, rt) -> tuple[str, str]:
    name, basis = curve.region.name, basis_label(curve.basis)
    return (_("%(region)s 疫情曲线（按%(basis)s）") % {"region": name, "basis": basis},
            _("%(region)s 实时再生数Rt（确诊病例按%(basis)s，序列间隔均值%(mean)s天、标准差%(sd)s天）") % {
                "region": name, "basis": basis, "mean": f"{rt.mean_si:g}", "sd": f"{rt.std_si:g}"})


@heavy_read
@login_required
@require_GET
def epi_page(request):
    """疫情曲线与Rt."""
    curve, rt = read(request)
    last = curve.days[-1]
    try:
        on_day = selectors.indicators(request.user, curve.region.code, first=last, last=last)
        week = selectors.indicators(request.user, curve.region.code,
                                    first=last - datetime.timedelta(days=INDICATOR_DAYS - 1), last=last)
    except ValidationError as exc:
        raise _bad(exc) from None
    curve_title, rt_title = _titles(curve, rt)
    query = request.GET.copy()
    return render(request, "tracing/epi/epi.html", {
        "curve": curve, "rt": rt, "rows": [r for r in reversed(rt.rows)][:14],
        "curve_svg": epi_charts.curve_svg(curve, curve_title), "rt_svg": epi_charts.rt_svg(rt, curve.days, rt_title),
        "curve_title": curve_title, "rt_title": rt_title, "on_day": on_day, "week": week,
        "children": selectors.children(curve.region), "first": curve.days[0], "last": last,
        "basis_label": basis_label(curve.basis), "query": query.urlencode(),
        "parent": curve.region.parent if curve.region.parent_id and curve.region.code != request.user.region_id
        else None,
        "bases": [("onset", basis_label("onset")), ("report", basis_label("report"))],
    })


def _png(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@heavy_read
@login_required
@require_GET
def curve_png(request):
    curve, rt = read(request)
    return _png(epi_charts.curve_png(curve, _titles(curve, rt)[0]),
                f"epi-curve-{curve.region.code}-{curve.days[-1].isoformat()}.png")


@heavy_read
@login_required
@require_GET
def rt_png(request):
    curve, rt = read(request)
    return _png(epi_charts.rt_png(rt, curve.days, _titles(curve, rt)[1]),
                f"rt-{curve.region.code}-{curve.days[-1].isoformat()}.png")
