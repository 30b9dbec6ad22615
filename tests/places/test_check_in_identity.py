"""A public check-in never writes into a person's record: it keeps who the visitor said they are, and it counts
as a person's presence only once tracing staff have confirmed which person it was (services.matching)."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from fangkong.places.selectors import check_ins as selectors
from fangkong.places.services import check_ins
from fangkong.risk_areas import services as risk_areas
from fangkong.screening.models import ArrivalTask, TaskStatus
from fangkong.tracing.selectors import exposure
from fangkong.tracing.selectors import matching as matching_selectors
from fangkong.tracing.services import matching, reconciliation
from tests import factories
from tests.tracing import cases as f

from .builders import code, fresh_cache, person, place, resident_id, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def market(tree):
    return place(name="东岳农贸市场", region=factories.VILLAGE_A1)


@pytest.fixture
def known(tree):
    """王秘密 of 东岳村, ID number resident_id(3)."""
    return person(name="王秘密", seq=3, phone="13700000003")


@pytest.fixture
def tracer(tree):
    return staff("cdc", Role.HQ_STAFF, factories.COUNTY)


def visit(where, at=None, **typed):
    active = selectors.active_code_by_token(code(where).token)
    return check_ins.check_in(active, at=at, **{"phone": "13912345678", "name": "冒名", **typed})


# The public form writes nothing into anyone's record ---------------------------------------------------------

def test_someone_elses_id_number_and_another_name_leave_the_person_alone(market, known):
    response = Client().post(f"/api/places/c/{code(market).token}/check-in",
                             json.dumps({"phone": "13912345678", "name": "冒名", "id_number": resident_id(3)}),
                             content_type="application/json")
    assert response.status_code == 201
    known.refresh_from_db()
    assert (known.name, known.phone, known.updated_at <= timezone.now()) == ("王秘密", "13700000003", True)
    row = CheckIn.objects.get()
    assert row.person is None and (row.name, row.id_number) == ("冒名", resident_id(3))
    assert Person.objects.count() == 1 and not known.check_ins.exists()
    assert not AuditEntry.objects.filter(action__startswith="person.").exists()


def test_a_known_phone_with_another_name_creates_no_person(market, known):
    visit(market, phone="13700000003", name="李四")
    assert list(Person.objects.all()) == [known]
    assert CheckIn.objects.get().person_id is None


def test_an_unlinked_check_in_is_no_presence_of_the_person_it_names(market, known, tracer):
    visit(market, id_number=resident_id(3))
    subject = exposure.subjects_for(tracer, person_id=known.pk)[0]
    assert exposure.exposure_search(tracer, subject).presences == []


# Linked after review ------------------------------------------------------------------------------------------

def test_the_tracer_is_offered_the_person_with_the_typed_id_and_links_after_review(market, known, tracer):
    row = visit(market, id_number=resident_id(3))
    other = person(name="王秘密", seq=4, phone="13912345678")  # same name and phone, but not the typed ID number
    assert [c.pk for c in matching_selectors.match_candidates(tracer, row)] == [known.pk]

    matching.match_check_in(tracer, row, known)

    assert CheckIn.objects.get().person == known
    known.refresh_from_db()
    assert (known.name, known.phone) == ("王秘密", "13700000003")  # linking changes nothing of the person
    entry = AuditEntry.objects.get(action="check_in.match")
    assert (entry.actor_name, entry.before, entry.after) == ("cdc", {"person_id": None}, {"person_id": known.pk})
    assert "13912345678" not in json.dumps(entry.after) and other.pk not in entry.after.values()
    subject = exposure.subjects_for(tracer, person_id=known.pk)[0]
    assert len(exposure.exposure_search(tracer, subject).presences) == 1


def test_without_an_id_number_the_proposal_is_by_phone_and_name(market, known, tracer):
    row = visit(market, phone="13700000003", name="王秘密")
    assert [c.pk for c in matching_selectors.match_candidates(tracer, row)] == [known.pk]
    wrong_name = visit(market, phone="13700000003", name="李四")
    assert matching_selectors.match_candidates(tracer, wrong_name) == []


def test_only_a_proposed_person_can_be_linked(market, known, tracer):
    row = visit(market, id_number=resident_id(3))
    stranger = person(name="冒名", seq=9, phone="13912345678")
    with pytest.raises(ValidationError):
        matching.match_check_in(tracer, row, stranger)
    assert CheckIn.objects.get().person is None


def test_staff_out_of_scope_cannot_confirm(market, known):
    row = visit(market, id_number=resident_id(3))
    town_b_doctor = staff("doctor_b", Role.DOCTOR, factories.TOWN_B)  # the market is in town A
    with pytest.raises(PermissionDenied):
        matching.match_check_in(town_b_doctor, row, known)
    village_worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)  # in scope, but does not trace
    with pytest.raises(PermissionDenied):
        matching.match_check_in(village_worker, row, known)
    assert CheckIn.objects.get().person is None


def test_a_person_out_of_the_tracers_reach_is_not_proposed(market, tracer):
    far = person(name="远方", seq=5, phone="13700000005", region=factories.VILLAGE_B1)
    row = visit(market, id_number=resident_id(5))
    town_a_doctor = staff("doctor_a", Role.DOCTOR, factories.TOWN_A)  # traces persons of town A only
    assert matching_selectors.match_candidates(town_a_doctor, row) == []
    with pytest.raises(ValidationError):
        matching.match_check_in(town_a_doctor, row, far)
    assert [c.pk for c in matching_selectors.match_candidates(tracer, row)] == [far.pk]  # the county's may


def test_a_mistaken_link_is_undone(market, known, tracer):
    row = matching.match_check_in(tracer, visit(market, id_number=resident_id(3)), known.pk)
    matching.unmatch_check_in(tracer, row)
    assert CheckIn.objects.get().person is None
    assert AuditEntry.objects.get(action="check_in.unmatch").before == {"person_id": known.pk}


def test_the_page_shows_the_visitor_masked_and_links(market, known, tracer, login):
    row = visit(market, id_number=resident_id(3))
    client = login(tracer)
    place_page = client.get(f"/places/{market.pk}/").content.decode()
    assert f'href="/tracing/check-ins/{row.pk}/match/"' in place_page and "冒名" in place_page
    page = client.get(f"/tracing/check-ins/{row.pk}/match/").content.decode()
    assert f'data-person="{known.pk}"' in page and "139****5678" in page
    assert "13912345678" not in page and resident_id(3) not in page

    response = client.post(f"/tracing/check-ins/{row.pk}/match/", {"person": known.pk})

    assert response.status_code == 302
    assert CheckIn.objects.get().person == known
    assert AuditEntry.objects.get(action="check_in.match").source == "page"


def test_the_api_proposes_links_and_refuses_out_of_scope(market, known, tracer, login):
    row = visit(market, id_number=resident_id(3))
    api = login(tracer)
    review = api.get(f"/api/tracing/check-ins/{row.pk}").json()
    assert review["check_in"]["person_id"] is None and review["check_in"]["id_number"] != resident_id(3)
    assert [c["person_id"] for c in review["candidates"]] == [known.pk]
    outsider = login(staff("doctor_b", Role.DOCTOR, factories.TOWN_B))
    assert outsider.get(f"/api/tracing/check-ins/{row.pk}").status_code == 404
    assert outsider.post(f"/api/tracing/check-ins/{row.pk}/match", {"person_id": known.pk},
                         content_type="application/json").status_code == 404
    assert api.post(f"/api/tracing/check-ins/{row.pk}/match", {"person_id": known.pk + 100},
                    content_type="application/json").status_code == 422

    linked = api.post(f"/api/tracing/check-ins/{row.pk}/match", {"person_id": known.pk},
                      content_type="application/json")

    assert linked.status_code == 200 and linked.json()["check_in"]["person_id"] == known.pk


# The reconciliation and unlinked visitors ---------------------------------------------------------------------

@pytest.fixture
def risky(monkeypatch):
    monkeypatch.setattr(risk_areas, "is_risk_origin", lambda origin_code, day: origin_code.startswith("4201"))


def test_an_unlinked_risk_check_in_becomes_one_task_naming_the_visitor(market, known, risky):
    now = timezone.now()
    first = visit(market, at=now - 40 * HOUR, name="赵六", origin="武汉", origin_code="420102")
    visit(market, at=now - 30 * HOUR, name="赵六", origin="武汉", origin_code="420102")  # the same visitor again

    summary = reconciliation.reconcile(SYSTEM, now=now)

    task = ArrivalTask.objects.get()
    assert (summary.opened, task.person, task.check_in_id, task.region_id) == (1, None, first.pk, factories.TOWN_A)
    assert (task.subject.name, task.subject.masked_phone) == ("赵六", "139****5678")
    assert reconciliation.reconcile(SYSTEM, now=now).opened == 0  # once
    assert Person.objects.count() == 1


def test_a_visitor_whose_id_number_is_on_a_ledger_gets_no_task(market, known, risky):
    f.on_ledger(known, factories.VILLAGE_A1)
    visit(market, at=timezone.now() - 30 * HOUR, id_number=resident_id(3), origin="武汉", origin_code="420102")
    assert reconciliation.reconcile(SYSTEM).unlisted == 0 and not ArrivalTask.objects.exists()


def test_a_visitors_task_goes_to_the_person_when_linked_and_closes_when_listed(market, known, tracer, risky):
    row = visit(market, at=timezone.now() - 30 * HOUR, id_number=resident_id(3), origin="武汉", origin_code="420102")
    reconciliation.reconcile(SYSTEM)
    matching.match_check_in(tracer, row, known)
    task = ArrivalTask.objects.get()
    assert task.person == known and task.status == TaskStatus.OPEN
    f.on_ledger(known, factories.VILLAGE_A1)
    assert reconciliation.reconcile(SYSTEM).closed == 1
    assert f.task_metrics_differences(timezone.localdate()) == {}


def test_the_task_pages_name_the_visitor(market, risky, login):
    visit(market, at=timezone.now() - 30 * HOUR, name="赵六", origin="武汉", origin_code="420102")
    reconciliation.reconcile(SYSTEM)
    report = login(staff("town", Role.TOWNSHIP_STAFF, factories.TOWN_A)).get("/api/tracing/reconciliation").json()
    row = report["groups"][0]["tasks"][0]
    assert (row["person_id"], row["name"], row["phone"]) == (None, "赵六", "139****5678")
    page = login(staff("town2", Role.TOWNSHIP_STAFF, factories.TOWN_A)).get("/tracing/reconciliation/")
    assert "赵六" in page.content.decode()
