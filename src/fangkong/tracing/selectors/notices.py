"""Reads of the public itinerary notice (病例活动轨迹): what of a stop may be published, the notices of a user's
scope, and the published notices anyone may read.

What leaves is decided here: a draft's items are read from the stops' `PUBLIC_STOP_FIELDS` alone (when, where,
which transport and seat), never from the row, so a field added to ItineraryStop later is not public until it
is named here; the stop's note, the case and its person are never read into an item. Seat numbers stay: in
2020 they were published so that fellow passengers could recognise themselves. And no text of a notice may
hold the case's own name, ID number, phone, address or workplace, or a contact's name or phone
(personal_strings): a stop that does is left out of a draft (draft_items), and services.notices refuses what
a reviewer types that does (personal_problems).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import region_codes as codes
from fangkong.core.paging import id_or_404, page_after
from fangkong.regions.models import Region

from .. import permissions
from ..models import Case, ItineraryNotice, ItineraryStop, NoticeStatus, StopKind

# The columns of a stop a draft reads: the only ones that can reach the public.
PUBLIC_STOP_FIELDS = ("kind", "starts_at", "ends_at", "place_name", "key_place__name", "transport_mode",
                      "transport_number", "seat")
# The keys of an item of ItineraryNotice.items.
ITEM_KEYS = ("starts_at", "ends_at", "place", "transport")
PLACE_LIMIT, TRANSPORT_LIMIT = 100, 100
TRAIN_MODES = ("火车", "高铁", "动车", "列车")
PAGE_SIZE = 20


def iso(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def transport_text(mode: str, number: str, seat: str) -> str:
    """The transport as published: "火车 G1234次（座位5车12F）", "公交 8路"."""
    mode, number, seat = mode.strip(), number.strip(), seat.strip()
    found = " ".join(part for part in (mode, number) if part)
    if number and mode in TRAIN_MODES:
        found += "次"
    if seat:
        found += _("（座位%(seat)s）") % {"seat": seat}
    return found


def item_of(stop: dict) -> dict:
    """One item of a notice from a stop read as PUBLIC_STOP_FIELDS (a dict: nothing else is at hand)."""
    place = stop["place_name"] or stop["key_place__name"] or ""
    transport = transport_text(stop["transport_mode"], stop["transport_number"], stop["seat"]) \
        if stop["kind"] == StopKind.TRANSPORT else ""
    return {"starts_at": iso(stop["starts_at"]), "ends_at": iso(stop["ends_at"]), "place": place[:PLACE_LIMIT],
            "transport": transport[:TRANSPORT_LIMIT]}


def public_stop_values(case: Case) -> list[dict]:
    """The case's stops marked public, in time order, each read as PUBLIC_STOP_FIELDS only."""
    return list(ItineraryStop.objects.filter(investigation__case=case, public=True)
                .order_by("starts_at", "id").values(*PUBLIC_STOP_FIELDS))


# What must not leave ------------------------------------------------------------------------------------

def _folded(value: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).lower()


def personal_strings(case: Case) -> list[tuple[str, str]]:
    """(what, folded text) of what must never be published about this case: its person's name, ID number, phone,
    address and workplace, and each contact's name and phone. Too short a text to mean anything is left out."""
    person = case.person
    found = [(_("病例本人的姓名"), person.name, 2), (_("病例本人的证件号码"), person.id_number, 6),
             (_("病例本人的联系电话"), person.phone, 7), (_("病例本人的住址"), person.address, 4),
             (_("病例本人的工作单位"), person.workplace, 4)]
    for name, phone, outside_name, outside_phone in case.contacts.values_list(
            "person__name", "person__phone", "outside_name", "outside_phone"):
        found += [(_("密切接触者的姓名"), name or outside_name, 2), (_("密切接触者的联系电话"), phone or outside_phone, 7)]
    return [(what, _folded(value)) for what, value, least in found if len(_folded(value)) >= least]


def personal_problems(values: dict[str, str], personal: list[tuple[str, str]], labels: dict[str, str]) -> dict:
    """{field: message} for each text of `values` that holds one of `personal` (see personal_strings)."""
    errors: dict = {}
    for field, value in values.items():
        folded = _folded(value)
        for what, secret in personal:
            if secret in folded:
                errors.setdefault(field, _("%(label)s含有%(what)s，不能公开") % {"label": labels[field], "what": what})
    return errors


def draft_items(case: Case) -> tuple[list[dict], int]:
    """The items a draft of the case's notice holds: its public stops, each read as PUBLIC_STOP_FIELDS, but those
    whose text holds something personal (left out, and counted)."""
    personal = personal_strings(case)
    labels = {"place": _("地点"), "transport": _("交通")}
    items, withheld = [], 0
    for stop in public_stop_values(case):
        item = item_of(stop)
        if personal_problems({k: item[k] for k in labels}, personal, labels):
            withheld += 1
        else:
            items.append(item)
    return items, withheld


