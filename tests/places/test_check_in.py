"""The public check-in: page and JSON API, strict validation, rate limit, CSRF, nothing revealed."""

import json
import re

import pytest
from django.test import Client

from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from fangkong.core.clients import client_ip
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from tests import factories

from .builders import checkpoint, code, fresh_cache, person, place, resident_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def spot(tree):
    p = place()
    return p, code(p)


def url(c) -> str:
    return f"/places/c/{c.token}/"


def api_url(c) -> str:
    return f"/api/places/c/{c.token}/check-in"


def post(c, data, client=None, **extra):
    return (client or Client()).post(url(c), data, **extra)


def test_page_opens_without_login_and_names_the_place(spot):
    p, c = spot
    response = Client().get(url(c))
    assert response.status_code == 200
    assert p.name in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_valid_check_in_stores_the_visitor_as_typed_place_time_counters_audit(spot):
    p, c = spot
    response = post(c, {"phone": "13912345678", "name": "李四", "id_number": resident_id(7)})
    assert response.status_code == 200
    assert "登记成功" in response.content.decode()
    row = CheckIn.objects.get()
    assert row.place == p and row.checkpoint is None and row.region_id == p.region_id
    assert (row.name, row.phone, row.id_number, row.person) == ("李四", "13912345678", resident_id(7), None)
    assert row.id_digest == identity.digest("resident_id", resident_id(7))
    assert row.phone_digest == identity.digest("phone", "13912345678")
    assert not Person.objects.exists()
    assert DailyCounter.objects.filter(region_id=factories.COUNTY, metric="check_in").get().value == 1
    entry = AuditEntry.objects.get(action="check_in.create")
    assert entry.actor is None and entry.after["with_id_number"] is True
    assert "13912345678" not in str(entry.after) and resident_id(7) not in str(entry.after)


def test_check_in_at_a_checkpoint_code(tree):
    cp = checkpoint()
    c = code(cp)
    assert post(c, {"phone": "13912345678", "name": "李四"}).status_code == 200
    row = CheckIn.objects.get()
    assert row.checkpoint == cp and row.place is None and row.region_id == cp.region_id


@pytest.mark.parametrize("data, field", [
    ({"phone": "12345", "name": "李四"}, "手机号码"),
    ({"phone": "", "name": "李四"}, "手机号码"),
    ({"phone": "23912345678", "name": "李四"}, "手机号码"),
    ({"phone": "13912345678", "name": ""}, "姓名"),
    ({"phone": "13912345678", "name": "<script>"}, "姓名"),
    ({"phone": "13912345678", "name": "李" * 51}, "姓名"),
    ({"phone": "13912345678", "name": "李四", "id_number": "420921198001010010"}, "身份证号码"),
    ({"phone": "13912345678", "name": "李四", "id_number": "12345"}, "身份证号码"),
    ({"phone": "13912345678", "name": "李四", "origin_code": "4201x"}, "区划代码"),
])
def test_bad_input_refused_with_the_field_named(spot, data, field):
    _p, c = spot
    response = post(c, data)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not CheckIn.objects.exists() and not Person.objects.exists()


def test_known_person_by_id_is_neither_changed_nor_attached_nor_shown(spot):
    _p, c = spot
    known = person(name="王秘密", seq=3, phone="13700000003")
    response = post(c, {"phone": "13912345678", "name": "冒名", "id_number": resident_id(3)})
    assert response.status_code == 200
    known.refresh_from_db()
    assert (known.name, known.phone) == ("王秘密", "13700000003")  # an anonymous form changes nothing
    row = CheckIn.objects.get()
    assert row.person is None and row.name == "冒名"  # nor is it the known person's presence (services.matching)
    assert not known.check_ins.exists() and Person.objects.count() == 1
    body = response.content.decode()
    for secret in ("王秘密", "13700000003", "0003", known.id_number, "冒名"):
        assert secret not in body


def _without_time(body: str) -> str:
    body = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_same_answer_for_known_and_unknown_persons(spot):
    _p, c = spot
    person(name="王秘密", seq=3, phone="13700000003")
    known = post(c, {"phone": "13700000003", "name": "王秘密", "id_number": resident_id(3)})
    unknown = post(c, {"phone": "13700000004", "name": "赵新", "id_number": resident_id(4)})
    assert known.status_code == unknown.status_code == 200
    assert _without_time(known.content.decode()).replace("王秘密", "X") == \
        _without_time(unknown.content.decode()).replace("赵新", "X")
    assert "王秘密" not in known.content.decode()


def test_a_known_phone_with_another_name_makes_no_second_person(spot):
    _p, c = spot
    known = person(name="李四", seq=4, phone="13912345678")
    post(c, {"phone": "139 1234 5678", "name": "李五"})
    post(c, {"phone": "13912345678", "name": "李四", "origin": "孝感"})
    assert list(Person.objects.all()) == [known]
    assert CheckIn.objects.count() == 2 and not CheckIn.objects.filter(person__isnull=False).exists()
    assert set(CheckIn.objects.values_list("name", flat=True)) == {"李四", "李五"}


