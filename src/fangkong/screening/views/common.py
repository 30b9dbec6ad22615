import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.accounts import permissions
from fangkong.core.forms import query_day


def require_worker(user) -> None:
    """Forms that write are not shown to roles that cannot write (the services refuse them anyway)."""
    if not permissions.can_work_ledger(user):
        raise PermissionDenied


def int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def day_param(request, name: str = "day") -> datetime.date:
    """A past day asked for in the query (to review or back-fill it); today when absent or in the future."""
    today = timezone.localdate()
    return min(query_day(request, name, today), today)
