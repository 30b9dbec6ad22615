"""The screening API: each write and read wired to the services and selectors, scoped like the pages."""

import datetime
import json

from fangkong.accounts.models import Role
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, Status
from tests import factories as f

from .helpers import check, days_ago, figures, household, key_person, resident_id, sweep, today

API = "/api/screening"


def post(client, path, data):
    return client.post(API + path, json.dumps(data, default=str), content_type="application/json")


def patch(client, path, data):
    return client.patch(API + path, json.dumps(data, default=str), content_type="application/json")


def person(**extra) -> dict:
    return {"name": "李明", "id_number": resident_id(1), "region_code": f.VILLAGE_A1, "category": "returnee",
            "origin": "武汉", "arrival_date": days_ago(1), "transport_mode": "train", "transport_number": "G1234",
            **extra}


def test_register_201_then_200_for_the_open_entry(worker, login):
    client = login(worker)
    response = post(client, "/key-persons", person(responsible_id=worker.pk))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["name"] == "李明" and body["id_number_masked"] == "4209**********" + \
        resident_id(1)[-4:]
    assert (body["region_code"], body["category_label"], body["responsible_id"]) == (f.VILLAGE_A1, "疫区返乡人员",
                                                                                    worker.pk)
    again = post(client, "/key-persons", person(symptoms="咳嗽"))
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["id"] == body["id"]
    assert again.json()["symptoms"] == "咳嗽"
    assert KeyPerson.objects.count() == 1
    assert figures(f.VILLAGE_A1, today()) == {"kp_new.returnee": 1, "kp_in.returnee": 1}


def test_register_422_names_the_field(worker, login):
    client = login(worker)
    response = post(client, "/key-persons", person(arrival_date=today() + datetime.timedelta(days=1)))
    assert response.status_code == 422
    assert "将来" in response.json()["detail"]["arrival_date"][0]
    response = post(client, "/key-persons", person(region_code=f.VILLAGE_A2))
    assert response.status_code == 422 and "不在您的管辖范围内" in response.json()["detail"]["region"][0]
    assert not KeyPerson.objects.exists()


def test_read_only_roles_get_403(tree, login):
    client = login(f.user("viewer", Role.VIEWER, f.VILLAGE_A1))
    assert post(client, "/key-persons", person()).status_code == 403
    assert client.get(API + "/key-persons").status_code == 200
    gate = login(f.user("gate", Role.CHECKPOINT_STAFF, f.VILLAGE_A1))
    assert gate.get(API + "/key-persons").status_code == 403


def test_list_and_detail_are_scoped(worker, other_worker, login):
    mine = key_person(worker, 1)
    theirs = key_person(other_worker, 2, region=f.VILLAGE_A2)
    check(worker, mine, "37.9")
    client = login(worker)
    listed = client.get(API + "/key-persons").json()
    assert [item["id"] for item in listed["items"]] == [mine.pk] and listed["next_before"] is None
    detail = client.get(f"{API}/key-persons/{mine.pk}").json()
    assert [c["temperature"] for c in detail["checks"]] == ["37.9"] and detail["checks"][0]["fever"] is True
    assert [e["kind"] for e in detail["events"]] == ["registered", "fever_check", "fever_found"]
    assert client.get(f"{API}/key-persons/{theirs.pk}").status_code == 404
    assert client.get(f"{API}/key-persons/{theirs.pk}/checks").status_code == 404
    assert client.get(API + "/key-persons", {"region": f.VILLAGE_A2}).status_code == 404


def test_list_pages_by_keyset(town, login):
    made = [key_person(town, n) for n in range(1, 6)]
    client = login(town)
    first = client.get(API + "/key-persons", {"limit": 2}).json()
    assert [i["id"] for i in first["items"]] == [made[4].pk, made[3].pk]
    second = client.get(API + "/key-persons", {"limit": 2, "before": first["next_before"]}).json()
    assert [i["id"] for i in second["items"]] == [made[2].pk, made[1].pk]
    by_category = client.get(API + "/key-persons", {"category": "fever"}).json()
    assert by_category["items"] == []


def test_update_status_and_delete(worker, other_worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(14), responsible=worker.pk)
    client = login(worker)
    response = patch(client, f"/key-persons/{kp.pk}", {"origin": "温州", "responsible_id": None})
    assert response.status_code == 200 and response.json()["origin"] == "温州"
    assert response.json()["responsible_id"] is None
    assert patch(client, f"/key-persons/{kp.pk}", {"arrival_date": today() + datetime.timedelta(days=1)}) \
        .status_code == 422
    assert patch(login(other_worker), f"/key-persons/{kp.pk}", {"origin": "x"}).status_code == 404
    response = post(client, f"/key-persons/{kp.pk}/status", {"status": "released", "ended_on": days_ago(1)})
    assert response.status_code == 200 and response.json()["status"] == "released"
    again = post(client, f"/key-persons/{kp.pk}/status", {"status": "transferred"})
    assert again.status_code == 422 and "不能重复结束管理" in again.json()["detail"]["status"][0]
    assert login(other_worker).delete(f"{API}/key-persons/{kp.pk}").status_code == 404
    assert client.delete(f"{API}/key-persons/{kp.pk}").status_code == 204
    assert not KeyPerson.objects.exists()


