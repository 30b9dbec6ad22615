"""The people API's request and response bodies: persons, households, reviews and duplicates."""

import datetime

from ninja import Field, Schema

from . import reviews, selectors
from .models import Household, Person


class PersonOut(Schema):
    id: int
    name: str
    id_type: str
    id_number_masked: str
    sex: str
    birth_date: datetime.date | None
    phone_masked: str
    region_code: str
    region_name: str
    address: str
    workplace: str
    household_id: int | None


class PersonPage(Schema):
    items: list[PersonOut]
    next_after: str | None


class ListSearchIn(Schema):
    """A list's filters in a body, where an ID number, phone or address may stand (never in an address)."""
    q: str = Field("", max_length=100)
    region: str = Field("", max_length=15)
    after: str = Field("", max_length=40)
    limit: int = 50


class PersonIn(Schema):
    """Register a person, or update the one with this ID number (only non-empty fields change)."""

    name: str
    id_type: str = "resident_id"
    id_number: str
    region_code: str
    phone: str = ""
    address: str = ""
    workplace: str = ""
    household_id: int | None = None
    sex: str = ""
    birth_date: str | None = None


class PersonChangeIn(Schema):
    """Only the fields sent are changed; "" clears an optional field (household_id: null leaves it)."""

    name: str | None = None
    id_type: str | None = None
    id_number: str | None = None
    region_code: str | None = None
    phone: str | None = None
    address: str | None = None
    workplace: str | None = None
    household_id: int | None = None
    remove_from_household: bool = False
    sex: str | None = None
    birth_date: str | None = None


class UpsertOut(Schema):
    created: bool
    person: PersonOut


class SubmittedOut(Schema):
    """A registration held for review by the staff above (people.reviews): not in effect yet."""

    detail: str


class ReviewOut(Schema):
    id: int
    kind: str
    what: str
    status: str
    submitted_name: str
    submitted_phone_masked: str
    region_code: str
    submitted_at: datetime.datetime
    note: str
    person: PersonOut | None = None  # only for those who decide it


class ReviewDecisionIn(Schema):
    note: str = ""


class RevealOut(Schema):
    id: int
    id_number: str
    phone: str


class HouseholdIn(Schema):
    region_code: str
    address: str
    head_name: str = ""


class HouseholdSummaryOut(Schema):
    id: int
    region_code: str
    address: str
    head_name: str


class HouseholdOut(HouseholdSummaryOut):
    members: list[PersonOut]


class HouseholdPage(Schema):
    items: list[HouseholdSummaryOut]
    next_after: str | None


class MemberIn(Schema):
    person_id: int


class DuplicateOut(Schema):
    first: PersonOut
    second: PersonOut
    rules: list[str]
    reasons: list[str]
    cursor: str  # `after` for the pairs that follow this one


class MergeIn(Schema):
    keep_id: int
    other_id: int


def person_out(p: Person) -> dict:
    return {"id": p.pk, "name": p.name, "id_type": p.id_type, "id_number_masked": p.masked_id, "sex": p.sex,
            "birth_date": p.birth_date, "phone_masked": p.masked_phone, "region_code": p.region_id,
            "region_name": p.region.name, "address": p.address, "workplace": p.workplace,
            "household_id": p.household_id}


def household_out(user, h: Household, members: list[Person] | None = None) -> dict:
    members = selectors.members_of(user, h) if members is None else members
    return {"id": h.pk, "region_code": h.region_id, "address": h.address, "head_name": h.head_name,
            "members": [person_out(m) for m in members]}


def review_out(review, *, with_person: bool) -> dict:
    return {"id": review.pk, "kind": review.kind, "what": reviews.describe(review), "status": review.status,
            "submitted_name": review.submitted_name, "submitted_phone_masked": review.submitted_masked_phone,
            "region_code": review.region_id, "submitted_at": review.submitted_at, "note": review.note,
            "person": person_out(review.person) if with_person else None}
