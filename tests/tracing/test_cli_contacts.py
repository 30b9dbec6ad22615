"""`fangkong investigations` and `fangkong contacts`: an investigation's itinerary, its candidates, confirming and
dismissing contacts and the hand-over file from the command line, scoped like the pages, numbers masked, the
hand-over logged as an export; exit status 2 on bad input and 1 when the role may not."""

import datetime

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.tracing.models import Contact
from tests import factories
from tests.audit.xlsx import sheet_rows
from tests.tracing import cases as presences
from tests.tracing import outbreak
from tests.tracing.cli import refused, run


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


@pytest.fixture
def staff(tree):
    return outbreak.isolation_staff(factories.VILLAGE_A1)


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour,
                                                                                                 minutes=minute)


def test_an_investigation_its_candidates_and_contacts(tracer, staff, capsys):
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=2))
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    neighbour = outbreak.person(name="邻居")
    presences.check_in(market, neighbour, at(4, 10, 15))
    opened = run(capsys, "investigations", "open", str(case.pk), "--user", "liudiao")
    assert opened["created"] and opened["case_number"] == case.number and opened["stops"] == []
    inv = str(opened["id"])

    stop = run(capsys, "investigations", "stop-add", inv, "--kind", "place", "--key-place", str(market.pk),
               "--starts-at", timezone.localtime(at(4, 10)).isoformat(), "--ends-at",
               timezone.localtime(at(4, 11)).isoformat(), "--user", "liudiao")
    assert [(s["place_name"], s["region_code"], s["public"]) for s in stop["stops"]] == [
        ("东岳农贸市场", factories.VILLAGE_A1, True)]
    assert AuditEntry.objects.get(action="itinerary.add").source == "cli"
    shown = run(capsys, "investigations", "show", inv, "--user", "liudiao")
    assert shown["stops"] == stop["stops"] and shown["status"] == "open"

    found = run(capsys, "contacts", "candidates", inv, "--user", "liudiao")
    row = next(c for c in found["candidates"] if c["person_id"] == neighbour.pk)
    assert row["sources"] == ["same_place"] and row["reasons"][0]["where"] == "东岳农贸市场"
    assert row["id_number"] != neighbour.id_number and row["phone"] != neighbour.phone
    confirmed = run(capsys, "contacts", "confirm", inv, "--person", str(neighbour.pk), "--kind", row["kind"],
                    "--last-exposure", row["last_exposure_date"], "--source", row["source"], "--user", "liudiao")
    assert confirmed["outcome"] == {"ledger": "created", "isolation": "started"}
    assert confirmed["ledger_category"] == "close_contact" and confirmed["id_number"] != neighbour.id_number
    assert AuditEntry.objects.get(action="contact.confirm").source == "cli"
    someone = outbreak.person()
    dismissed = run(capsys, "contacts", "dismiss", inv, "--person", str(someone.pk), "--source", "same_place",
                    "--note", "未接触", "--user", "liudiao")
    assert dismissed["status"] == "dismissed"
    listed = run(capsys, "contacts", "list", "--level", "close", "--user", "liudiao")
    assert [c["person_id"] for c in listed["items"]] == [neighbour.pk] and listed["next_after"] is None
    assert run(capsys, "contacts", "list", "--outside", "--user", "liudiao")["items"] == []

    incomplete = refused("investigations", "complete", inv, "--user", "liudiao")
    assert incomplete.returncode == 2 and "exposure_kind" in str(incomplete) and "summary" in str(incomplete)
    done = run(capsys, "investigations", "complete", inv, "--exposure-kind", "known_case", "--summary", "接触已知病例。",
               "--user", "liudiao")
    assert done["status"] == "completed" and done["summary"] == "接触已知病例。"


def test_the_handover_file_is_written_and_logged(tracer, staff, capsys, tmp_path):
    case = outbreak.case()
    outbreak.investigation(case)
    outside = Contact.objects.create(case=case, outside_name="钱七", outside_county="大悟县",
                                     outside_phone="13933334444", kind="social", status="confirmed",
                                     last_exposure_date=timezone.localdate())
    out = tmp_path / "大悟县.xlsx"
    written = run(capsys, "contacts", "handover", "--county", "大悟县", "--out", str(out), "--user", "liudiao")
    assert written == {"county": "大悟县", "format": "xlsx", "rows": 1, "file": str(out)}
    assert any("13933334444" in str(v) for row in sheet_rows(out.read_bytes()) for v in row)
    assert AuditEntry.objects.get(action="export", object_type="tracing_handover").source == "cli"
    assert Contact.objects.get(pk=outside.pk).handed_over_at is not None
    nothing = refused("contacts", "handover", "--county", "大悟县", "--out", str(tmp_path / "b.xlsx"),
                      "--user", "liudiao")
    assert nothing.returncode == 2 and "大悟县 没有待发协查函的密接" in str(nothing)
    assert not (tmp_path / "b.xlsx").exists()
    letter = tmp_path / "letter.docx"
    again = run(capsys, "contacts", "handover", "--county", "大悟县", "--format", "docx", "--include-sent",
                "--out", str(letter), "--user", "liudiao")
    assert again["rows"] == 1 and letter.read_bytes()[:2] == b"PK"
    unwritable = refused("contacts", "handover", "--county", "大悟县", "--include-sent", "--out",
                         str(tmp_path / "no" / "such" / "dir.xlsx"), "--user", "liudiao")
    assert unwritable.returncode == 2
    assert AuditEntry.objects.filter(action="export", object_type="tracing_handover").count() == 2


