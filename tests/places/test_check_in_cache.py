"""The public check-in's cached code (selectors.check_ins): withdrawn at once in this process, at most
CODE_CACHE_SECONDS late elsewhere; the lean write path still writes everything, once."""

import json
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fangkong.people.models import Person
from fangkong.places.models import CheckIn, PlaceCode
from fangkong.places.selectors import check_ins as selectors
from fangkong.places.services import places as place_services

from .builders import code, fresh_cache, place, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")


def api_post(c, data=None):
    return Client().post(f"/api/places/c/{c.token}/check-in",
                         json.dumps(data or {"phone": "13912345678", "name": "李四"}), content_type="application/json")


@pytest.fixture
def spot(tree):
    p = place()
    return p, code(p)


def test_reissued_code_refused_at_once_in_this_process(spot):
    p, c = spot
    assert api_post(c).status_code == 201  # now cached
    new = place_services.reissue_code(staff("hq"), place=p)
    assert api_post(c).status_code == 404
    assert api_post(new, {"phone": "13912345670", "name": "王五"}).status_code == 201
    assert CheckIn.objects.count() == 2


def test_withdrawn_elsewhere_works_at_most_the_cache_seconds(spot, monkeypatch):
    _p, c = spot
    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])  # the cache's clock
    assert api_post(c).status_code == 201
    PlaceCode.objects.filter(pk=c.pk).update(is_active=False)  # as another process would: no signal here
    clock[0] += selectors.CODE_CACHE_SECONDS - 0.5
    assert api_post(c).status_code == 201
    clock[0] += 1
    assert api_post(c).status_code == 404


def test_renamed_place_answers_with_the_new_name(spot):
    p, c = spot
    assert api_post(c).json()["where"] == p.name
    p.name = "新名字超市"
    p.save()
    assert api_post(c).json()["where"] == "新名字超市"


def test_lean_path_queries_and_rows(spot):
    p, c = spot
    api_post(c)  # the code cached
    with CaptureQueriesContext(connection) as new:
        assert api_post(c, {"phone": "13912345679", "name": "王五"}).status_code == 201
    with CaptureQueriesContext(connection) as known:  # back from elsewhere: not a repeat of the first
        assert api_post(c, {"phone": "13912345679", "name": "王五", "origin": "孝感"}).status_code == 201
    def statements(ctx):  # without the savepoints of the test's own transaction
        return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    assert not any("checkpoints_placecode" in s for s in statements(known))  # cached
    # the visitor's check-ins of the last minute there (a repeat?), whether seen before or not
    assert len(statements(new)) == len(statements(known))
    assert len(statements(known)) <= 5  # (advisory lock,) repeat?, check-in, audit, counters
    assert not Person.objects.exists()  # a check-in is no person (services.matching)
    rows = CheckIn.objects.filter(name="王五")
    assert rows.count() == 2 and {r.place_id for r in rows} == {p.pk} and {r.region_id for r in rows} == {p.region_id}


def test_unknown_token_is_not_cached_and_a_new_code_works_at_once(spot):
    p, _c = spot
    assert Client().post("/api/places/c/nosuch/check-in", "{}", content_type="application/json").status_code == 404
    fresh = code(p)
    assert api_post(fresh).status_code == 201
