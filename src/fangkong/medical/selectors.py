"""Reads of the pharmacy register, always inside the user's scope: the pharmacies, the purchases (a keyset
page, newest first), one purchase, the public page's pharmacy behind a place code, and the villages a buyer
picks from.

A purchase is in a user's scope when the pharmacy's region or the buyer's village is (permissions): the
pharmacy's staff and the buyer's village both follow it up. The `region` filter narrows by the pharmacy's
region, as the roll-up counts (rollup: `pharmacy_purchases` of a region and day is the length of the list of
that region and day), `home` by the buyer's village.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.core import paging
from fangkong.core import region_codes as codes
from fangkong.core.days import day_bounds
from fangkong.core.region_codes import in_scope, within
from fangkong.places.models import Place, PlaceKind
from fangkong.places.selectors.check_ins import active_code_by_token
from fangkong.regions.models import Region

from . import permissions
from .models import PharmacyPurchase

PAGE_SIZE = paging.PAGE_SIZE


def require_viewer(user) -> None:
    if not permissions.can_view(user):
        raise PermissionDenied


def pharmacies_for(user):
    """The pharmacies (key places of kind pharmacy) in the user's scope, by name."""
    require_viewer(user)
    return (Place.objects.filter(in_scope(user), kind=PlaceKind.PHARMACY).select_related("region")
            .order_by("name", "id"))


def pharmacy_for(user, pk) -> Place:
    """One pharmacy in scope; anything else is 404, as if it did not exist."""
    found = pharmacies_for(user).filter(pk=paging.id_or_404(pk)).first()
    if found is None:
        raise Http404
    return found


def public_pharmacy(token: str) -> Place:
    """The pharmacy behind an active place code (the public page); Http404 for an unknown or withdrawn code and
    for a code of anything but a pharmacy (the same answer for all)."""
    code = active_code_by_token(token)
    if code.place_id is None:
        raise Http404
    found = (Place.objects.filter(pk=code.place_id, kind=PlaceKind.PHARMACY)
             .only("id", "name", "kind", "region_id", "is_closed", "address").first())
    if found is None:
        raise Http404
    return found


def purchases_in_scope(user):
    require_viewer(user)
    return PharmacyPurchase.objects.filter(in_scope(user) | in_scope(user, "home_region"))


def _region_filter(user, code: str, field: str) -> Q | None:
    """Rows whose `field` lies in a sub-region of the scope; a code outside it gives nothing (None)."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (12, 15) or not codes.covers(user, code):
        return None
    return within(code, field)


def purchases_for(user, *, region: str = "", home: str = "", day: datetime.date | None = None,
                  fever: bool | None = None, pending: bool | None = None, pharmacy=None, after=None,
                  limit=PAGE_SIZE) -> list[PharmacyPurchase]:
    """A keyset page, newest first (`after` = the last id seen), of the purchases in scope: at pharmacies of a
    sub-region (`region`), of buyers living in one (`home`), of one local day, with a fever or without,
    waiting to be confirmed (`pending`) or confirmed, at one pharmacy."""
    qs = purchases_in_scope(user)
    for code, field in ((region, "region"), (home, "home_region")):
        if code:
            narrowed = _region_filter(user, code, field)
            if narrowed is None:
                return []
            qs = qs.filter(narrowed)
    if day is not None:
        low, high = day_bounds(day)
        qs = qs.filter(bought_at__gte=low, bought_at__lt=high)
    if fever is not None:
        qs = qs.filter(fever=fever)
    if pending is not None:
        qs = qs.filter(person__isnull=pending)
    if pharmacy:
        qs = qs.filter(pharmacy_id=paging.id_or_404(pharmacy))
    qs = qs.select_related("pharmacy", "home_region", "region").order_by("-id")
    return paging.page_after(qs, after, limit)


def purchase_for(user, pk) -> PharmacyPurchase:
    """One purchase in scope, with its pharmacy and the buyer's village; 404 otherwise."""
    found = (purchases_in_scope(user).filter(pk=paging.id_or_404(pk))
             .select_related("pharmacy", "home_region", "region", "person", "recorded_by", "confirmed_by").first())
    if found is None:
        raise Http404
    return found


def home_choices(pharmacy_region: str) -> list:
    """Where a buyer lives: the villages of the pharmacy's county, grouped by township (a county has a few
    hundred), or outside it. Nobody at a pharmacy counter knows a region code."""
    county = codes.prefix_of(pharmacy_region, codes.COUNTY).ljust(12, "0")
    rows = (Region.objects.filter(within(county, "code"), level__in=[codes.TOWNSHIP, codes.VILLAGE])
            .order_by("code").values_list("code", "name", "level"))
    groups: list = [("", _("本县以外 / 不详"))]
    for code, name, level in rows:
        if level == codes.TOWNSHIP:
            groups.append((name, []))
        elif len(groups) > 1:
            groups[-1][1].append((code, name))
    return [group for group in groups if not isinstance(group[1], list) or group[1]]


def region_choices(user) -> list[Region]:
    """The scope and its townships and villages, for the list's filter (grids are too many)."""
    require_viewer(user)
    return list(Region.objects.filter(in_scope(user, "code")).exclude(level=codes.GRID).order_by("code"))
