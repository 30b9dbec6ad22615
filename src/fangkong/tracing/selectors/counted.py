"""The rows behind a figure of the epidemic situation (疫情情况): the cases, contacts and contacts' ledger entries
that one roll-up figure (tracing.rollup) counts for a region on a day, for the dashboard's links ("this
number: which ones?").

Exact by construction: each candidate row is kept when the contributions its counter source gives
(analytics.counters.SOURCES: the functions the counters are written and rebuilt with) add up to more than
nothing for the figure's metrics in the region — on the day for a flow, up to the day for a stock (Σ ins −
Σ outs). The candidates are read by index (a day's rows, or a region's rows up to the day), so the list is
bounded by the region's cases and contacts, not by the rest of the data.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.analytics.figures import FIGURES, Figure
from fangkong.core import region_codes as codes
from fangkong.core.days import day_bounds
from fangkong.core.paging import id_or_404
from fangkong.regions.models import Region
from fangkong.screening.models import Category, KeyPerson

from .. import permissions
from ..models import Case, Contact, ContactStatus

PAGE_SIZE = 100
# the keys of tracing.rollup's figures (the ledger's own figures of contacts link to the ledger's lists)
FIGURE_PREFIXES = ("cases_", "contacts_")
CONTACT_CATEGORIES = [Category.CLOSE_CONTACT.value, Category.SECONDARY_CONTACT.value]


@dataclass(frozen=True)
class Kind:
    """One kind of row a figure may count: its counter source and how its candidates are read."""

    name: str  # case / contact / key_person: the template's choice of columns
    source: str  # the name in analytics.counters.SOURCES
    prefixes: tuple[str, ...]  # the metrics of this kind start with one of these
    up_to: Callable[[str, datetime.date], object]  # rows of the region that may count up to the day


def _cases_up_to(code: str, day: datetime.date):
    return Case.objects.filter(codes.within(code), reported_at__lt=day_bounds(day)[1])


def _contact_region(code: str) -> Q:
    # a contact outside the county has no region and counts in its case's region (tracing.rollup)
    return codes.within(code) | (Q(region__isnull=True) & codes.within(code, "case__region"))


def _contacts_up_to(code: str, day: datetime.date):
    return Contact.objects.filter(_contact_region(code), status=ContactStatus.CONFIRMED,
                                  confirmed_at__lt=day_bounds(day)[1])


def _key_persons_up_to(code: str, day: datetime.date):
    return KeyPerson.objects.filter(codes.within(code), category__in=CONTACT_CATEGORIES, registered_on__lte=day)


KINDS = [
    Kind("case", "case", ("case_",), _cases_up_to),
    Kind("contact", "contact", ("contact_",), _contacts_up_to),
    Kind("key_person", "key_person", tuple(f"kp_{part}.{c}" for part in ("in", "out", "released", "new")
                                            for c in CONTACT_CATEGORIES), _key_persons_up_to),
]
_SELECT = {"case": ("region",), "contact": ("case", "person", "region"), "key_person": ("person", "region")}


def _metrics(figure: Figure) -> set[str]:
    return {*figure.flows, *figure.ins, *figure.outs}


def kind_of(figure: Figure) -> Kind | None:
    """The kind of row every metric of the figure belongs to, or None (not a figure of the epidemic)."""
    for kind in KINDS:
        if _metrics(figure) and all(m.startswith(kind.prefixes) for m in _metrics(figure)):
            return kind
    return None


def figures() -> dict[str, Figure]:
    """The registered figures whose rows this module lists: tracing.rollup's (cases_…, contacts_…)."""
    return {f.key: f for f in FIGURES if f.key.startswith(FIGURE_PREFIXES) and kind_of(f) is not None}


@dataclass
class Counted:
    figure: Figure
    kind: str
    region: Region
    day: datetime.date
    items: list  # the rows counted, newest id first (a page)
    next_after: int | None


def _value(figure: Figure, contributions, code: str, day: datetime.date) -> int:
    value = 0
    for region_code, on, metric, amount in contributions:
        if not codes.is_within(region_code, code):
            continue
        if figure.flows:
            value += amount if on == day and metric in figure.flows else 0
        elif on <= day:
            value += amount if metric in figure.ins else -amount if metric in figure.outs else 0
    return value


def counted(user, key: str, region_code: str, day: datetime.date, *, after=None) -> Counted:
    """The rows the figure `key` counts for the region on the day, a page of PAGE_SIZE after the id `after`;
    404 for a figure that is no figure of the epidemic or a region outside the user's scope."""
    if not permissions.can_view_cases(user):
        raise PermissionDenied(_("您的角色不能查看病例"))
    figure = figures().get(key)
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if figure is None or region is None or not codes.covers(user, region.code):
        raise Http404
    kind = kind_of(figure)
    source = counters.SOURCES[kind.source]
    if figure.flows:
        rows = source.rows_for_day(day)
    else:
        rows = kind.up_to(region.code, day)
        if kind.name == "case":
            rows = rows.prefetch_related("changes")
        elif kind.name == "contact":
            rows = rows.select_related("case")
    rows = rows.select_related(*_SELECT[kind.name]).order_by("-id")
    found = [row for row in rows if _value(figure, source.contributions(row), region.code, day) > 0]
    if after:
        found = [row for row in found if row.pk < id_or_404(after)]
    page = found[:PAGE_SIZE]
    return Counted(figure=figure, kind=kind.name, region=region, day=day, items=page,
                   next_after=page[-1].pk if len(found) > PAGE_SIZE else None)
