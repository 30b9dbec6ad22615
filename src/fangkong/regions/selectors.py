"""Reads of regions, always inside the user's scope."""

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.core import region_codes as codes
from fangkong.core.region_codes import in_scope

from .models import Region


def regions_for(user) -> QuerySet[Region]:
    """Every region the user may see: their scope region and all below it."""
    return Region.objects.filter(in_scope(user, "code"))


def region_for(user, code: str) -> Region:
    """One region in scope; anything else is 404, as if it did not exist."""
    try:
        return regions_for(user).get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def deployment_region() -> Region | None:
    """The region this deployment serves: the owner of the settings that bind all of it.

    Down from the top of the code table while a region has one child only: a county's table carries
    its province and city as bare ancestors, and those are not what the deployment serves. The walk
    stops at county level at the latest (a deployment is a county's or larger: a table holding one
    township so far still belongs to its county). None when the table is empty or holds several
    provinces: then no region owns the whole, and nobody's scope contains it.
    """
    tops = list(Region.objects.filter(parent__isnull=True).order_by("code")[:2])
    if len(tops) != 1:
        return None
    region = tops[0]
    while codes.PREFIX_LENGTH[region.level] < codes.PREFIX_LENGTH[codes.COUNTY]:
        children = list(Region.objects.filter(parent=region).order_by("code")[:2])
        if len(children) != 1:
            break
        region = children[0]
    return region


def children_of(region: Region) -> QuerySet[Region]:
    return region.children.annotate(child_count=Count("children")).order_by("code")


def ancestors_in_scope(user, region: Region) -> list[Region]:
    """Breadcrumb from the user's scope root down to the region's parent."""
    wanted = [c for c in codes.ancestor_codes(region.code) if codes.covers(user, c)]
    return list(Region.objects.filter(code__in=wanted).order_by("code"))


def page_of_regions(user, *, after: str = "", limit: int = 100, level: str = "", parent: str = "") -> list[Region]:
    """Keyset page of regions in scope, ordered by code."""
    qs = regions_for(user)
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if after:
        qs = qs.filter(code__gt=after)
    return list(qs.order_by("code")[: max(1, min(limit, 500))])


def region_in_scope(actor, code, field: str = "region") -> Region:
    """The region a write targets, checked against the actor's scope.

    Raises ValidationError keyed by `field` (the form or payload field that named it), so the
    message shows beside the input: unknown code, or a region outside the actor's subtree.
    """
    code = "".join(str(code or "").split())
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise ValidationError({field: _("区划 %(code)s 不存在") % {"code": code}})
    if not codes.covers(actor, region.code):
        raise ValidationError({field: _("区划 %(code)s 不在您的管辖范围内") % {"code": code}})
    return region


# A region's full name ------------------------------------------------------------------------------------------

# a grid's village, township and county: the regions above a region that its full name reads
_PATH_DEPTH = 4


def path_fields(field: str = "region") -> list[str]:
    """The values to read beside a row for its region's full name (`path_name`): the names and levels of the
    region and of those above it up to its county, joined in the same query (no read of their own)."""
    return [f"{field}{'__parent' * n}__{attr}" for n in range(_PATH_DEPTH) for attr in ("name", "level")]


def path_name(values) -> str:
    """A region's full name from the county down (孝昌县花园镇东岳村), from `path_fields`' values: a village's name
    repeats across townships, so a list of people from a whole county names each one's township and county. A
    name that begins with the one above it (东岳村第1网格 under 东岳村) stands for both."""
    pairs = [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
    names: list[str] = []
    for name, level in reversed(pairs):
        if not name or level in (codes.PROVINCE, codes.CITY):
            continue
        if names and name.startswith(names[-1]):
            names[-1] = name
        else:
            names.append(name)
    return "".join(names)


# The region picker (regions.forms) ------------------------------------------------------------------------------

# More regions than a <select> can carry (a city's villages and grids): then the form asks for a code.
PICKER_LIMIT = 5000


def regions_to_pick(root: str, levels=None) -> list[tuple[str, str, str]] | None:
    """(code, name, level) of the regions under `root` (itself included) at `levels` (all when None), by code,
    and the names of their townships and villages (to say where a village or a grid lies) as well; None when
    there are more than PICKER_LIMIT of them."""
    qs = Region.objects.filter(codes.within(root, "code"))
    if levels:
        qs = qs.filter(level__in=list(levels))
    rows = list(qs.order_by("code").values_list("code", "name", "level")[:PICKER_LIMIT + 1])
    if len(rows) > PICKER_LIMIT:
        return None
    return rows


def names_of(region_codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(region_codes)).values_list("code", "name"))

