"""Reads of people and households, always inside the viewer's region subtree.

Lists are keyset pages ordered by (region code, id), which the (region, id) indexes serve
directly for any scope, from a village to the county: no COUNT, no OFFSET. `after` is the
opaque cursor "<region code>:<id>" of the last row seen.
An ID number or phone typed into the search box is looked up by its keyed digest, never by
comparing raw numbers.
"""

import operator
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, TextChoices
from django.db.models.functions import Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core.paging import PAGE_SIZE, page_limit
from fangkong.core.region_codes import covers, in_scope, within
from fangkong.core.text import clean_name

from . import identity
from .models import Household, IdType, Person, RegistrationReview, ReviewStatus


@dataclass
class Page:
    items: list
    next_after: str | None  # pass as `after` for the next page; None on the last page


def _keyset_page(qs: QuerySet, after: str, limit: int) -> Page:
    """One page ordered by (region_id, id), starting after the cursor "<region code>:<id>"."""
    region_code, _sep, pk = (after or "").partition(":")
    if region_code.isdigit() and pk.isdigit():
        # region >= r AND (region > r OR id > i): the index range starts at r, one region is filtered
        qs = qs.filter(Q(region_id__gt=region_code) | Q(region_id=region_code, pk__gt=int(pk)),
                       region_id__gte=region_code)
    limit = page_limit(limit)
    rows = list(qs.order_by("region_id", "pk")[: limit + 1])
    last = rows[limit - 1] if len(rows) > limit else None
    return Page(rows[:limit], f"{last.region_id}:{last.pk}" if last else None)


def persons_in_scope(user) -> QuerySet[Person]:
    return Person.objects.filter(in_scope(user))


def digests_for_search(q: str) -> dict[str, list[str]]:
    """The digests a typed number could match: {"id_digest": [...], "phone_digest": [...]}.

    Empty when `q` does not look like a number (then it is a name).
    """
    number = identity.normalize(q).replace("-", "")
    if len(number) < 4 or not number.isalnum() or not any(c.isdigit() for c in number):
        return {}
    found: dict[str, list[str]] = {"id_digest": [], "phone_digest": []}
    try:
        resident = identity.check_resident_id(number)
    except ValidationError:
        resident = number
    found["id_digest"].append(identity.digest(IdType.RESIDENT_ID, resident))
    found["id_digest"] += [identity.digest(kind, number) for kind in IdType.values if kind != IdType.RESIDENT_ID]
    try:
        found["phone_digest"].append(identity.digest("phone", identity.check_phone(q)))
    except ValidationError:
        pass
    return found


