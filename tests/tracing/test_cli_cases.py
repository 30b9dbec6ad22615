"""`fangkong cases`: the case list, one case with its history, a report, a reclassification and an outcome from the
command line; the same services and scoped selectors as the pages, JSON out with numbers masked, exit status 2
on bad input and 1 when the role may not."""



from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.tracing.models import Case
from tests import factories as f
from tests.tracing.cli import refused, run

from . import outbreak
from .case_fixtures import ago, resident_id


def test_report_show_reclassify_and_outcome(epi, capsys):
    number = resident_id()
    made = run(capsys, "cases", "report", "--name", "张三", "--id-number", number, "--region", f.VILLAGE_A1,
               "--classification", "asymptomatic", "--found-by", "contact_screening", "--reporting-unit",
               "孝昌县疾控中心", "--diagnosed-at", ago(4).isoformat(), "--reported-at", ago(1).isoformat(),
               "--user", "epi")
    assert made["late_report"] and made["name"] == "张三" and made["id_number"] != number
    assert [c["to_classification"] for c in made["changes"]] == ["asymptomatic"]
    assert AuditEntry.objects.get(action="case.report").source == "cli"
    again = run(capsys, "cases", "report", "--person", str(made["person_id"]), "--classification", "confirmed",
                "--severity", "mild", "--found-by", "other", "--reporting-unit", "孝昌县人民医院", "--diagnosed-at",
                ago(0.5).isoformat(), "--user", "epi")
    assert again["id"] == made["id"] and Case.objects.count() == 1
    pk = str(made["id"])
    severe = run(capsys, "cases", "reclassify", pk, "--classification", "confirmed", "--severity", "severe",
                 "--reason", "病情加重", "--user", "epi")
    assert severe["severity"] == "severe" and severe["changes"][-1]["reason"] == "病情加重"
    shown = run(capsys, "cases", "show", pk, "--user", "epi")
    assert [c["to_classification"] for c in shown["changes"]] == ["asymptomatic", "confirmed", "confirmed"]
    assert "revealed" not in shown and shown["id_number"] != number
    revealed = run(capsys, "cases", "show", pk, "--reveal", "--user", "epi")
    assert revealed["revealed"]["id_number"] == number
    assert AuditEntry.objects.filter(action="person.reveal", source="cli").count() == 1
    died = run(capsys, "cases", "outcome", pk, "--outcome", "died", "--at", ago(0.1).isoformat(), "--user", "epi")
    assert died["outcome"] == "died" and died["died_at"]
    assert AuditEntry.objects.get(action="case.died").source == "cli"


def test_the_list_by_classification_and_late_report(epi, capsys):
    late = outbreak.case(classification="suspected", late_report=True)
    confirmed = outbreak.case()
    assert [c["id"] for c in run(capsys, "cases", "list", "--user", "epi")["cases"]] == [confirmed.pk, late.pk]
    assert [c["id"] for c in run(capsys, "cases", "list", "--late", "--user", "epi")["cases"]] == [late.pk]
    listed = run(capsys, "cases", "list", "--classification", "confirmed", "--user", "epi")
    assert [c["id"] for c in listed["cases"]] == [confirmed.pk] and listed["next_after"] is None
    assert listed["cases"][0]["phone"] != confirmed.person.phone and "*" in listed["cases"][0]["phone"]


def test_bad_input_exits_2_saying_what_is_wrong(epi):
    bad = refused("cases", "report", "--name", "张三", "--id-number", resident_id(), "--region", f.VILLAGE_A1,
                  "--classification", "probable", "--found-by", "fever_clinic", "--reporting-unit", "x",
                  "--diagnosed-at", "2020-13-40", "--user", "epi")
    assert bad.returncode == 2 and "classification" in str(bad) and "diagnosed_at" in str(bad)
    assert "未知的分类" in str(bad)
    missing = refused("cases", "show", "999999", "--user", "epi")
    assert missing.returncode == 2 and "病例不存在或不在管辖范围内：999999" in str(missing)
    case = outbreak.case()
    wrong = refused("cases", "outcome", str(case.pk), "--outcome", "recovered", "--user", "epi")
    assert wrong.returncode == 2 and "outcome" in str(wrong)
    nobody = refused("cases", "list", "--user", "nobody")
    assert nobody.returncode == 2 and "nobody" in str(nobody)


def test_scope_a_user_who_may_not_is_refused(epi, viewer, capsys):
    case = outbreak.case()
    f.user("town_b_epi", Role.EPIDEMIOLOGIST, f.TOWN_B)
    f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    outside = refused("cases", "show", str(case.pk), "--user", "town_b_epi")
    assert outside.returncode == 2 and "不在管辖范围内" in str(outside)
    assert run(capsys, "cases", "list", "--user", "town_b_epi")["cases"] == []
    assert refused("cases", "list", "--user", "worker").returncode == 1
    write = refused("cases", "reclassify", str(case.pk), "--classification", "excluded", "--reason", "x",
                    "--user", "viewer")
    assert write.returncode == 1 and Case.objects.get(pk=case.pk).classification == "confirmed"
    assert refused("cases", "show", str(case.pk), "--reveal", "--user", "viewer").returncode == 1


def test_update_corrects_what_is_given_and_says_what_is_wrong(epi, capsys):
    case = outbreak.case()
    updated = run(capsys, "cases", "update", str(case.pk), "--reporting-unit", "孝昌县第一人民医院", "--note", "订正报告单位",
                  "--user", "epi")
    assert (updated["reporting_unit"], updated["note"]) == ("孝昌县第一人民医院", "订正报告单位")
    assert updated["found_by"] == case.found_by and updated["classification"] == case.classification
    assert AuditEntry.objects.get(action="case.update").source == "cli"
    bad = refused("cases", "update", str(case.pk), "--found-by", "rumour", "--diagnosed-at", "2020-13-40",
                  "--user", "epi")
    assert bad.returncode == 2 and "found_by" in str(bad) and "diagnosed_at" in str(bad)
    assert Case.objects.get(pk=case.pk).reporting_unit == "孝昌县第一人民医院"
