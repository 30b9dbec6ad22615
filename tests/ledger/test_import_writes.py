"""What an import writes: all or nothing, only the valid rows on request, updates instead of twins."""

import datetime
import json

from fangkong.analytics import counters
from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from fangkong.ledger import services
from fangkong.people.models import Person, RegistrationReview
from fangkong.screening.models import KeyPerson, KeyPersonEvent
from tests import factories
from tests.people.ids import resident_id

from .workbooks import xlsx

TODAY = datetime.date(2020, 2, 5)
HEADER = ["序号", "姓名", "身份证号", "联系电话", "抵达日期", "来自何地", "类别"]
A, B, C = (resident_id("19800101", s) for s in ("101", "102", "103"))


def ledger(path, rows, name="台账"):
    return xlsx(path, {name: [HEADER, *rows]})


def run(user, path, region=factories.VILLAGE_A1, **options):
    return services.import_ledger(user, path, filename=path.name, region_code=region, today=TODAY, **options)


def snapshot():
    return (Person.objects.count(), KeyPerson.objects.count(), KeyPersonEvent.objects.count(),
            AuditEntry.objects.count(), sorted(DailyCounter.objects.values_list("region_id", "metric", "value")))


def test_one_bad_row_and_nothing_is_written(tmp_path, village_worker):
    factories.region(factories.VILLAGE_A1)
    before = snapshot()
    path = ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"],
                                        [2, "李四", B, "138", "2020-01-23", "武汉", "返乡"],
                                        [3, "王五", C, "13812345670", "2020-01-24", "武汉", "返乡"]])
    result = run(village_worker, path)
    assert (result.written, result.created, len(result.errors)) == (False, 0, 1)
    assert snapshot() == before


def test_keep_valid_writes_exactly_the_valid_rows(tmp_path, village_worker):
    path = ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"],
                                        [2, "李四", B, "138", "2020-01-23", "武汉", "返乡"],
                                        [3, "王五", C, "13812345670", "2020-01-24", "武汉", "返乡"]])
    result = run(village_worker, path, keep_valid=True)
    assert result.as_dict() == {"rows_read": 3, "created": 2, "updated": 0, "duplicates": 0, "pending": 0, "written": True,
                                "errors": [result.errors[0]], "error_count": 1,
                                "error_columns": [{"column": "联系电话", "count": 1}], "stopped": False, "checks": 0,
                                "ignored_columns": [], "skipped_sheets": [], "sheet_dates": [{"sheet": "台账", "date": "2020-02-05"}]}
    assert (result.errors[0]["row"], result.errors[0]["column"]) == (3, "联系电话")
    assert set(Person.objects.values_list("name", flat=True)) == {"张三", "王五"}
    assert set(KeyPerson.objects.values_list("person__name", "category", "region_id")) == {
        ("张三", "returnee", factories.VILLAGE_A1), ("王五", "returnee", factories.VILLAGE_A1)}
    assert KeyPersonEvent.objects.filter(kind="registered").count() == 2


def test_counters_timeline_and_audit_of_an_import(tmp_path, village_worker):
    path = ledger(tmp_path / "东岳村.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"],
                                           [2, "李四", B, "13812345679", "2020-01-23", "武汉", "发热"]])
    run(village_worker, path)
    codes = [factories.VILLAGE_A1, factories.TOWN_A, factories.COUNTY]
    figures = counters.figures(codes, TODAY)
    for code in codes:
        assert figures[code]["kp_new.returnee"] == 1 and figures[code]["kp_in.fever"] == 1
    kp = KeyPerson.objects.get(person__name="张三")
    event = KeyPersonEvent.objects.get(key_person=kp)
    assert (event.kind, event.actor) == ("registered", village_worker)
    assert "疫区返乡人员" in event.text
    # the people and entries the file created: listed by id in one entry per region, with who and when
    entry = AuditEntry.objects.get(action="person.import")
    assert (entry.source, entry.actor, entry.region_id, entry.object_type) == (
        "import", village_worker, factories.VILLAGE_A1, "person")
    assert entry.after["file"] == "东岳村.xlsx"
    assert sorted(entry.after["persons"]) == sorted(Person.objects.values_list("id", flat=True))
    assert sorted(entry.after["key_persons"]) == sorted(KeyPerson.objects.values_list("id", flat=True))
    assert kp.person_id in entry.after["persons"] and kp.pk in entry.after["key_persons"]
    assert "新建2人、台账2条" in entry.object_repr
    assert not AuditEntry.objects.filter(action="person.create").exists()
    summary = AuditEntry.objects.get(action="ledger.import")
    assert (summary.object_repr, summary.region_id, summary.source) == ("东岳村.xlsx", factories.VILLAGE_A1, "import")
    assert (summary.after["created"], summary.after["rows_read"]) == (2, 2)
    trail = json.dumps(list(AuditEntry.objects.values("before", "after")), ensure_ascii=False)
    assert A not in trail and B not in trail and "13812345678" not in trail  # masked only


