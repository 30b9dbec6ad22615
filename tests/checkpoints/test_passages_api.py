"""The passage API: the queue's endpoint, figures; scope, masking and errors (the ID look-up: test_lookup.py)."""

import time

import pytest
from django.utils import timezone

from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.checkpoints.selectors import checkpoints as checkpoint_selectors
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.screening.models import ArrivalTask, KeyPerson
from tests import factories as f

from .builders import ID_1, ID_2, WUHAN, checkpoint, get_json, passage, post_json, risk_area

BASE = "/api/checkpoints"


def _body(**extra):
    body = {"id_number": ID_1, "name": "张三", "phone": "13800001111", "temperature": "36.6", "outcome": "pass",
            "vehicle_plate": "鄂K12345"}
    body.update(extra)
    return body


def test_register_a_passage(login, staff, cp):
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages", _body(destination=f.VILLAGE_A1))
    assert status == 201, body
    assert (body["name"], body["id_masked"], body["phone_masked"], body["counts_vehicle"]) == (
        "张三", "4209**********1239", "138****1111", True)
    assert ID_1 not in str(body) and "13800001111" not in str(body)
    assert body["person_created"] is True and body["destination"] == f.VILLAGE_A1
    assert AuditEntry.objects.get(action="passage.register").source == "api"


def test_the_fever_rule_answers_422_on_outcome(login, staff, cp):
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages", _body(temperature=38.1))
    assert status == 422 and "outcome" in body["detail"]
    assert not Passage.objects.exists()
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages", _body(temperature=38.1, outcome="fever_clinic"))
    assert status == 201 and body["temperature"] == "38.1"


def test_another_townships_checkpoint_is_404(login, staff_b, cp):
    client = login(staff_b)
    assert post_json(client, f"{BASE}/{cp.pk}/passages", _body())[0] == 404
    assert get_json(client, f"{BASE}/{cp.pk}")[0] == 404
    assert get_json(client, f"{BASE}/{cp.pk}/figures")[0] == 404
    assert post_json(client, f"{BASE}/{cp.pk}/lookup", {"id_number": ID_1})[0] == 404
    assert not Passage.objects.exists()


def test_a_worker_cannot_register_403(login, worker_b1, town_b):
    other = checkpoint(town_b, name="丰山村口", region=f.VILLAGE_B1, kind="village_entrance")
    assert post_json(login(worker_b1), f"{BASE}/{other.pk}/passages", _body())[0] == 403


def test_lookup_is_not_a_get(login, staff, cp):
    """ID numbers never travel in URLs (server logs)."""
    assert login(staff).get(f"{BASE}/{cp.pk}/lookup", {"id_number": ID_1}).status_code == 405


def test_figures_and_day_list(login, staff, cp):
    passage(staff, cp, vehicle_plate="鄂K12345", outcome="turned_back")
    passage(staff, cp, id_number=ID_2, name="李四", temperature="38", outcome="isolation")
    client = login(staff)
    status, body = get_json(client, f"{BASE}/{cp.pk}/figures")
    assert status == 200
    assert (body["persons"], body["vehicles"], body["turned_back_persons"], body["turned_back_vehicles"],
            body["fevers"]) == (2, 1, 1, 1, 1)
    status, page = get_json(client, f"{BASE}/{cp.pk}/passages", limit=1)
    assert status == 200 and len(page["items"]) == 1 and page["next_before"]
    status, rest = get_json(client, f"{BASE}/{cp.pk}/passages", limit=1, before=page["next_before"])
    assert {page["items"][0]["name"], rest["items"][0]["name"]} == {"张三", "李四"}
    assert get_json(client, f"{BASE}/{cp.pk}/figures", day="2020-13-01")[0] == 422


