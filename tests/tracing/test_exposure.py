"""Exposure search: edges of the window (|Δt| ≤ 30 min inclusive), check-ins and passages, scope of the
presences, the page, the export and the API. Whom a searcher may search and the masking and reveals:
test_exposure_access.py."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.tracing.selectors import exposure as selectors
from tests import factories
from tests.places.builders import at, checkpoint, passage, person, place, staff, visit

S = datetime.timedelta(seconds=1)
M = datetime.timedelta(minutes=1)


@pytest.fixture
def scene(tree):
    """The subject at a supermarket (town A) at 10:00 two days ago and through a checkpoint (town A) at 15:00;
    others around them, at and just past the window's edges."""
    shop = place("甲超市", factories.VILLAGE_A1)
    other_shop = place("乙市场", factories.VILLAGE_A1, "market")
    gate = checkpoint("花园卡点", factories.TOWN_A)
    subject = person("病例甲", 1, "13800000001")
    t0, t1 = at(10, day=2), at(15, day=2)
    visit(subject, shop, t0)
    passage(subject, gate, t1)
    people = {name: person(name, seq, f"1380000{seq:04d}") for seq, name in enumerate(
        ["正30", "负30", "正30加1秒", "负30加1秒", "同时别处", "卡点扫码", "卡点通行", "卡点远", "早前"], start=10)}
    visit(people["正30"], shop, t0 + 30 * M)
    visit(people["负30"], shop, t0 - 30 * M)
    visit(people["正30加1秒"], shop, t0 + 30 * M + S)
    visit(people["负30加1秒"], shop, t0 - 30 * M - S)
    visit(people["同时别处"], other_shop, t0)
    visit(people["卡点扫码"], gate, t1 + 10 * M)
    passage(people["卡点通行"], gate, t1 - 29 * M)
    passage(people["卡点远"], gate, t1 + 31 * M)
    visit(people["早前"], shop, at(10, day=20))
    visit(subject, shop, at(10, day=20))  # outside the 14 days
    return {"subject": subject, "people": people, "t0": t0, "t1": t1, "shop": shop, "gate": gate}


def names(found) -> set[str]:
    return {c.person.name for c in found.contacts}


def search(user, person, **kwargs):
    """The exposure search as the page and the API run it: the subject through subjects_for."""
    subject, = selectors.subjects_for(user, person_id=person.pk)
    return selectors.exposure_search(user, subject, **kwargs)


def test_window_edges_inclusive_across_check_ins_and_passages(scene):
    hq = staff("hq")
    found = search(hq, scene["subject"])
    assert names(found) == {"正30", "负30", "卡点扫码", "卡点通行"}
    by_name = {c.person.name: c for c in found.contacts}
    assert by_name["正30"].delta_minutes == 30.0 and by_name["负30"].delta_minutes == -30.0
    assert by_name["卡点通行"].source == "passage" and by_name["卡点通行"].kind == "checkpoint"
    assert by_name["卡点扫码"].source == "check_in" and by_name["卡点扫码"].where == "花园卡点"
    assert by_name["正30"].where == "甲超市"
    assert len(found.presences) == 2


def test_window_setting_and_search_window(scene, settings):
    hq = staff("hq")
    settings.FANGKONG_EXPOSURE_WINDOW_MINUTES = 10
    assert names(search(hq, scene["subject"])) == {"卡点扫码"}
    settings.FANGKONG_EXPOSURE_WINDOW_MINUTES = 30
    # a window reaching back 21 days finds the early co-visitor too
    wide = search(hq, scene["subject"], start=at(0, day=21))
    assert "早前" in names(wide)
    # the search window bounds the subject's own presences, inclusive
    only_shop = search(hq, scene["subject"], start=scene["t0"], end=scene["t0"])
    assert names(only_shop) == {"正30", "负30"}


def test_overlapping_presences_merge_and_nearest_delta(scene):
    hq = staff("hq")
    subject, shop = scene["subject"], scene["shop"]
    visit(subject, shop, scene["t0"] + 40 * M)  # back 40 minutes later
    found = search(hq, subject)
    by_name = {c.person.name: c for c in found.contacts}
    assert "正30加1秒" in by_name  # 30 min 1 s after the first visit, 9 min 59 s before the second
    assert by_name["正30加1秒"].delta_minutes == round(-(9 * 60 + 59) / 60, 1)
    assert [c.person.name for c in found.contacts].count("正30") == 1


def test_scope_township_doctor_sees_only_the_township(scene):
    subject = scene["subject"]
    far_shop = place("丙宾馆", factories.VILLAGE_B1, "hotel")
    visit(subject, far_shop, at(9, day=1))
    neighbour = person("丰山邻居", 50, "13800000050", factories.VILLAGE_B1)
    visit(neighbour, far_shop, at(9, 5, day=1))
    hq = staff("hq")
    assert "丰山邻居" in names(search(hq, subject))
    # a doctor of the subject's township reads the presences of the township only
    doctor_a = staff("doca", Role.DOCTOR, factories.TOWN_A)
    assert names(search(doctor_a, subject)) == {"正30", "负30", "卡点扫码", "卡点通行"}
    # the other township's doctor cannot search the subject at all (test_exposure_access.py)
    doctor_b = staff("docb", Role.DOCTOR, factories.TOWN_B)
    assert selectors.subjects_for(doctor_b, person_id=subject.pk) == []
    with pytest.raises(PermissionDenied):
        selectors.subjects_for(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1), person_id=subject.pk)
    with pytest.raises(TypeError):  # no way around subjects_for
        selectors.exposure_search(hq, subject)


