"""The pages: the three phone pages of a village worker, the ledger pages and the sweep pages, through the Client."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.core.widgets import ListSelect
from fangkong.screening import services
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, Status
from tests import factories as f

from .helpers import check, days_ago, figures, household, key_person, resident_id, sweep, today

TODAY = reverse("screening:today")
REGISTER = reverse("screening:register")
LIST = reverse("screening:key_persons")


def url(name, *args):
    return reverse(f"screening:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


# 今日名单 -------------------------------------------------------------------------------------

def test_today_lists_my_village_with_one_tap_to_record(worker, other_worker, login):
    mine = key_person(worker, 1, name="李明", arrival_date=days_ago(2))
    done = key_person(worker, 2, name="王芳")
    check(worker, done, "37.8")
    theirs = key_person(other_worker, 3, name="赵强", region=f.VILLAGE_A2)
    page = html(login(worker).get(TODAY))
    assert "李明" in page and "王芳" in page and "赵强" not in page
    assert f'{url("record_check", mine.pk)}?from=today' in page
    assert f'{url("record_check", done.pk)}?from=today' not in page
    assert "✓ 37.8°C 发热" in page
    assert "第3天" in page
    assert "本辖区在管 2 人，当日已查 1 人，发热 1 人" in page
    assert f'data-key-person="{theirs.pk}"' not in page


def test_today_filters_pending_and_mine(worker, town, login):
    mine = key_person(town, 1, name="李明", responsible=worker.pk)
    other = key_person(town, 2, name="王芳")
    client = login(worker)
    assert "王芳" not in html(client.get(TODAY, {"mine": "1"}))
    check(worker, mine, "36.5")
    pending = html(client.get(TODAY, {"pending": "1"}))
    assert "王芳" in pending and "李明" not in pending
    assert f'data-key-person="{other.pk}"' in pending


def test_today_leaves_out_people_no_longer_managed(worker, login):
    kp = key_person(worker, 1, name="李明", registered_on=days_ago(14))
    services.change_key_person_status(worker, kp, status="released")
    assert "李明" not in html(login(worker).get(TODAY))


def test_a_past_days_list_for_review_and_back_filling(worker, login):
    released = key_person(worker, 1, name="李明", registered_on=days_ago(5))
    services.change_key_person_status(worker, released, status="released", ended_on=days_ago(1))
    open_one = key_person(worker, 2, name="王芳", registered_on=days_ago(5))
    client = login(worker)
    assert "李明" not in html(client.get(TODAY))
    day = days_ago(2).isoformat()
    page = html(client.get(TODAY, {"day": day}))
    assert f"检查名单 <span class=\"muted\">{day}" in page and "李明" in page and "王芳" in page
    assert f'{url("record_check", released.pk)}?from=today' not in page  # released since: nothing to record
    link = f'{url("record_check", open_one.pk)}?from=today&amp;day={day}'
    assert link in page
    form = html(client.get(link.replace("&amp;", "&")))
    assert f'name="checked_on" value="{day}"' in form
    response = client.post(link.replace("&amp;", "&"), {"temperature": "36.4", "method": "phone", "checked_on": day})
    assert response["Location"] == f"{TODAY}?day={day}"
    assert DailyCheck.objects.get().checked_on == days_ago(2)
    future = (today() + datetime.timedelta(days=3)).isoformat()
    assert f"今日名单 <span class=\"muted\">{today().isoformat()}" in html(client.get(TODAY, {"day": future}))


def test_long_ago_arrivals_show_the_date_not_a_day_count(worker, login):
    key_person(worker, 1, registered_on=days_ago(40), arrival_date=days_ago(41))
    page = html(login(worker).get(TODAY))
    assert f"{days_ago(41).isoformat()}抵达" in page and "第42天" not in page


def test_today_pages_by_keyset(worker, login, monkeypatch):
    from fangkong.screening import selectors
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    people = [key_person(worker, n, name=f"人员{n}") for n in range(1, 4)]
    first = html(login(worker).get(TODAY))
    assert "人员1" in first and "人员3" not in first and f"after={people[1].pk}" in first
    second = html(login(worker).get(TODAY, {"after": people[1].pk}))
    assert "人员3" in second and "人员1" not in second


# 登记人员 -------------------------------------------------------------------------------------

def register_data(**extra) -> dict:
    return {"name": "李明", "id_type": "resident_id", "id_number": resident_id(1), "phone": "13800001111",
            "region": f.GRID_A1, "address": "东岳村1号", "category": "returnee", "origin": "武汉",
            "arrival_date": days_ago(1).isoformat(), "departure_date": days_ago(2).isoformat(),
            "transport_mode": "train", "transport_number": "G1234", "symptom_tags": ["咳嗽", "乏力"],
            "symptoms_other": "头痛", "registered_on": today().isoformat(), **extra}


def test_register_page_renders_the_form_for_a_phone(worker, login):
    page = html(login(worker).get(REGISTER))
    assert 'value="returnee" class="chips" required id="id_category_0" checked' in page
    for needle in ('name="id_number"', 'type="tel"', 'name="category"', 'class="chips"', 'type="date"',
                   'name="symptom_tags"', 'name="viewport"', f'value="{f.GRID_A1}"'):
        assert needle in page, needle
    assert f'value="{f.VILLAGE_A2}"' not in page  # only the worker's own village and its grids


def test_register_page_writes_its_long_lists_in_one_pass(hq, login):
    """A county's villages and grids and its cadres, hundreds of options, cost 20 ms a page through Django's
    per-option templates; the chosen ones stay chosen."""
    form = login(hq).get(REGISTER).context["form"]
    assert type(form.fields["region"].widget) is ListSelect and type(form.fields["responsible"].widget) is ListSelect
    assert f'<option value="{hq.pk}" selected>' in str(form["responsible"])


def test_register_page_registers_a_returnee(worker, login):
    client = login(worker)
    response = client.post(REGISTER, register_data(responsible=str(worker.pk)))
    kp = KeyPerson.objects.get()
    assert response.status_code == 302 and response["Location"] == url("key_person", kp.pk)
    assert (kp.person.name, kp.region_id, kp.origin, kp.symptoms, kp.responsible) == (
        "李明", f.GRID_A1, "武汉", "咳嗽、乏力、头痛", worker)
    assert figures(f.VILLAGE_A1, today()) == {"kp_new.returnee": 1, "kp_in.returnee": 1}
    detail = html(client.get(response["Location"]))
    assert "已登记 李明" in detail and "登记为疫区返乡人员" in detail


def test_register_page_shows_the_services_errors(worker, login):
    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    response = login(worker).post(REGISTER, register_data(arrival_date=tomorrow, id_number="420921198503150000"))
    assert response.status_code == 200
    page = html(response)
    assert "是将来的日期" in page and "身份证号校验位错误" in page
    assert not KeyPerson.objects.exists()


def test_register_page_refuses_another_village(worker, login):
    response = login(worker).post(REGISTER, register_data(region=f.VILLAGE_A2))
    assert response.status_code == 200 and not KeyPerson.objects.exists()


def test_register_prefills_from_a_household(worker, login):
    h = household(worker, f.GRID_A1, 7)
    page = html(login(worker).get(REGISTER, {"household": h.pk, "category": "fever"}))
    assert "东岳村7号" in page and f'name="household" value="{h.pk}"' in page
    assert 'value="fever" class="chips" required id="id_category_1" checked' in page


def test_read_only_roles_get_no_register_page(tree, login):
    viewer = f.user("viewer", Role.VIEWER, f.VILLAGE_A1)
    assert login(viewer).get(REGISTER).status_code == 403
    assert login(viewer).post(REGISTER, register_data()).status_code == 403
    assert not KeyPerson.objects.exists()


# 记录检查 -------------------------------------------------------------------------------------

def test_record_check_page_has_a_numeric_keypad(worker, login):
    kp = key_person(worker, 1)
    page = html(login(worker).get(url("record_check", kp.pk), {"from": "today"}))
    assert 'inputmode="decimal"' in page and 'name="method"' in page and 'name="symptom_tags"' in page


def test_record_check_from_today_goes_back_to_today(worker, login):
    kp = key_person(worker, 1, name="李明")
    client = login(worker)
    response = client.post(f'{url("record_check", kp.pk)}?from=today', {"temperature": "36.6", "method": "visit"})
    assert response.status_code == 302 and response["Location"] == TODAY
    found = DailyCheck.objects.get()
    assert (found.temperature, found.method, found.checked_on, found.checked_by) == (
        Decimal("36.6"), "visit", today(), worker)
    page = html(client.get(TODAY))
    assert "已记录 李明 体温 36.6°C" in page and "✓ 36.6°C" in page


def test_record_check_shows_a_fever_and_refuses_the_impossible(worker, login):
    kp = key_person(worker, 1, name="李明")
    client = login(worker)
    response = client.post(url("record_check", kp.pk), {"temperature": "44", "method": "phone"})
    assert response.status_code == 200 and "超出可能范围" in html(response)
    assert not DailyCheck.objects.exists()
    response = client.post(url("record_check", kp.pk), {"temperature": "38.4", "method": "phone",
                                                        "symptom_tags": ["咳嗽"]}, follow=True)
    page = html(response)
    assert "发热！" in page and 'class="fever"' in page and "发热 38.4°C（电话），症状：咳嗽" in page


def test_record_check_page_for_a_released_person_has_no_form(worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(14))
    services.change_key_person_status(worker, kp, status="released")
    page = html(login(worker).get(url("record_check", kp.pk)))
    assert "不能再记录检查" in page and 'name="temperature"' not in page


# Scope ----------------------------------------------------------------------------------------

def test_another_villages_person_is_404_everywhere(worker, other_worker, login):
    kp = key_person(worker, 1)
    client = login(other_worker)
    assert client.get(url("key_person", kp.pk)).status_code == 404
    assert client.get(url("key_person_edit", kp.pk)).status_code == 404
    assert client.get(url("record_check", kp.pk)).status_code == 404
    assert client.post(url("record_check", kp.pk), {"temperature": "36.5", "method": "phone"}).status_code == 404
    assert client.post(url("key_person_status", kp.pk), {"status": "released"}).status_code == 404
    assert not DailyCheck.objects.exists()
    assert KeyPerson.objects.get().status == Status.UNDER_MANAGEMENT
    assert "张1" not in html(client.get(LIST))


# Ledger list, detail, edit, status -------------------------------------------------------------

def test_list_filters_and_masks(town, login):
    key_person(town, 1, name="李明", region=f.VILLAGE_A1)
    key_person(town, 2, name="王芳", region=f.VILLAGE_A2, category="close_contact")
    client = login(town)
    page = html(client.get(LIST))
    assert "李明" in page and "王芳" in page and resident_id(1) not in page and "4209**********" in page
    assert "王芳" not in html(client.get(LIST, {"category": "returnee"}))
    assert "李明" not in html(client.get(LIST, {"region": f.VILLAGE_A2}))
    assert "王芳" not in html(client.post(LIST, {"q": resident_id(1)}, follow=True))
    assert "王芳" in html(client.get(LIST, {"q": "王"}))
    assert client.get(LIST, {"region": f.TOWN_B}).status_code == 404


def test_list_query_count_does_not_grow_with_rows(town, login, fresh_user_each_request):
    client = login(town)
    key_person(town, 1)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(2, 12):
        key_person(town, n, responsible=town.pk if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(many) == len(few)


def test_today_query_count_does_not_grow_with_rows(worker, login, fresh_user_each_request):
    client = login(worker)
    check(worker, key_person(worker, 1), "36.5")
    with CaptureQueriesContext(connection) as few:
        client.get(TODAY)
    for n in range(2, 12):
        kp = key_person(worker, n, responsible=worker.pk)
        if n % 3:
            check(worker, kp, "37.5")
    with CaptureQueriesContext(connection) as many:
        page = html(client.get(TODAY))
    assert page.count("data-key-person=") == 11
    assert len(many) == len(few)


def test_detail_shows_checks_and_timeline(worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(1), origin="武汉")
    check(worker, kp, "37.6", day=days_ago(1))
    page = html(login(worker).get(url("key_person", kp.pk)))
    assert "登记为疫区返乡人员（来自武汉）" in page
    assert "发热 37.6°C（电话）" in page and 'class="event-fever_check"' in page
    assert url("record_check", kp.pk) in page and url("key_person_status", kp.pk) in page


def test_edit_page_changes_travel_details(worker, town, login):
    kp = key_person(town, 1, responsible=town.pk)
    client = login(worker)
    data = {"region": f.GRID_A1, "registered_on": today().isoformat(), "origin": "温州",
            "arrival_date": days_ago(1).isoformat(), "transport_mode": "car", "transport_number": "鄂K12345",
            "symptom_tags": ["发热"], "responsible": str(town.pk)}
    response = client.post(url("key_person_edit", kp.pk), data)
    assert response.status_code == 302
    kp.refresh_from_db()
    # the township cadre stays responsible although a village worker cannot choose them
    assert (kp.region_id, kp.origin, kp.symptoms, kp.responsible) == (f.GRID_A1, "温州", "发热", town)
    page = html(client.get(url("key_person_edit", kp.pk)))
    assert 'value="发热" class="chips" id="id_symptom_tags_0" checked' in page


def test_status_form_releases_and_refuses_twice(worker, login):
    kp = key_person(worker, 1, registered_on=days_ago(14))
    client = login(worker)
    data = {"status": "released", "ended_on": today().isoformat()}
    page = html(client.post(url("key_person_status", kp.pk), data, follow=True))
    assert "已结束管理：已解除" in page
    page = html(client.post(url("key_person_status", kp.pk), data, follow=True))
    assert "不能重复结束管理" in page
    kp.refresh_from_db()
    assert kp.status == Status.RELEASED


# Sweeps ---------------------------------------------------------------------------------------

def test_township_opens_a_sweep_on_its_page(town, worker, login):
    data = {"name": "第二轮摸排", "region_code": f.TOWN_A, "start_date": today().isoformat(),
            "end_date": today().isoformat()}
    response = login(town).post(url("sweeps"), data)
    assert response.status_code == 302
    assert login(worker).post(url("sweeps"), data).status_code == 403
    page = html(login(worker).get(url("sweeps")))
    assert "第二轮摸排" in page and 'name="start_date"' not in page


def test_sweep_page_shows_progress_and_households_to_visit(hq, worker, login):
    s = sweep(hq)
    visited = household(hq, f.GRID_A1, 1)
    waiting = household(hq, f.GRID_A1, 2)
    services.record_household_visit(hq, s, visited, present_count=2)
    page = html(login(hq).get(url("sweep", s.pk), {"region": f.VILLAGE_A1}))
    assert "已走访 1 / 2 户（50%）" in page
    assert url("record_visit", s.pk, waiting.pk) in page and url("record_visit", s.pk, visited.pk) in page
    assert login(worker).get(url("sweep", s.pk), {"region": f.TOWN_A}).status_code == 404


def test_recording_a_visit_on_the_page(hq, worker, login):
    s = sweep(hq)
    h = household(hq, f.GRID_A1, 1)
    client = login(worker)
    assert 'name="present_count"' in html(client.get(url("record_visit", s.pk, h.pk)))
    response = client.post(url("record_visit", s.pk, h.pk), {"present_count": "2", "away_note": "长子在武汉",
                                                             "finding": "returnee",
                                                             "visited_on": today().isoformat()})
    assert response.status_code == 302
    assert response["Location"] == f"{REGISTER}?household={h.pk}&category=returnee"
    visit = HouseholdVisit.objects.get()
    assert (visit.present_count, visit.away_note, visit.visited_by) == (2, "长子在武汉", worker)
    other = household(hq, f.VILLAGE_A2, 2)
    assert client.get(url("record_visit", s.pk, other.pk)).status_code == 404


# Menu -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "today_entry", "ledger_entries"), [
    (Role.VILLAGE_WORKER, True, True), (Role.DOCTOR, True, True), (Role.TOWNSHIP_STAFF, True, True),
    (Role.VIEWER, False, True), (Role.SUPERVISOR, False, True), (Role.CHECKPOINT_STAFF, False, False)])
def test_menu_entries_by_role(tree, login, role, today_entry, ledger_entries):
    page = html(login(f.user("someone", role, f.VILLAGE_A1)).get(reverse("core:home")))
    assert ('data-nav="screening:today"' in page) is today_entry
    assert ('data-nav="screening:key_persons"' in page) is ledger_entries
    assert ('data-nav="screening:sweeps"' in page) is ledger_entries


def test_checkpoint_staff_cannot_read_the_ledger(tree, login):
    client = login(f.user("gate", Role.CHECKPOINT_STAFF, f.VILLAGE_A1))
    assert client.get(LIST).status_code == 403
    assert client.get(TODAY).status_code == 403
