"""Reads of cases, scoped: the list (by classification, the late reports of the 2-hour rule), one case with its
history, its lab tests and what a positive result proposes.

Whoever may read cases (permissions.can_view_cases) sees the cases whose region lies in their scope: a county's
investigation team the county's, a township hospital's doctor their township's. Any other role is refused
(PermissionDenied: 403), a case outside the scope is as if it did not exist (404). A village worker reads no
case: they see that a person of their village is a case through the ledger's category.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from fangkong.core.paging import id_or_404, page_after
from fangkong.core.region_codes import in_scope
from fangkong.people.models import Person

from .. import permissions
from ..models import Case, CaseChange, Classification, Investigation, LabTest, Proposal


def require_reader(user) -> None:
    if not permissions.can_view_cases(user):
        raise PermissionDenied


def cases_in_scope(user) -> QuerySet[Case]:
    require_reader(user)
    return Case.objects.filter(in_scope(user))


def cases_for(user, *, classification: str = "", late: bool = False, after=None, limit=None) -> list[Case]:
    """A keyset page of the cases in scope, newest first; `late`: only those reported late (2-hour rule)."""
    qs = cases_in_scope(user).select_related("person", "region")
    if classification:
        qs = qs.filter(classification=classification) if classification in Classification.values else qs.none()
    if late:
        qs = qs.filter(late_report=True)
    return page_after(qs.order_by("-id"), after, limit)


def case_for(user, pk) -> Case:
    try:
        return cases_in_scope(user).select_related("person", "region", "key_person", "created_by").get(pk=id_or_404(pk))
    except Case.DoesNotExist:
        raise Http404 from None


def changes_of(case: Case) -> list[CaseChange]:
    """The case's history, the report first."""
    return list(case.changes.select_related("actor").order_by("at", "id"))


def lab_tests_of(case: Case) -> list[LabTest]:
    """The tests of the case and those of its person not yet any case's, latest sample first."""
    return list(LabTest.objects.filter(Q(case=case) | Q(person_id=case.person_id, case__isnull=True))
                .order_by("-sampled_at", "-id")[:100])


def proposals_of(case: Case) -> list[LabTest]:
    """The person's positive results waiting for a decision."""
    return list(LabTest.objects.filter(person_id=case.person_id, proposal=Proposal.PENDING).order_by("id"))


def investigation_of(case: Case):
    """The case's investigation, or None (the investigations' part of tracing makes it)."""
    try:
        return case.investigation
    except Investigation.DoesNotExist:
        return None


def person_for_report(user, pk) -> Person:
    """The person a case is reported for from a link (a positive result, a contact): in the user's scope."""
    require_reader(user)
    try:
        return Person.objects.filter(in_scope(user)).get(pk=id_or_404(pk))
    except Person.DoesNotExist:
        raise Http404 from None
