"""Reads of contacts (密接), scoped: a case's contacts, the contact list of a scope, and the hand-over (协查函) lists
of contacts outside the county.

Who reads them: whoever reads cases (permissions.can_view_cases); a contact lies in the user's scope by its own
region (where the person lives), and a contact outside the county (no region) by its case's region. A village
worker reads none of it: the person is on their ledger as a close or secondary contact, nothing more. ID numbers
and phones are masked here; a reveal is a separate, logged act.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from fangkong.core.paging import PAGE_SIZE, id_or_404, page_after
from fangkong.core.region_codes import in_scope
from fangkong.people import identity

from .. import permissions
from ..models import Case, Contact, ContactLevel, ContactStatus


def require_reader(user) -> None:
    if not permissions.can_view_cases(user):
        raise PermissionDenied


def _scope(user) -> Q:
    return in_scope(user, "region_id") | (Q(region__isnull=True) & in_scope(user, "case__region_id"))


def _rows(qs):
    return qs.select_related("person__region", "case", "via__person", "key_person__region", "quarantine")


def shown(contacts: list[Contact]) -> list[Contact]:
    """Each contact with `name`, `masked_id` and `masked_phone`: the person's, or what the investigation holds of
    someone outside the county, masked here before a page or the API sees it."""
    for c in contacts:
        if c.person_id is not None:
            c.name, c.masked_id, c.masked_phone = c.person.name, c.person.masked_id, c.person.masked_phone
        else:
            c.name = c.outside_name
            c.masked_id, c.masked_phone = identity.mask_id(c.outside_id_number), identity.mask_phone(c.outside_phone)
    return contacts


def contacts_of_case(user, case: Case) -> list[Contact]:
    """The case's confirmed contacts, close ones first (all of them: a case has tens, not thousands)."""
    require_reader(user)
    return shown(list(_rows(Contact.objects.filter(case=case, status=ContactStatus.CONFIRMED))
                       .order_by("level", "id")))


def dismissed_of_case(user, case: Case) -> list[Contact]:
    require_reader(user)
    return list(Contact.objects.filter(case=case, status=ContactStatus.DISMISSED).select_related("person")
                .order_by("id"))


def contacts_for(user, *, level: str = "", outside: bool | None = None, after=None,
                 limit=PAGE_SIZE) -> list[Contact]:
    """Confirmed contacts in scope, latest first (a keyset page by id); `level` close / secondary; `outside`
    only those outside the county (True) or inside it (False)."""
    require_reader(user)
    qs = Contact.objects.filter(_scope(user), status=ContactStatus.CONFIRMED)
    if level in ContactLevel.values:
        qs = qs.filter(level=level)
    if outside is not None:
        qs = qs.filter(region__isnull=outside)
    return shown(page_after(_rows(qs).order_by("-id"), after, limit))


def contact_for(user, pk) -> Contact:
    require_reader(user)
    contact = _rows(Contact.objects.filter(_scope(user), pk=id_or_404(pk))).first()
    if contact is None:
        raise Http404
    return shown([contact])[0]


@dataclass
class County:
    """A receiving county of the hand-over and how many of its contacts are listed, and not handed over yet."""
    name: str
    total: int
    pending: int


def handover_counties(user) -> list[County]:
    """The counties that confirmed contacts outside the county live in, with their counts."""
    require_reader(user)
    rows = (Contact.objects.filter(_scope(user), region__isnull=True, status=ContactStatus.CONFIRMED)
            .values("outside_county").annotate(total=Count("id"), pending=Count("id", filter=Q(handed_over_at=None)))
            .order_by("outside_county"))
    return [County(r["outside_county"], r["total"], r["pending"]) for r in rows]


def handover_contacts(user, county: str, *, include_sent: bool = False) -> list[Contact]:
    """The confirmed contacts of one receiving county, oldest first; those handed over already only with
    `include_sent`."""
    require_reader(user)
    qs = Contact.objects.filter(_scope(user), region__isnull=True, status=ContactStatus.CONFIRMED,
                                outside_county=county)
    if not include_sent:
        qs = qs.filter(handed_over_at=None)
    return list(qs.select_related("case", "via").order_by("id"))
