"""Persons and households for people tests, made through the services (so digests are real)."""

from fangkong.people import services
from fangkong.people.models import Person
from tests.people.ids import resident_id

_seq = iter(range(100, 1000))


def person(actor, region_code: str, name: str = "张三", *, number: str | None = None, **fields) -> Person:
    number = number or resident_id("19800101", f"{next(_seq):03d}")
    created, _ = services.find_or_record_person(actor, name=name, id_type=fields.pop("id_type", "resident_id"),
                                                id_number=number, region_code=region_code, **fields)
    return created


def raw_person(region_code: str, name: str, **fields) -> Person:
    """A row written directly, as legacy data or a bulk import might have left it (twins included)."""
    return Person.objects.create(name=name, region_id=region_code, **fields)