def test_daily_checks(worker, other_worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(1))
    client = login(worker)
    first = post(client, f"/key-persons/{kp.pk}/checks", {"temperature": 38.1, "method": "visit"})
    assert first.status_code == 201 and first.json()["fever"] is True and first.json()["temperature"] == "38.1"
    second = post(client, f"/key-persons/{kp.pk}/checks", {"temperature": "36.8", "method": "phone"})
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert figures(f.VILLAGE_A1, today())["checks_done"] == 1 and "fevers_found" not in figures(f.VILLAGE_A1, today())
    bad = post(client, f"/key-persons/{kp.pk}/checks", {"temperature": "45", "method": "phone"})
    assert bad.status_code == 422 and "超出可能范围" in bad.json()["detail"]["temperature"][0]
    other = login(other_worker)
    assert post(other, f"/key-persons/{kp.pk}/checks", {"temperature": "36.5", "method": "phone"}).status_code == 404
    assert other.delete(f"{API}/checks/{first.json()['id']}").status_code == 404
    assert client.delete(f"{API}/checks/{first.json()['id']}").status_code == 204
    assert not DailyCheck.objects.exists()


def test_no_check_for_a_released_person(worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(14))
    client = login(worker)
    post(client, f"/key-persons/{kp.pk}/status", {"status": "released"})
    response = post(client, f"/key-persons/{kp.pk}/checks", {"temperature": "36.5", "method": "phone"})
    assert response.status_code == 422 and "不能再记录检查" in response.json()["detail"][0]
    assert KeyPerson.objects.get().status == Status.RELEASED


def test_today(worker, login):
    done = key_person(worker, 1)
    waiting = key_person(worker, 2)
    check(worker, done, "37.5")
    body = login(worker).get(API + "/today").json()
    assert body["day"] == today().isoformat()
    assert [(i["id"], i["today_temperature"], i["today_fever"]) for i in body["items"]] == [
        (done.pk, "37.5", True), (waiting.pk, None, False)]
    pending = login(worker).get(API + "/today", {"pending": True}).json()
    assert [i["id"] for i in pending["items"]] == [waiting.pk]


def test_sweeps_visits_progress_and_pending(hq, town, worker, login):
    h1, h2 = household(hq, f.GRID_A1, 1), household(hq, f.GRID_A1, 2)
    outside = household(hq, f.VILLAGE_A2, 3)
    town_client = login(town)
    data = {"name": "第一轮摸排", "region_code": f.TOWN_A, "start_date": days_ago(3), "end_date": today()}
    response = post(town_client, "/sweeps", data)
    assert response.status_code == 201
    sweep_id = response.json()["id"]
    assert post(login(worker), "/sweeps", data).status_code == 403
    assert post(town_client, "/sweeps", {**data, "region_code": f.TOWN_B}).status_code == 422
    client = login(worker)
    assert [s["id"] for s in client.get(API + "/sweeps").json()] == [sweep_id]
    visit = post(client, f"/sweeps/{sweep_id}/visits", {"household_id": h1.pk, "present_count": 3,
                                                      "finding": "fever", "visited_on": days_ago(1)})
    assert visit.status_code == 201 and visit.json()["region_code"] == f.GRID_A1
    assert post(client, f"/sweeps/{sweep_id}/visits", {"household_id": h1.pk, "present_count": 2}).status_code == 200
    assert post(client, f"/sweeps/{sweep_id}/visits", {"household_id": outside.pk, "present_count": 2}) \
        .status_code == 404
    assert post(client, f"/sweeps/{sweep_id}/visits", {"household_id": h2.pk, "present_count": -2}).status_code == 422
    progress = client.get(f"{API}/sweeps/{sweep_id}/progress").json()
    assert (progress["region_code"], progress["visited"], progress["known"]) == (f.VILLAGE_A1, 1, 2)
    assert progress["children"] == [{"region_code": f.GRID_A1, "region_name": "东岳村第1网格", "visited": 1,
                                     "known": 2}]
    assert client.get(f"{API}/sweeps/{sweep_id}/progress", {"region": f.TOWN_A}).status_code == 404
    pending = client.get(f"{API}/sweeps/{sweep_id}/pending").json()
    assert [h["id"] for h in pending["items"]] == [h2.pk]
    town_view = town_client.get(f"{API}/sweeps/{sweep_id}/progress").json()
    assert [(c["region_code"], c["visited"], c["known"]) for c in town_view["children"]] == [
        (f.VILLAGE_A1, 1, 2), (f.VILLAGE_A2, 0, 1)]
    visit_id = visit.json()["id"]
    assert login(f.user("w2", Role.VILLAGE_WORKER, f.VILLAGE_A2)).delete(f"{API}/visits/{visit_id}").status_code == 404
    assert client.delete(f"{API}/visits/{visit_id}").status_code == 204
    assert not HouseholdVisit.objects.exists()


def test_a_sweep_of_another_township_is_404(hq, town, login):
    other = sweep(hq, f.TOWN_B)
    client = login(town)
    assert client.get(f"{API}/sweeps/{other.pk}").status_code == 404
    assert post(client, f"/sweeps/{other.pk}/visits", {"household_id": 1, "present_count": 1}).status_code == 404


def test_openapi_documents_the_writes(worker, login):
    paths = login(worker).get("/api/openapi.json").json()["paths"]
    assert {"post"} <= set(paths[API + "/key-persons"])
    assert {"get", "patch", "delete"} <= set(paths[API + "/key-persons/{key_person_id}"])
    for path in ("/key-persons/{key_person_id}/status", "/key-persons/{key_person_id}/checks", "/sweeps",
                 "/sweeps/{sweep_id}/visits"):
        assert "post" in paths[API + path], path