def search(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    q = clean_name(q)  # as names are stored
    if not q:
        return qs
    digests = digests_for_search(q)
    if digests:
        match = Q(id_digest__in=digests["id_digest"])
        if digests["phone_digest"]:
            match |= Q(phone_digest__in=digests["phone_digest"])
        return qs.filter(match)
    return qs.filter(name__contains=q)


def person_by_number(user, number: str) -> Person | None:
    """The one person in scope with this ID number or phone (by digest), or None if none or several."""
    if not digests_for_search(number):
        return None
    found = list(search(persons_in_scope(user), number).order_by("pk")[:2])
    return found[0] if len(found) == 1 else None


def persons_for(user, *, q: str = "", region: str = "", after: str = "", limit: int = PAGE_SIZE) -> Page:
    """A keyset page of persons in scope by region and id, optionally searched and narrowed to a sub-region."""
    qs = search(persons_in_scope(user), q)
    if region:
        qs = qs.filter(within(region)) if region.isdigit() else qs.none()
    return _keyset_page(qs.select_related("region", "household"), after, limit)


def may_open_person(user, person) -> bool:
    """Whether `person_for` finds this person for the user: registered in their scope (on the person's region code
    alone, so a page of many links asks nothing)."""
    return covers(user, person.region_id)


def person_for(user, pk) -> Person:
    """One person in scope; anything else is 404, as if it did not exist."""
    try:
        return persons_in_scope(user).select_related("region", "household", "household__region").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def key_person_entries_of(user, person: Person) -> list:
    """The person's ledger entries in the viewer's scope, newest first (a simple reverse query)."""
    entries = person.key_person_entries.filter(in_scope(user)).select_related("region")
    return list(entries.order_by("-registered_on", "-pk")[:50])


def households_in_scope(user) -> QuerySet[Household]:
    return Household.objects.filter(in_scope(user))


def households_for(user, region: str = "", *, q: str = "", after: str = "", limit: int = PAGE_SIZE) -> Page:
    qs = households_in_scope(user)
    if region:
        qs = qs.filter(within(region)) if region.isdigit() else qs.none()
    q = clean_name(q)
    if q:
        qs = qs.filter(Q(address__contains=q) | Q(head_name__contains=q))
    return _keyset_page(qs.select_related("region"), after, limit)


def household_for(user, pk) -> Household:
    try:
        return households_in_scope(user).select_related("region").get(pk=pk)
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visible_household(user, person: Person) -> Household | None:
    """The person's household if it lies in the viewer's scope (someone may live away from home)."""
    household = person.household
    return household if household is not None and covers(user, household.region_id) else None


def members_of(user, household: Household) -> list[Person]:
    """The household's members the viewer may see (one may live elsewhere); one bounded query."""
    return list(household.members.filter(in_scope(user)).select_related("region").order_by("pk")[:100])


# Possible duplicates ---------------------------------------------------------------------------

class DuplicateRule(TextChoices):
    SAME_ID = "same_id", _("证件号码相同")
    NAME_PHONE = "name_phone", _("姓名和电话相同")
    NAME_BIRTH_VILLAGE = "name_birth_village", _("同村姓名和出生日期相同")


@dataclass
class DuplicatePair:
    first: Person   # the older record, kept by default when merging
    second: Person
    rules: list[str] = field(default_factory=list)  # DuplicateRule values

    @property
    def reasons(self) -> list[str]:
        return [DuplicateRule(rule).label for rule in self.rules]


def _duplicate_groups(user, rule: str, limit: int) -> list[Q]:
    """One GROUP BY in the database per rule; returns a Q selecting each group's persons."""
    base = persons_in_scope(user).order_by()
    if rule == DuplicateRule.SAME_ID:
        rows = (base.exclude(id_digest="").values("id_digest").annotate(n=Count("*")).filter(n__gt=1)[:limit])
        return [Q(id_digest=r["id_digest"]) for r in rows]
    if rule == DuplicateRule.NAME_PHONE:
        rows = (base.exclude(phone_digest="").values("phone_digest", "name").annotate(n=Count("*"))
                .filter(n__gt=1)[:limit])
        return [Q(name=r["name"], phone_digest=r["phone_digest"]) for r in rows]
    # A grid's code starts with its village's 12 digits, so the village is the code's first 12.
    rows = (base.filter(birth_date__isnull=False).annotate(village=Substr("region_id", 1, 12))
            .values("name", "birth_date", "village").annotate(n=Count("*")).filter(n__gt=1)[:limit])
    return [Q(name=r["name"], birth_date=r["birth_date"]) & within(r["village"]) for r in rows]


def duplicate_pairs_for(user, *, limit: int = 50) -> list[DuplicatePair]:
    """Candidate pairs in scope, at most `limit` groups per rule (so a few bounded queries)."""
    limit = page_limit(limit)
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    for rule in DuplicateRule:
        groups = _duplicate_groups(user, rule, limit)
        if not groups:
            continue
        members: dict = {}
        persons = persons_in_scope(user).filter(reduce(operator.or_, groups)).select_related("region")
        for person in persons.order_by("pk")[: limit * 20]:
            members.setdefault(_group_key(rule, person), []).append(person)
        for group in members.values():
            for other in group[1:]:
                pair = pairs.setdefault((group[0].pk, other.pk), DuplicatePair(group[0], other))
                pair.rules.append(rule.value)
    return sorted(pairs.values(), key=lambda p: (p.first.pk, p.second.pk))[:limit]


def _group_key(rule: str, person: Person) -> tuple:
    if rule == DuplicateRule.SAME_ID:
        return (person.id_digest,)
    if rule == DuplicateRule.NAME_PHONE:
        return (person.name, person.phone_digest)
    return (person.name, person.birth_date, person.region_id[:12])


# Registrations held for review (people.reviews) ------------------------------------------------

def reviews_to_decide(user, *, limit: int = PAGE_SIZE) -> list[RegistrationReview]:
    """Open reviews whose review region lies in the user's scope, oldest first; none for read-only roles."""
    if not permissions.can_write(user):
        return []
    qs = (RegistrationReview.objects.filter(in_scope(user, "review_region"), status=ReviewStatus.OPEN)
          .select_related("person", "person__region", "region", "submitted_by"))
    return list(qs.order_by("review_region_id", "status", "id")[:page_limit(limit)])


def submissions_of(user, *, limit: int = PAGE_SIZE) -> list[RegistrationReview]:
    """The user's own submissions, newest first. The person is not loaded: a submitter sees what they
    submitted and how it was decided, never the person's record."""
    qs = RegistrationReview.objects.filter(submitted_by=user).select_related("region", "decided_by")
    return list(qs.order_by("-id")[:page_limit(limit)])


def review_for(user, pk) -> RegistrationReview:
    """One review the user may decide (in scope of its review region); anything else is 404."""
    try:
        return RegistrationReview.objects.filter(in_scope(user, "review_region")).get(pk=pk)
    except (RegistrationReview.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
