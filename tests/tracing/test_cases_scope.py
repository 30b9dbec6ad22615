"""Who sees which case, on the pages and the API: the county's investigation team every case of the county, a
township's doctor their township's, a supervisor reads without reporting, a village worker no case page at all
but the person on their ledger as a case."""

import pytest

from fangkong.accounts.models import Role
from fangkong.tracing.services import cases as services
from fangkong.tracing.services import lab as lab_services
from tests import factories as f

from .case_fixtures import ago, registered


@pytest.fixture
def two_cases(epi):
    """A suspected case in 东岳村 (花园镇) and one in 红旗村 (丰山镇), each with a pending sample."""
    found = {}
    for key, region, name in (("a", f.VILLAGE_A1, "张三"), ("b", f.VILLAGE_B1, "李四")):
        person = registered(epi, name, region)
        found[key] = services.report_case(epi, person_id=person.pk, classification="suspected",
                                          found_by="fever_clinic", reporting_unit="孝昌县人民医院", diagnosed_at=ago(1))
        found[f"test_{key}"] = lab_services.record_sample(epi, person_id=person.pk, lab="县疾控", sampled_at=ago(3))
    return found


def case_ids(client, url="/api/tracing/cases") -> set[int]:
    return {c["id"] for c in client.get(url).json()["cases"]}


def test_the_county_epidemiologist_sees_every_case_of_the_county(epi, two_cases, login):
    client = login(epi)
    assert case_ids(client) == {two_cases["a"].pk, two_cases["b"].pk}
    for key in "ab":
        assert client.get(f"/tracing/cases/{two_cases[key].pk}/").status_code == 200
    tests = {t["id"] for t in client.get("/api/tracing/lab-tests").json()["lab_tests"]}
    assert tests == {two_cases["test_a"].pk, two_cases["test_b"].pk}


def test_a_township_doctor_sees_the_townships_cases_only(doctor_a, two_cases, login):
    client = login(doctor_a)
    a, b = two_cases["a"], two_cases["b"]
    assert case_ids(client) == {a.pk}
    assert client.get(f"/tracing/cases/{a.pk}/").status_code == 200
    assert client.get(f"/tracing/cases/{b.pk}/").status_code == 404
    assert client.get(f"/api/tracing/cases/{b.pk}").status_code == 404
    assert client.post(f"/api/tracing/cases/{b.pk}/reclassify",
                       {"classification": "confirmed", "reason": "阳性"}, content_type="application/json").status_code == 404
    assert client.get(f"/tracing/lab/{two_cases['test_b'].pk}/result/").status_code == 404
    assert client.get(f"/api/tracing/lab-tests/{two_cases['test_b'].pk}").status_code == 404
    assert {t["id"] for t in client.get("/api/tracing/lab-tests").json()["lab_tests"]} == {two_cases["test_a"].pk}


def test_a_supervisor_reads_but_does_not_report(two_cases, login, tree):
    client = login(f.user("duzha", Role.SUPERVISOR, f.COUNTY))
    assert case_ids(client) == {two_cases["a"].pk, two_cases["b"].pk}
    assert client.get("/tracing/cases/report/").status_code == 403
    assert client.post(f"/tracing/cases/{two_cases['a'].pk}/reclassify/", {
        "classification": "confirmed", "reason": "阳性"}).status_code == 403
    assert client.post("/api/tracing/cases", {"person_id": two_cases["a"].person_id, "classification": "confirmed",
                                              "found_by": "other", "reporting_unit": "x"},
                       content_type="application/json").status_code == 403
    assert client.get("/tracing/lab/samples/new/").status_code == 403


def test_a_village_worker_reads_no_case_but_sees_the_person_on_the_ledger_as_a_case(two_cases, login, worker_a1):
    client = login(worker_a1)
    a = two_cases["a"]
    for url in ("/tracing/cases/", f"/tracing/cases/{a.pk}/", "/tracing/lab/", "/tracing/cases/report/"):
        assert client.get(url).status_code == 403, url
    for url in ("/api/tracing/cases", f"/api/tracing/cases/{a.pk}", "/api/tracing/lab-tests"):
        assert client.get(url).status_code == 403, url
    ledger = client.get("/screening/?category=suspected").content.decode()
    assert a.person.name in ledger and "李四" not in ledger  # 红旗村's case is not theirs
    assert client.get(f"/screening/key-persons/{a.key_person_id}/").status_code == 200
