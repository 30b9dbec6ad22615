"""The phone page for registering passages: empty form after each save, masked success line, errors, scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.checkpoints.models import Passage
from tests import factories as f

from .builders import ID_1, ID_2, ID_3, WUHAN, risk_area


def _url(cp):
    return reverse("checkpoints:register_passage", args=[cp.pk])


def _form(**extra):
    data = {"id_type": "resident_id", "id_number": ID_1, "name": "张三", "temperature": "36.5", "outcome": "pass",
            "direction": "in", "vehicle_plate": "鄂K12345", "origin": "", "origin_code": "", "destination": "",
            "destination_text": "", "phone": "", "passed_at": ""}
    data.update(extra)
    return data


def test_the_form_has_the_focus_on_the_id_and_the_county_as_destinations(login, staff, cp):
    response = login(staff).get(_url(cp))
    assert response.status_code == 200
    html = response.content.decode()
    id_input = re.search(r'<input[^>]*name="id_number"[^>]*>', html).group(0)
    assert "autofocus" in id_input
    assert "红旗村" in html and "东岳村" in html  # any village of the county, not only the staff's township
    assert f"/api/checkpoints/{cp.pk}/lookup" in html


def test_save_returns_to_an_empty_form_with_a_masked_success_line(login, staff, cp):
    client = login(staff)
    response = client.post(_url(cp), _form(phone="13800001111"), follow=True)
    assert response.redirect_chain[-1][0] == _url(cp)
    html = response.content.decode()
    assert "已登记：张三（4209**********1239）" in html
    assert ID_1 not in html and "13800001111" not in html
    assert 'value="张三"' not in html  # the form is empty again
    assert Passage.objects.count() == 1


def test_fever_with_pass_shows_the_error_and_keeps_the_input(login, staff, cp):
    response = login(staff).post(_url(cp), _form(temperature="38.3"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "送发热门诊" in html and "达到发热标准" in html and 'value="38.3"' in html
    assert not Passage.objects.exists()
    ok = login(staff).post(_url(cp), _form(temperature="38.3", outcome="fever_clinic"), follow=True)
    assert "送发热门诊" in ok.content.decode() and Passage.objects.get().outcome == "fever_clinic"


def test_same_vehicle_puts_the_last_trip_back(login, staff, cp):
    client = login(staff)
    client.post(_url(cp), _form(origin="武汉市", destination=f.VILLAGE_B1, destination_text="3组"))
    html = client.get(_url(cp)).content.decode()
    assert 'id="same-vehicle"' in html and 'data-plate="鄂K12345"' in html
    html = client.get(_url(cp) + "?same=1").content.decode()
    assert 'value="鄂K12345"' in html and 'value="武汉市"' in html


def test_another_townships_checkpoint_is_404(login, staff_b, cp):
    client = login(staff_b)
    assert client.get(_url(cp)).status_code == 404
    assert client.post(_url(cp), _form()).status_code == 404
    assert client.get(reverse("checkpoints:detail", args=[cp.pk])).status_code == 404
    assert not Passage.objects.exists()


def test_a_village_worker_may_not_register(login, worker_b1, cp):
    assert login(worker_b1).get(_url(cp)).status_code in (403, 404)


def test_risk_arrival_line_names_the_village(login, staff, cp):
    risk_area("4201")
    html = login(staff).post(_url(cp), _form(origin_code=WUHAN, destination=f.VILLAGE_B1), follow=True).content.decode()
    assert "已列入红旗村台账" in html


def test_a_save_costs_few_queries(login, staff, cp):
    client = login(staff)
    client.post(_url(cp), _form())  # warm up: content types, risk-area cache, session
    with CaptureQueriesContext(connection) as queries:
        response = client.post(_url(cp), _form(id_number=ID_2, name="李四"))
    assert response.status_code == 302
    assert len(queries) <= 15, [q["sql"] for q in queries]


@pytest.mark.parametrize("temperature", ["", "50"])
def test_bad_temperature_is_shown_by_the_field(login, staff, cp, temperature):
    response = login(staff).post(_url(cp), _form(id_number=ID_3, temperature=temperature))
    assert response.status_code == 400
    assert response.context["form"].errors["temperature"]