def test_a_county_import_lists_what_it_created_in_each_village_audit_page(tmp_path, hq, login):
    path = xlsx(tmp_path / "县台账.xlsx", {"台账": [[*HEADER, "村"],
                                                [1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡", factories.VILLAGE_A1],
                                                [2, "李四", B, "13812345679", "2020-01-23", "武汉", "返乡", factories.VILLAGE_A2]]})
    assert run(hq, path, region=factories.COUNTY).written
    entries = {e.region_id: e for e in AuditEntry.objects.filter(action="person.import")}
    assert set(entries) == {factories.VILLAGE_A1, factories.VILLAGE_A2}
    for code, entry in entries.items():
        person = Person.objects.get(region_id=code)
        assert entry.after["persons"] == [person.pk]
        assert entry.after["key_persons"] == [KeyPerson.objects.get(person=person).pk]
    page = login(hq).get("/audit/", {"action": "person.import", "region": factories.VILLAGE_A2})
    assert page.status_code == 200
    text = page.content.decode()
    assert "新建1人、台账1条" in text and str(Person.objects.get(region_id=factories.VILLAGE_A2).pk) in text


def test_reimport_updates_instead_of_creating_twins(tmp_path, village_worker):
    rows = [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"],
            [2, "李四", B, "13812345679", "2020-01-23", "武汉", "返乡"]]
    first = run(village_worker, ledger(tmp_path / "a.xlsx", rows))
    assert (first.created, first.updated) == (2, 0)
    audit_count, counter_rows = AuditEntry.objects.count(), snapshot()[4]
    again = run(village_worker, ledger(tmp_path / "b.xlsx", rows))
    assert again.as_dict() == {"rows_read": 2, "created": 0, "updated": 2, "duplicates": 0, "pending": 0, "errors": [],
                               "error_count": 0, "error_columns": [], "stopped": False, "written": True, "checks": 0,
                               "ignored_columns": [], "skipped_sheets": [], "sheet_dates": [{"sheet": "台账", "date": "2020-02-05"}]}
    assert (Person.objects.count(), KeyPerson.objects.count()) == (2, 2)
    assert snapshot()[4] == counter_rows  # nothing changed, the figures did not move
    assert AuditEntry.objects.count() == audit_count + 1  # the summary only: no person changed

    changed = [[1, "张三", A, "", "2020-01-24", "孝感", "返乡"]]  # a new arrival date; an empty phone cell
    third = run(village_worker, ledger(tmp_path / "c.xlsx", changed))
    assert (third.created, third.updated) == (0, 1)
    kp = KeyPerson.objects.get(person__name="张三")
    assert (kp.arrival_date, kp.origin, kp.person.phone) == (datetime.date(2020, 1, 24), "孝感", "13812345678")
    event = KeyPersonEvent.objects.filter(key_person=kp).latest("id")
    assert event.kind == "updated" and "抵达日期" in event.text
    update = AuditEntry.objects.filter(action="person.update").latest("id")
    assert update.after["ledger"][0]["changed"] == {"origin": "孝感", "arrival_date": "2020-01-24"}


def test_rows_of_a_person_already_known_update_them(tmp_path, village_worker):
    person = Person.objects.create(name="张三", id_number=A, id_digest=_digest(A), region_id=factories.VILLAGE_A1,
                                   phone="13700000000", address="老地址", sex="male",
                                   birth_date=datetime.date(1980, 1, 1))
    run(village_worker, ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"]]))
    person.refresh_from_db()
    assert Person.objects.count() == 1
    assert (person.phone, person.address) == ("13812345678", "老地址")
    assert KeyPerson.objects.get().person == person
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.before["phone"] == "137****0000" and set(entry.before) <= {"phone", "phone_ref"}
    assert entry.after["phone"] == "138****5678"


def test_a_village_ledger_keeps_a_known_person_in_their_grid_as_a_registration_does(tmp_path, village_worker):
    person = Person.objects.create(name="张三", id_number=A, id_digest=_digest(A), region_id=factories.GRID_A1,
                                   sex="male", birth_date=datetime.date(1980, 1, 1))
    run(village_worker, ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"]]))
    person.refresh_from_db()
    assert (person.region_id, person.phone) == (factories.GRID_A1, "13812345678")
    assert KeyPerson.objects.get().region_id == factories.VILLAGE_A1


def test_duplicates_inside_the_file_are_reported_with_both_rows(tmp_path, village_worker):
    path = xlsx(tmp_path / "dup.xlsx", {
        "一组": [HEADER, [1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"],
                 [2, "李四", B, "13812345679", "2020-01-23", "武汉", "返乡"],
                 [3, "张三", A.lower(), "13812345678", "2020-01-23", "武汉", "返乡"]],
        "二组": [HEADER, [1, "张三", A, "13812345678", "2020-01-23", "武汉", "疫区返乡人员"],
                 [2, "张三", A, "13812345678", "2020-01-23", "武汉", "发热"]],  # another category: not a duplicate
    })
    result = run(village_worker, path)
    assert (result.written, result.duplicates) == (False, 2)
    assert [(e["sheet"], e["row"], e["column"]) for e in result.errors] == [("一组", 4, "身份证号"), ("二组", 2, "身份证号")]
    assert "与第2行重复" in result.errors[0]["reason"]
    assert "与工作表“一组”第2行重复" in result.errors[1]["reason"]
    assert Person.objects.count() == 0

    kept = run(village_worker, path, keep_valid=True)
    assert (kept.written, kept.created, kept.duplicates) == (True, 2, 2)
    assert sorted(KeyPerson.objects.values_list("person__name", "category")) == [
        ("张三", "fever"), ("张三", "returnee"), ("李四", "returnee")]


def test_a_person_registered_outside_the_scope_is_not_taken_over_but_held_for_review(tmp_path, village_worker):
    Person.objects.create(name="张三", id_number=A, id_digest=_digest(A), region_id=factories.VILLAGE_B1)
    result = run(village_worker, ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉",
                                                              "返乡"]]))
    assert result.written and (result.pending, result.created, result.updated, result.errors) == (1, 0, 0, [])
    assert Person.objects.get().region_id == factories.VILLAGE_B1 and not KeyPerson.objects.exists()
    review = RegistrationReview.objects.get()
    assert (review.kind, review.region_id, review.review_region_id) == ("key_person", factories.VILLAGE_A1,
                                                                        factories.COUNTY)
    assert review.submission["category"] == "returnee" and review.submission["origin"] == "武汉"


def test_township_import_needs_a_village_per_row(tmp_path, tree):
    town = factories.user("town_a", "township_staff", factories.TOWN_A)
    path = xlsx(tmp_path / "town.xlsx", {"台账": [["姓名", "身份证号", "村"], ["张三", A, ""], ["李四", B, "桃园村"]]})
    result = services.import_ledger(town, path, filename="town.xlsx", region_code=factories.TOWN_A,
                                    category="returnee", today=TODAY, keep_valid=True)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "村")]
    assert "须填写所属村" in result.errors[0]["reason"]
    assert KeyPerson.objects.get().region_id == factories.VILLAGE_A2


def _digest(number):
    from fangkong.people import identity
    return identity.digest("resident_id", number)


def test_a_phone_changed_only_where_the_mask_hides_it_is_saved_and_audited(tmp_path, village_worker):
    run(village_worker, ledger(tmp_path / "a.xlsx", [[1, "张三", A, "13812345678", "2020-01-23", "武汉", "返乡"]]))
    run(village_worker, ledger(tmp_path / "b.xlsx", [[1, "张三", A, "13899995678", "2020-01-23", "武汉", "返乡"]]))
    person = Person.objects.get()
    assert person.phone == "13899995678"
    assert person.phone_digest != "" and person.phone_digest == _phone_digest("13899995678")
    entry = AuditEntry.objects.filter(action="person.update").get()
    # the masked values are equal; the digest references show that the number changed
    assert entry.before["phone"] == entry.after["phone"] == "138****5678"
    assert entry.before["phone_ref"] != entry.after["phone_ref"]
    assert "13899995678" not in str(entry.after)
    assert entry.after["ledger"] == [{"category": "returnee", "key_person": KeyPerson.objects.get().pk}]


def _phone_digest(number):
    from fangkong.people import identity
    return identity.digest("phone", number)
