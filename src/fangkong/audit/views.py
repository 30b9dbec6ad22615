import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import region_codes as codes
from fangkong.core import region_picker
from fangkong.core.days import day_problem
from fangkong.core.exports import XLSX_TYPE, Sheet, choice_labels, workbook_bytes

from . import labels, selectors, services
from .models import Source

FILTERS = ["action", "actor", "object_type", "source", "region"]
# One export holds at most this many entries; more is refused with a message (never cut short silently).
EXPORT_LIMIT = 100_000
EXPORT_BATCH = 2000


def _filters(request) -> tuple[dict, list[str]]:
    """Filter values from the query string, and a message for each value that cannot be used.

    A bad value is reported, never silently dropped: dropping it would show (or export)
    more than the user asked for.
    """
    found = {name: request.GET.get(name, "").strip() for name in FILTERS}
    errors = []
    if found["region"]:
        try:
            codes.check(found["region"])
        except ValidationError as exc:
            errors.extend(exc.messages)
    for name in ("date_from", "date_to"):
        raw = request.GET.get(name, "").strip()
        try:
            found[name] = datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            found[name] = None
            errors.append(_("日期格式错误：%(value)s") % {"value": raw})
        if found[name] and (problem := day_problem(found[name])):
            errors.append(problem)
    return found, errors


@login_required
def entry_list(request):
    filters, errors = _filters(request)
    if errors:
        selectors.audit_entries_for(request.user)  # permission first: 403 rather than a hint
        page = selectors.Page([], None)
    else:
        page = selectors.page_for(request.user, after=request.GET.get("after", ""), **filters)
    for message in errors:
        messages.error(request, message)
    entries = page.entries
    query = request.GET.copy()
    query.pop("after", None)
    reader = labels.Reader(entries)
    rows = [{"entry": e, "actor": labels.actor_label(e), "action": labels.action_label(e.action),
             "object_type": labels.object_type_label(e.object_type),
             "before": reader.lines(e, e.before), "after": reader.lines(e, e.after)} for e in entries]
    return render(request, "audit/list.html", {
        "rows": rows, "filters": filters, "sources": Source.choices, "actions": labels.action_choices(),
        "object_types": labels.object_type_choices(),
        # the scope's regions by name; a code field only where the scope holds too many to list
        "region_select": region_picker.select("region", filters["region"], request.user.region_id, blank=_("全部"),
                                              attrs={"id": "filter-region"}),
        "next_after": page.next_after, "searched_to": page.searched_to, "query": query.urlencode(),
    })


def _export_rows(qs):
    """The entries as the page reads them (labels, names, local times), a batch at a time: each batch's
    related names are looked up once."""
    sources = choice_labels(Source.choices)

    def line(pairs) -> str:
        return "\n".join(f"{label}：{value}" if label else value for label, value in pairs)

    batch = []
    for entry in qs.iterator(chunk_size=EXPORT_BATCH):
        batch.append(entry)
        if len(batch) == EXPORT_BATCH:
            yield from _batch_rows(batch, sources, line)
            batch = []
    yield from _batch_rows(batch, sources, line)


def _batch_rows(entries, sources, line):
    reader = labels.Reader(selectors.with_names(entries))
    for e in entries:
        yield [timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), labels.actor_label(e),
               labels.action_label(e.action), labels.object_type_label(e.object_type), e.object_id, e.object_repr,
               e.region.name if e.region_id else "", e.region_id or "", sources.get(e.source, e.source),
               line(reader.lines(e, e.before)), line(reader.lines(e, e.after)), e.actor_name]


@login_required
def entry_export(request):
    filters, errors = _filters(request)
    if errors:
        selectors.audit_entries_for(request.user)  # permission first: 403 rather than a hint
        # the list page with the same query shows what is wrong with it
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    qs = selectors.audit_entries_for(request.user, **filters)
    if qs.values_list("pk", flat=True)[EXPORT_LIMIT:EXPORT_LIMIT + 1]:  # one row past the limit, not a count
        messages.error(request, _("符合条件的记录超过 %(limit)s 条，无法一次导出：请缩小日期范围或增加筛选条件后再导出。")
                       % {"limit": f"{EXPORT_LIMIT:,}"})
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    headers = [_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象编号"), _("对象"), _("区划"), _("区划代码"),
               _("来源"), _("修改前"), _("修改后"), _("登录名")]
    rows = _export_rows(qs)
    data, count = workbook_bytes([Sheet(_("审计日志"), headers, rows)], request.user)
    services.record_export(request.user, "audit", region=request.user.region_id, rows=count,
                           filters={k: str(v) for k, v in filters.items() if v})
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
