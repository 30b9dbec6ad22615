"""The region picker (regions.forms, core.region_picker): a person picks a region by name, villages and grids
under their township, from the regions of their scope (or of the deployment); the code is only the value sent.
Through the choices themselves and through every form that asked for a typed code: the user admin form, the
person and household forms and the lists' filters, the end of an order moving away (handover), the audit
trail's filter."""

import re

import pytest
from django import forms
from django.urls import reverse

from fangkong.accounts.models import Role, User
from fangkong.core import region_picker
from fangkong.people.models import Household, Person
from fangkong.quarantine.models import QuarantineStatus
from fangkong.regions import selectors
from fangkong.regions.forms import pick_region, region_choices
from tests import factories as f
from tests.core.crawl import read_page, region_codes
from tests.quarantine.helpers import days_ago, key_person, start

CITY = "420900000000"
OTHER_COUNTY = "420902000000"
OTHER_TOWN = "420902001000"
OTHER_VILLAGE = "420902001201"


def _options(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def _codes_read(html: str) -> set[str]:
    pieces, _links = read_page(html)
    return region_codes(pieces)


def test_a_county_picks_villages_and_grids_under_their_township(tree):
    choices = region_choices(f.COUNTY)
    assert choices[0] == (f.COUNTY, "孝昌县")
    groups = dict(c for c in choices[1:])
    assert groups["花园镇"] == [(f.TOWN_A, "花园镇"), (f.VILLAGE_A1, "东岳村"), (f.GRID_A1, "东岳村第1网格"),
                               (f.VILLAGE_A2, "桃园村")]
    assert groups["丰山镇"] == [(f.TOWN_B, "丰山镇"), (f.VILLAGE_B1, "红旗村")]


def test_levels_blank_and_a_grid_named_without_its_village(tree):
    f.region("420921001201002", "第2网格")
    choices = region_choices(f.TOWN_A, levels=("village", "grid"), blank="全部")
    assert choices == [("", "全部"), ("花园镇", [(f.VILLAGE_A1, "东岳村"), (f.GRID_A1, "东岳村第1网格"),
                                               ("420921001201002", "东岳村 · 第2网格"), (f.VILLAGE_A2, "桃园村")])]


def test_a_city_names_the_county_of_each_township(tree):
    f.region(CITY, "孝感市")
    f.region(OTHER_COUNTY, "孝南区")
    f.region(OTHER_TOWN, "书院街道")
    f.region(OTHER_VILLAGE, "书院社区")
    groups = [label for label, value in region_choices(CITY) if isinstance(value, list)]
    assert groups == ["孝南区 书院街道", "孝昌县 花园镇", "孝昌县 丰山镇"]


def test_a_scope_too_big_to_list_asks_for_the_code(tree, monkeypatch):
    monkeypatch.setattr(selectors, "PICKER_LIMIT", 3)
    assert region_choices(f.COUNTY) is None and region_picker.choices(f.COUNTY) is None

    class Form(forms.Form):
        region = forms.CharField(label="管辖区划")

    form = Form()
    pick_region(form, "region", f.COUNTY)
    assert isinstance(form.fields["region"].widget, forms.TextInput) and form.fields["region"].label == "管辖区划（区划代码）"
    assert region_choices(f.VILLAGE_A1) == [("花园镇", [(f.VILLAGE_A1, "东岳村"), (f.GRID_A1, "东岳村第1网格")])]


# The forms that asked for a typed code --------------------------------------------------------------------------

@pytest.fixture
def admin(tree):
    return f.user("town_admin", Role.HQ_ADMIN, f.TOWN_A)


def test_the_user_form_picks_the_scope_by_name(admin, login):
    client = login(admin)
    html = client.get(reverse("accounts:user_create")).content.decode()
    picker = _options(html, "region_code")
    assert f'<option value="{f.GRID_A1}">东岳村第1网格</option>' in picker and "丰山镇" not in picker
    assert "区划代码" not in html and _codes_read(html) == set()

    response = client.post(reverse("accounts:user_create"), {
        "username": "wang", "display_name": "王网格员", "role": Role.VILLAGE_WORKER, "region_code": f.GRID_A1,
        "password": "Spring-festival-2020"})
    assert response.status_code == 302 and User.objects.get(username="wang").region_id == f.GRID_A1

    wang = User.objects.get(username="wang")
    html = client.get(reverse("accounts:user_edit", args=[wang.pk])).content.decode()
    assert f'<option value="{f.GRID_A1}" selected>东岳村第1网格</option>' in _options(html, "region_code")


def test_a_code_off_the_list_is_refused_by_the_service_in_its_words(admin, login):
    response = login(admin).post(reverse("accounts:user_create"), {
        "username": "li", "role": Role.VILLAGE_WORKER, "region_code": f.VILLAGE_B1, "password": "Spring-festival-2020"})
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    assert not User.objects.filter(username="li").exists()


def test_person_and_household_forms_pick_by_name(tree, login):
    worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    client = login(worker)
    html = client.get(reverse("people:create")).content.decode()
    assert "现住区划代码" not in html and _codes_read(html) == set()
    assert f'<option value="{f.VILLAGE_A1}" selected>东岳村</option>' in _options(html, "region_code")

    html = client.get(reverse("people:household_create")).content.decode()
    assert f'<option value="{f.GRID_A1}">东岳村第1网格</option>' in _options(html, "region_code")
    response = client.post(reverse("people:household_create"), {"region_code": f.GRID_A1, "address": "东岳村1组3号"})
    assert response.status_code == 302 and Household.objects.get().region_id == f.GRID_A1

    response = client.post(reverse("people:create"), {"name": "王五", "id_type": "other", "id_number": "T0001",
                                                      "region_code": f.GRID_A1, "sex": "male",
                                                      "birth_date": "1980-01-01"})
    person = Person.objects.get(name="王五")
    assert response.status_code == 302 and person.region_id == f.GRID_A1
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert f'<option value="{f.GRID_A1}" selected>东岳村第1网格</option>' in _options(html, "region_code")


@pytest.mark.parametrize("page", ["people:list", "people:households"])
def test_the_lists_filter_by_a_region_picked_by_name(tree, login, page):
    hq = f.user("hq", Role.HQ_STAFF)
    html = login(hq).get(reverse(page), {"region": f.VILLAGE_B1}).content.decode()
    picker = _options(html, "region")
    assert picker.strip().startswith('<option value="">全部</option>')
    assert f'<option value="{f.VILLAGE_B1}" selected>红旗村</option>' in picker
    assert _codes_read(html) == set()


def test_the_audit_filter_picks_a_region_by_name(tree, login):
    hq = f.user("hq_admin", Role.HQ_ADMIN)
    html = login(hq).get(reverse("audit:list"), {"region": f.TOWN_B}).content.decode()
    assert f'<option value="{f.TOWN_B}" selected>丰山镇</option>' in _options(html, "region")
    assert "区划代码" not in html.split("</form>", 1)[0], html.split("</form>", 1)[0][-3000:]


def test_an_order_moving_away_is_handed_over_to_a_village_picked_by_name(tree, login):
    hq = f.user("hq_admin", Role.HQ_ADMIN)
    cadre, doctor = f.user("cadre", Role.VILLAGE_WORKER, f.VILLAGE_A1), f.user("doctor", Role.DOCTOR, f.VILLAGE_A1)
    q = start(hq, key_person(f.VILLAGE_A1), cadre=cadre, doctor=doctor, arrival=days_ago(2))
    client = login(cadre)  # a village worker hands over to another township's village, outside their scope

    html = client.get(reverse("quarantine:order", args=[q.pk])).content.decode()
    picker = _options(html, "handover_region")
    assert '<optgroup label="丰山镇">' in picker and f'<option value="{f.VILLAGE_B1}">红旗村</option>' in picker
    assert f.GRID_A1 not in picker and "移交区划代码" not in html

    response = client.post(reverse("quarantine:end", args=[q.pk]), {
        "status": QuarantineStatus.MOVED_AWAY, "at": "", "reason": "返回原籍", "handover_region": f.VILLAGE_B1,
        "handover_to": ""})
    q.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert (q.status, q.handover_region_id, q.handover_to) == (QuarantineStatus.MOVED_AWAY, f.VILLAGE_B1, "红旗村")


@pytest.mark.parametrize("page, field", [
    ("screening:register", "region"), ("screening:key_persons", "region"), ("screening:sweeps", "region_code"),
    ("places:new", "region_code"), ("quarantine:site_new", "region_code"), ("quarantine:orders", "region"),
])
def test_the_other_pickers_name_the_township_of_a_village(tree, login, page, field):
    """Villages of the same name in several townships (石桥村 ×5 in a county) are told apart by their group."""
    f.region("420921002202", "东岳村")  # a namesake in 丰山镇
    html = login(f.user("hq", Role.HQ_ADMIN)).get(reverse(page)).content.decode()
    picker = _options(html, field)
    groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', picker, re.S))
    assert f'value="{f.VILLAGE_A1}"' in groups["花园镇"] and 'value="420921002202"' in groups["丰山镇"]
    assert _codes_read(html) == set()
