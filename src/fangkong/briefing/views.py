"""Pages of the headquarters dashboard (指挥部看板) and the work brief (工作简报). Thin: selectors read,
services write."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.analytics.forms import DailyTableForm
from fangkong.core.docx import DOCX_TYPE
from fangkong.core.forms import cleaned_or_400
from fangkong.core.replica import heavy_read

from . import brief_context, charts, dashboard, permissions, selectors, services
from .forms import NextStepsForm, TemplateUploadForm


def _choice(data) -> tuple[DailyTableForm, str, datetime.date]:
    form = DailyTableForm(data)
    cleaned = form.cleaned_data if form.is_valid() else {}
    return form, cleaned.get("region") or "", cleaned.get("date") or timezone.localdate()


def _posted(request) -> tuple[str, datetime.date]:
    """The region and day a brief action is for; a bad day is a 400 saying why, never today's brief instead."""
    data = cleaned_or_400(DailyTableForm(request.POST))
    return data.get("region") or request.user.region_id, data.get("date") or timezone.localdate()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
@heavy_read
def dashboard_page(request):
    """指挥部看板: today's figures and change, 14-day trends, late regions, open alerts; from the counters."""
    form, code, day = _choice(request.GET)
    board = dashboard.dashboard(request.user, code or request.user.region_id, day)
    svgs = [(t, charts.svg_lines(t.title, board.days, t.lines, links=t.day_urls)) for t in board.trends]
    return render(request, "briefing/dashboard.html", {
        "form": form, "board": board, "charts": svgs,
        "day_before": day - datetime.timedelta(days=1), "day_after": day + datetime.timedelta(days=1),
        "can_brief": permissions.can_issue_brief(request.user),
        "chain_url": dashboard.url("reports:chain", region=board.region.code, date=day.isoformat()),
        "daily_url": dashboard.url("analytics:daily", region=board.region.code, date=day.isoformat()),
    })


def _page_url(code: str, day: datetime.date) -> str:
    return f"{reverse('briefing:brief')}?{urlencode({'region': code, 'date': day.isoformat()})}"


_SECTION_TITLES = {"overall": "总体情况", "problems": "存在的问题", "next_steps": "下步工作"}


@login_required
@require_GET
@heavy_read
def brief_page(request):
    """工作简报: the issue of the day, what it will say, "next steps", the download and the Word template."""
    user = request.user
    if not permissions.can_issue_brief(user):
        raise PermissionDenied
    form, code, day = _choice(request.GET)
    region = selectors.region_of(user, code or user.region_id)
    issue = selectors.brief_for(user, region.code, day)
    ctx = brief_context.build(user, region.code, day, issue_number=issue.issue_number if issue else 0,
                              next_steps=issue.next_steps if issue else "",
                              problems=selectors.problems_for(user, region.code, day))
    return render(request, "briefing/brief.html", {
        "form": form, "region": region, "day": day, "issue": issue, "ctx": ctx,
        "sections": [(ctx["no"][k], _SECTION_TITLES.get(k) or ctx[k]["title"]) for k in ctx["sections"]
                     if k != "extra"],
        "template": selectors.active_template(region),
        "can_change_template": permissions.can_change_template(user, region),
        "day_before": day - datetime.timedelta(days=1), "day_after": day + datetime.timedelta(days=1),
    })


@login_required
@require_POST
def brief_docx(request):
    """The brief as .docx (a download; assigns the issue number the first time; audited)."""
    code, day = _posted(request)
    try:
        content, filename = services.generate_brief(request.user, code, day)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_page_url(code, day))
    return _attachment(content, DOCX_TYPE, filename)


@login_required
@require_POST
def brief_next_steps(request):
    code, day = _posted(request)
    form = NextStepsForm(request.POST)
    text = form.cleaned_data["next_steps"] if form.is_valid() else request.POST.get("next_steps", "")
    try:
        services.save_next_steps(request.user, code, day, text)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("下步工作已保存"))
    return redirect(_page_url(code, day))


@login_required
@require_GET
def brief_template(request):
    """The Word template in force for the region (uploaded, or the shipped default): to edit in Word."""
    content, filename = services.export_template(request.user, request.GET.get("region", "") or
                                                 request.user.region_id)
    return _attachment(content, DOCX_TYPE, filename)


@login_required
@require_POST
def brief_template_upload(request):
    _form, code, day = _choice(request.POST)
    code = code or request.user.region_id
    name, content = TemplateUploadForm(request.POST, request.FILES).name_and_content()
    try:
        services.upload_template(request.user, code, name, content)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, _("模板未更换：%(reason)s") % {"reason": message})
    else:
        messages.success(request, _("简报模板已更换，以后生成的简报使用新模板"))
    return redirect(_page_url(code, day))


@login_required
@require_POST
def brief_template_revert(request):
    _form, code, day = _choice(request.POST)
    code = code or request.user.region_id
    services.revert_template(request.user, code)
    messages.success(request, _("已恢复默认简报模板"))
    return redirect(_page_url(code, day))