def test_unknown_and_withdrawn_codes_give_the_same_bare_404(spot):
    p, c = spot
    withdrawn = code(p)
    withdrawn.is_active = False
    withdrawn.save()
    gone = Client().get(url(withdrawn))
    unknown = Client().get("/places/c/nosuchtoken/")
    assert gone.status_code == unknown.status_code == 404
    assert p.name not in gone.content.decode()
    # the same page but for the path itself (in the language switch's "next")
    assert _without_time(gone.content.decode()).replace(withdrawn.token, "T") == \
        _without_time(unknown.content.decode()).replace("nosuchtoken", "T")
    assert post(withdrawn, {"phone": "13912345678", "name": "李四"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_rate_limit_per_client_address(spot, settings):
    settings.FANGKONG_CHECK_IN_RATE = 3
    _p, c = spot
    data = {"phone": "13912345678", "name": "李四"}
    for n in range(3):  # three visitors of one household, one phone
        assert post(c, {**data, "phone": f"1391234567{n}"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    limited = post(c, data, REMOTE_ADDR="10.0.0.1")
    assert limited.status_code == 429
    assert "提交过于频繁" in limited.content.decode()
    # a forged X-Forwarded-For does not help a direct client
    assert post(c, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    assert post(c, data, REMOTE_ADDR="10.0.0.2").status_code == 200
    assert CheckIn.objects.count() == 4
    # bad input counts too (no probing numbers faster than the rate)
    for _ in range(3):
        post(c, {"phone": "1", "name": "x"}, REMOTE_ADDR="10.0.0.3")
    assert post(c, data, REMOTE_ADDR="10.0.0.3").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_counts(spot, settings):
    settings.FANGKONG_CHECK_IN_RATE = 1
    settings.FANGKONG_TRUSTED_PROXIES = ["127.0.0.1"]
    _p, c = spot
    data = {"phone": "13912345678", "name": "李四"}
    assert post(c, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 5.5.5.5").status_code == 200
    assert post(c, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6").status_code == 200
    assert post(c, data, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 6.6.6.6").status_code == 429


def test_csrf_is_required(spot):
    _p, c = spot
    client = Client(enforce_csrf_checks=True)
    assert client.post(url(c), {"phone": "13912345678", "name": "李四"}).status_code == 403
    page = client.get(url(c))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    ok = client.post(url(c), {"phone": "13912345678", "name": "李四", "csrfmiddlewaretoken": token})
    assert ok.status_code == 200
    assert CheckIn.objects.count() == 1


def test_risk_origin_flagged_with_the_risk_area_test(spot, monkeypatch):
    from fangkong.risk_areas import services as risk_areas
    monkeypatch.setattr(risk_areas, "is_risk_origin", lambda origin_code, day: origin_code.startswith("4201"))
    _p, c = spot
    post(c, {"phone": "13912345678", "name": "李四", "origin": "武汉市", "origin_code": "420102"})
    post(c, {"phone": "13912345679", "name": "李五", "origin": "孝感市", "origin_code": "420902"})
    flags = dict(CheckIn.objects.values_list("origin_code", "from_risk_area"))
    assert flags == {"420102": True, "420902": False}


def test_client_ip_rule():
    class R:
        META = {"REMOTE_ADDR": "8.8.8.8", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}
    assert client_ip(R) == "8.8.8.8"


# JSON API ---------------------------------------------------------------------------------------------

def api_post(c, data, **extra):
    return Client().post(api_url(c), json.dumps(data), content_type="application/json", **extra)


def test_api_check_in_without_account(spot):
    p, c = spot
    response = api_post(c, {"phone": "13912345678", "name": "李四"})
    assert response.status_code == 201
    assert response.json()["where"] == p.name
    assert CheckIn.objects.count() == 1


def test_api_refuses_bad_input_and_unknown_codes(spot):
    _p, c = spot
    bad = api_post(c, {"phone": "123", "name": "李四", "id_number": "420921198001010010"})
    assert bad.status_code == 422
    assert set(bad.json()["detail"]) == {"phone", "id_number"}
    assert Client().post("/api/places/c/nosuch/check-in", json.dumps({"phone": "13912345678", "name": "李四"}),
                         content_type="application/json").status_code == 404
    assert not CheckIn.objects.exists()


def test_api_never_reveals_a_known_person(spot):
    _p, c = spot
    known = person(name="王秘密", seq=3, phone="13700000003")
    response = api_post(c, {"phone": "13912345678", "name": "冒名", "id_number": resident_id(3)})
    assert response.status_code == 201
    body = json.dumps(response.json(), ensure_ascii=False)
    for secret in ("王秘密", "13700000003", known.id_number, "冒名"):
        assert secret not in body
    assert set(response.json()) == {"detail", "where", "at"}


def test_api_rate_limit(spot, settings):
    settings.FANGKONG_CHECK_IN_RATE = 2
    _p, c = spot
    data = {"phone": "13912345678", "name": "李四"}
    assert [api_post(c, data).status_code for _ in range(3)] == [201, 201, 429]
    assert "提交过于频繁" in api_post(c, data).json()["detail"]
