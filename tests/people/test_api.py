import json

import pytest

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id

API = "/api/people"


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_STAFF)


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


@pytest.fixture
def mine(hq):
    return builders.person(hq, factories.VILLAGE_A1, "张三", number=resident_id(seq="101"), phone="13812345678")


@pytest.fixture
def theirs(hq):
    return builders.person(hq, factories.VILLAGE_B1, "李四", number=resident_id(seq="102"))


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_registration_creates_then_updates(login, worker):
    client = login(worker)
    number = resident_id("19850505", "222")
    body = {"name": "王五", "id_number": number, "region_code": factories.VILLAGE_A1, "phone": "13700001111"}
    response = post(client, API, body)
    assert response.status_code == 201
    data = response.json()
    assert data["created"] and data["person"]["id_number_masked"] == identity.mask_id(number)
    assert data["person"]["phone_masked"] == "137****1111" and data["person"]["birth_date"] == "1985-05-05"
    assert number not in response.content.decode()
    response = post(client, API, {"name": "王五", "id_number": number.lower(), "region_code": factories.VILLAGE_A1,
                                  "address": "东岳村5组"})
    assert response.status_code == 200 and not response.json()["created"]
    assert Person.objects.count() == 1 and Person.objects.get().address == "东岳村5组"


def test_validation_errors_are_422_per_field(login, worker):
    response = post(login(worker), API, {"name": "", "id_number": "420921198505052220",
                                         "region_code": factories.VILLAGE_B1, "phone": "123"})
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"name", "id_number", "region", "phone"}


def test_list_search_and_keyset(login, hq, mine, theirs):
    client = login(hq)
    first = client.get(API, {"limit": 1}).json()  # by region code: village A1 before B1
    assert [p["id"] for p in first["items"]] == [mine.pk] and first["next_after"]
    second = client.get(API, {"limit": 1, "after": first["next_after"]}).json()
    assert [p["id"] for p in second["items"]] == [theirs.pk] and second["next_after"] is None
    found = client.post(f"{API}/search", {"q": "13812345678"}, content_type="application/json").json()["items"]
    assert [p["id"] for p in found] == [mine.pk]


def test_scope_everything_out_of_scope_is_404(login, worker, mine, theirs):
    client = login(worker)
    assert [p["id"] for p in client.get(API).json()["items"]] == [mine.pk]
    assert client.post(f"{API}/search", {"q": theirs.id_number},
                       content_type="application/json").json()["items"] == []
    assert client.get(f"{API}/{theirs.pk}").status_code == 404
    assert patch(client, f"{API}/{theirs.pk}", {"name": "x"}).status_code == 404
    assert client.post(f"{API}/{theirs.pk}/reveal").status_code == 404
    assert post(client, f"{API}/merge", {"keep_id": mine.pk, "other_id": theirs.pk}).status_code == 404
    assert Person.objects.get(pk=theirs.pk).name == "李四"


def test_update_sends_only_changed_fields(login, worker, mine):
    client = login(worker)
    response = patch(client, f"{API}/{mine.pk}", {"address": "东岳村7组", "phone": ""})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.address == "东岳村7组" and mine.phone == "" and mine.name == "张三"
    response = patch(client, f"{API}/{mine.pk}", {"id_type": "passport", "id_number": "E1"})
    assert response.status_code == 422 and list(response.json()["detail"]) == ["id_number"]


def test_reveal_logged_and_refused_for_other_roles(login, hq, worker, mine):
    response = login(hq).post(f"{API}/{mine.pk}/reveal")
    assert response.status_code == 200
    assert response.json() == {"id": mine.pk, "id_number": mine.id_number, "phone": "13812345678"}
    assert AuditEntry.objects.filter(action="person.reveal", actor=hq).count() == 1
    assert login(worker).post(f"{API}/{mine.pk}/reveal").status_code == 403
    assert AuditEntry.objects.filter(action="person.reveal").count() == 1


def test_households_and_members(login, worker, mine, theirs):
    client = login(worker)
    response = post(client, f"{API}/households", {"region_code": factories.GRID_A1, "address": "东岳村1号"})
    assert response.status_code == 201
    household_id = response.json()["id"]
    response = post(client, f"{API}/households/{household_id}/members", {"person_id": mine.pk})
    assert [m["id"] for m in response.json()["members"]] == [mine.pk]
    assert post(client, f"{API}/households/{household_id}/members", {"person_id": theirs.pk}).status_code == 404
    response = patch(client, f"{API}/households/{household_id}",
                     {"region_code": factories.VILLAGE_A1, "address": "东岳村1号", "head_name": "张三"})
    assert response.json()["head_name"] == "张三"
    assert client.get(f"{API}/households").json()["items"][0]["id"] == household_id
    response = client.delete(f"{API}/households/{household_id}/members/{mine.pk}")
    assert response.json()["members"] == []
    assert post(client, f"{API}/households", {"region_code": factories.VILLAGE_B1, "address": "x"}).status_code == 422


def test_duplicates_and_merge(login, hq):
    keep = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date="1980-01-01")
    other = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date="1980-01-01")
    KeyPerson.objects.create(person=other, category="returnee", region_id=factories.VILLAGE_A1,
                             registered_on="2020-02-01")
    client = login(hq)
    pairs = client.get(f"{API}/duplicates").json()
    assert [(p["first"]["id"], p["second"]["id"], p["rules"]) for p in pairs] == [
        (keep.pk, other.pk, ["name_birth_village"])]
    response = post(client, f"{API}/merge", {"keep_id": keep.pk, "other_id": other.pk})
    assert response.status_code == 200 and response.json()["id"] == keep.pk
    assert KeyPerson.objects.get().person_id == keep.pk
    assert post(client, f"{API}/merge", {"keep_id": keep.pk, "other_id": keep.pk}).status_code == 422


def test_viewer_cannot_write(login, tree, mine):
    client = login(factories.user("viewer", Role.VIEWER))
    assert post(client, API, {"name": "王五", "id_number": resident_id(), "region_code": factories.VILLAGE_A1}
                ).status_code == 403
    assert patch(client, f"{API}/{mine.pk}", {"name": "x"}).status_code == 403


def test_openapi_documents_the_people_endpoints(login, hq):
    schema = login(hq).get("/api/openapi.json").json()
    for path in (API, f"{API}/{{person_id}}", f"{API}/{{person_id}}/reveal", f"{API}/households", f"{API}/merge",
                 f"{API}/duplicates"):
        assert path in schema["paths"]
