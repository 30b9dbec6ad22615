"""The case and lab pages: report, reclassify, correct, close; the lists (late reports, pending results with
their age, proposals decided in one click), masked numbers revealed and logged, the menu."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.forms import moment_text
from fangkong.tracing.models import Case
from fangkong.tracing.services import cases as services
from fangkong.tracing.services import lab as lab_services
from tests import factories as f

from .case_fixtures import HOUR, ago, registered, resident_id


def report(actor, person, **values):
    return services.report_case(actor, person_id=person.pk, **({
        "classification": "suspected", "found_by": "fever_clinic", "reporting_unit": "孝昌县人民医院",
        "diagnosed_at": ago(1)} | values))


def rows(page, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="(\d+)"', page.content.decode())


def test_the_report_form_registers_the_person_and_the_case(epi, login):
    client = login(epi)
    page = client.get("/tracing/cases/report/")
    assert page.status_code == 200 and "报告病例" in page.content.decode()
    number = resident_id()
    answer = client.post("/tracing/cases/report/", {
        "name": "张三", "id_number": number, "region_code": f.VILLAGE_A1, "phone": "13912345678",
        "classification": "confirmed", "severity": "mild", "found_by": "fever_clinic", "reporting_unit": "孝昌县人民医院",
        "onset_date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "diagnosed_at": moment_text(ago(3)), "reported_at": moment_text(ago(0))})
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/tracing/cases/{case.pk}/"
    assert case.late_report and case.person.name == "张三"
    detail = client.get(answer["Location"]).content.decode()
    assert case.number in detail and "超时报告" in detail and number not in detail  # masked


def test_the_report_form_names_each_wrong_field(epi, login):
    page = login(epi).post("/tracing/cases/report/", {
        "name": "张三", "id_number": "123", "region_code": f.VILLAGE_A1, "classification": "suspected",
        "found_by": "fever_clinic", "reporting_unit": "", "diagnosed_at": moment_text(ago(1)),
        "reported_at": moment_text(ago(2))})
    body = page.content.decode()
    assert page.status_code == 400 and Case.objects.count() == 0
    assert "请填写报告单位" in body and "早于诊断时间" in body and "身份证号" in body


def test_a_case_page_reclassifies_corrects_and_closes(epi, login):
    case = report(epi, registered(epi, "张三"), classification="asymptomatic")
    client = login(epi)
    assert client.post(f"/tracing/cases/{case.pk}/reclassify/", {
        "classification": "confirmed", "severity": "moderate", "reason": "出现发热"}).status_code == 302
    page = client.get(f"/tracing/cases/{case.pk}/")
    assert len(rows(page, "data-change")) == 2 and "出现发热" in page.content.decode()
    refused = client.post(f"/tracing/cases/{case.pk}/reclassify/", {"classification": "confirmed",
                                                                      "severity": "moderate", "reason": "x"})
    assert refused.status_code == 400 and "均未改变" in refused.content.decode()
    assert client.get(f"/tracing/cases/{case.pk}/edit/").status_code == 200
    edited = client.post(f"/tracing/cases/{case.pk}/edit/", {
        "found_by": "contact_screening", "reporting_unit": "花园镇卫生院", "diagnosed_at": moment_text(case.diagnosed_at),
        "reported_at": moment_text(case.reported_at), "isolated_at": moment_text(ago(0.5))})
    assert edited.status_code == 302
    case.refresh_from_db()
    assert case.found_by == "contact_screening" and case.isolated_at is not None
    wrong = client.post(f"/tracing/cases/{case.pk}/edit/", {
        "found_by": "contact_screening", "reporting_unit": "花园镇卫生院", "diagnosed_at": moment_text(case.diagnosed_at),
        "reported_at": ""})
    assert wrong.status_code == 400 and "请填写报告时间" in wrong.content.decode()
    assert client.post(f"/tracing/cases/{case.pk}/outcome/", {"outcome": "discharged"}).status_code == 302
    case.refresh_from_db()
    assert case.outcome == "discharged"
    assert 'id="reclassify"' not in client.get(f"/tracing/cases/{case.pk}/").content.decode()


def test_the_list_filters_late_reports_and_reveals_one_row_logged(epi, login):
    now = timezone.now()
    late = report(epi, registered(epi, "张三"), diagnosed_at=now - 5 * HOUR, reported_at=now)
    on_time = report(epi, registered(epi, "李四"))
    client = login(epi)
    page = client.get("/tracing/cases/")
    assert rows(page, "data-case") == [str(on_time.pk), str(late.pk)] and 'class="cards"' in page.content.decode()
    assert rows(client.get("/tracing/cases/?late=1"), "data-case") == [str(late.pk)]
    assert rows(client.get("/tracing/cases/?classification=confirmed"), "data-case") == []
    revealed = client.post("/tracing/cases/reveal/?late=1", {"reveal": late.pk})
    assert late.person.id_number in revealed.content.decode()
    assert on_time.person.id_number not in revealed.content.decode()
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(late.person_id)).count() == 1
    detail = client.post(f"/tracing/cases/{on_time.pk}/reveal/")
    assert on_time.person.id_number in detail.content.decode()


def test_the_lab_list_shows_pending_ages_and_proposals_decided_in_one_click(epi, login):
    person = registered(epi, "张三")
    case = report(epi, person)
    client = login(epi)
    created = client.post("/tracing/lab/samples/new/", {
        "id_number": person.id_number, "kind": "nucleic_acid", "specimen": "throat_swab", "lab": "孝昌县疾控中心",
        "sample_number": "HX1", "sampled_at": moment_text(ago(5)), "result": "pending"})
    assert created.status_code == 302
    page = client.get("/tracing/lab/").content.decode()
    test = case.lab_tests.get()
    assert re.search(rf'data-test="{test.pk}".*?data-age>(4\.9|5\.0)<', page, re.S)
    assert client.post(f"/tracing/lab/{test.pk}/result/", {"result": "positive"}).status_code == 302
    assert f'data-proposal="{test.pk}"' in client.get("/tracing/lab/").content.decode()
    assert f'data-proposal="{test.pk}"' in client.get(f"/tracing/cases/{case.pk}/").content.decode()
    accepted = client.post(f"/tracing/lab/{test.pk}/proposal/accept/")
    assert accepted.status_code == 302 and accepted["Location"] == f"/tracing/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.classification == "confirmed"
    assert "data-proposal" not in client.get("/tracing/lab/").content.decode()


def test_a_positive_without_a_case_links_to_the_report_form_prefilled(epi, login):
    person = registered(epi, "张三")
    test = lab_services.record_sample(epi, person_id=person.pk, lab="孝昌县疾控中心", sampled_at=ago(5),
                                      result="positive", result_at=ago(1))
    client = login(epi)
    assert f"/tracing/cases/report/?lab_test={test.pk}" in client.get("/tracing/lab/").content.decode()
    form = client.get(f"/tracing/cases/report/?lab_test={test.pk}").content.decode()
    assert 'name="id_number"' not in form and person.name in form
    answer = client.post("/tracing/cases/report/", {
        "person": person.pk, "lab_test": test.pk, "classification": "confirmed", "found_by": "active_screening",
        "reporting_unit": "孝昌县疾控中心", "diagnosed_at": moment_text(ago(0.5))})
    assert answer.status_code == 302
    test.refresh_from_db()
    assert test.proposal == "accepted" and test.case.person == person


def test_a_proposal_is_dismissed_with_a_reason(epi, login):
    person = registered(epi, "张三")
    test = lab_services.record_sample(epi, person_id=person.pk, lab="孝昌县疾控中心", sampled_at=ago(5),
                                      result="positive", result_at=ago(1))
    client = login(epi)
    client.post(f"/tracing/lab/{test.pk}/proposal/dismiss/", {"reason": ""})
    test.refresh_from_db()
    assert test.proposal == "pending"
    client.post(f"/tracing/lab/{test.pk}/proposal/dismiss/", {"reason": "实验室复核为假阳性"})
    test.refresh_from_db()
    assert test.proposal == "dismissed"


def test_investigators_get_the_investigation_and_the_notice_draft_from_the_case_page(epi, login):
    case = report(epi, registered(epi, "张三"))
    investigation = reverse("tracing:investigation", args=[case.pk])
    draft = f'{reverse("tracing:notice_new")}?case={case.pk}'
    page = login(epi).get(f"/tracing/cases/{case.pk}/").content.decode()
    assert f'href="{investigation}"' in page and f'href="{draft}"' in page
    assert login(epi).get(draft).status_code == 200
    doctor = f.user("case_doctor", Role.DOCTOR, f.COUNTY)
    page = login(doctor).get(f"/tracing/cases/{case.pk}/").content.decode()
    assert investigation not in page and reverse("tracing:notice_new") not in page


def test_the_menu_offers_the_case_pages_to_those_who_may_read_them(epi, login, worker_a1):
    home = login(epi).get("/").content.decode()
    assert 'data-nav="tracing:cases"' in home and 'data-nav="tracing:lab"' in home
    village = login(worker_a1).get("/").content.decode()
    assert 'data-nav="tracing:cases"' not in village and 'data-nav="tracing:lab"' not in village


def test_the_lists_read_a_fixed_number_of_queries_whatever_their_length(epi, login, fresh_user_each_request):
    client = login(epi)

    def add(n: int) -> None:
        for i in range(n):
            person = registered(epi, f"病人{i}")
            report(epi, person)
            lab_services.record_sample(epi, person_id=person.pk, lab="县疾控", sampled_at=ago(2), result="positive",
                                       result_at=ago(1))

    def queries() -> list[int]:
        found = []
        for url in ("/tracing/cases/", "/tracing/cases/?late=1", "/tracing/lab/", "/tracing/lab/?result=positive",
                    "/api/tracing/cases", "/api/tracing/lab-tests"):
            with CaptureQueriesContext(connection) as context:
                assert client.get(url).status_code == 200
            found.append(len(context))
        return found

    add(1)
    few = queries()
    add(6)
    assert queries() == few
