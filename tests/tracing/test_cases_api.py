"""The case and lab API: every write of the pages, 422 naming each bad field, the same rules."""

import datetime

from django.utils import timezone

from fangkong.audit.models import AuditEntry
from fangkong.tracing.models import Case, LabTest
from tests import factories as f

from .case_fixtures import ago, registered, resident_id

JSON = "application/json"


def post(client, url, body):
    return client.post(url, body, content_type=JSON)


def test_report_reclassify_correct_and_close_a_case(epi, login):
    client = login(epi)
    number = resident_id()
    answer = post(client, "/api/tracing/cases", {
        "name": "张三", "id_number": number, "region_code": f.VILLAGE_A1, "classification": "asymptomatic",
        "found_by": "contact_screening", "reporting_unit": "孝昌县疾控中心",
        "diagnosed_at": ago(4).isoformat(), "reported_at": ago(1).isoformat()})
    assert answer.status_code == 201
    body = answer.json()
    assert body["late_report"] and body["id_number"] != number and body["key_person_id"]
    assert [c["to_classification"] for c in body["changes"]] == ["asymptomatic"]
    case_id = body["id"]
    again = post(client, "/api/tracing/cases", {
        "person_id": body["person_id"], "classification": "confirmed", "severity": "mild", "found_by": "other",
        "reporting_unit": "孝昌县人民医院", "diagnosed_at": ago(0.5).isoformat()})
    assert again.status_code == 201 and again.json()["id"] == case_id and Case.objects.count() == 1
    assert [c["to_classification"] for c in again.json()["changes"]] == ["asymptomatic", "confirmed"]
    patched = client.patch(f"/api/tracing/cases/{case_id}", {"reported_at": ago(3.5).isoformat()}, content_type=JSON)
    assert patched.status_code == 200 and not patched.json()["late_report"]
    severe = post(client, f"/api/tracing/cases/{case_id}/reclassify", {"classification": "confirmed",
                                                                       "severity": "severe", "reason": "病情加重"})
    assert severe.status_code == 200 and severe.json()["severity"] == "severe"
    closed = post(client, f"/api/tracing/cases/{case_id}/outcome", {"outcome": "died", "at": ago(0.1).isoformat()})
    assert closed.status_code == 200 and closed.json()["outcome"] == "died"
    assert client.get("/api/tracing/cases?late=true").json()["cases"] == []
    revealed = post(client, f"/api/tracing/cases/{case_id}/reveal", {})
    assert revealed.json()["id_number"] == number
    assert AuditEntry.objects.filter(action="person.reveal").count() == 1


def test_bad_input_is_answered_422_by_field(epi, login):
    client = login(epi)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    answer = post(client, "/api/tracing/cases", {
        "name": "张三", "id_number": resident_id(), "region_code": f.VILLAGE_A1, "classification": "probable",
        "found_by": "fever_clinic", "reporting_unit": "孝昌县人民医院", "onset_date": tomorrow,
        "diagnosed_at": ago(1).isoformat()})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "未知的分类" in detail["classification"][0] and "将来的日期" in detail["onset_date"][0]
    assert post(client, "/api/tracing/cases", {"person_id": 999999, "classification": "suspected",
                                               "found_by": "other", "reporting_unit": "x",
                                               "diagnosed_at": ago(1).isoformat()}).json()["detail"]["person_id"]
    assert client.get("/api/tracing/cases/999999").status_code == 404


def test_samples_results_and_proposals(epi, login):
    person = registered(epi, "张三")
    client = login(epi)
    made = post(client, "/api/tracing/lab-tests", {"id_number": person.id_number, "lab": "孝昌县疾控中心",
                                                   "sample_number": "HX1", "sampled_at": ago(6).isoformat()})
    assert made.status_code == 201 and made.json()["age_hours"] >= 5.9
    test_id = made.json()["id"]
    assert post(client, "/api/tracing/lab-tests", {"id_number": person.id_number, "lab": "孝昌县疾控中心",
                                                   "sample_number": "HX1", "sampled_at": ago(6).isoformat()}
                ).json()["detail"]["sample_number"]
    assert [t["id"] for t in client.get("/api/tracing/lab-tests").json()["lab_tests"]] == [test_id]
    wrong = post(client, f"/api/tracing/lab-tests/{test_id}/result", {"result": "positive",
                                                                       "result_at": ago(7).isoformat()})
    assert wrong.status_code == 422 and "早于采样时间" in wrong.json()["detail"]["result_at"][0]
    positive = post(client, f"/api/tracing/lab-tests/{test_id}/result", {"result": "positive"})
    assert positive.json()["proposal"] == "pending"
    assert [t["id"] for t in client.get("/api/tracing/lab-tests/proposals").json()["lab_tests"]] == [test_id]
    refused = post(client, f"/api/tracing/lab-tests/{test_id}/proposal/accept", {})
    assert refused.status_code == 422 and "请报告病例" in refused.json()["detail"]["proposal"][0]
    dismissed = post(client, f"/api/tracing/lab-tests/{test_id}/proposal/dismiss", {"reason": "复核阴性"})
    assert dismissed.json()["proposal"] == "dismissed"
    assert LabTest.objects.get().result == "positive"
