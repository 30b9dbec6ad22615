from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from fangkong.accounts import permissions
from fangkong.core.exports import XLSX_TYPE
from fangkong.core.forms import apply_service_error
from fangkong.core.replica import heavy_read

from . import services
from .forms import ExportForm, ImportForm


def _page(request, *, import_form=None, export_form=None, result=None, status=200):
    user = request.user
    if not permissions.can_view_ledger(user):
        raise PermissionDenied
    can_import = permissions.can_work_ledger(user)
    return render(request, "ledger/index.html", {
        "import_form": (import_form or ImportForm(user)) if can_import else None,
        "export_form": export_form or ExportForm(user, can_reveal=permissions.can_reveal(user)),
        "result": result,
    }, status=status)


@login_required
@require_GET
def index(request):
    return _page(request)


@login_required
@require_POST
def import_file(request):
    form = ImportForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = services.import_ledger(request.user, upload, filename=upload.name,
                                        region_code=form.cleaned_data["region"],
                                        category=form.cleaned_data["category"],
                                        keep_valid=form.cleaned_data["keep_valid"],
                                        as_of=form.cleaned_data["as_of"])
    except ValidationError as exc:
        apply_service_error(form, exc)
        return _page(request, import_form=form, status=400)
    return _page(request, import_form=ImportForm(request.user), result=result,
                 status=200 if result.written else 422)


@login_required
@require_GET
@heavy_read
def export_file(request):
    form = ExportForm(request.user, request.GET, can_reveal=permissions.can_reveal(request.user))
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    content, name, _rows = services.export_ledger(request.user, region_code=form.cleaned_data["region"],
                                                  day=form.cleaned_data["date"],
                                                  reveal=form.cleaned_data.get("reveal", False))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
