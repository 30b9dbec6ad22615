"""A ledger row naming a person the importer may not change is held for review (people.reviews), like the
registration form's: the import neither refuses the row nor says where the person is registered."""

import json

from django.urls import reverse

from fangkong.accounts import services as account_services
from fangkong.people.models import Person, RegistrationReview
from fangkong.screening.models import KeyPerson
from tests import factories
from tests.people.ids import resident_id

from .builders import key_person
from .workbooks import xlsx

NEW = resident_id("19800101", "123")
HEADER = ["姓名", "身份证号", "手机", "来自何地", "类别"]


def workbook(tmp_path, *rows):
    return xlsx(tmp_path / "台账.xlsx", {"返乡": [HEADER, *rows]})


def api_upload(client, user, path, **fields):
    token = account_services.create_token(user, user, "test")
    with open(path, "rb") as handle:
        return client.post("/api/ledger/import", {"file": handle, **fields}, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_row_of_a_person_registered_elsewhere_is_held_not_refused(client, tmp_path, village_worker):
    elsewhere = key_person("王秘密", "777", factories.VILLAGE_B1, origin="温州").person
    path = workbook(tmp_path, ["张三", NEW, "13812345678", "武汉", "返乡"],
                    ["王某", elsewhere.id_number, "13912345678", "武汉", "返乡"])

    response = api_upload(client, village_worker, path, region=factories.VILLAGE_A1)

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["pending"], body["errors"], body["written"]) == (1, 1, [], True)
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("王秘密", "红旗村", "丰山镇", "管辖范围", "在管"):
        assert secret not in text
    elsewhere.refresh_from_db()
    assert (elsewhere.name, elsewhere.region_id, Person.objects.count()) == ("王秘密", factories.VILLAGE_B1, 2)
    review = RegistrationReview.objects.get()
    assert (review.person, review.kind, review.submitted_by) == (elsewhere, "key_person", village_worker)
    assert review.submission["name"] == "王某" and review.submission["phone"] == "13912345678"


def test_a_row_whose_open_entry_is_held_by_another_village_is_held(tmp_path, village_worker, login):
    kp = key_person("王五", "778", factories.VILLAGE_A2, origin="温州")
    Person.objects.filter(pk=kp.person_id).update(region_id=factories.VILLAGE_A1)  # lives here now
    path = workbook(tmp_path, ["王五", kp.person.id_number, "13812345678", "武汉", "返乡"])

    with open(path, "rb") as handle:
        response = login(village_worker).post(reverse("ledger:import"), {"file": handle, "region": factories.VILLAGE_A1})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="pending">1<' in html and "桃园村" not in html
    kp.refresh_from_db()
    assert (kp.region_id, kp.origin) == (factories.VILLAGE_A2, "温州")
    assert RegistrationReview.objects.get().review_region_id == factories.TOWN_A


def test_a_file_of_held_rows_only_is_written_as_held(tmp_path, village_worker):
    from fangkong.ledger import services
    elsewhere = key_person("王秘密", "777", factories.VILLAGE_B1).person
    path = workbook(tmp_path, ["王某", elsewhere.id_number, "13912345678", "武汉", "返乡"])
    result = services.import_ledger(village_worker, path, filename="台账.xlsx", region_code=factories.VILLAGE_A1)
    assert (result.written, result.pending, result.errors) == (True, 1, [])
    assert KeyPerson.objects.count() == 1


def test_a_refused_file_holds_nothing(tmp_path, village_worker):
    from fangkong.ledger import services
    elsewhere = key_person("王秘密", "777", factories.VILLAGE_B1).person
    path = workbook(tmp_path, ["王某", elsewhere.id_number, "13912345678", "武汉", "返乡"],
                    ["张三", NEW, "138", "武汉", "返乡"])
    result = services.import_ledger(village_worker, path, filename="台账.xlsx", region_code=factories.VILLAGE_A1)
    assert not result.written and result.pending == 0
    assert not RegistrationReview.objects.exists()
