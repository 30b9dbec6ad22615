"""JSON API for people and households, scoped like the pages: out of scope is 404, numbers masked."""

import datetime

from ninja import Router, Schema
from ninja.responses import Status

from fangkong.core.api import ErrorOut

from . import reviews, selectors, services
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


class MergeIn(Schema):
    keep_id: int
    other_id: int


def _person_out(p: Person) -> dict:
    return {"id": p.pk, "name": p.name, "id_type": p.id_type, "id_number_masked": p.masked_id, "sex": p.sex,
            "birth_date": p.birth_date, "phone_masked": p.masked_phone, "region_code": p.region_id,
            "region_name": p.region.name, "address": p.address, "workplace": p.workplace,
            "household_id": p.household_id}


def _household_out(user, h: Household, members: list[Person] | None = None) -> dict:
    members = selectors.members_of(user, h) if members is None else members
    return {"id": h.pk, "region_code": h.region_id, "address": h.address, "head_name": h.head_name,
            "members": [_person_out(m) for m in members]}


router = Router(tags=["people"])


@router.get("/households", response=HouseholdPage)
def list_households(request, region: str = "", q: str = "", after: str = "", limit: int = 50):
    """Households in scope by region and id, a keyset page at a time (`after` = the last page's `next_after`).

    Members are listed by GET /households/{id}, so a page of households stays one query.
    """
    page = selectors.households_for(request.user, region, q=q, after=after, limit=limit)
    return {"items": [_household_out(request.user, h, []) for h in page.items], "next_after": page.next_after}


@router.post("/households", response={201: HouseholdOut, 403: ErrorOut, 422: ErrorOut})
def create_household(request, payload: HouseholdIn):
    household = services.create_household(request.user, **payload.dict())
    return Status(201, _household_out(request.user, household, []))


@router.get("/households/{household_id}", response={200: HouseholdOut, 404: ErrorOut})
def get_household(request, household_id: int):
    return _household_out(request.user, selectors.household_for(request.user, household_id))


@router.patch("/households/{household_id}", response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut,
                                                     422: ErrorOut})
def update_household(request, household_id: int, payload: HouseholdIn):
    household = selectors.household_for(request.user, household_id)
    return _household_out(request.user, services.update_household(request.user, household, **payload.dict()))


@router.post("/households/{household_id}/members", response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut,
                                                             422: ErrorOut})
def add_member(request, household_id: int, payload: MemberIn):
    """Add a person to the household (moving them out of any other)."""
    household = selectors.household_for(request.user, household_id)
    services.set_household(request.user, selectors.person_for(request.user, payload.person_id), household)
    return _household_out(request.user, household)


@router.delete("/households/{household_id}/members/{person_id}",
               response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut})
def remove_member(request, household_id: int, person_id: int):
    household = selectors.household_for(request.user, household_id)
    person = selectors.person_for(request.user, person_id)
    if person.household_id == household.pk:
        services.set_household(request.user, person, None)
    return _household_out(request.user, household)


@router.get("/duplicates", response=list[DuplicateOut])
def list_duplicates(request, limit: int = 50):
    """Possible duplicates in scope: same ID, same name + phone, same name + birth date in one village."""
    return [{"first": _person_out(p.first), "second": _person_out(p.second), "rules": p.rules,
             "reasons": [str(r) for r in p.reasons]} for p in selectors.duplicate_pairs_for(request.user, limit=limit)]


@router.post("/merge", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def merge(request, payload: MergeIn):
    """Fold `other_id` into `keep_id`: every record of the other is moved, then it is removed."""
    keep = selectors.person_for(request.user, payload.keep_id)
    other = selectors.person_for(request.user, payload.other_id)
    return _person_out(services.merge_persons(request.user, keep, other))


@router.get("", response=PersonPage)
def list_persons(request, q: str = "", region: str = "", after: str = "", limit: int = 50):
    """Persons in scope by region and id, a keyset page at a time (`after` = the last page's `next_after`).

    `q` is part of a name, or an exact ID number or phone (matched by its keyed digest).
    """
    page = selectors.persons_for(request.user, q=q, region=region, after=after, limit=limit)
    return {"items": [_person_out(p) for p in page.items], "next_after": page.next_after}


@router.post("", response={200: UpsertOut, 201: UpsertOut, 202: SubmittedOut, 403: ErrorOut, 422: ErrorOut})
def upsert_person(request, payload: PersonIn):
    """201 registered, 200 updated, 202 held for review by the staff above (people.reviews)."""
    data = payload.dict()
    data["household"] = data.pop("household_id")
    person, created = services.find_or_record_person(request.user, **data)
    if person is None:
        return Status(202, {"detail": str(reviews.SUBMITTED)})
    person = selectors.person_for(request.user, person.pk)
    return Status(201 if created else 200, {"created": created, "person": _person_out(person)})


def _review_out(review, *, with_person: bool) -> dict:
    return {"id": review.pk, "kind": review.kind, "what": reviews.describe(review), "status": review.status,
            "submitted_name": review.submitted_name, "submitted_phone_masked": review.submitted_masked_phone,
            "region_code": review.region_id, "submitted_at": review.submitted_at, "note": review.note,
            "person": _person_out(review.person) if with_person else None}


@router.get("/reviews", response=list[ReviewOut])
def reviews_to_decide(request, limit: int = selectors.PAGE_SIZE):
    """Registrations held for review that the caller decides (review region in scope), oldest first."""
    return [_review_out(r, with_person=True) for r in selectors.reviews_to_decide(request.user, limit=limit)]


@router.get("/reviews/mine", response=list[ReviewOut])
def my_submissions(request, limit: int = selectors.PAGE_SIZE):
    """The caller's own registrations held for review, newest first, with how they were decided."""
    return [_review_out(r, with_person=False) for r in selectors.submissions_of(request.user, limit=limit)]


@router.post("/reviews/{review_id}/accept", response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def accept_review(request, review_id: int, payload: ReviewDecisionIn):
    """Run the registration as submitted, as the caller (its own rules and audit apply)."""
    review = reviews.accept_review(request.user, selectors.review_for(request.user, review_id), note=payload.note)
    return _review_out(review, with_person=False)


@router.post("/reviews/{review_id}/reject", response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def reject_review(request, review_id: int, payload: ReviewDecisionIn):
    """Close the review unapplied; `note` (required) is what the submitter reads."""
    review = reviews.reject_review(request.user, selectors.review_for(request.user, review_id), note=payload.note)
    return _review_out(review, with_person=False)


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request, person_id: int):
    return _person_out(selectors.person_for(request.user, person_id))


@router.patch("/{person_id}", response={200: PersonOut, 202: SubmittedOut, 403: ErrorOut, 404: ErrorOut,
                                         422: ErrorOut})
def update_person(request, person_id: int, payload: PersonChangeIn):
    """200 saved; 202 held for review by the staff above (people.reviews), nothing changed yet."""
    person = selectors.person_for(request.user, person_id)
    data = payload.dict(exclude_unset=True)
    household = data.pop("household_id", None)
    data["household"] = "" if data.pop("remove_from_household", False) else household
    if services.update_person(request.user, person, **data) is None:
        return Status(202, {"detail": str(reviews.SUBMITTED)})
    return _person_out(selectors.person_for(request.user, person_id))


@router.post("/{person_id}/reveal", response={200: RevealOut, 403: ErrorOut, 404: ErrorOut})
def reveal_person(request, person_id: int):
    """The full ID number and phone, for roles allowed to see them. Every call is logged."""
    person = selectors.person_for(request.user, person_id)
    return {"id": person.pk, **services.reveal_person(request.user, person)}
