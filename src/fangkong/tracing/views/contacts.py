"""密接 pages: the contact list of the user's scope (cards on a phone, numbers masked, one person revealed at a time
and logged), and the hand-over (协查函) of contacts living in other counties, exported as .xlsx or .docx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core.docx import DOCX_TYPE
from fangkong.core.exports import XLSX_TYPE
from fangkong.core.paging import PAGE_SIZE

from .. import permissions
from ..models import ContactLevel
from ..selectors import contacts as selectors
from ..services import contacts as services

TEMPLATE = "tracing/investigations/contacts.html"


def _list(request, *, revealed=None):
    user = request.user
    level = request.GET.get("level", "")
    outside = {"1": True, "0": False}.get(request.GET.get("outside", ""))
    items = selectors.contacts_for(user, level=level, outside=outside, after=request.GET.get("after"))
    return render(request, TEMPLATE, {
        "items": items, "level": level, "levels": ContactLevel.choices, "outside": request.GET.get("outside", ""),
        "revealed": revealed, "may_reveal": account_permissions.can_reveal(user),
        "may_investigate": permissions.can_investigate(user),
        "next_after": items[-1].pk if len(items) == PAGE_SIZE else None})


@login_required
@require_GET
def contacts(request):
    """密切接触者: the confirmed contacts of the scope, latest first."""
    return _list(request)


@never_cache
@login_required
@require_POST
def contact_reveal(request, pk: int):
    """The list again with one contact's full numbers, on this response only; the reveal is logged."""
    contact = selectors.contact_for(request.user, pk)
    revealed = {"contact_id": contact.pk, **services.reveal_contact(request.user, contact)}
    return _list(request, revealed=revealed)


@login_required
@require_GET
def handover(request):
    """协查函: the receiving counties of the contacts living outside the county, with the export of each list."""
    return render(request, "tracing/investigations/handover.html", {
        "counties": selectors.handover_counties(request.user),
        "formats": [("xlsx", _("导出协查函（Excel）")), ("docx", _("导出协查函（Word）"))],
        "may_export": permissions.can_investigate(request.user) and account_permissions.can_reveal(request.user)})


@login_required
@require_POST
def handover_export(request):
    """One county's list as .xlsx or .docx (a POST: it marks the contacts handed over)."""
    county = request.POST.get("county", "")
    file_format = request.POST.get("format", "xlsx")
    try:
        content, _rows = services.export_handover(request.user, county=county, file_format=file_format,
                                                  include_sent=request.POST.get("include_sent") == "1")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("tracing:handover")
    response = HttpResponse(content, content_type=XLSX_TYPE if file_format == "xlsx" else DOCX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="handover-{stamp}.{file_format}"'
    return response
