"""Reads of people and households, always inside the viewer's region subtree.

Lists are keyset pages ordered by (region code, id), which the (region, id) indexes serve
directly for any scope, from a village to the county: no COUNT, no OFFSET. `after` is the
opaque cursor "<region code>:<id>" of the last row seen.
An ID number or phone typed into the search box is looked up by its keyed digest, never by
comparing raw numbers.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, TextChoices
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from fangkong.accounts import permissions
from fangkong.core.paging import PAGE_SIZE, page_limit
from fangkong.core.region_codes import covers, in_scope, within
from fangkong.core.text import clean_name

from . import identity
from .models import Household, IdType, Person, PossibleDuplicate, RegistrationReview, ReviewStatus


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
    region_id: str | None = None  # the lowest region holding both: with the two ids, the list's order

    @property
    def reasons(self) -> list[str]:
        return [DuplicateRule(rule).label for rule in self.rules]

    @property
    def cursor(self) -> str:
        """`after` for the pairs that follow this one."""
        return f"{self.region_id}:{self.first.pk}:{self.second.pk}"


def _after_pair(cursor: str) -> Q:
    """Pairs after the cursor "<region code>:<older id>:<newer id>" in the list's order; no filter when unreadable."""
    region_code, older, newer = ((cursor or "").split(":") + ["", ""])[:3]
    if not (region_code.isdigit() and older.isdigit() and newer.isdigit()):
        return Q()
    older, newer = int(older), int(newer)
    return Q(region_id__gte=region_code) & (Q(region_id__gt=region_code) | Q(older__gt=older)
                                            | Q(older=older, newer__gt=newer))


def duplicate_pairs_for(user, *, after: str = "", limit: int = 50) -> list[DuplicatePair]:
    """Possible duplicates in scope: the first `limit` pairs by the region where they meet and the older record,
    after the cursor `after` (a pair's `cursor`). Read from the pairs the database keeps (PossibleDuplicate, an
    index range of the scope), so two bounded queries whatever the number of persons.

    Of a group of three or more, each is listed with the group's oldest record in scope, not with every other."""
    limit = page_limit(limit)
    scope = in_scope(user)
    oldest_elsewhere = PossibleDuplicate.objects.filter(scope, rule=OuterRef("rule"), newer=OuterRef("newer"),
                                                        older__lt=OuterRef("older"))
    rows = (PossibleDuplicate.objects.filter(scope, _after_pair(after)).exclude(Exists(oldest_elsewhere))
            .order_by("region_id", "older", "newer").values_list("region_id", "older", "newer", "rule")
            [:limit * len(DuplicateRule)])  # a pair has a row per rule: enough rows for `limit` pairs
    found: dict[tuple[int, int], tuple[str | None, list[str]]] = {}
    for region_id, older, newer, rule in rows:
        if (older, newer) in found or len(found) < limit:
            found.setdefault((older, newer), (region_id, []))[1].append(rule)
    persons = persons_in_scope(user).select_related("region").in_bulk({pk for pair in found for pk in pair})
    order = list(DuplicateRule.values)
    return [DuplicatePair(persons[older], persons[newer], sorted(rules, key=order.index), region_id)
            for (older, newer), (region_id, rules) in found.items() if older in persons and newer in persons]


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
