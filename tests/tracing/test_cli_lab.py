"""`fangkong lab`: a sample recorded, its result, and the pending list from the command line; the same services
and scoped selectors as the pages, JSON out with the number masked, exit status 2 on bad input."""


import pytest
from django.utils import timezone

from fangkong.audit.models import AuditEntry
from fangkong.tracing.models import LabTest
from tests.tracing.cli import refused, run

from .case_fixtures import ago, registered


def test_a_sample_its_result_and_the_lists(epi, capsys):
    person = registered(epi, "张三")
    sampled = timezone.localtime(ago(5)).isoformat()
    recorded = run(capsys, "lab", "sample", "--person", str(person.pk), "--lab", "孝昌县疾控中心", "--sampled-at", sampled,
                   "--sample-number", "s-001", "--user", "epi")
    assert (recorded["sample_number"], recorded["result"], recorded["name"]) == ("S-001", "pending", "张三")
    assert recorded["id_number"] != person.id_number and recorded["age_hours"] == pytest.approx(5, abs=0.1)
    assert AuditEntry.objects.get(action="lab_test.sample").source == "cli"
    pending = run(capsys, "lab", "list", "--user", "epi")
    assert [t["id"] for t in pending["lab_tests"]] == [recorded["id"]] and pending["next_after"] is None
    negative = run(capsys, "lab", "result", str(recorded["id"]), "--result", "negative", "--user", "epi")
    assert negative["result"] == "negative" and negative["result_at"] and negative["age_hours"] is None
    assert AuditEntry.objects.get(action="lab_test.result").source == "cli"
    assert run(capsys, "lab", "list", "--user", "epi")["lab_tests"] == []
    assert [t["id"] for t in run(capsys, "lab", "list", "--result", "all", "--lab", "孝昌县疾控中心",
                                 "--user", "epi")["lab_tests"]] == [recorded["id"]]


def test_bad_input_exits_2_saying_what_is_wrong(epi, capsys):
    person = registered(epi, "张三")
    bad = refused("lab", "sample", "--person", str(person.pk), "--lab", "", "--sampled-at", "2020-13-40",
                  "--specimen", "hair", "--user", "epi")
    assert bad.returncode == 2 and all(field in str(bad) for field in ("lab", "sampled_at", "specimen"))
    assert not LabTest.objects.exists()
    test = LabTest.objects.get(pk=run(capsys, "lab", "sample", "--person", str(person.pk), "--lab", "孝昌县疾控中心",
                                      "--sampled-at", timezone.localtime(ago(2)).isoformat(), "--user", "epi")["id"])
    no_result = refused("lab", "result", str(test.pk), "--result", "pending", "--user", "epi")
    assert no_result.returncode == 2 and "result: 请选择检测结果" in str(no_result)
    missing = refused("lab", "result", "999999", "--result", "negative", "--user", "epi")
    assert missing.returncode == 2 and "检测记录不存在或不在管辖范围内：999999" in str(missing)
    unknown = refused("lab", "list", "--result", "maybe", "--user", "epi")
    assert unknown.returncode == 2 and "maybe" in str(unknown)
