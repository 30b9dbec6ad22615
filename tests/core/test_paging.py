"""core.paging: the one keyset-paging rule every list uses."""

import pytest
from django.http import Http404

from fangkong.audit.models import AuditEntry
from fangkong.core import paging


@pytest.mark.parametrize(("limit", "expected"), [
    (None, paging.PAGE_SIZE), ("", paging.PAGE_SIZE), ("abc", paging.PAGE_SIZE), (0, paging.PAGE_SIZE), (-3, 1),
    (10, 10), ("10", 10), (10_000, paging.MAX_PAGE)])
def test_a_page_holds_what_was_asked_within_bounds(limit, expected):
    assert paging.page_limit(limit) == expected


def test_a_list_with_its_own_page_size_passes_it():
    assert paging.page_limit(None, 100, 500) == 100
    assert paging.page_limit(1000, 100, 500) == 500


@pytest.mark.parametrize("value", ["abc", None, "1.5", 0, -1, 2**63, str(2**63)])
def test_what_names_no_row_is_not_found(value):
    with pytest.raises(Http404):
        paging.id_or_404(value)


def test_an_id_as_the_database_holds_it():
    assert paging.id_or_404("42") == 42
    assert paging.id_or_404(2**63 - 1) == 2**63 - 1


def test_a_keyset_page_needs_an_id_order(db):
    with pytest.raises(ValueError, match="ordered by id"):
        paging.page_after(AuditEntry.objects.order_by("at"))
    assert paging.page_after(AuditEntry.objects.order_by("-id"), after="5") == []
    with pytest.raises(Http404):
        paging.page_after(AuditEntry.objects.order_by("id"), after="x")
