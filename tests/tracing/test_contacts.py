"""Confirming a case's contacts through the service: the ledger, isolation from the last exposure by the policy,
nobody listed twice, secondary contacts and their re-classification when a contact becomes a case, a village
unknown, a person outside the county, and who may do it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.quarantine.models import Quarantine, QuarantinePolicy, QuarantineStatus
from fangkong.screening.models import ArrivalTask, KeyPerson, Status, TaskKind
from fangkong.tracing.models import Contact
from fangkong.tracing.services import cases as case_services
from fangkong.tracing.services import contacts as services
from tests import factories
from tests.quarantine import helpers as q_helpers
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db

TODAY = datetime.timedelta(days=0)


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


@pytest.fixture
def staff(tree):
    return outbreak.isolation_staff(factories.VILLAGE_A1)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def contact_differences() -> dict:
    return {key: value for key, value in counters.differences(timezone.localdate()).items()
            if key[1].startswith(("contact_", "kp_", "q_"))}


def test_a_confirmed_close_contact_lands_on_the_village_ledger_and_in_centralised_observation_from_the_last_exposure(
        tracer, staff):
    case = outbreak.case()
    neighbour = outbreak.person(factories.VILLAGE_A1, name="王五")
    contact = services.confirm_contact(tracer, case, person=neighbour, kind="social", last_exposure_date=days_ago(2),
                                       source="same_place")
    assert contact.status == "confirmed" and contact.level == "close" and contact.region_id == factories.VILLAGE_A1
    assert contact.outcome == services.Outcome(ledger="created", isolation="started")
    entry = KeyPerson.objects.get(person=neighbour)
    assert (entry.category, entry.region_id, entry.registered_on, entry.status) == (
        "close_contact", factories.VILLAGE_A1, timezone.localdate(), Status.UNDER_MANAGEMENT)
    assert contact.key_person == entry
    q = Quarantine.objects.get(key_person=entry)
    policy = QuarantinePolicy.objects.get(category="close_contact")
    assert (q.kind, q.counts_from, q.status) == (policy.kind, "last_exposure", QuarantineStatus.ACTIVE) == (
        "centralised", "last_exposure", "active")
    # the end counts from 00:00 of the last exposure day, the policy's 14 days: not from today
    assert q.counted_from == day_start(days_ago(2))
    assert q.planned_end == day_start(days_ago(2)) + datetime.timedelta(days=policy.length_days)
    assert (q.cadre, q.doctor, q.site) == (staff["cadre"], staff["doctor"], staff["site"])
    assert contact.quarantine == q
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"contact.confirm", "key_person.register", "quarantine.start"} <= actions
    # the trail keeps no number of the person
    assert neighbour.id_number not in str(AuditEntry.objects.get(action="contact.confirm").after)
    assert contact_differences() == {}


def test_the_policy_decides_kind_and_length(tracer, staff):
    QuarantinePolicy.objects.filter(category="close_contact").update(kind="home", length_days=21)
    contact = services.confirm_contact(tracer, outbreak.case(), person=outbreak.person(), kind="work",
                                       last_exposure_date=days_ago(1))
    q = contact.quarantine
    assert q.kind == "home" and q.home_address == contact.person.address
    assert q.planned_end == day_start(days_ago(1)) + datetime.timedelta(days=21)


def test_nobody_is_listed_twice_for_a_case(tracer, staff):
    case = outbreak.case()
    who = outbreak.person()
    services.confirm_contact(tracer, case, person=who, kind="household", last_exposure_date=days_ago(1))
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, case, person=who, kind="work", last_exposure_date=days_ago(1))
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.dismiss_candidate(tracer, case, person=who)
    assert Contact.objects.filter(case=case, person=who).count() == 1
    assert KeyPerson.objects.filter(person=who).count() == 1


def test_a_close_contact_of_another_case_is_linked_not_listed_again_and_a_later_exposure_moves_the_end(
        tracer, staff):
    who = outbreak.person()
    first = services.confirm_contact(tracer, outbreak.case(), person=who, kind="work", last_exposure_date=days_ago(5))
    end = first.quarantine.planned_end
    second = services.confirm_contact(tracer, outbreak.case(), person=who, kind="social",
                                      last_exposure_date=days_ago(1))
    assert second.outcome == services.Outcome(ledger="linked", isolation="extended")
    assert second.key_person == first.key_person
    assert KeyPerson.objects.filter(person=who, status=Status.UNDER_MANAGEMENT).count() == 1
    q = Quarantine.objects.get(key_person=first.key_person)
    assert second.quarantine == q and q.planned_end == day_start(days_ago(1)) + datetime.timedelta(days=14) > end
    # an earlier exposure to a third case leaves the end where it is
    third = services.confirm_contact(tracer, outbreak.case(), person=who, kind="social", last_exposure_date=days_ago(4))
    assert third.outcome.isolation == "kept"
    q.refresh_from_db()
    assert q.planned_end == day_start(days_ago(1)) + datetime.timedelta(days=14)
    assert Quarantine.objects.filter(key_person__person=who).count() == 1


def test_a_dismissed_candidate_may_still_be_confirmed(tracer, staff):
    case = outbreak.case()
    who = outbreak.person()
    dismissed = services.dismiss_candidate(tracer, case, person=who, source="same_place", note="未同时在场")
    assert dismissed.status == "dismissed" and not KeyPerson.objects.filter(person=who).exists()
    confirmed = services.confirm_contact(tracer, case, person=who, kind="same_place", last_exposure_date=days_ago(1))
    assert confirmed.pk == dismissed.pk and confirmed.status == "confirmed"
    assert contact_differences() == {}


def test_a_secondary_contact_goes_on_the_ledger_as_such_in_home_observation(tracer, staff):
    case = outbreak.case()
    close = services.confirm_contact(tracer, case, person=outbreak.person(), kind="household",
                                     last_exposure_date=days_ago(3))
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, case, person=outbreak.person(), kind="work", level="secondary",
                                 last_exposure_date=days_ago(2))
    assert "via" in error.value.message_dict
    secondary = services.confirm_contact(tracer, case, person=outbreak.person(), kind="work", level="secondary",
                                         via=close.pk, last_exposure_date=days_ago(2))
    assert secondary.key_person.category == "secondary_contact"
    assert secondary.quarantine.kind == "home"
    assert secondary.quarantine.planned_end == day_start(days_ago(2)) + datetime.timedelta(days=14)


def test_when_a_contact_becomes_a_case_their_secondary_contacts_become_close_contacts_of_the_new_case(tracer, staff):
    first_case = outbreak.case()
    spouse = outbreak.person(name="密接甲")
    close = services.confirm_contact(tracer, first_case, person=spouse, kind="household",
                                     last_exposure_date=days_ago(3))
    colleague = outbreak.person(name="次密接乙")
    secondary = services.confirm_contact(tracer, first_case, person=colleague, kind="work", level="secondary",
                                         via=close, last_exposure_date=days_ago(2))
    far = services.add_outside_contact(tracer, first_case, name="外县丙", county="大悟县", phone="13812345678",
                                       kind="work", level="secondary", via=close, last_exposure_date=days_ago(2))
    home_order = secondary.quarantine

    new_case = outbreak.case(spouse)
    made = services.contact_became_case(tracer, new_case)

    assert {c.person_id for c in made} == {colleague.pk, None}
    now_close = Contact.objects.get(case=new_case, person=colleague)
    assert (now_close.level, now_close.source, now_close.last_exposure_date) == (
        "close", "contact_of_contact", days_ago(2))
    entries = {kp.category: kp for kp in KeyPerson.objects.filter(person=colleague)}
    assert entries["secondary_contact"].status == Status.TRANSFERRED
    assert entries["close_contact"].status == Status.UNDER_MANAGEMENT
    home_order.refresh_from_db()
    assert home_order.status == QuarantineStatus.MOVED_AWAY and "密切接触者" in home_order.handover_to
    assert home_order.ended_at <= Quarantine.objects.get(key_person__person=colleague, status="active").start_at
    centralised = Quarantine.objects.get(key_person=entries["close_contact"])
    assert centralised.kind == "centralised" and centralised.status == "active"
    assert centralised.planned_end == day_start(days_ago(2)) + datetime.timedelta(days=14)
    assert now_close.quarantine == centralised
    outside = Contact.objects.get(case=new_case, person=None)
    assert (outside.outside_name, outside.level) == (far.outside_name, "close")
    # run again (a second report of the same case): nobody listed twice
    assert services.contact_became_case(tracer, new_case) == []
    assert Contact.objects.filter(case=new_case).count() == 2
    assert contact_differences() == {}


def test_a_contact_whose_village_is_unknown_becomes_a_task_for_their_township(tracer, staff):
    drifter = outbreak.person(factories.TOWN_A, name="流动丁")
    contact = services.confirm_contact(tracer, outbreak.case(), person=drifter, kind="same_place",
                                       last_exposure_date=days_ago(1))
    assert contact.outcome == services.Outcome(ledger="task", isolation="none")
    task = ArrivalTask.objects.get(person=drifter)
    assert (task.kind, task.region_id, task.status) == (TaskKind.CONTACT, factories.TOWN_A, "open")
    assert not KeyPerson.objects.filter(person=drifter).exists()


def test_a_registered_person_of_another_county_is_handed_over_not_put_on_this_ledger(tracer, staff):
    factories.region("420922000000", "大悟县")
    factories.region("420922001201", "大悟县某村")
    visitor = outbreak.person("420922001201", name="外县戊")
    contact = services.confirm_contact(tracer, outbreak.case(), person=visitor, kind="same_place",
                                       last_exposure_date=days_ago(1))
    assert contact.outcome.ledger == "outside" and contact.region_id is None
    assert (contact.outside_name, contact.outside_county, contact.outside_id_number) == (
        "外县戊", "大悟县", visitor.id_number)
    assert not KeyPerson.objects.filter(person=visitor).exists()


def test_when_the_days_since_the_last_exposure_are_over_no_order_starts(tracer, staff):
    case = outbreak.case(onset_date=days_ago(25))
    contact = services.confirm_contact(tracer, case, person=outbreak.person(), kind="work",
                                       last_exposure_date=days_ago(16))
    assert contact.outcome == services.Outcome(ledger="created", isolation="over")
    assert contact.quarantine is None


def test_a_returnee_at_home_found_a_close_contact_moves_to_the_contact_order(tracer, staff):
    hq = factories.user("hq", Role.HQ_STAFF, factories.COUNTY)
    returnee = q_helpers.key_person(factories.VILLAGE_A1, "returnee", arrival=days_ago(3))
    home = q_helpers.start(hq, returnee, cadre=staff["cadre"], doctor=staff["doctor"])
    contact = services.confirm_contact(tracer, outbreak.case(), person=returnee.person, kind="social",
                                       last_exposure_date=days_ago(1))
    home.refresh_from_db()
    assert home.status == QuarantineStatus.MOVED_AWAY
    returnee.refresh_from_db()
    assert returnee.status == Status.TRANSFERRED  # listed once: as a close contact
    assert KeyPerson.objects.get(person=returnee.person, status=Status.UNDER_MANAGEMENT).category == "close_contact"
    assert Quarantine.objects.filter(key_person__person=returnee.person, status="active").get() == contact.quarantine


def test_bad_input_is_named_field_by_field(tracer, staff):
    case = outbreak.case()
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, case, person="999999", kind="hugging", last_exposure_date="")
    assert set(error.value.message_dict) == {"person", "kind", "last_exposure_date"}
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, case, person=outbreak.person(), kind="work",
                                 last_exposure_date=timezone.localdate() + datetime.timedelta(days=1))
    assert "将来" in error.value.message_dict["last_exposure_date"][0]
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, case, person=case.person, kind="work", last_exposure_date=days_ago(1))
    assert "病例本人" in error.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as error:
        services.add_outside_contact(tracer, case, name="", county="", kind="work", last_exposure_date=days_ago(1))
    assert {"name", "county", "phone"} <= set(error.value.message_dict)


def test_without_a_cadre_doctor_or_site_the_investigator_is_told_which(tracer):
    with pytest.raises(ValidationError) as error:
        services.confirm_contact(tracer, outbreak.case(), person=outbreak.person(), kind="work",
                                 last_exposure_date=days_ago(1))
    assert {"cadre", "doctor", "site"} <= set(error.value.message_dict)
    assert not Contact.objects.exists() and not KeyPerson.objects.exists()


@pytest.mark.parametrize("role, region", [(Role.VILLAGE_WORKER, factories.VILLAGE_A1),
                                          (Role.TOWNSHIP_STAFF, factories.TOWN_A), (Role.DOCTOR, factories.COUNTY),
                                          (Role.SUPERVISOR, factories.COUNTY), (Role.VIEWER, factories.COUNTY),
                                          (Role.CHECKPOINT_STAFF, factories.TOWN_A)])
def test_only_investigators_confirm_contacts(tree, staff, role, region):
    someone = factories.user(f"u_{role}", role, region)
    with pytest.raises(PermissionDenied):
        services.confirm_contact(someone, outbreak.case(), person=outbreak.person(), kind="work",
                                 last_exposure_date=days_ago(1))


def test_an_investigator_of_another_township_cannot_confirm_contacts_of_a_case_outside_it(tree, staff):
    township_hq = factories.user("hq_b", Role.HQ_STAFF, factories.TOWN_B)
    with pytest.raises(PermissionDenied):
        services.confirm_contact(township_hq, outbreak.case(), person=outbreak.person(factories.VILLAGE_B1),
                                 kind="work", last_exposure_date=days_ago(1))


def test_a_contact_reported_as_a_case_through_the_case_report_re_classifies_their_secondary_contacts(tracer, staff):
    """The case report (services.cases.report_case) calls contact_became_case: the whole path, not the call alone."""
    first_case = outbreak.case()
    spouse = outbreak.person(name="密接甲")
    close = services.confirm_contact(tracer, first_case, person=spouse, kind="household",
                                     last_exposure_date=days_ago(3))
    colleague = outbreak.person(name="次密接乙")
    services.confirm_contact(tracer, first_case, person=colleague, kind="work", level="secondary", via=close,
                             last_exposure_date=days_ago(2))
    new_case = case_services.report_case(tracer, person_id=spouse.pk, classification="confirmed", severity="mild",
                                         found_by="contact_screening", reporting_unit="孝昌县人民医院",
                                         diagnosed_at=timezone.now() - datetime.timedelta(hours=1),
                                         onset_date=days_ago(1))
    now_close = Contact.objects.get(case=new_case, person=colleague)
    assert now_close.level == "close" and now_close.key_person.category == "close_contact"
    assert now_close.quarantine.kind == "centralised"
    # the new case's own order as a close contact ended with the report (the case report's rule)
    assert Quarantine.objects.get(pk=close.quarantine_id).status == QuarantineStatus.BECAME_CASE


def test_a_case_reported_by_a_township_doctor_lists_contacts_elsewhere_and_leaves_their_isolation_to_them(
        tracer, staff):
    outbreak.isolation_staff(factories.VILLAGE_B1)
    first_case = outbreak.case()
    spouse = outbreak.person(name="密接甲")
    close = services.confirm_contact(tracer, first_case, person=spouse, kind="household",
                                     last_exposure_date=days_ago(3))
    far = outbreak.person(factories.VILLAGE_B1, name="外镇次密接")
    services.confirm_contact(tracer, first_case, person=far, kind="work", level="secondary", via=close,
                             last_exposure_date=days_ago(2))
    doctor = factories.user("town_doctor", Role.DOCTOR, factories.TOWN_A)
    made = services.contact_became_case(doctor, outbreak.case(spouse))
    assert [c.person_id for c in made] == [far.pk]
    assert made[0].outcome == services.Outcome(ledger="reclassified", isolation="pending")
    assert KeyPerson.objects.get(person=far, status=Status.UNDER_MANAGEMENT).category == "close_contact"
    assert made[0].quarantine is None
    # the home order goes on until the close contact's order starts: nobody is left without one
    assert Quarantine.objects.get(key_person__person=far).status == QuarantineStatus.ACTIVE
