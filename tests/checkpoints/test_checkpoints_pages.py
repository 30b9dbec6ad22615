"""Checkpoint pages: registry, a checkpoint's page with its day figures, shifts, five-haves, failing list."""

import datetime

from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.checkpoints.models import Checkpoint, DutyShift, FiveHavesInspection
from fangkong.checkpoints.services import checkpoints as services
from tests import factories as f

from .builders import ID_2, checkpoint, get_json, passage, post_json


def test_set_up_a_checkpoint_on_its_page(login, town):
    client = login(town)
    form = client.get(reverse("checkpoints:new")).content.decode()
    assert "东岳村" in form and "红旗村" not in form  # regions of the township only
    response = client.post(reverse("checkpoints:new"), {"name": "花园高速出口", "kind": "highway_exit",
                                                        "region_code": f.TOWN_A, "open_24h": "on"})
    cp = Checkpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("checkpoints:detail", args=[cp.pk])
    bad = client.post(reverse("checkpoints:new"), {"name": "", "kind": "highway_exit", "region_code": f.TOWN_A})
    assert bad.status_code == 400


def test_edit_close_and_reopen(login, town, cp):
    client = login(town)
    response = client.post(reverse("checkpoints:edit", args=[cp.pk]), {
        "name": "花园收费站", "kind": "highway_exit", "region_code": f.TOWN_A, "hours": "07:00-22:00"})
    assert response.status_code == 302
    cp.refresh_from_db()
    assert (cp.name, cp.open_24h, cp.hours) == ("花园收费站", False, "07:00-22:00")
    client.post(reverse("checkpoints:close", args=[cp.pk]))
    cp.refresh_from_db()
    assert cp.status == "closed"
    assert "恢复卡点" in client.get(reverse("checkpoints:detail", args=[cp.pk])).content.decode()
    client.post(reverse("checkpoints:reopen", args=[cp.pk]))
    cp.refresh_from_db()
    assert cp.status == "open"


def test_the_checkpoint_page_shows_the_days_figures(login, staff, cp):
    passage(staff, cp, vehicle_plate="鄂K12345", outcome="turned_back")
    passage(staff, cp, id_number=ID_2, name="李四", temperature="38.4", outcome="fever_clinic")
    client = login(staff)
    response = client.get(reverse("checkpoints:detail", args=[cp.pk]))
    assert response.context["figures"] == {"persons": 2, "vehicles": 1, "turned_back_persons": 1,
                                           "turned_back_vehicles": 1, "fevers": 1, "risk_arrivals": 0}
    html = response.content.decode()
    assert 'data-figure="persons">2<' in html and "4209**********1239" in html and "420921199001011239" not in html
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert client.get(reverse("checkpoints:detail", args=[cp.pk]), {"day": yesterday}).context["figures"][
        "persons"] == 0


def test_list_is_scoped(login, town, town_b, cp):
    checkpoint(town_b, name="丰山卡点", region=f.TOWN_B)
    html = login(town).get(reverse("checkpoints:list")).content.decode()
    assert "花园高速出口" in html and "丰山卡点" not in html
    status, body = get_json(login(town_b), "/api/checkpoints/")
    assert status == 200 and [c["name"] for c in body["items"]] == ["丰山卡点"]


def test_plan_a_shift_on_the_page(login, town, staff, cp):
    client = login(town)
    start = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(reverse("checkpoints:shift_new", args=[cp.pk]), {
        "staff": staff.pk, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "已排班" in response.content.decode()
    html = client.get(reverse("checkpoints:detail", args=[cp.pk])).content.decode()
    assert "kadian_a" in html.split('id="on-duty"')[1].split("</dd>")[0]
    shift = DutyShift.objects.get()
    client.post(reverse("checkpoints:shift_cancel", args=[shift.pk]))
    assert not DutyShift.objects.exists()


def test_inspect_on_the_page_and_the_failing_list(login, supervisor, cp):
    client = login(supervisor)
    response = client.post(reverse("checkpoints:inspect", args=[cp.pk]), {
        "barrier": "on", "staff_on_duty": "on", "register": "on", "note": "无体温枪、无消毒"}, follow=True)
    assert "缺有体温检测、有消毒措施" in response.content.decode()
    assert FiveHavesInspection.objects.get().failing == ["thermometer", "disinfection"]
    html = client.get(reverse("checkpoints:failing")).content.decode()
    assert "花园高速出口" in html and "有体温检测、有消毒措施" in html


def test_roles_on_the_pages(login, staff, staff_b, cp):
    assert login(staff).get(reverse("checkpoints:new")).status_code == 403
    assert login(staff).get(reverse("checkpoints:inspect", args=[cp.pk])).status_code == 403
    viewer = f.user("viewer", Role.VIEWER, f.COUNTY)
    assert login(viewer).get(reverse("checkpoints:detail", args=[cp.pk])).status_code == 200
    assert login(staff_b).get(reverse("checkpoints:detail", args=[cp.pk])).status_code == 404


def test_api_registry_shifts_and_inspections(login, town, staff, supervisor):
    client = login(town)
    status, body = post_json(client, "/api/checkpoints/", {"name": "花园高速出口", "kind": "highway_exit",
                                                           "region_code": f.TOWN_A})
    assert status == 201 and body["status"] == "open" and body["five_haves_ok"] is None
    pk = body["id"]
    response = client.put(f"/api/checkpoints/{pk}", {"name": "花园收费站", "kind": "highway_exit",
                                                     "region_code": f.TOWN_A}, content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "花园收费站"
    now = timezone.localtime()
    status, shift = post_json(client, f"/api/checkpoints/{pk}/shifts", {
        "staff_id": staff.pk, "starts_at": now.isoformat(), "ends_at": (now + datetime.timedelta(hours=8)).isoformat()})
    assert status == 201 and shift["on_duty"]
    assert get_json(client, f"/api/checkpoints/{pk}/shifts")[1][0]["staff_id"] == staff.pk
    assert client.delete(f"/api/checkpoints/shifts/{shift['id']}").status_code == 204
    items = {"barrier": True, "staff_on_duty": True, "entry_register": False, "thermometer": True,
             "disinfection": True}
    assert post_json(client, f"/api/checkpoints/{pk}/inspections", items)[0] == 403
    status, inspection = post_json(login(supervisor), f"/api/checkpoints/{pk}/inspections", items)
    assert status == 201 and inspection["failing"] == ["entry_register"]
    status, failing = get_json(login(supervisor), "/api/checkpoints/failing")
    assert [c["id"] for c in failing["items"]] == [pk]
    assert failing["items"][0]["last_inspection"]["failing"] == ["entry_register"]
    assert post_json(client, f"/api/checkpoints/{pk}/close", {})[1]["status"] == "closed"
    assert post_json(client, f"/api/checkpoints/{pk}/close", {})[0] == 422
    assert post_json(client, f"/api/checkpoints/{pk}/reopen", {})[1]["status"] == "open"
    services.close_checkpoint(town, Checkpoint.objects.get())
    assert post_json(login(staff), f"/api/checkpoints/{pk}/passages", {
        "id_number": ID_2, "name": "李四", "temperature": "36.5", "outcome": "pass"})[0] == 422
