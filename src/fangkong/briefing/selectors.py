"""Reads of the work brief: the brief's region inside the user's scope, the issue of a day, the template in
force, the problems the day's reports name. SYSTEM (the command line) sees every region."""

import datetime

from django.http import Http404

from fangkong.core import region_codes as codes
from fangkong.core.actors import is_system
from fangkong.regions import selectors as region_selectors
from fangkong.regions.models import Region
from fangkong.reports import selectors as chain_selectors

from . import problems
from .models import Brief, BriefTemplate
from .rendering import DEFAULT_TEMPLATE


def region_of(user, code: str) -> Region:
    """The brief's region: inside the user's scope (404 otherwise); the system sees every region."""
    code = (code or "").strip()
    if is_system(user):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
        return region
    return region_selectors.region_for(user, code or user.region_id)


def brief_for(user, region_code: str, day: datetime.date) -> Brief | None:
    """The issue of the region for the day, if one was issued."""
    region = region_of(user, region_code)
    return Brief.objects.filter(region=region, day=day).first()


def active_template(region: Region) -> BriefTemplate | None:
    """The newest active template uploaded for the region or the nearest region above it (without its
    content)."""
    lineage = [region.code, *codes.ancestor_codes(region.code)]
    found = list(BriefTemplate.objects.filter(region_id__in=lineage, is_active=True)
                 .only("id", "region_id", "name", "uploaded_at", "uploaded_by"))
    for code in lineage:
        mine = [t for t in found if t.region_id == code]
        if mine:
            return max(mine, key=lambda t: (t.uploaded_at, t.id))
    return None


def template_bytes(region: Region) -> tuple[bytes, BriefTemplate | None]:
    """The Word template in force for the region (a region already in the caller's scope) and the upload it
    comes from (None: the shipped default)."""
    template = active_template(region)
    if template is None:
        return DEFAULT_TEMPLATE.read_bytes(), None
    return bytes(BriefTemplate.objects.values_list("content", flat=True).get(pk=template.pk)), template


def problems_for(user, region_code: str, day: datetime.date) -> list[dict]:
    """"存在的问题": the problems the day's submitted reports in the subtree name, one entry per problem with
    the regions that reported it (briefing.problems: how a report's text is read, how regions are named).
    Two queries: the reports, and the names of their villages' townships."""
    reports = [r for r in chain_selectors.submitted_reports(user, region_code, day) if (r.situation or "").strip()]
    township_codes = {problems.township_code(r.region_id) for r in reports if r.region.level == codes.VILLAGE}
    townships = dict(Region.objects.filter(code__in=township_codes).values_list("code", "name")) if township_codes \
        else {}
    return problems.grouped(
        (problems.Place(r.region_id, r.region.name, r.region.level, townships.get(problems.township_code(r.region_id),
                                                                                 "")), r.situation)
        for r in reports)
