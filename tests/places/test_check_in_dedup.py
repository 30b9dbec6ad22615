"""A public check-in sent twice is stored once (its idempotency key, or the same visitor and origin at the same
place within the duplicate window), and the answer never tells a repeat from a first visit."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from fangkong.places.selectors.check_ins import active_code_by_token
from fangkong.places.services import check_ins as services
from tests import factories
from tests.concurrency import at_once

from .builders import checkpoint, code, fresh_cache, place, resident_id  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")

VISITOR = {"phone": "13912345678", "name": "李四"}


@pytest.fixture
def spot(tree):
    p = place()
    return p, code(p)


def _visit(c, at=None, **data):
    return services.check_in(active_code_by_token(c.token), at=at, **{**VISITOR, **data})


def _counted(day=None) -> int:
    """The county's check-ins of the day by the counters, once they are proven against the rows (the places
    here are made without their counters: only the check-ins' are compared)."""
    day = day or timezone.localdate()
    assert {key: v for key, v in counters.differences(day).items() if key[1] == "check_in"} == {}
    return counters.live(day).get((factories.COUNTY, "check_in"), 0)


# Through the service ---------------------------------------------------------------------------------------

def test_the_same_check_in_twice_within_a_minute_is_one(spot):
    _p, c = spot
    first = _visit(c)
    again = _visit(c)
    with_id = _visit(c, phone="13700000001", name="王五", id_number=resident_id(5))
    assert _visit(c, phone="13700000001", name="王五", id_number=resident_id(5)).pk == with_id.pk
    assert again.pk == first.pk
    assert CheckIn.objects.count() == 2 and not Person.objects.exists()  # a check-in is no person (services.matching)
    assert AuditEntry.objects.filter(action="check_in.create").count() == 2
    assert _counted() == 2


def test_outside_the_window_or_with_another_origin_it_is_a_new_check_in(spot):
    _p, c = spot
    t0 = timezone.now() - datetime.timedelta(hours=1)
    first = _visit(c, at=t0)
    assert _visit(c, at=t0 + datetime.timedelta(seconds=60)).pk == first.pk
    assert _visit(c, at=t0 - datetime.timedelta(seconds=60)).pk == first.pk
    assert _visit(c, at=t0 + datetime.timedelta(seconds=61)).pk != first.pk
    assert _visit(c, at=t0, origin="武汉", origin_code="420102").pk != first.pk
    assert CheckIn.objects.count() == 3
    assert _counted(timezone.localdate(t0)) == 3


def test_the_same_visitor_at_another_place_or_checkpoint_is_not_a_repeat(spot):
    _p, c = spot
    _visit(c)
    _visit(code(place(name="红旗超市")))
    _visit(code(checkpoint()))
    assert CheckIn.objects.count() == 3 and not Person.objects.exists()


def test_the_same_key_twice_is_stored_once_even_after_the_window(spot):
    _p, c = spot
    first = _visit(c, at=timezone.now() - datetime.timedelta(minutes=10), client_key="form-1")
    again = _visit(c, client_key="form-1")  # the page reloaded long after
    someone = _visit(c, phone="13700000002", name="赵六", client_key="form-1")  # the key decides
    assert first.pk == again.pk == someone.pk
    assert CheckIn.objects.get().client_key == "form-1" and not CheckIn.objects.filter(name="赵六").exists()
    assert _counted(timezone.localdate(first.checked_in_at)) == 1


def test_a_key_belongs_to_its_place(spot):
    _p, c = spot
    first = _visit(c, client_key="form-1")
    elsewhere = _visit(code(place(name="红旗超市")), phone="13700000002", name="赵六", client_key="form-1")
    assert elsewhere.pk != first.pk and CheckIn.objects.count() == 2


def test_a_malformed_key_is_refused(spot):
    _p, c = spot
    with pytest.raises(ValidationError) as exc:
        _visit(c, client_key="a b")
    assert "client_key" in exc.value.message_dict
    assert not CheckIn.objects.exists()


# Through the API and the page --------------------------------------------------------------------------------

def _api(c, headers=None, **data):
    response = Client().post(f"/api/places/c/{c.token}/check-in", json.dumps({**VISITOR, **data}),
                             content_type="application/json", headers=headers or {})
    return response.status_code, response.json()


def test_the_api_answers_a_repeat_as_a_first_visit(spot):
    _p, c = spot
    status, first = _api(c)
    status_again, again = _api(c)
    assert status == status_again == 201
    assert set(first) == set(again) == {"detail", "where", "at"}  # nothing says "you were here"
    assert again["at"] >= first["at"]  # the time of this request, not the stored one
    assert CheckIn.objects.count() == 1


def test_the_api_takes_the_key_as_header_or_field(spot):
    _p, c = spot
    assert _api(c, headers={"Idempotency-Key": "app-7"})[0] == 201
    assert _api(c, headers={"Idempotency-Key": "app-7"}, origin="武汉")[0] == 201
    assert _api(c, client_key="app-8", phone="13700000002", name="赵六")[0] == 201
    assert _api(c, client_key="app-8", phone="13700000003", name="钱七")[0] == 201
    assert sorted(CheckIn.objects.values_list("client_key", flat=True)) == ["app-7", "app-8"]
    status, body = _api(c, client_key="a b")
    assert status == 422 and "client_key" in body["detail"]


def _form_key(html: str) -> str:
    return re.search(r'name="client_key" value="([0-9a-f]{32})"', html).group(1)


def test_the_page_carries_a_key_and_a_reload_stores_nothing_more(spot):
    _p, c = spot
    browser = Client()
    url = f"/places/c/{c.token}/"
    key = _form_key(browser.get(url).content.decode())
    assert _form_key(Client().get(url).content.decode()) != key  # each showing its own
    first = browser.post(url, {**VISITOR, "client_key": key})
    again = browser.post(url, {**VISITOR, "origin": "武汉", "client_key": key})  # sent again, edited or not
    assert first.status_code == again.status_code == 200 and "登记成功" in again.content.decode()
    assert CheckIn.objects.get().client_key == key and CheckIn.objects.get().origin == ""


# At once ----------------------------------------------------------------------------------------------------

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (SQLite runs one writer at a time anyway)")
@pytest.mark.parametrize("data", [VISITOR, {**VISITOR, "id_number": resident_id(9)}])
def test_ten_identical_check_ins_at_once_store_one(transactional_db, settings, data):
    settings.FANGKONG_CHECK_IN_RATE = 100
    factories.county_tree()
    c = code(place())
    statuses = at_once(10, lambda _i: Client().post(f"/api/places/c/{c.token}/check-in", json.dumps(data),
                                                    content_type="application/json").status_code)
    assert statuses == [201] * 10
    assert CheckIn.objects.count() == 1 and not Person.objects.exists()
    assert AuditEntry.objects.filter(action="check_in.create").count() == 1
    assert _counted() == 1