def test_page_search_by_number_and_result(scene, login):
    client = login(staff("hq"))
    subject = scene["subject"]
    page = client.post("/tracing/exposure/", {"number": subject.id_number}, follow=True)
    body = page.content.decode()
    assert page.status_code == 200
    for name in ("正30", "负30", "卡点扫码", "卡点通行"):
        assert name in body
    assert "正30加1秒" not in body and "同时别处" not in body
    assert AuditEntry.objects.filter(action="exposure.search", object_id=str(subject.pk)).count() == 1
    by_phone = client.post("/tracing/exposure/", {"number": subject.phone}, follow=True).content.decode()
    assert "卡点通行" in by_phone
    missing = client.post("/tracing/exposure/", {"number": "13999999999"})
    assert missing.status_code == 404 and "未找到该人员" in missing.content.decode()


def test_page_roles(scene, login):
    assert login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)).get(
        "/tracing/exposure/").status_code == 403
    assert login(staff("cp", Role.CHECKPOINT_STAFF, factories.TOWN_A)).get(
        "/tracing/exposure/").status_code == 403
    assert login(staff("doc", Role.DOCTOR, factories.TOWN_A)).get("/tracing/exposure/").status_code == 200


def test_export_contact_list(scene, login):
    hq = factories.user("hq", display_name="总指挥")
    client = login(hq)
    subject = scene["subject"]
    response = client.get("/tracing/exposure/export/", {"person": subject.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        text = book.read("xl/sharedStrings.xml").decode()
    contact = scene["people"]["正30"]
    for expected in ("正30", "卡点通行", "总指挥", "导出时间", identity.mask_phone(contact.phone),
                     identity.mask_id(contact.id_number)):
        assert expected in text
    assert "正30加1秒" not in text
    # masked for every role, headquarters included: a reveal is one person at a time, on the page or the API
    for person_ in (subject, *scene["people"].values()):
        assert person_.phone not in text and person_.id_number not in text
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "exposure_contacts" and entry.after["rows"] == 4
    assert entry.after["filters"]["numbers"] == "masked"
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_api(scene, login):
    client = login(staff("hq"))
    subject = scene["subject"]
    body = client.get("/api/tracing/exposure", {"person_id": subject.pk}).json()
    assert {c["name"] for c in body["contacts"]} == {"正30", "负30", "卡点扫码", "卡点通行"}
    assert body["window_minutes"] == 30 and body["presences"] == 2
    by_number = client.post("/api/tracing/exposure", {"number": subject.id_number}, content_type="application/json")
    assert by_number.json()["persons"] == 4 and by_number.json()["person_id"] == subject.pk
    assert client.post("/api/tracing/exposure", {"number": "13999999999"},
                       content_type="application/json").status_code == 404
    by_id = client.post("/api/tracing/exposure", {"person_id": subject.pk}, content_type="application/json").json()
    assert by_id["contacts"] == body["contacts"]
    # an ID number or phone never in an address: refused on GET, whatever it is; nothing searched, nothing logged
    searches = AuditEntry.objects.filter(action__startswith="exposure").count()
    for number in (subject.id_number, subject.phone, "13999999999"):
        refused = client.get("/api/tracing/exposure", {"number": number, "person_id": subject.pk})
        assert refused.status_code == 422 and "POST" in refused.json()["detail"]["number"][0]
    assert AuditEntry.objects.filter(action__startswith="exposure").count() == searches
    for asked in (client.get("/api/tracing/exposure"),
                  client.post("/api/tracing/exposure", {"number": "  "}, content_type="application/json")):
        assert asked.status_code == 422 and "person_id" in asked.json()["detail"]
    worker = login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1))
    assert worker.get("/api/tracing/exposure", {"person_id": subject.pk}).status_code == 403


def test_page_days_and_bad_days(scene, login):
    client = login(staff("hq"))
    subject = scene["subject"]
    day = scene["t0"].date().isoformat()
    narrow = client.get("/tracing/exposure/", {"person": subject.pk, "start": day, "end": day}).content.decode()
    assert "卡点通行" in narrow  # the passage is the same day
    before = (scene["t0"].date() - datetime.timedelta(days=1)).isoformat()
    empty = client.get("/tracing/exposure/", {"person": subject.pk, "start": before, "end": before})
    assert "未发现时空伴随人员" in empty.content.decode()
    wrong = client.get("/tracing/exposure/", {"person": subject.pk, "start": day, "end": before})
    assert "开始日期不能晚于结束日期" in wrong.content.decode()