def test_risk_arrival_over_the_api_and_the_task_is_closed_by_the_worker(login, staff, cp, worker_b1):
    risk_area("4201")
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages",
                             _body(origin_code=WUHAN, destination=f.VILLAGE_B1))
    assert status == 201 and body["from_risk_area"] and body["key_person_id"] and body["task_id"]
    assert KeyPerson.objects.get().region_id == f.VILLAGE_B1
    worker = login(worker_b1)
    status, tasks = get_json(worker, "/api/screening/tasks")
    assert status == 200 and [t["id"] for t in tasks["items"]] == [body["task_id"]]
    assert tasks["items"][0]["phone_masked"] == "138****1111" and "13800001111" not in str(tasks)
    assert post_json(worker, f"/api/screening/tasks/{body['task_id']}/close", {"note": ""})[0] == 422
    status, closed = post_json(worker, f"/api/screening/tasks/{body['task_id']}/close", {"note": "已上门，居家观察"})
    assert status == 200 and closed["status"] == "done"
    assert get_json(worker, "/api/screening/tasks")[1]["items"] == []
    assert ArrivalTask.objects.get().closed_by_id == worker_b1.pk


def test_a_task_elsewhere_is_404(login, staff, cp, worker_b1):
    risk_area("4201")
    passage(staff, cp, origin_code=WUHAN, destination=f.VILLAGE_A1)
    task = ArrivalTask.objects.get()
    assert post_json(login(worker_b1), f"/api/screening/tasks/{task.pk}/close", {"note": "x"})[0] == 404


@pytest.mark.parametrize("field", ["temperature", "destination", "passed_at"])
def test_422_names_the_field(login, staff, cp, field):
    bad = {"temperature": "20", "destination": "420922001000", "passed_at": "2099-01-01T08:00"}
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages", _body(**{field: bad[field]}))
    assert status == 422 and field in body["detail"]


def test_day_of_passage_is_local(login, staff, cp):
    now = timezone.localtime()
    status, body = post_json(login(staff), f"{BASE}/{cp.pk}/passages", _body(passed_at=now.strftime("%Y-%m-%dT%H:%M")))
    assert status == 201 and body["passed_at"].startswith(now.strftime("%Y-%m-%dT%H:%M"))


def test_the_queue_endpoint_takes_few_queries(login, staff, cp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    client = login(staff)
    post_json(client, f"{BASE}/{cp.pk}/passages", _body())  # warm up
    with CaptureQueriesContext(connection) as queries:
        status, _body_out = post_json(client, f"{BASE}/{cp.pk}/passages", _body(id_number=ID_2, name="李四"))
    assert status == 201
    sql = [q["sql"] for q in queries]
    # session, user, [lock], vehicle, person, 2 inserts, audit, counters (+ 2 savepoints): the checkpoint
    # and the destination come from the process's caches, the checkpoint row is not locked
    assert len(queries) <= 11, sql
    assert not any("checkpoints_checkpoint" in q for q in sql), sql
    assert not any("FOR UPDATE" in q for q in sql), sql


def test_a_closed_checkpoint_is_refused_at_once_and_a_reopened_one_takes_passages(login, staff, town, cp):
    client = login(staff)
    assert post_json(client, f"{BASE}/{cp.pk}/passages", _body())[0] == 201  # the checkpoint is now cached
    checkpoint_services.close_checkpoint(town, cp)
    status, body = post_json(client, f"{BASE}/{cp.pk}/passages", _body(id_number=ID_2, name="李四"))
    assert status == 422 and "checkpoint" in body["detail"]
    cp.refresh_from_db()
    checkpoint_services.reopen_checkpoint(town, cp)
    assert post_json(client, f"{BASE}/{cp.pk}/passages", _body(id_number=ID_2, name="李四"))[0] == 201


def test_a_checkpoint_closed_by_another_process_is_refused_within_the_cache_time(login, staff, cp, monkeypatch):
    client = login(staff)
    assert post_json(client, f"{BASE}/{cp.pk}/passages", _body())[0] == 201
    # another process closes it: no signal reaches this one, the cached copy serves until it expires
    Checkpoint.objects.filter(pk=cp.pk).update(status="closed")
    assert post_json(client, f"{BASE}/{cp.pk}/passages", _body(id_number=ID_2, name="李四"))[0] == 201
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + checkpoint_selectors.CACHE_SECONDS)  # the cache's clock
    status, body = post_json(client, f"{BASE}/{cp.pk}/passages", _body(id_number=ID_2, name="李四"))
    assert status == 422 and "checkpoint" in body["detail"]
    assert Passage.objects.filter(checkpoint=cp).count() == 2
