from django.http import Http404

from fangkong.accounts import permissions as account_permissions
from fangkong.core.paging import id_or_404
from fangkong.core.region_codes import in_scope
from fangkong.people.models import Person
from fangkong.places.models import CheckIn

from .exposure import ShownPerson, subjects_for


def check_in_for(user, pk) -> CheckIn:
    """One check-in for the match page: at a place or checkpoint in the user's scope, for those who trace
    (account_permissions.can_trace); anything else is 404."""
    if not account_permissions.can_trace(user):
        raise Http404
    try:
        return (CheckIn.objects.filter(in_scope(user)).select_related("place", "checkpoint", "person")
                .get(pk=id_or_404(pk)))
    except CheckIn.DoesNotExist:
        raise Http404 from None


def match_candidates(user, check_in: CheckIn, limit: int = 10) -> list[ShownPerson]:
    """The persons this check-in may be linked to, as the exposure search shows them: the person with its
    typed ID number (keyed digest) when it has one, else those with its typed phone and name. Only persons
    the user may trace (selectors.exposure.subjects_for): a person out of reach is as if none existed."""
    if check_in.id_digest:
        match = {"id_digest": check_in.id_digest}
    elif check_in.phone_digest:
        match = {"phone_digest": check_in.phone_digest, "name": check_in.name}
    else:
        return []  # a check-in from before typed identities were kept: nothing to propose
    found = []
    for pk in Person.objects.filter(**match).order_by("id").values_list("id", flat=True)[:limit]:
        found += subjects_for(user, person_id=pk)
    return found


