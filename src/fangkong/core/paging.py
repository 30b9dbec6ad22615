"""Keyset pages: a list is read a page at a time after the last id seen, never counted, never offset.

A page of a big table costs one index range whatever its depth; `after` is the last id of the page before.
"""

from django.db.models import QuerySet
from django.http import Http404

PAGE_SIZE = 50
MAX_PAGE = 200


def page_limit(limit, default: int | None = None, most: int | None = None) -> int:
    """The number of rows a page may hold: the asked `limit` within 1..`most` (MAX_PAGE); `default` (PAGE_SIZE)
    when none or not a number."""
    default, most = default or PAGE_SIZE, most or MAX_PAGE
    try:
        return max(1, min(int(limit or default), most))
    except (TypeError, ValueError):
        return default


def id_or_404(value) -> int:
    """An id from a URL or query, as the database holds it (a positive 64-bit integer): anything else is a row
    that does not exist. (A larger number would reach the database driver, which cannot convert it.)"""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def page_after(qs: QuerySet, after=None, limit=None, *, most: int | None = None) -> list:
    """The page of `qs`, ordered by id (either way), that follows the row with id `after`."""
    order = list(qs.query.order_by)
    if order not in (["id"], ["pk"], ["-id"], ["-pk"]):
        raise ValueError(f"a keyset page needs a list ordered by id alone, not {order}")
    if after:
        qs = qs.filter(**{"id__lt" if order[0].startswith("-") else "id__gt": id_or_404(after)})
    return list(qs[:page_limit(limit, most=most)])
