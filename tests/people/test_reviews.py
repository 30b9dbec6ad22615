"""A registration naming a person registered outside the submitter's scope is held for review by the staff
above: it neither tells the submitter that the number is registered elsewhere, nor makes a second person,
nor changes the person, until a reviewer whose scope covers both regions accepts it."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import reviews, services
from fangkong.people.models import Person, RegistrationReview, ReviewStatus
from tests import factories
from tests.people.ids import resident_id

NUMBER = resident_id(seq="321")
SUBMITTED = "已提交，待上级单位核实后生效"


@pytest.fixture
def known(tree):
    """王秘密, registered by 东岳村 (town A) with an address and a phone nobody in town B should read."""
    worker = factories.user("worker_a1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    person, _ = services.find_or_record_person(worker, name="王秘密", id_type="resident_id", id_number=NUMBER,
                                               region_code=factories.VILLAGE_A1, phone="13700001111", address="东岳村七组9号")
    return person


@pytest.fixture
def worker_b1(tree):
    return factories.user("worker_b1", Role.VILLAGE_WORKER, factories.VILLAGE_B1)


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_STAFF, factories.COUNTY)


def submit(actor, **extra):
    return services.find_or_record_person(actor, name=extra.pop("name", "王某"), id_type="resident_id", id_number=NUMBER,
                                          region_code=factories.VILLAGE_B1, phone="13900002222", **extra)


def test_the_registration_is_held_not_refused_not_duplicated_and_not_applied(known, worker_b1):
    assert submit(worker_b1, address="红旗村3号") == (None, False)

    assert Person.objects.count() == 1
    known.refresh_from_db()
    assert (known.name, known.region_id, known.phone, known.address) == (
        "王秘密", factories.VILLAGE_A1, "13700001111", "东岳村七组9号")
    review = RegistrationReview.objects.get()
    assert (review.kind, review.person, review.region_id, review.review_region_id, review.status) == (
        "person", known, factories.VILLAGE_B1, factories.COUNTY, ReviewStatus.OPEN)
    assert "id_number" not in review.submission and review.submission["address"] == "红旗村3号"
    entry = AuditEntry.objects.get(action="registration_review.submit")
    assert entry.region_id == factories.COUNTY and "13900002222" not in json.dumps(entry.after)


def test_the_review_sits_with_the_lowest_region_covering_both(known, tree):
    neighbour = factories.user("worker_a2", Role.VILLAGE_WORKER, factories.VILLAGE_A2)
    services.find_or_record_person(neighbour, name="王某", id_type="resident_id", id_number=NUMBER,
                                   region_code=factories.VILLAGE_A2)
    assert RegistrationReview.objects.get().review_region_id == factories.TOWN_A


def test_submitting_again_replaces_the_open_review(known, worker_b1):
    submit(worker_b1, address="红旗村3号")
    submit(worker_b1, address="红旗村5号")
    assert RegistrationReview.objects.get().submission["address"] == "红旗村5号"


def test_the_page_and_the_api_answer_without_a_word_about_the_person(known, worker_b1, login):
    client = login(worker_b1)
    page = client.post("/people/new/", {"name": "王某", "id_type": "resident_id", "id_number": NUMBER,
                                        "region_code": factories.VILLAGE_B1, "phone": "13900002222"}, follow=True)
    api = client.post("/api/people", {"name": "王某", "id_number": NUMBER, "region_code": factories.VILLAGE_B1},
                      content_type="application/json")

    assert page.redirect_chain[-1][0] == "/people/reviews/"
    body = page.content.decode()
    assert SUBMITTED in body and "王某" in body  # their own submission, as they typed it
    assert api.status_code == 202 and api.json() == {"detail": SUBMITTED}
    for secret in ("王秘密", "东岳村", "1111", "管辖范围", "花园镇"):
        assert secret not in body and secret not in api.content.decode()
    mine = client.get("/api/people/reviews/mine").json()
    assert [(r["submitted_name"], r["status"], r["person"]) for r in mine] == [("王某", "open", None)]
    assert client.get("/api/people/reviews").json() == []  # not theirs to decide


def test_the_same_answer_as_a_ledger_registration_held_because_its_entry_is_elsewhere(known, worker_b1, login):
    from fangkong.screening import services as screening
    worker_a1 = factories.user("worker_a1b", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    screening.register_key_person(worker_a1, name="王秘密", id_type="resident_id", id_number=NUMBER,
                                  region_code=factories.VILLAGE_A1, category="returnee")
    worker_a2 = factories.user("worker_a2", Role.VILLAGE_WORKER, factories.VILLAGE_A2)
    town_a = factories.user("town_a", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    services.update_person(town_a, known, region_code=factories.VILLAGE_A2)  # moved to A2, the entry stays in A1
    payload = {"name": "王秘密", "id_number": NUMBER, "region_code": factories.VILLAGE_A2, "category": "returnee"}
    held_for_entry = login(worker_a2).post("/api/screening/key-persons", payload, content_type="application/json")
    held_for_person = login(worker_b1).post("/api/screening/key-persons", {**payload, "region_code": factories.VILLAGE_B1},
                                            content_type="application/json")
    assert held_for_entry.status_code == held_for_person.status_code == 202
    assert held_for_entry.json() == held_for_person.json() == {"detail": SUBMITTED}


def test_a_reviewer_covering_both_regions_accepts_and_the_registration_runs(known, worker_b1, hq, login):
    submit(worker_b1, address="红旗村3号")
    review = RegistrationReview.objects.get()
    reviewer = login(hq)
    page = reviewer.get("/people/reviews/").content.decode()
    assert f'data-review="{review.pk}"' in page and "王秘密" in page and "王某" in page

    response = reviewer.post(f"/api/people/reviews/{review.pk}/accept", {"note": "已电话核实，已迁入红旗村"},
                             content_type="application/json")

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    known.refresh_from_db()
    assert (known.name, known.region_id, known.address, known.phone) == (
        "王某", factories.VILLAGE_B1, "红旗村3号", "13900002222")
    assert Person.objects.count() == 1
    assert AuditEntry.objects.get(action="registration_review.accept").actor_name == "hq"
    assert AuditEntry.objects.get(action="person.update").actor_name == "hq"
    assert reviewer.post(f"/api/people/reviews/{review.pk}/accept", {},
                         content_type="application/json").status_code == 422  # decided once


def test_staff_not_covering_both_regions_cannot_decide(known, worker_b1, login):
    submit(worker_b1)
    review = RegistrationReview.objects.get()
    town_a = factories.user("town_a", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    with pytest.raises(PermissionDenied):
        reviews.accept_review(town_a, review)
    assert login(town_a).post(f"/people/reviews/{review.pk}/accept/").status_code == 404
    assert login(town_a).get("/api/people/reviews").json() == []
    viewer = factories.user("viewer", Role.VIEWER, factories.COUNTY)
    with pytest.raises(PermissionDenied):
        reviews.accept_review(viewer, review)
    assert RegistrationReview.objects.get().status == ReviewStatus.OPEN


def test_a_rejection_needs_a_reason_which_the_submitter_reads(known, worker_b1, hq, login):
    submit(worker_b1)
    review = RegistrationReview.objects.get()
    with pytest.raises(ValidationError):
        reviews.reject_review(hq, review, note=" ")
    response = login(hq).post(f"/people/reviews/{review.pk}/reject/", {"note": "身份证号与本人不符"})
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.region_id == factories.VILLAGE_A1
    mine = login(worker_b1).get("/people/reviews/").content.decode()
    assert "未通过" in mine and "身份证号与本人不符" in mine and "王秘密" not in mine
    assert AuditEntry.objects.get(action="registration_review.reject").after["note"] == "身份证号与本人不符"


def test_a_held_ledger_registration_becomes_the_entry_when_accepted(known, worker_b1, hq):
    from fangkong.screening import services as screening
    from fangkong.screening.models import KeyPerson
    result = screening.register_key_person(worker_b1, name="王某", id_type="resident_id", id_number=NUMBER,
                                           region_code=factories.VILLAGE_B1, category="returnee", origin="武汉",
                                           responsible=worker_b1.pk)
    assert result == (None, False) and not KeyPerson.objects.exists()
    review = RegistrationReview.objects.get()
    assert reviews.describe(review) == "台账登记：疫区返乡人员"

    reviews.accept_review(hq, review)

    kp = KeyPerson.objects.get()
    assert (kp.person_id, kp.region_id, kp.origin, kp.responsible_id) == (known.pk, factories.VILLAGE_B1, "武汉",
                                                                          worker_b1.pk)
    assert Client().get("/people/reviews/").status_code == 302  # the page needs a login


def test_an_edit_to_an_id_number_registered_elsewhere_is_held_and_accepted_as_a_merge(known, worker_b1, hq, login):
    mine, _ = services.find_or_record_person(worker_b1, name="王某", id_type="resident_id", id_number=resident_id(seq="654"),
                                             region_code=factories.VILLAGE_B1, phone="13900002222")
    response = login(worker_b1).patch(f"/api/people/{mine.pk}", {"id_number": NUMBER, "address": "红旗村3号"},
                                      content_type="application/json")
    assert response.status_code == 202 and response.json() == {"detail": SUBMITTED}
    mine.refresh_from_db()
    assert mine.id_number == resident_id(seq="654") and mine.address == ""
    review = RegistrationReview.objects.get()
    assert (review.kind, review.person, review.review_region_id) == ("person_merge", known, factories.COUNTY)

    reviews.accept_review(hq, review)

    assert list(Person.objects.all()) == [known]
    known.refresh_from_db()
    assert (known.name, known.region_id, known.address) == ("王秘密", factories.VILLAGE_B1, "红旗村3号")
    assert AuditEntry.objects.filter(action="person.merge").exists()



def test_the_edit_page_answers_a_held_edit_like_a_held_registration(known, worker_b1, login):
    mine, _ = services.find_or_record_person(worker_b1, name="王某", id_type="resident_id", id_number=resident_id(seq="654"),
                                             region_code=factories.VILLAGE_B1)
    page = login(worker_b1).post(f"/people/{mine.pk}/edit/", {
        "name": "王某", "id_type": "resident_id", "id_number": NUMBER, "region_code": factories.VILLAGE_B1},
        follow=True)
    assert page.redirect_chain[-1][0] == "/people/reviews/"
    body = page.content.decode()
    assert SUBMITTED in body and "王秘密" not in body and "东岳村" not in body and "疑似重复" not in body
    assert RegistrationReview.objects.get().kind == "person_merge"
