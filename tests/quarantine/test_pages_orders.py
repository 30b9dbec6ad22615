"""Order pages through the Client: the list, the detail and its forms, starting an order from a key person."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.core import paging
from fangkong.core.forms import moment_text
from fangkong.core.widgets import ListSelect
from fangkong.quarantine import services
from fangkong.quarantine.forms import EndForm, ResponsibleForm
from fangkong.quarantine.models import NucleicAcidTest, Quarantine, QuarantineStatus
from fangkong.quarantine.schedule import day_start
from tests import factories as f

from .helpers import days_ago, key_person, local, start

ORDERS = reverse("quarantine:orders")


def url(name, *args):
    return reverse(f"quarantine:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def order(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3), name="李明")
    return start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))


def settle(q, actor):
    """Every slot up to now excused, so the order may end without outstanding follow-ups."""
    for fu in q.follow_ups.filter(status="due", due_at__lte=timezone.now()):
        services.excuse_follow_up(actor, fu, reason="测试")


# The list -------------------------------------------------------------------------------------

def test_orders_list_filters_by_status_kind_and_region(hq, cadre, doctor, login):
    a1 = start(hq, key_person(arrival=days_ago(2), name="甲"), cadre=cadre, doctor=doctor)
    a2_cadre = f.user("cadre_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)
    a2 = start(hq, key_person(f.VILLAGE_A2, arrival=days_ago(2), name="乙"), cadre=a2_cadre, doctor=doctor)
    settle(a2, hq)
    services.end_quarantine(hq, a2, status="became_case", reason="确诊")
    client = login(hq)
    assert {"甲", "乙"} <= set(_names(client.get(ORDERS)))
    assert _names(client.get(ORDERS, {"status": "active"})) == ["甲"]
    assert _names(client.get(ORDERS, {"status": "became_case"})) == ["乙"]
    assert _names(client.get(ORDERS, {"region": f.VILLAGE_A2})) == ["乙"]
    assert _names(client.get(ORDERS, {"kind": "centralised"})) == []
    assert a1.pk != a2.pk


def _names(response) -> list[str]:
    assert response.status_code == 200
    page = html(response).split('id="orders"', 1)[1]
    return [row.split("</a>", 1)[0].rsplit(">", 1)[1] for row in page.split("<tr data-quarantine=")[1:]]


def test_orders_list_is_keyset_paged(hq, cadre, doctor, login, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    made = [start(hq, key_person(arrival=days_ago(2), name=f"人{n}"), cadre=cadre, doctor=doctor) for n in range(3)]
    client = login(hq)
    first = client.get(ORDERS)
    assert _names(first) == ["人2", "人1"]
    assert f"after={made[1].pk}" in html(first)
    second = client.get(ORDERS, {"after": made[1].pk})
    assert _names(second) == ["人0"]
    assert 'class="pager"' not in html(second)


def test_orders_list_outside_the_scope(order, login):
    other_town = f.user("town_b", Role.TOWNSHIP_STAFF, f.TOWN_B)
    client = login(other_town)
    assert _names(client.get(ORDERS)) == []
    assert client.get(ORDERS, {"region": f.VILLAGE_A1}).status_code == 404


def test_orders_list_runs_a_fixed_number_of_queries(hq, cadre, doctor, login, fresh_user_each_request):
    client = login(hq)
    start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor)
    with CaptureQueriesContext(connection) as few:
        client.get(ORDERS)
    for _n in range(4):
        start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor)
    with CaptureQueriesContext(connection) as more:
        client.get(ORDERS)
    assert len(more) == len(few)


# The detail -----------------------------------------------------------------------------------

def test_detail_shows_the_period_the_responsible_people_and_the_follow_ups(order, cadre, doctor, login):
    cadre.phone, doctor.phone = "13800000001", "13800000002"
    services.record_follow_up(doctor, order, temperature="38.4", method="phone",
                              at=local(days_ago(1), 18), slot=order.follow_ups.get(due_at=local(days_ago(1), 18)))
    page = html(login(cadre).get(url("order", order.pk)))
    assert "<h1>李明" in page
    assert f"{day_start(days_ago(3) + datetime.timedelta(days=14)):%Y-%m-%d} 00:00" in page
    assert "cadre_a1 13800000001" in page and "doctor_a1 13800000002" in page
    assert "38.4 <span class=\"fever\">发热</span>" in page
    assert "已提请转送发热门诊（待处理）" in page
    assert "随访预警：体温38.4°C" in page  # the key person's timeline
    assert 'id="release-form"' in page and 'id="planned-end-form"' in page
    assert f'href="{url("notice", order.pk)}' not in page  # a GET form, not a link
    assert f'action="{url("notice", order.pk)}"' in page


def test_detail_outside_the_scope_is_404_and_read_only_roles_see_no_forms(order, login):
    outsider = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    assert login(outsider).get(url("order", order.pk)).status_code == 404
    viewer = f.user("viewer", Role.VIEWER, f.COUNTY)
    page = html(login(viewer).get(url("order", order.pk)))
    assert "李明" in page and 'id="release-form"' not in page
    assert login(viewer).post(url("release", order.pk), {"reason": "x"}).status_code == 403
    assert login(outsider).post(url("release", order.pk), {"reason": "x"}).status_code == 404


def test_early_release_needs_a_reason(order, hq, login):
    settle(order, hq)
    client = login(hq)
    response = client.post(url("release", order.pk), {"at": "", "reason": ""})
    assert response.status_code == 400
    assert "提前解除须说明理由（计划解除日期" in html(response)
    order.refresh_from_db()
    assert order.status == QuarantineStatus.ACTIVE
    response = client.post(url("release", order.pk), {"reason": "经专家评估提前解除"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.end_reason) == (QuarantineStatus.RELEASED, "经专家评估提前解除")


def test_release_with_missed_follow_ups_is_refused_with_the_reason(order, hq, login):
    response = login(hq).post(url("release", order.pk), {"reason": "提前"})
    assert response.status_code == 400
    assert "请先补录或说明未随访原因" in html(response)


def test_releasing_twice_is_refused_with_a_message(order, hq, login):
    settle(order, hq)
    client = login(hq)
    client.post(url("release", order.pk), {"reason": "提前"})
    response = client.post(url("release", order.pk), {"reason": "再次"})
    assert response.status_code == 400
    assert "已于" in html(response) and "不能重复解除" in html(response)


def test_other_endings(order, hq, login):
    settle(order, hq)
    client = login(hq)
    response = client.post(url("end", order.pk), {"status": "moved_away", "reason": "返回原籍"})
    assert response.status_code == 400
    assert "请填写移交去向" in html(response)
    response = client.post(url("end", order.pk), {"status": "moved_away", "handover_to": "武汉市江岸区",
                                                  "reason": "返回原籍"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.handover_to) == (QuarantineStatus.MOVED_AWAY, "武汉市江岸区")


def test_planned_end_change_needs_a_reason(order, hq, login):
    client = login(hq)
    later = order.planned_end + datetime.timedelta(days=2)
    response = client.post(url("planned_end", order.pk), {"planned_end": moment_text(later), "reason": ""})
    assert response.status_code == 400 and "这个字段是必填项。" in html(response)
    response = client.post(url("planned_end", order.pk), {"planned_end": "2020-13-01T00:00", "reason": "延长"})
    assert response.status_code == 400 and "计划结束时间不是有效的时间：2020-13-01T00:00" in html(response)
    response = client.post(url("planned_end", order.pk), {"planned_end": moment_text(later), "reason": "密接延长"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.planned_end, order.planned_end_reason) == (later, "密接延长")


def test_change_the_responsible_people(order, hq, login):
    new_doctor = f.user("doctor_town", Role.DOCTOR, f.TOWN_A)
    client = login(hq)
    assert f'value="{new_doctor.pk}"' in html(client.get(url("order", order.pk)))
    response = client.post(url("responsible", order.pk), {"cadre": "", "doctor": str(new_doctor.pk)})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.doctor == new_doctor
    response = client.post(url("responsible", order.pk), {"cadre": "", "doctor": ""})
    assert response.status_code == 400 and "请选择新的包保干部或医生" in html(response)


def test_record_a_test_result(order, doctor, login):
    client = login(doctor)
    sampled = local(days_ago(1), 9)
    response = client.post(url("record_test", order.pk), {"sampled_at": moment_text(sampled), "result": "negative"})
    assert response.status_code == 302
    assert NucleicAcidTest.objects.get(quarantine=order).result == "negative"
    assert f"{sampled:%Y-%m-%d %H:%M} 阴性" in html(client.get(url("order", order.pk)))
    response = client.post(url("record_test", order.pk), {"sampled_at": "", "result": "negative"})
    assert response.status_code == 400


# Starting an order ----------------------------------------------------------------------------

def test_start_form_shows_the_policys_end_and_the_candidates(cadre, doctor, login):
    kp = key_person(arrival=days_ago(2), name="王五")
    page = html(login(cadre).get(url("start", kp.pk)))
    end = day_start(days_ago(2) + datetime.timedelta(days=14))
    assert f"按政策计划结束：{end:%Y-%m-%d %H:%M}" in page
    assert "居家隔离14天，自抵达日期起算" in page
    assert f'<option value="{cadre.pk}" selected>' in page
    assert f'<option value="{doctor.pk}">' in page


def test_start_an_order_from_the_form(cadre, doctor, login):
    kp = key_person(arrival=days_ago(2), name="王五")
    response = login(cadre).post(url("start", kp.pk), {
        "kind": "home", "start_at": moment_text(timezone.now() - datetime.timedelta(minutes=5)),
        "arrival": days_ago(2).isoformat(), "home_address": "东岳村3组", "cadre": cadre.pk, "doctor": doctor.pk})
    q = Quarantine.objects.get(key_person=kp)
    assert response.status_code == 302 and response["Location"] == url("order", q.pk)
    assert (q.home_address, q.cadre, q.doctor, q.planned_end) == (
        "东岳村3组", cadre, doctor, day_start(days_ago(2) + datetime.timedelta(days=14)))


def test_start_refuses_a_planned_end_without_reason_and_missing_people(cadre, login):
    kp = key_person(arrival=days_ago(2), name="王五")
    other = moment_text(day_start(days_ago(2) + datetime.timedelta(days=20)))
    response = login(cadre).post(url("start", kp.pk), {
        "kind": "home", "arrival": days_ago(2).isoformat(), "planned_end": other, "cadre": "", "doctor": ""})
    assert response.status_code == 400
    # field errors sit under the fields, not on top as "包保干部：…" (the label itself ends in ：)
    assert "包保干部：</label>" in html(response) and html(response).count("包保干部：") == 1
    assert html(response).count("这个字段是必填项。") == 2
    doctor = f.user("doc", Role.DOCTOR, f.VILLAGE_A1)
    response = login(cadre).post(url("start", kp.pk), {
        "kind": "home", "arrival": days_ago(2).isoformat(), "planned_end": other,
        "cadre": cadre.pk, "doctor": doctor.pk})
    assert response.status_code == 400
    assert "计划结束时间与政策" in html(response) and "请说明理由" in html(response)
    assert not Quarantine.objects.filter(key_person=kp).exists()


def test_start_for_a_key_person_already_isolated_points_to_the_order(order, cadre, login):
    page = html(login(cadre).get(url("start", order.key_person_id)))
    assert f'href="{url("order", order.pk)}"' in page and 'name="kind"' not in page


def test_start_outside_the_scope_is_404(cadre, login):
    kp = key_person(f.VILLAGE_B1, arrival=days_ago(1))
    assert login(cadre).get(url("start", kp.pk)).status_code == 404


def test_the_key_person_page_links_to_starting_an_order(cadre, login):
    kp = key_person(arrival=days_ago(1))
    page = html(login(cadre).get(reverse("screening:key_person", args=[kp.pk])))
    assert f'href="{url("start", kp.pk)}"' in page


def test_start_form_computes_the_end_for_what_was_typed_without_starting(cadre, login):
    kp = key_person(category="close_contact", name="赵六")
    client = login(cadre)
    assert "请填写末次暴露以计算结束时间" in html(client.get(url("start", kp.pk)))
    response = client.post(url("start", kp.pk), {"preview": "1", "kind": "centralised",
                                                 "last_exposure": days_ago(3).isoformat()})
    page = html(response)
    assert response.status_code == 200
    end = day_start(days_ago(3) + datetime.timedelta(days=14))
    assert f"按政策计划结束：{end:%Y-%m-%d %H:%M}" in page
    assert f'value="{days_ago(3).isoformat()}"' in page
    assert "这个字段是必填项。" not in page  # nothing refused yet
    assert not Quarantine.objects.filter(key_person=kp).exists()


def test_detail_reads_the_order_once_and_the_rooms_only_to_check_in(hq, cadre, doctor, login):
    site = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="孝昌县城关", rooms=[("101", 1), ("102", 2)])
    waiting = start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor, kind="centralised", site=site)
    staying = start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor, kind="centralised", site=site,
                    room=site.rooms.get(name="102"))
    client = login(hq)

    def read(q) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            page = html(client.get(url("order", q.pk)))
        return page, [x["sql"] for x in queries]
    page, sql = read(waiting)
    assert f'action="{url("check_in", waiting.pk)}"' in page and "101（空床1）" in page
    assert sum('FROM "quarantine_quarantine"' in s for s in sql) == 1
    page, sql = read(staying)
    assert f'action="{url("check_out", staying.pk)}"' in page and "101（空床1）" not in page
    assert sum('FROM "quarantine_quarantine"' in s for s in sql) == 1
    assert not any('FROM "quarantine_room"' in s for s in sql)  # already in a room: the free beds are not shown


def test_the_long_lists_of_the_detail_are_written_in_one_pass(order, hq, doctor, login):
    """The county's doctors and the deployment's villages: not two Django templates an option."""
    assert isinstance(ResponsibleForm().fields["doctor"].widget, ListSelect)
    assert isinstance(EndForm().fields["handover_region"].widget, ListSelect)
    page = html(login(hq).get(url("order", order.pk)))
    assert f'<option value="{doctor.pk}">doctor_a1 13800000002</option>' in page
    assert f'<option value="{f.VILLAGE_B1}">红旗村</option>' in page
