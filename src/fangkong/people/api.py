"""JSON API for people and households, scoped like the pages: out of scope is 404, numbers masked."""


from ninja import Router
from ninja.responses import Status

from fangkong.core.api import ErrorOut
from fangkong.core.searches import refused_in_query

from . import reviews, selectors, services
from .schemas import (
    DuplicateOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    ListSearchIn,
    MemberIn,
    MergeIn,
    PersonChangeIn,
    PersonIn,
    PersonOut,
    PersonPage,
    RevealOut,
    ReviewDecisionIn,
    ReviewOut,
    SubmittedOut,
    UpsertOut,
    household_out,
    person_out,
    review_out,
)

router = Router(tags=["people"])


@router.get("/households", response={200: HouseholdPage, 422: ErrorOut})
def list_households(request, region: str = "", q: str = "", after: str = "", limit: int = 50):
    """Households in scope by region and id, a keyset page at a time (`after` = the last page's `next_after`).
    `q`: part of an address or a head's name, without digits here (POST /households/search takes any).

    Members are listed by GET /households/{id}, so a page of households stays one query.
    """
    if refused := refused_in_query(q):
        return Status(422, refused)
    return _households(request.user, region, q, after, limit)


@router.post("/households/search", response=HouseholdPage)
def search_households(request, payload: ListSearchIn):
    """GET /households with its filters in the body: `q` may hold a house number."""
    return _households(request.user, payload.region, payload.q, payload.after, payload.limit)


def _households(user, region: str, q: str, after: str, limit: int) -> dict:
    page = selectors.households_for(user, region, q=q, after=after, limit=limit)
    return {"items": [household_out(user, h, []) for h in page.items], "next_after": page.next_after}


@router.post("/households", response={201: HouseholdOut, 403: ErrorOut, 422: ErrorOut})
def create_household(request, payload: HouseholdIn):
    household = services.create_household(request.user, **payload.dict())
    return Status(201, household_out(request.user, household, []))


@router.get("/households/{household_id}", response={200: HouseholdOut, 404: ErrorOut})
def get_household(request, household_id: int):
    return household_out(request.user, selectors.household_for(request.user, household_id))


@router.patch("/households/{household_id}", response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut,
                                                     422: ErrorOut})
def update_household(request, household_id: int, payload: HouseholdIn):
    household = selectors.household_for(request.user, household_id)
    return household_out(request.user, services.update_household(request.user, household, **payload.dict()))


@router.post("/households/{household_id}/members", response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut,
                                                             422: ErrorOut})
def add_member(request, household_id: int, payload: MemberIn):
    """Add a person to the household (moving them out of any other)."""
    household = selectors.household_for(request.user, household_id)
    services.set_household(request.user, selectors.person_for(request.user, payload.person_id), household)
    return household_out(request.user, household)


@router.delete("/households/{household_id}/members/{person_id}",
               response={200: HouseholdOut, 403: ErrorOut, 404: ErrorOut})
def remove_member(request, household_id: int, person_id: int):
    household = selectors.household_for(request.user, household_id)
    person = selectors.person_for(request.user, person_id)
    if person.household_id == household.pk:
        services.set_household(request.user, person, None)
    return household_out(request.user, household)


@router.get("/duplicates", response=list[DuplicateOut])
def list_duplicates(request, limit: int = 50, after: str = ""):
    """Possible duplicates in scope: same ID, same name + phone, same name + birth date in one village. A page of
    `limit` pairs; the next page is `after` the last pair's `cursor`."""
    return [{"first": person_out(p.first), "second": person_out(p.second), "rules": p.rules,
             "reasons": [str(r) for r in p.reasons], "cursor": p.cursor}
            for p in selectors.duplicate_pairs_for(request.user, after=after, limit=limit)]


@router.post("/merge", response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def merge(request, payload: MergeIn):
    """Fold `other_id` into `keep_id`: every record of the other is moved, then it is removed."""
    keep = selectors.person_for(request.user, payload.keep_id)
    other = selectors.person_for(request.user, payload.other_id)
    return person_out(services.merge_persons(request.user, keep, other))


@router.get("", response={200: PersonPage, 422: ErrorOut})
def list_persons(request, q: str = "", region: str = "", after: str = "", limit: int = 50):
    """Persons in scope by region and id, a keyset page at a time (`after` = the last page's `next_after`).

    `q` is part of a name here; an exact ID number or phone (matched by its keyed digest) only in the body of
    POST /search, never in an address.
    """
    if refused := refused_in_query(q):
        return Status(422, refused)
    return _persons(request.user, q, region, after, limit)


@router.post("/search", response=PersonPage)
def search_persons(request, payload: ListSearchIn):
    """GET with its filters in the body: `q` part of a name, or an exact ID number or phone."""
    return _persons(request.user, payload.q, payload.region, payload.after, payload.limit)


def _persons(user, q: str, region: str, after: str, limit: int) -> dict:
    page = selectors.persons_for(user, q=q, region=region, after=after, limit=limit)
    return {"items": [person_out(p) for p in page.items], "next_after": page.next_after}


@router.post("", response={200: UpsertOut, 201: UpsertOut, 202: SubmittedOut, 403: ErrorOut, 422: ErrorOut})
def upsert_person(request, payload: PersonIn):
    """201 registered, 200 updated, 202 held for review by the staff above (people.reviews)."""
    data = payload.dict()
    data["household"] = data.pop("household_id")
    person, created = services.find_or_record_person(request.user, **data)
    if person is None:
        return Status(202, {"detail": str(reviews.SUBMITTED)})
    person = selectors.person_for(request.user, person.pk)
    return Status(201 if created else 200, {"created": created, "person": person_out(person)})


@router.get("/reviews", response=list[ReviewOut])
def reviews_to_decide(request, limit: int = selectors.PAGE_SIZE):
    """Registrations held for review that the caller decides (review region in scope), oldest first."""
    return [review_out(r, with_person=True) for r in selectors.reviews_to_decide(request.user, limit=limit)]


@router.get("/reviews/mine", response=list[ReviewOut])
def my_submissions(request, limit: int = selectors.PAGE_SIZE):
    """The caller's own registrations held for review, newest first, with how they were decided."""
    return [review_out(r, with_person=False) for r in selectors.submissions_of(request.user, limit=limit)]


@router.post("/reviews/{review_id}/accept", response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def accept_review(request, review_id: int, payload: ReviewDecisionIn):
    """Run the registration as submitted, as the caller (its own rules and audit apply)."""
    review = reviews.accept_review(request.user, selectors.review_for(request.user, review_id), note=payload.note)
    return review_out(review, with_person=False)


@router.post("/reviews/{review_id}/reject", response={200: ReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def reject_review(request, review_id: int, payload: ReviewDecisionIn):
    """Close the review unapplied; `note` (required) is what the submitter reads."""
    review = reviews.reject_review(request.user, selectors.review_for(request.user, review_id), note=payload.note)
    return review_out(review, with_person=False)


@router.get("/{person_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request, person_id: int):
    return person_out(selectors.person_for(request.user, person_id))


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
    return person_out(selectors.person_for(request.user, person_id))


@router.post("/{person_id}/reveal", response={200: RevealOut, 403: ErrorOut, 404: ErrorOut})
def reveal_person(request, person_id: int):
    """The full ID number and phone, for roles allowed to see them. Every call is logged."""
    person = selectors.person_for(request.user, person_id)
    return {"id": person.pk, **services.reveal_person(request.user, person)}
