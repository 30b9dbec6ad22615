"""When a disk fills up: a clear 507 instead of a 500, and no half-written file left behind.

Files reach a disk during a request in one place: an upload too large for memory is spooled to a temporary file
(core.spreadsheets.LimitedUploadHandler; a ledger, a lab's results, a brief's Word template), as is the copy the
spreadsheet worker reads. When that disk is full the write fails with ENOSPC (EDQUOT past a quota, EFBIG past a
file-size limit). The upload handler then removes what it had written of the file, and `handler500`
(core.views.server_error) asks `is_disk_full` about the exception and answers `response(request)`: 507
Insufficient Storage, JSON under /api/ and a short page elsewhere, saying that nothing was saved. The request never
reached its service (or its transaction was rolled back on the way out), so no row was written either.

The server goes on serving: requests that write no file are not affected, and once space is freed the next
upload succeeds. The event is logged as an error (someone must free the disk), one line per request.
`fangkong backup` onto a full disk likewise says so in one line, its partial file removed.
"""

import errno
import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("fangkong.disk_full")
FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it was raised from, is a write refused for want of space."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in FULL:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def message() -> str:
    return _("服务器存储空间已满，本次提交没有保存（上传的文件未保留，未写入任何数据）。请联系系统管理员清理磁盘后重新提交。")


def response(request, exc: BaseException | None = None) -> HttpResponse:
    """507: JSON under /api/ (as every error there), else a page rendered without the request's context."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc or "")
    logger.error("disk full: %s %s answered 507 (%s)", request.method, request.path, reason)
    if request.path.startswith("/api/"):
        answer = JsonResponse({"detail": message(), "status": "insufficient_storage"}, status=507,
                              json_dumps_params={"ensure_ascii": False})
    else:
        answer = HttpResponse(loader.get_template("507.html").render({"message": message()}), status=507)
    answer["Cache-Control"] = "no-store"
    answer._has_been_logged = True  # Django's request log: logged above
    return answer
