"""Reporting, reclassifying and closing cases through the service: one case per episode, its history, the
2-hour rule, the dates, the ledger and the isolation flow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.quarantine import services as quarantine_services
from fangkong.screening.models import KeyPerson, KeyPersonEvent
from fangkong.tracing.models import Case, CaseChange, Contact
from fangkong.tracing.selectors import cases as selectors
from fangkong.tracing.services import cases as services
from tests import factories as f
from tests.quarantine.helpers import key_person

from . import outbreak
from .case_fixtures import HOUR, ago, registered, resident_id


def report(actor, person=None, **values):
    fields = {"person_id": person.pk} if person is not None else {
        "name": "张三", "id_number": resident_id(), "region_code": f.VILLAGE_A1, "phone": "13912345678"}
    fields |= {"classification": "suspected", "found_by": "fever_clinic", "reporting_unit": "孝昌县人民医院",
               "diagnosed_at": ago(1), "onset_date": timezone.localdate() - datetime.timedelta(days=2)}
    return services.report_case(actor, **(fields | values))


def live(metric: str, region: str = f.COUNTY, day=None) -> int:
    return sum(v for (r, m), v in counters.live(day or timezone.localdate()).items() if r == region and m == metric)


def test_a_report_records_the_person_the_case_its_first_change_and_the_ledger_entry(epi):
    case = report(epi)
    assert case.number.startswith(f"420921-{timezone.localdate().year}-")
    assert case.person.name == "张三" and case.person.region_id == f.VILLAGE_A1
    change = case.changes.get()
    assert (change.from_classification, change.to_classification, change.reason) == ("", "suspected", "报告")
    entry = KeyPerson.objects.get(person=case.person)
    assert (entry.category, entry.status, entry.region_id) == ("suspected", "under_management", f.VILLAGE_A1)
    assert case.key_person == entry
    assert KeyPersonEvent.objects.filter(key_person=entry, kind="case", text__contains=case.number).exists()
    assert AuditEntry.objects.filter(action="case.report", object_id=str(case.pk)).exists()
    assert not case.found_under_management and not case.late_report
    assert live("case_in.suspected") == 1
    assert counters.differences(timezone.localdate()) == {}


def test_reclassification_is_one_case_with_its_history_counted_once(epi):
    case = report(epi, classification="asymptomatic")
    services.reclassify(epi, case, classification="confirmed", severity="mild", reason="出现发热症状")
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert (case.classification, case.severity) == ("confirmed", "mild") and case.confirmed_at is not None
    history = [(c.from_classification, c.to_classification) for c in CaseChange.objects.filter(case=case)]
    assert history == [("", "asymptomatic"), ("asymptomatic", "confirmed")]
    # cumulative confirmed 1, asymptomatic 0: the case moved, it was not counted twice
    assert live("case_in.confirmed") - live("case_moved.confirmed") == 1
    assert live("case_in.asymptomatic") - live("case_moved.asymptomatic") == 0
    assert live("case_reclassified.asymptomatic.confirmed") == 1
    entries = {kp.category: kp.status for kp in KeyPerson.objects.filter(person=case.person)}
    assert entries == {"asymptomatic": "transferred", "confirmed": "under_management"}
    assert case.key_person.category == "confirmed"
    assert counters.differences(timezone.localdate()) == {}


def test_reporting_the_same_person_again_reclassifies_the_open_case(epi):
    case = report(epi)
    again = report(epi, case.person, classification="confirmed", severity="moderate", admitted_at=ago(0.5))
    assert again.pk == case.pk and Case.objects.count() == 1
    assert (again.classification, again.severity) == ("confirmed", "moderate")
    assert again.admitted_at is not None  # an empty date filled in from the second report
    assert [c.reason for c in again.changes.order_by("id")] == ["报告", "再次报告"]


def test_the_same_report_twice_changes_nothing(epi):
    case = report(epi)
    assert report(epi, case.person).pk == case.pk
    assert case.changes.count() == 1


def test_a_report_more_than_two_hours_after_diagnosis_is_late_and_listed(epi):
    now = timezone.now()
    late = report(epi, diagnosed_at=now - 3 * HOUR, reported_at=now - HOUR / 2)
    on_time = report(epi, diagnosed_at=now - 2 * HOUR, reported_at=now)  # exactly two hours: in time
    assert late.late_report and not on_time.late_report
    assert [c.pk for c in selectors.cases_for(epi, late=True)] == [late.pk]
    # counted on the day of the report (yesterday's, just after midnight)
    reported_on = timezone.localdate(late.reported_at)
    assert live("case_late", day=reported_on) == 1
    services.update_case(epi, late, reported_at=late.diagnosed_at + HOUR)  # a typo corrected
    late.refresh_from_db()
    assert not late.late_report and selectors.cases_for(epi, late=True) == []
    assert live("case_late", day=reported_on) == 0
    assert counters.differences(reported_on) == {} and counters.differences(timezone.localdate()) == {}


def test_each_wrong_date_is_named(epi):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        report(epi, onset_date=today + datetime.timedelta(days=1), first_visit_date=today - datetime.timedelta(days=5),
               diagnosed_at=ago(1), reported_at=ago(2), admitted_at=timezone.now() + datetime.timedelta(days=2))
    errors = exc.value.message_dict
    assert "将来的日期" in errors["onset_date"][0]
    assert "报告时间" in errors["reported_at"][0] and "早于诊断时间" in errors["reported_at"][0]
    assert "将来的时间" in errors["admitted_at"][0]
    with pytest.raises(ValidationError) as exc:
        report(epi, onset_date=today - datetime.timedelta(days=1), first_visit_date=today - datetime.timedelta(days=3))
    assert "早于发病日期" in exc.value.message_dict["first_visit_date"][0]
    with pytest.raises(ValidationError) as exc:
        report(epi, diagnosed_at="", classification="excluded", severity="mild", found_by="walk_in", reporting_unit="")
    assert set(exc.value.message_dict) >= {"diagnosed_at", "classification", "found_by", "reporting_unit"}
    assert Case.objects.count() == 0


def test_a_person_under_management_in_isolation_becomes_a_case_and_the_order_ends(epi, policies, tree):
    cadre = f.user("cadre", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("vdoctor", Role.DOCTOR, f.VILLAGE_A1)
    kp = key_person(category="close_contact")
    order = quarantine_services.start_quarantine(cadre, kp, cadre=cadre, doctor=doctor, last_exposure=ago(30),
                                                 kind="home")
    case = report(epi, kp.person)
    assert case.found_under_management
    assert case.isolated_at == order.start_at
    order.refresh_from_db()
    assert order.status == "became_case" and case.number in order.end_reason
    kp.refresh_from_db()
    assert kp.status == "transferred"
    assert KeyPerson.objects.get(person=kp.person, status="under_management").category == "suspected"
    assert counters.differences(timezone.localdate()) == {}


def test_an_admitted_case_leaves_isolation_transferred_to_hospital(epi, policies, tree):
    cadre = f.user("cadre", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("vdoctor", Role.DOCTOR, f.VILLAGE_A1)
    kp = key_person(category="close_contact")
    order = quarantine_services.start_quarantine(cadre, kp, cadre=cadre, doctor=doctor, last_exposure=ago(30),
                                                 kind="home")
    report(epi, kp.person, classification="confirmed", admitted_at=ago(0.2))
    order.refresh_from_db()
    assert order.status == "transferred_to_hospital"


def test_an_excluded_case_ends_its_ledger_entry_and_closes(epi):
    case = report(epi)
    services.reclassify(epi, case, classification="excluded", reason="两次核酸阴性")
    case.refresh_from_db()
    assert case.key_person.status == "released"
    with pytest.raises(ValidationError) as exc:
        services.reclassify(epi, case, classification="suspected", reason="再次发热")
    assert "已排除" in exc.value.message_dict["classification"][0]
    again = report(epi, case.person)  # a new episode
    assert again.pk != case.pk and Case.objects.count() == 2
    assert counters.differences(timezone.localdate()) == {}


def test_unchanged_classification_and_missing_reason_are_refused(epi):
    case = report(epi)
    with pytest.raises(ValidationError) as exc:
        services.reclassify(epi, case, classification="suspected", reason="")
    assert set(exc.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError) as exc:
        services.reclassify(epi, case, classification="suspected", reason="复核")
    assert "均未改变" in exc.value.message_dict["classification"][0]
    with pytest.raises(ValidationError) as exc:
        services.reclassify(epi, case, classification="asymptomatic", severity="severe", reason="复核")
    assert "只有确诊病例" in exc.value.message_dict["severity"][0]


def test_a_death_ends_the_ledger_entry_a_discharge_keeps_it(epi):
    dead = report(epi, classification="confirmed")
    services.record_outcome(epi, dead, outcome="died", at=ago(0.1))
    dead.refresh_from_db()
    assert dead.outcome == "died" and dead.key_person.status == "transferred"
    cured = report(epi, classification="confirmed")
    services.record_outcome(epi, cured, outcome="discharged")
    cured.refresh_from_db()
    assert cured.outcome == "discharged" and cured.key_person.status == "under_management"
    with pytest.raises(ValidationError):
        services.reclassify(epi, cured, classification="asymptomatic", reason="复核")
    assert live("case_died") == 1 and live("case_discharged") == 1
    assert counters.differences(timezone.localdate()) == {}


def test_who_may_report(epi, doctor_a, worker_a1, tree):
    with pytest.raises(PermissionDenied):
        report(worker_a1)
    elsewhere = registered(epi, "李四", f.VILLAGE_B1)
    with pytest.raises(ValidationError) as exc:
        report(doctor_a, elsewhere)  # a doctor of 花园镇, a person of 丰山镇
    assert "不在您的管辖范围内" in exc.value.message_dict["person_id"][0]
    case = report(doctor_a, registered(epi, "王五", f.VILLAGE_A2))
    assert case.region_id == f.VILLAGE_A2
    other = report(epi, elsewhere)
    with pytest.raises(PermissionDenied):
        services.reclassify(doctor_a, other, classification="confirmed", reason="核酸阳性")


def test_a_close_contact_who_becomes_a_case_makes_their_own_secondary_contacts_close(epi, policies):
    first = outbreak.case()
    close = outbreak.contact(first, registered(epi, "张三"), level="close")
    secondary = outbreak.contact(first, level="secondary", via=close)
    outbreak.isolation_staff()
    case = report(epi, close.person)
    became = Contact.objects.get(case=case, person=secondary.person)
    assert (became.level, became.source) == ("close", "contact_of_contact")


def test_an_excluded_case_is_answered(epi):
    case = report(epi)
    assert services.reclassify(epi, case, classification="excluded", reason="排除").classification == "excluded"
