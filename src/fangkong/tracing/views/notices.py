"""病例活动轨迹: the staff pages that draft, review, publish and withdraw a case's public itinerary notice and
download it as Word, and the public page (no account) listing a county's published notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core.docx import DOCX_TYPE

from .. import permissions
from ..forms import NoticeForm, NoticeItemFormSet, WithdrawForm
from ..models import NoticeStatus
from ..selectors import notices as selectors
from ..services import notices as services


@login_required
@require_GET
def notices(request):
    user = request.user
    status = request.GET.get("status", "")
    items = selectors.notices_for(user, status=status, after=request.GET.get("after"))
    return render(request, "tracing/notices/notice_list.html", {
        "items": items, "status": status, "statuses": NoticeStatus.choices,
        "next_after": items[-1].pk if len(items) == selectors.PAGE_SIZE else None,
        "can_draft": permissions.can_investigate(user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """The case's public stops as they would be drafted (GET ?case=ID or ?number=…), and the draft (POST)."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    case = selectors.case_for_notice(user, pk=source.get("case"), number=source.get("number", ""))
    if request.method == "POST":
        try:
            notice = services.draft_notice(user, case)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已起草活动轨迹，请审核后发布"))
            return redirect("tracing:notice", pk=notice.pk)
    items, withheld = selectors.draft_items(case)
    return render(request, "tracing/notices/notice_new.html", {
        "case": case, "preview": selectors.words_of(items), "withheld": withheld, "earlier": selectors.notices_of_case(user, case),
    })


def _initial(notice) -> list[dict]:
    # a datetime-local input shows "YYYY-MM-DDTHH:MM" (the stored local time without its offset)
    return [{"starts_at": i["starts_at"][:16], "ends_at": i["ends_at"][:16], "place": i["place"],
             "transport": i["transport"]} for i in notice.items]


def _typed_items(formset) -> tuple[list[dict], list[int]]:
    """The items as typed (deleted and untouched blank rows left out) and the form index of each."""
    items, index = [], []
    for n, form in enumerate(formset.forms):
        data = form.cleaned_data if form.is_valid() else {}
        if not data or data.get("DELETE") or not any(data.get(k) for k in selectors.ITEM_KEYS):
            continue
        items.append({k: data.get(k, "") for k in selectors.ITEM_KEYS})
        index.append(n)
    return items, index


def _show_errors(form, formset, index: list[int], exc: ValidationError) -> None:
    """A service error on its field: title and alias on the form, "items.N.field" on the N-th typed row."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(index):
            row = formset.forms[index[int(parts[1])]]
            row.add_error(parts[2] if len(parts) == 3 and parts[2] in row.fields else None, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def notice(request, pk: int):
    """Review: the notice as the public will read it, its text to edit (not while published), publish, withdraw."""
    user = request.user
    found = selectors.notice_for(user, pk)
    editable = found.status != NoticeStatus.PUBLISHED and permissions.can_investigate(user)
    form = NoticeForm(request.POST or None, initial={"title": found.title, "alias": found.alias})
    formset = NoticeItemFormSet(request.POST or None, initial=_initial(found), prefix="items")
    status = 200
    if request.method == "POST":
        form.is_valid()
        items, index = _typed_items(formset)
        try:
            services.edit_notice(user, found, title=form.data.get("title", ""), alias=form.data.get("alias", ""),
                                 items=items)
        except ValidationError as exc:
            _show_errors(form, formset, index, exc)
            status = 400
        else:
            messages.success(request, _("已保存"))
            return redirect("tracing:notice", pk=found.pk)
    return render(request, "tracing/notices/notice_detail.html", {
        "notice": found, "items": selectors.items_of(found), "form": form, "formset": formset,
        "editable": editable, "can_publish": permissions.can_publish_notice(user),
        "withdraw_form": WithdrawForm(),
        "public_url": reverse("tracing:public_notices", args=[selectors.county_of(found.region_id).code]),
    }, status=status)


@login_required
@require_POST
def notice_publish(request, pk: int):
    found = selectors.notice_for(request.user, pk)
    try:
        services.publish_notice(request.user, found)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已发布"))
    return redirect("tracing:notice", pk=found.pk)


@login_required
@require_POST
def notice_withdraw(request, pk: int):
    found = selectors.notice_for(request.user, pk)
    try:
        services.withdraw_notice(request.user, found, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤回"))
    return redirect("tracing:notice", pk=found.pk)


@login_required
@require_GET
def notice_docx(request, pk: int):
    found = selectors.notice_for(request.user, pk)
    try:
        content, name = services.export_notice(request.user, found)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("tracing:notice", pk=found.pk)
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_GET
def public_notices(request, code: str):
    """A county's (or any region's) published notices, for everyone: no account, the public layout."""
    region = selectors.public_region(code)
    found = selectors.published_in(region, after=request.GET.get("after"))
    return render(request, "tracing/notices/public_list.html", {
        "region": region, "notices": [(n, selectors.items_of(n)) for n in found],
        "next_after": found[-1].pk if len(found) == selectors.PAGE_SIZE else None,
    })
