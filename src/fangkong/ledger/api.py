"""Ledger upload and download over the API, with the page's rules (the same services)."""

from django.http import HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from fangkong.core.api import ErrorOut
from fangkong.core.days import Day
from fangkong.core.exports import XLSX_TYPE

from . import services
from .schemas import ImportOut

router = Router(tags=["ledger"])


@router.post("/import", response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: ImportOut | ErrorOut})
def import_ledger(request, file: File[UploadedFile], region: Form[str], category: Form[str] = "",
                  keep_valid: Form[bool] = False, as_of: Form[Day | None] = None):
    """Upload a ledger (.xlsx/.xls/.ods/.csv, multipart `file`) into `region`, read as of `as_of` (default:
    the date in each sheet's title rows, else today). 200 when written;
    422 with the same body when refused (all-or-nothing unless `keep_valid`), a file beyond the import
    limits (size, rows, columns, cells: FANGKONG_IMPORT_*) too, its error naming the limit."""
    result = services.import_ledger(request.user, file, filename=file.name or "upload", region_code=region,
                                    category=category, keep_valid=keep_valid, as_of=as_of)
    return Status(200 if result.written else 422, result.as_dict())


@router.get("/export", response={200: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
            openapi_extra={"responses": {200: {"description": "the ledger workbook",
                                               "content": {XLSX_TYPE: {}}}}})
def export_ledger(request, region: str, date: Day, reveal: bool = False):
    """The standard ledger (.xlsx, one sheet per category) of a region subtree on `date`; IDs and
    phones masked unless `reveal` and the caller's role may see them. Every export is audited."""
    content, name, _rows = services.export_ledger(request.user, region_code=region, day=date, reveal=reveal)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
