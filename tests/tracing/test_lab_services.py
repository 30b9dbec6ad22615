"""Lab tests through the service: samples, results, what a positive result proposes, the pending list with its
age, and the isolation order's release by the policy's test rule."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.models import NucleicAcidTest, QuarantinePolicy
from fangkong.tracing.models import Case, LabTest
from fangkong.tracing.selectors import cases as case_selectors
from fangkong.tracing.selectors import lab as selectors
from fangkong.tracing.services import cases as case_services
from fangkong.tracing.services import lab as services
from tests import factories as f
from tests.quarantine.helpers import key_person

from .case_fixtures import ago, registered, resident_id


def sample(actor, person, **values):
    return services.record_sample(actor, person_id=person.pk, **({"lab": "孝昌县疾控中心", "sampled_at": ago(5)}
                                                                 | values))


def suspected(actor, person) -> Case:
    return case_services.report_case(actor, person_id=person.pk, classification="suspected", found_by="fever_clinic",
                                     reporting_unit="孝昌县人民医院", diagnosed_at=ago(6))


def test_a_pending_sample_is_listed_with_its_age_in_scope(epi, doctor_a):
    mine = sample(epi, registered(epi, "张三"), sample_number="s-001")
    other = sample(epi, registered(epi, "李四", f.VILLAGE_B1), sampled_at=ago(30))
    assert mine.sample_number == "S-001" and mine.result == "pending"
    rows = selectors.lab_tests_for(epi)
    assert [t.pk for t in rows] == [mine.pk, other.pk]
    assert rows[0].age_hours == pytest.approx(5, abs=0.1) and rows[1].age_hours == pytest.approx(30, abs=0.1)
    assert [t.pk for t in selectors.lab_tests_for(doctor_a)] == [mine.pk]  # 花园镇's doctor: 花园镇's tests
    services.record_result(epi, mine, result="negative")
    assert [t.pk for t in selectors.lab_tests_for(epi)] == [other.pk]


def test_the_same_sample_number_of_a_lab_is_refused(epi):
    person = registered(epi, "张三")
    sample(epi, person, sample_number="S1")
    with pytest.raises(ValidationError) as exc:
        sample(epi, person, sample_number="s1")
    assert "已登记" in exc.value.message_dict["sample_number"][0]
    sample(epi, person, sample_number="S1", lab="孝感市第一人民医院")  # another lab's numbers are its own


def test_bad_values_are_named(epi):
    with pytest.raises(ValidationError) as exc:
        services.record_sample(epi, id_number=resident_id(), lab="", sampled_at=timezone.now().replace(year=2099),
                               kind="pcr", result="positive", result_at=ago(1))
    errors = exc.value.message_dict
    assert "未找到该证件号码登记的人员" in errors["id_number"][0]
    assert set(errors) >= {"lab", "sampled_at", "kind"}
    person = registered(epi, "张三")
    with pytest.raises(ValidationError) as exc:
        sample(epi, person, result="positive", result_at=ago(6))
    assert "早于采样时间" in exc.value.message_dict["result_at"][0]


def test_a_positive_result_of_a_person_without_a_case_proposes_one_until_the_case_is_reported(epi):
    person = registered(epi, "张三")
    test = services.record_result(epi, sample(epi, person), result="positive")
    assert test.proposal == "pending" and Case.objects.count() == 0  # proposed, not decided
    assert [t.pk for t in selectors.proposals_for(epi)] == [test.pk]
    case = case_services.report_case(epi, person_id=person.pk, classification="confirmed", found_by="active_screening",
                                     reporting_unit="孝昌县疾控中心", diagnosed_at=ago(1))
    test.refresh_from_db()
    assert test.proposal == "accepted" and test.case == case
    assert selectors.proposals_for(epi) == []


def test_a_positive_result_of_a_suspected_case_is_accepted_in_one_click(epi):
    person = registered(epi, "张三")
    case = suspected(epi, person)
    test = services.record_result(epi, sample(epi, person), result="positive")
    assert test.proposal == "pending" and test.case == case
    assert [t.pk for t in case_selectors.proposals_of(case)] == [test.pk]
    services.accept_proposal(epi, test)
    case.refresh_from_db()
    test.refresh_from_db()
    assert case.classification == "confirmed" and test.proposal == "accepted"
    assert "阳性" in case.changes.order_by("-id").first().reason


def test_a_proposal_dismissed_stays_dismissed(epi):
    person = registered(epi, "张三")
    test = services.record_result(epi, sample(epi, person, kind="antibody", specimen="blood"), result="positive")
    with pytest.raises(ValidationError):
        services.dismiss_proposal(epi, test, reason="")
    services.dismiss_proposal(epi, test, reason="既往感染的抗体")
    test.refresh_from_db()
    assert test.proposal == "dismissed" and selectors.proposals_for(epi) == []
    with pytest.raises(ValidationError):
        services.accept_proposal(epi, test)


def test_a_positive_result_of_a_confirmed_case_proposes_nothing(epi):
    person = registered(epi, "张三")
    case_services.report_case(epi, person_id=person.pk, classification="confirmed", found_by="fever_clinic",
                              reporting_unit="孝昌县人民医院", diagnosed_at=ago(6))
    assert services.record_result(epi, sample(epi, person), result="positive").proposal == ""


def test_an_isolated_person_is_released_by_the_labs_negative_result_under_the_policys_rule(epi, policies, tree):
    QuarantinePolicy.objects.filter(category="close_contact").update(release_needs_negative_tests=True)
    cadre = f.user("cadre", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("vdoctor", Role.DOCTOR, f.VILLAGE_A1)
    kp = key_person(category="close_contact")
    order = quarantine_services.start_quarantine(cadre, kp, cadre=cadre, doctor=doctor, kind="home",
                                                 last_exposure=ago(24 * 15), planned_end=ago(0.5),
                                                 planned_end_reason="政策期满", start_at=ago(3))
    for slot in order.follow_ups.filter(status="due", due_at__lt=timezone.now()):
        quarantine_services.excuse_follow_up(cadre, slot, reason="电话无人接听")
    with pytest.raises(ValidationError) as exc:
        quarantine_services.release_quarantine(cadre, order, reason="期满")
    assert set(exc.value.message_dict) == {"tests"}
    test = sample(epi, kp.person, sampled_at=ago(2))  # an epidemiologist records the lab's result
    services.record_result(epi, test, result="negative")
    assert NucleicAcidTest.objects.get(quarantine=order).result == "negative"
    quarantine_services.release_quarantine(cadre, order, reason="期满")
    order.refresh_from_db()
    assert order.status == "released"


def test_who_may_record(epi, worker_a1, doctor_a):
    person = registered(epi, "张三", f.VILLAGE_B1)
    with pytest.raises(PermissionDenied):
        sample(worker_a1, person)
    with pytest.raises(ValidationError) as exc:
        sample(doctor_a, person)
    assert "不在您的管辖范围内" in exc.value.message_dict["person_id"][0]
    test = sample(epi, person)
    with pytest.raises(PermissionDenied):
        services.record_result(doctor_a, test, result="negative")
    assert LabTest.objects.count() == 1
