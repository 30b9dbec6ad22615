"""Reads for the ledger export: the key persons under management on a day in a region subtree."""

import datetime
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.core.exports import choice_labels
from fangkong.core.region_codes import within
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.regions.models import Region
from fangkong.screening.models import KeyPerson

# The standard ledger's columns (统一制定表格): the same in every county's file.
LEDGER_HEADERS = [
    _("序号"), _("姓名"), _("性别"), _("证件号码"), _("联系电话"), _("现住址"), _("所属村(社区)"), _("来自何地"),
    _("抵达日期"), _("交通方式"), _("车次/航班/车牌"), _("症状"), _("责任人"), _("状态"), _("登记日期"),
]
CHUNK = 2000


def entries_on(user, region: Region, day: datetime.date, category: str) -> QuerySet[KeyPerson]:
    """Entries of `category` under management on `day` (registered by then, not ended before it)."""
    if not codes.covers(user, region.code):
        return KeyPerson.objects.none()
    return (KeyPerson.objects.filter(within(region.code), category=category, registered_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .select_related("person", "region", "region__parent", "responsible")
            .order_by("region_id", "registered_on", "id"))


def _village_name(region: Region) -> str:
    return region.parent.name if region.level == codes.GRID and region.parent else region.name


def _day(value) -> str:
    return value.isoformat() if value else ""


def ledger_rows(user, region: Region, day: datetime.date, category: str, *, reveal: bool) -> Iterator[list]:
    """The sheet rows, streamed from the database a chunk at a time (bounded memory for any county)."""
    sexes, modes, statuses = (choice_labels(model._meta.get_field(name).flatchoices) for model, name in (
        (Person, "sex"), (KeyPerson, "transport_mode"), (KeyPerson, "status")))
    for number, kp in enumerate(entries_on(user, region, day, category).iterator(chunk_size=CHUNK), start=1):
        person = kp.person
        yield [
            number, person.name, sexes.get(person.sex, person.sex),
            person.id_number if reveal else identity.mask_id(person.id_number),
            person.phone if reveal else identity.mask_phone(person.phone),
            person.address, _village_name(kp.region), kp.origin, _day(kp.arrival_date),
            modes.get(kp.transport_mode, kp.transport_mode), kp.transport_number, kp.symptoms,
            str(kp.responsible) if kp.responsible else "", statuses.get(kp.status, kp.status), _day(kp.registered_on),
        ]