# Items in words ------------------------------------------------------------------------------------------

def _moment(value: str) -> datetime.datetime | None:
    return timezone.localtime(datetime.datetime.fromisoformat(value)) if value else None


def _day(moment: datetime.datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


@dataclass(frozen=True)
class PublicItem:
    """An item of a notice as every output words it (page, public page, Word file)."""

    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    place: str
    transport: str

    @property
    def when(self) -> str:
        """2020年1月20日 10:00—11:30, …—1月21日 08:00 over midnight, 10:00起 with no end."""
        if self.starts_at is None:
            return ""
        start = f"{_day(self.starts_at)} {self.starts_at:%H:%M}"
        if self.ends_at is None:
            return start + _("起")
        if self.ends_at.date() == self.starts_at.date():
            return f"{start}—{self.ends_at:%H:%M}"
        return f"{start}—{self.ends_at.month}月{self.ends_at.day}日 {self.ends_at:%H:%M}"

    @property
    def where(self) -> str:
        """乘坐火车 G1234次（座位5车12F），武汉站→孝感站 / 红旗超市."""
        if self.transport:
            return _("乘坐%(transport)s") % {"transport": self.transport} + (f"，{self.place}" if self.place else "")
        return self.place


def words_of(items: list[dict]) -> list[PublicItem]:
    return [PublicItem(_moment(i.get("starts_at", "")), _moment(i.get("ends_at", "")), i.get("place", ""),
                       i.get("transport", "")) for i in items]


def items_of(notice: ItineraryNotice) -> list[PublicItem]:
    return words_of(notice.items)


def county_of(region_code: str) -> Region:
    """The county (or the region itself above county level) in whose name a notice is published."""
    chain = [region_code, *codes.ancestor_codes(region_code)]
    code = next((c for c in chain if codes.level_of(c) == codes.COUNTY), region_code)
    return Region.objects.get(code=code)


# Staff reads ---------------------------------------------------------------------------------------------

def _require_read(user) -> None:
    if not permissions.can_view_cases(user):
        raise PermissionDenied(_("您的角色不能查看病例活动轨迹"))


def notices_for(user, *, status: str = "", after=None, limit=None) -> list[ItineraryNotice]:
    """Notices of the user's scope, newest first, a keyset page; `status` one of NoticeStatus or all."""
    _require_read(user)
    qs = ItineraryNotice.objects.filter(codes.in_scope(user)).select_related("case", "region")
    if status in NoticeStatus.values:
        qs = qs.filter(status=status)
    return page_after(qs.order_by("-id"), after, limit or PAGE_SIZE)


def notice_for(user, pk) -> ItineraryNotice:
    """A notice of the user's scope, else 404."""
    _require_read(user)
    found = (ItineraryNotice.objects.filter(codes.in_scope(user), pk=id_or_404(pk))
             .select_related("case", "region", "published_by").first())
    if found is None:
        raise Http404
    return found


def case_for_notice(user, *, pk=None, number: str = "") -> Case:
    """The case a notice is drafted for, by id or by its number, in the user's scope (investigators), else 404."""
    if not permissions.can_investigate(user):
        raise PermissionDenied(_("您的角色不能起草病例活动轨迹"))
    qs = Case.objects.filter(codes.in_scope(user))
    found = qs.filter(pk=id_or_404(pk)).first() if pk else qs.filter(number=number.strip()).first() if number else None
    if found is None:
        raise Http404
    return found


def notices_of_case(user, case: Case) -> list[ItineraryNotice]:
    _require_read(user)
    return list(ItineraryNotice.objects.filter(codes.in_scope(user), case=case).order_by("-id"))


# Public reads (no account) ------------------------------------------------------------------------------

def public_region(code: str) -> Region:
    """The region whose published notices the public page lists (a county, a city …), else 404."""
    found = Region.objects.filter(code=code).first() if code.isdigit() else None
    if found is None:
        raise Http404
    return found


def published_in(region: Region, *, after=None, limit=None) -> list[ItineraryNotice]:
    """Published notices of cases of the region's subtree, latest first, a keyset page. Reads the notice row
    alone: nothing of the case or its person."""
    qs = (ItineraryNotice.objects.filter(codes.within(region.code), status=NoticeStatus.PUBLISHED)
          .only("id", "title", "alias", "items", "published_at", "region_id"))
    return page_after(qs.order_by("-id"), after, limit or PAGE_SIZE)