def test_bad_input_exits_2_saying_what_is_wrong(tracer, staff, capsys):
    case = outbreak.case()
    inv = str(outbreak.investigation(case).pk)
    bad = refused("investigations", "stop-add", inv, "--kind", "transport", "--starts-at", "2020-13-40",
                  "--user", "liudiao")
    assert bad.returncode == 2 and all(f in str(bad) for f in ("starts_at", "transport_mode", "transport_number"))
    missing = refused("investigations", "show", "999999", "--user", "liudiao")
    assert missing.returncode == 2 and "流调不存在或不在管辖范围内：999999" in str(missing)
    self_contact = refused("contacts", "confirm", inv, "--person", str(case.person_id), "--kind", "household",
                           "--last-exposure", timezone.localdate().isoformat(), "--user", "liudiao")
    assert self_contact.returncode == 2 and "不能把病例本人列为其密切接触者" in str(self_contact)
    wrong_format = refused("contacts", "handover", "--county", "大悟县", "--format", "pdf", "--user", "liudiao")
    assert wrong_format.returncode == 2 and "未知的文件格式" in str(wrong_format)


def test_scope_a_user_who_may_not_is_refused(tracer, staff, viewer, capsys, tmp_path):
    case = outbreak.case()
    inv = str(outbreak.investigation(case).pk)
    contact = outbreak.contact(case)
    factories.user("town_b_epi", Role.EPIDEMIOLOGIST, factories.TOWN_B)
    factories.user("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    outside = refused("investigations", "show", inv, "--user", "town_b_epi")
    assert outside.returncode == 2 and "不在管辖范围内" in str(outside)
    assert run(capsys, "contacts", "list", "--user", "town_b_epi")["items"] == []
    assert [c["id"] for c in run(capsys, "contacts", "list", "--user", "viewer")["items"]] == [contact.pk]
    assert refused("investigations", "show", inv, "--user", "viewer").returncode == 1
    assert refused("contacts", "candidates", inv, "--user", "viewer").returncode == 1
    assert refused("contacts", "list", "--user", "worker").returncode == 1
    write = refused("contacts", "confirm", inv, "--person", str(outbreak.person().pk), "--kind", "work",
                    "--last-exposure", timezone.localdate().isoformat(), "--user", "viewer")
    assert write.returncode == 1
    assert refused("contacts", "handover", "--county", "大悟县", "--out", str(tmp_path / "x.xlsx"),
                   "--user", "viewer").returncode == 1
    assert not (tmp_path / "x.xlsx").exists()


def test_a_stop_removed_and_a_completed_investigation_reopened(tracer, staff, capsys):
    case = outbreak.case()
    inv = str(outbreak.investigation(case).pk)
    added = run(capsys, "investigations", "stop-add", inv, "--kind", "place", "--place-name", "红旗超市",
                "--starts-at", timezone.localtime(at(3, 9)).isoformat(), "--user", "liudiao")
    stop = str(added["stops"][0]["id"])
    removed = run(capsys, "investigations", "stop-remove", stop, "--user", "liudiao")
    assert removed["id"] == int(inv) and removed["stops"] == []
    assert AuditEntry.objects.get(action="itinerary.remove").source == "cli"
    gone = refused("investigations", "stop-remove", stop, "--user", "liudiao")
    assert gone.returncode == 2 and f"行程不存在或不在管辖范围内：{stop}" in str(gone)
    still_open = refused("investigations", "reopen", inv, "--reason", "新线索", "--user", "liudiao")
    assert still_open.returncode == 2 and "流调尚未完成，无需重新打开" in str(still_open)
    run(capsys, "investigations", "complete", inv, "--exposure-kind", "known_case", "--summary", "接触已知病例。",
        "--user", "liudiao")
    reopened = run(capsys, "investigations", "reopen", inv, "--reason", "新线索", "--user", "liudiao")
    assert reopened["status"] == "open" and reopened["completed_at"] is None
    assert AuditEntry.objects.get(action="investigation.reopen").source == "cli"


def test_contacts_added_by_hand_inside_and_outside_the_county(tracer, staff, capsys):
    from tests.people.ids import resident_id

    case = outbreak.case()
    inv = str(outbreak.investigation(case).pk)
    day = timezone.localdate().isoformat()
    here = run(capsys, "contacts", "add", inv, "--name", "孙八", "--id-number", resident_id(seq="731"), "--region",
               factories.VILLAGE_A1, "--phone", "13800007310", "--kind", "social", "--last-exposure", day,
               "--user", "liudiao")
    assert here["name"] == "孙八" and here["person_id"] and not here["outside_county"]
    assert here["region_code"] == factories.VILLAGE_A1 and here["id_number"] != resident_id(seq="731")
    assert here["outcome"]["ledger"] == "created"
    outside = run(capsys, "contacts", "add", inv, "--name", "钱七", "--outside-county", "大悟县", "--phone",
                  "13933334444", "--kind", "work", "--last-exposure", day, "--user", "liudiao")
    assert outside["outside_county"] == "大悟县" and outside["person_id"] is None
    assert outside["outcome"] == {"ledger": "outside", "isolation": ""}
    assert AuditEntry.objects.filter(action="contact.confirm", source="cli").count() == 2
    no_reach = refused("contacts", "add", inv, "--name", "周九", "--outside-county", "大悟县", "--kind", "work",
                       "--last-exposure", day, "--user", "liudiao")
    assert no_reach.returncode == 2 and "phone: 请至少填写联系电话或证件号码" in str(no_reach)
    mixed = refused("contacts", "add", inv, "--name", "周九", "--outside-county", "大悟县", "--region",
                    factories.VILLAGE_A1, "--phone", "13900000000", "--kind", "work", "--last-exposure", day,
                    "--user", "liudiao")
    assert mixed.returncode == 2 and str(mixed).endswith("：--region")
