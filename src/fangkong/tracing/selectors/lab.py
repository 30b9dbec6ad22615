"""Reads of lab tests, scoped like the cases (selectors.cases): the pending results with their age, the positive
results whose proposal waits for a decision, one test."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fangkong.core.paging import id_or_404, page_after
from fangkong.core.region_codes import in_scope

from ..models import LabResult, LabTest, Proposal
from .cases import require_reader

PROPOSALS_SHOWN = 50


def tests_in_scope(user) -> QuerySet[LabTest]:
    require_reader(user)
    return LabTest.objects.filter(in_scope(user))


def age_hours(test: LabTest, now: datetime.datetime | None = None) -> float:
    """Hours since sampling: how long a pending result has been waiting."""
    return round(((now or timezone.now()) - test.sampled_at).total_seconds() / 3600, 1)


def lab_tests_for(user, *, result: str = LabResult.PENDING, lab: str = "", after=None, limit=None) -> list[LabTest]:
    """A keyset page of the tests in scope with `result` ("" for any), oldest first (for pending ones: the
    longest waiting first), each with `age_hours`."""
    qs = tests_in_scope(user).select_related("person", "case")
    if result:
        qs = qs.filter(result=result) if result in LabResult.values else qs.none()
    if lab:
        qs = qs.filter(lab=lab)
    rows = page_after(qs.order_by("id"), after, limit)
    now = timezone.now()
    for row in rows:
        row.age_hours = age_hours(row, now)
    return rows


def proposals_for(user, limit: int = PROPOSALS_SHOWN) -> list[LabTest]:
    """Positive results in scope whose proposal (report a case, confirm a suspected one) waits for a decision."""
    return list(tests_in_scope(user).filter(proposal=Proposal.PENDING).select_related("person", "case")
                .order_by("id")[:limit])


def lab_test_for(user, pk) -> LabTest:
    try:
        return tests_in_scope(user).select_related("person", "case").get(pk=id_or_404(pk))
    except LabTest.DoesNotExist:
        raise Http404 from None
