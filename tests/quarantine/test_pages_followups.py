"""Follow-up pages through the Client: my people today, the two-tap form, due/overdue by region, excusing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.core.forms import moment_text
from fangkong.quarantine import services
from fangkong.quarantine.models import FollowUp, FollowUpStatus, TransferRequest, TransferStatus
from fangkong.quarantine.schedule import GRACE
from tests import factories as f

from .helpers import days_ago, key_person, local, start

MINE = reverse("quarantine:mine")
DUE = reverse("quarantine:due")
OVERDUE = reverse("quarantine:overdue")


def url(name, *args):
    return reverse(f"quarantine:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def order(hq, cadre, doctor):
    """李明, a returnee of 东岳村 since three days ago: six slots before today, all still due."""
    kp = key_person(arrival=days_ago(3), name="李明")
    return start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))


def slot_at(q, day, hour) -> FollowUp:
    return q.follow_ups.get(due_at=local(day, hour))


def overdue(q) -> int:
    return q.follow_ups.filter(status=FollowUpStatus.DUE, due_at__lte=timezone.now() - GRACE).count()


def due_now(q) -> int:
    now = timezone.now()
    return q.follow_ups.filter(status=FollowUpStatus.DUE, due_at__gt=now - GRACE, due_at__lte=now).count()


def form_url(q, slot) -> str:
    return f"{url('record_follow_up', q.pk)}?slot={slot.pk}&from=mine"


def record(client, q, slot, temperature, follow=False, **extra):
    """The form as a phone posts it: the slot from the list, the method as preselected."""
    data = {"temperature": temperature, "method": "phone", "at": moment_text(slot.due_at), **extra}
    return client.post(form_url(q, slot), data, follow=follow)


# 我的包保对象 ------------------------------------------------------------------------------------

def test_my_people_today_lists_my_people_with_their_overdue_slots_as_buttons(order, cadre, login):
    other_cadre = f.user("cadre_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)
    someone_else = start(other_cadre, key_person(f.VILLAGE_A2, arrival=days_ago(1), name="赵强"),
                         cadre=other_cadre, doctor=f.user("doc_a2", Role.DOCTOR, f.VILLAGE_A2))
    page = html(login(cadre).get(MINE))
    assert "李明" in page and "赵强" not in page
    assert f'data-quarantine="{order.pk}"' in page and f'data-quarantine="{someone_else.pk}"' not in page
    yesterday_evening = slot_at(order, days_ago(1), 18)
    assert f'href="{url("record_follow_up", order.pk)}?slot={yesterday_evening.pk}&amp;from=mine"' in page
    assert f"{days_ago(1):%m-%d} 18:00 逾期" in page
    assert f"共 1 人，逾期 {overdue(order)} 次" in page


def test_the_doctor_of_the_order_sees_it_too(order, doctor, login):
    assert f'data-quarantine="{order.pk}"' in html(login(doctor).get(MINE))


def test_the_slot_form_has_the_numeric_keypad_tapped_symptoms_and_the_method_chosen(order, cadre, login):
    slot = slot_at(order, days_ago(1), 18)
    page = html(login(cadre).get(form_url(order, slot)))
    assert 'inputmode="decimal"' in page and 'name="temperature"' in page
    assert 'type="checkbox" name="symptoms" value="cough"' in page
    assert re.search(r'<input type="radio" name="method" value="phone"[^>]* checked>', page)
    # a slot of an earlier day is back-filled at its own time
    assert f'value="{moment_text(slot.due_at)}"' in page


def test_recording_a_slot_from_the_list_fills_it_and_returns_to_the_list(order, cadre, login):
    client = login(cadre)
    slot = slot_at(order, days_ago(1), 18)
    response = record(client, order, slot, "36.6")
    assert response.status_code == 302 and response["Location"] == MINE
    slot.refresh_from_db()
    assert (slot.status, str(slot.temperature), slot.method, slot.recorded_by) == ("done", "36.6", "phone", cadre)
    page = html(client.get(MINE))
    assert "已记录 李明 体温 36.6°C" in page
    assert f"?slot={slot.pk}&amp;" not in page  # its button is gone
    assert f"逾期 {overdue(order)} 次" in page


def test_a_fever_shows_the_alert_and_the_opened_transfer(order, doctor, login):
    client = login(doctor)
    slot = slot_at(order, days_ago(1), 18)
    response = record(client, order, slot, "38.1", follow=True)
    page = html(response)
    transfer = TransferRequest.objects.get(quarantine=order)
    assert transfer.status == TransferStatus.OPEN
    assert "⚠ 预警：李明 体温 38.1°C，发热！已发起转送发热门诊申请（待处理）" in page
    assert 'class="alert error"' in page
    assert response.redirect_chain[-1][0] == MINE


def test_the_alerting_slot_shows_on_todays_card(hq, cadre, doctor, login):
    kp = key_person(arrival=days_ago(1), name="王芳")
    q = start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(1), 7))
    fu = services.record_follow_up(doctor, q, temperature="37.5", method="visit", symptoms=["cough"])
    page = html(login(cadre).get(MINE))
    assert f"{timezone.localtime(fu.due_at):%H:%M} ⚠ 37.5°C 发热 · 已提请转送发热门诊" in page


def test_a_symptom_without_fever_also_alerts(order, cadre, login):
    slot = slot_at(order, days_ago(2), 8)
    page = html(record(login(cadre), order, slot, "36.8", symptoms=["cough", "fatigue"], follow=True))
    assert "⚠ 预警：李明 体温 36.8°C，有症状！" in page
    assert TransferRequest.objects.get(quarantine=order).reason == "症状：咳嗽、乏力"


@pytest.mark.parametrize("temperature,message", [
    ("20", "体温 20°C 超出可能范围（34.0–43.0°C），请核实"),
    ("abc", "体温应为数字，例如 36.5：abc"),
    ("", "这个字段是必填项。"),
])
def test_bad_temperatures_are_refused_on_the_form(order, cadre, login, temperature, message):
    slot = slot_at(order, days_ago(1), 8)
    response = record(login(cadre), order, slot, temperature)
    assert response.status_code == 400
    assert message in html(response)
    slot.refresh_from_db()
    assert slot.status == FollowUpStatus.DUE


def test_a_follow_up_in_the_future_is_refused(order, cadre, login):
    later = timezone.now() + datetime.timedelta(hours=3)
    response = login(cadre).post(url("record_follow_up", order.pk), {
        "temperature": "36.5", "method": "phone", "at": moment_text(later)})
    assert response.status_code == 400
    assert "是将来的时间" in html(response)
    assert not order.follow_ups.filter(scheduled=False).exists()


def test_a_slot_recorded_on_another_day_is_refused(order, cadre, login):
    slot = slot_at(order, days_ago(2), 18)
    response = record(login(cadre), order, slot, "36.5", at=moment_text(local(days_ago(1), 18)))
    assert response.status_code == 400
    assert "不是同一天" in html(response)


def test_an_ended_order_takes_no_follow_up(order, cadre, hq, login):
    for fu in order.follow_ups.filter(due_at__lt=timezone.now()):
        services.excuse_follow_up(hq, fu, reason="测试")
    services.end_quarantine(hq, order, status="transferred_to_hospital", reason="送医")
    page = html(login(cadre).get(url("record_follow_up", order.pk)))
    assert "不能再记录随访" in page and 'name="temperature"' not in page


def test_another_villages_order_and_another_orders_slot_answer_404(order, login, hq, cadre):
    outsider = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    slot = slot_at(order, days_ago(1), 8)
    assert login(outsider).get(form_url(order, slot)).status_code == 404
    assert login(outsider).post(form_url(order, slot), {"temperature": "36.5", "method": "phone"}).status_code == 404
    other = start(hq, key_person(arrival=days_ago(1)), cadre=cadre, doctor=order.doctor)
    assert login(cadre).get(form_url(other, slot)).status_code == 404


def test_read_only_roles_get_no_form(order, login):
    viewer = f.user("viewer", Role.VIEWER, f.COUNTY)
    assert login(viewer).get(url("record_follow_up", order.pk)).status_code == 403


# Due by region, overdue, excuse ------------------------------------------------------------------

def test_due_by_region_counts_per_township_and_drills_down(order, hq, login):
    b_cadre = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    b_doctor = f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)
    start(hq, key_person(f.VILLAGE_B1, arrival=days_ago(1)), cadre=b_cadre, doctor=b_doctor,
          start_at=local(days_ago(1), 7))
    client = login(hq)
    page = html(client.get(DUE))
    assert "孝昌县随访进度" in page
    assert f'<a href="?region={f.TOWN_A}">花园镇</a>' in page and f'<a href="?region={f.TOWN_B}">丰山镇</a>' in page
    rows = page.split('id="due-by-region"', 1)[1]
    town_a = rows.split("花园镇", 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{due_now(order)}</td><td class="num fever">{overdue(order)}</td>' in town_a
    town_page = html(client.get(DUE, {"region": f.TOWN_A}))
    assert "花园镇随访进度" in town_page and f'href="?region={f.VILLAGE_A1}">东岳村</a>' in town_page
    assert f'<a href="?region={f.COUNTY}">孝昌县</a>' in town_page  # breadcrumb back up


def test_due_by_region_outside_the_scope_is_404(order, town, login):
    assert login(town).get(DUE, {"region": f.TOWN_B}).status_code == 404
    assert login(town).get(OVERDUE, {"region": f.COUNTY}).status_code == 404


def test_overdue_list_shows_the_oldest_first_with_excuse_forms(order, town, login):
    page = html(login(town).get(OVERDUE, {"region": f.VILLAGE_A1}))
    first = slot_at(order, days_ago(3), 8)
    assert "东岳村逾期未随访" in page
    assert f"逾期共 {overdue(order)} 次" in page
    assert page.index(f'data-follow-up="{first.pk}"') < page.index(
        f'data-follow-up="{slot_at(order, days_ago(1), 18).pk}"')
    assert f'action="{url("excuse", first.pk)}"' in page


def test_excuse_needs_a_reason_and_then_leaves_the_list(order, town, login):
    client = login(town)
    slot = slot_at(order, days_ago(3), 8)
    back = f"{OVERDUE}?region={f.VILLAGE_A1}"
    page = html(client.post(url("excuse", slot.pk), {"reason": "", "next": back}, follow=True))
    assert "未随访原因：这个字段是必填项。" in page
    slot.refresh_from_db()
    assert slot.status == FollowUpStatus.DUE
    response = client.post(url("excuse", slot.pk), {"reason": "外出就医", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    page = html(response)
    assert "已说明 李明" in page and "外出就医" in page
    assert f'data-follow-up="{slot.pk}"' not in page
    slot.refresh_from_db()
    assert (slot.status, slot.excuse_reason) == ("excused", "外出就医")


def test_excusing_twice_shows_the_services_message(order, town, login):
    slot = slot_at(order, days_ago(3), 8)
    services.excuse_follow_up(town, slot, reason="外出就医")
    page = html(login(town).post(url("excuse", slot.pk), {"reason": "再说明"}, follow=True))
    assert f"{timezone.localtime(slot.due_at):%Y-%m-%d %H:%M} 的随访状态为“" in page
    assert "已已" not in page
    slot.refresh_from_db()
    assert slot.excuse_reason == "外出就医"


def test_excuse_never_redirects_to_another_site(order, town, login):
    slot = slot_at(order, days_ago(3), 8)
    response = login(town).post(url("excuse", slot.pk), {"reason": "外出", "next": "https://evil.example/"})
    assert response["Location"] == OVERDUE


# Menu -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,region,expected", [
    (Role.VILLAGE_WORKER, f.VILLAGE_A1, {"quarantine:mine"}),
    (Role.DOCTOR, f.VILLAGE_A1, {"quarantine:mine", "quarantine:transfers"}),
    (Role.TOWNSHIP_STAFF, f.TOWN_A, {"quarantine:mine", "quarantine:orders", "quarantine:transfers"}),
    (Role.HQ_ADMIN, f.COUNTY, {"quarantine:orders", "quarantine:transfers"}),
    (Role.VIEWER, f.COUNTY, {"quarantine:orders"}),
    (Role.CHECKPOINT_STAFF, f.COUNTY, set()),
])
def test_menu_entries_by_role(tree, login, role, region, expected):
    page = html(login(f.user("someone", role, region)).get("/"))
    found = {name for name in ("quarantine:mine", "quarantine:orders", "quarantine:transfers")
             if f'data-nav="{name}"' in page}
    assert found == expected


def test_the_index_sends_each_role_to_its_list(tree, login):
    worker = f.user("w", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    hq = f.user("h", Role.HQ_STAFF, f.COUNTY)
    assert login(worker).get(url("index"))["Location"] == MINE
    assert login(hq).get(url("index"))["Location"] == url("orders")
