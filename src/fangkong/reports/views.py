"""Pages of the daily report chain: the status of a day per level, one report (review, submit,
return, history, differences), the deadline, the exports. Thin: selectors read, services write."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core.exports import XLSX_TYPE
from fangkong.core.forms import cleaned_or_400, parse_day
from fangkong.regions import selectors as region_selectors

from . import permissions, report_table, selectors, services
from .deadlines import county_code_of
from .forms import ChainChoiceForm, ReturnForm, SettingsForm, SituationForm


def _parse_day(value: str) -> datetime.date:
    """The day in the page's address: a bad one is a 400 page saying why."""
    try:
        return parse_day(value)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _report_url(code: str, day: datetime.date) -> str:
    return reverse("reports:report", args=[code, day.isoformat()])


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def chain(request):
    """报送情况: per level, who has submitted, who is late, who has not, for one day."""
    form = ChainChoiceForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    code = data.get("region") or request.user.region_id
    day = data.get("date") or timezone.localdate()
    status = selectors.chain_status(request.user, code, day)
    wanted = data.get("state") or ""
    own = None
    if request.user.region.level in permissions.CHAIN_LEVELS and permissions.can_submit(request.user,
                                                                                          request.user.region):
        own = _report_url(request.user.region_id, day)
    county = county_code_of(status.region.code)
    return render(request, "reports/chain_status.html", {
        "form": form, "status": status, "day": day, "state": wanted, "own_report": own,
        "states": selectors.STATE_LABELS,
        "levels": [(level, level.with_state(wanted) if wanted in selectors.STATE_LABELS else level.rows)
                   for level in status.levels],
        "ancestors": region_selectors.ancestors_in_scope(request.user, status.region),
        "day_before": day - datetime.timedelta(days=1), "day_after": day + datetime.timedelta(days=1),
        "can_set_deadline": bool(county) and permissions.can_set_deadline(request.user, county),
    })


ACTION_LABELS = {"report_draft": _lazy("保存草稿"), "report_submitted": _lazy("报送"),
                 "report_resubmitted": _lazy("更正后重新报送"), "report_returned": _lazy("退回更正")}


def _history(view) -> list[dict]:
    """The report's audit entries as lines: when, who, what, and the comment or text of that step."""
    lines = []
    for entry in view.history:
        after = entry.after or {}
        lines.append({"at": entry.at, "who": (entry.actor.display_name or entry.actor_name) if entry.actor else
                      entry.actor_name, "action": entry.action, "label": ACTION_LABELS.get(entry.action, entry.action),
                      "comment": after.get("return_comment", "") if entry.action == "report_returned" else "",
                      "situation": after.get("situation", "") if entry.action != "report_returned" else ""})
    return lines


@login_required
@require_GET
def report(request, region: str, day: str):
    """One region's report of a day: the live figures for review, the frozen ones once submitted and
    what changed since; for a township or the county, the children's submitted figures next to the live."""
    view = selectors.report_view(request.user, region, _parse_day(day))
    top, bottom = report_table.children_header(view) if view.children else ("", "")
    return render(request, "reports/report_detail.html", {
        "view": view, "rows": report_table.figure_rows(view), "header_top": top, "header_bottom": bottom,
        "children": report_table.children_rows(view),
        "form": SituationForm(initial={"situation": view.report.situation if view.report else ""}),
        "return_form": ReturnForm(),
        "history": _history(view),
        "ancestors": region_selectors.ancestors_in_scope(request.user, view.region),
        "day_before": view.day - datetime.timedelta(days=1), "day_after": view.day + datetime.timedelta(days=1),
    })


@login_required
@require_POST
def report_submit(request, region: str, day: str):
    """Save the text as a draft (action=draft) or submit the report (freezing the figures)."""
    on_day = _parse_day(day)
    form = SituationForm(request.POST)
    situation = form.cleaned_data["situation"] if form.is_valid() else request.POST.get("situation", "")
    try:
        if request.POST.get("action") == "draft":
            services.save_draft(request.user, region, on_day, situation)
            messages.success(request, _("已保存草稿（尚未报送）"))
        else:
            done = services.submit_report(request.user, region, on_day, situation)
            messages.success(request, _("已报送，报送数据已固定（逾期报送）") if done.late else _("已报送，报送数据已固定"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_report_url(region, on_day))


@login_required
@require_POST
def report_return(request, region: str, day: str):
    """The level above returns a submitted report for correction, with a comment."""
    on_day = _parse_day(day)
    found = selectors.report_for(request.user, region, on_day)
    try:
        services.return_report(request.user, found, request.POST.get("comment", ""))
        messages.success(request, _("已退回，等待更正后重新报送"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_report_url(region, on_day))


@login_required
@require_GET
def report_xlsx(request, region: str, day: str):
    """The submitted report as .xlsx; the export is audited."""
    on_day = _parse_day(day)
    try:
        content, filename = services.export_report(request.user, region, on_day)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_report_url(region, on_day))
    return _download(content, filename)


@login_required
@require_GET
def summary_xlsx(request):
    """The summary workbook of the day (one sheet per level); audited."""
    data = cleaned_or_400(ChainChoiceForm(request.GET))
    content, filename = services.export_summary(request.user, data.get("region") or request.user.region_id,
                                                data.get("date") or timezone.localdate())
    return _download(content, filename)


@login_required
@require_http_methods(["GET", "POST"])
def chain_settings(request):
    """Headquarters admin: the daily deadline of the county."""
    code = request.GET.get("region") or request.user.region_id
    current = selectors.settings_for(request.user, code)
    if not permissions.can_set_deadline(request.user, current.region_id):
        raise PermissionDenied
    form = SettingsForm(request.POST or None, initial={"deadline": current.deadline.strftime("%H:%M")})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(request.user, current.region_id, deadline=form.cleaned_data["deadline"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("报送截止时间已保存"))
            return redirect(f"{reverse('reports:chain')}?region={current.region_id}")
    return render(request, "reports/chain_settings.html", {"form": form, "current": current})
