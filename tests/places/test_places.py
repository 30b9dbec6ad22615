"""Key places: registry (scoped create/edit, filtered list, detail), closure orders, counters and API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM
from fangkong.places.models import ClosureOrder, Place
from fangkong.places.selectors import places as selectors
from fangkong.places.services import places as services
from tests import factories

from .builders import place, staff


def value(metric, region=factories.COUNTY) -> int:
    row = DailyCounter.objects.filter(region_id=region, metric=metric, day=timezone.localdate()).first()
    return row.value if row else 0


def test_create_place_scoped_validated_counted_audited(tree):
    town = staff("town", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    p = services.create_place(town, name=" 东岳 农贸市场 ", kind="market", region_code=factories.VILLAGE_A1,
                              operator="东岳商贸", operator_phone="0712-4567890")
    assert (p.name, p.operator_phone, p.is_closed) == ("东岳 农贸市场", "07124567890", False)
    assert value("place_new") == 1 and value("place_new", factories.TOWN_A) == 1
    assert AuditEntry.objects.filter(action="place.create", object_id=str(p.pk)).exists()
    with pytest.raises(ValidationError) as exc:
        services.create_place(town, name="", kind="nope", region_code=factories.VILLAGE_B1, operator_phone="12")
    assert set(exc.value.message_dict) == {"name", "kind", "region_code", "operator_phone"}
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    with pytest.raises(PermissionDenied):
        services.create_place(worker, name="小卖部", kind="other", region_code=factories.VILLAGE_A1)
    assert Place.objects.count() == 1


def test_edit_moves_the_counters_with_the_place(tree):
    hq = staff("hq")
    p = services.create_place(hq, name="超市", kind="supermarket", region_code=factories.VILLAGE_A1)
    services.close_place(hq, p, reason="发现密接")
    services.update_place(hq, p, name="大超市", kind="supermarket", region_code=factories.VILLAGE_B1)
    assert value("place_new", factories.TOWN_A) == 0 and value("place_new", factories.TOWN_B) == 1
    assert value("place_closed", factories.TOWN_A) == 0 and value("place_closed", factories.TOWN_B) == 1
    assert counters.differences(timezone.localdate()) == {}
    town_a = staff("town", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    with pytest.raises(PermissionDenied):
        services.update_place(town_a, p, name="x", kind="other", region_code=factories.VILLAGE_A1)


def test_close_and_reopen_mirror_is_closed_and_keep_history(tree):
    hq = staff("hq")
    p = services.create_place(hq, name="超市", kind="supermarket", region_code=factories.VILLAGE_A1)
    with pytest.raises(ValidationError) as exc:
        services.close_place(hq, p, reason=" ")
    assert "reason" in exc.value.message_dict
    services.close_place(hq, p, reason="未落实消毒")
    p.refresh_from_db()
    assert p.is_closed
    with pytest.raises(ValidationError):
        services.close_place(hq, p, reason="again")
    services.reopen_place(hq, p)
    p.refresh_from_db()
    assert not p.is_closed
    with pytest.raises(ValidationError):
        services.reopen_place(hq, p)
    services.close_place(hq, p, reason="第二次")
    assert ClosureOrder.objects.filter(place=p).count() == 2
    assert value("place_closed") == 2 and value("place_reopened") == 1
    assert counters.differences(timezone.localdate()) == {}
    from fangkong.analytics.selectors import daily_table
    table = daily_table(SYSTEM, factories.COUNTY, timezone.localdate())
    assert table.totals.values["places_open"] == 0 and table.totals.values["places_closed"] == 1


def test_list_filters_and_scope(tree):
    a = place("甲超市", factories.VILLAGE_A1, "supermarket")
    b = place("乙市场", factories.VILLAGE_B1, "market")
    c = place("丙饭店", factories.VILLAGE_A2, "restaurant", is_closed=True)
    hq = staff("hq")
    names = lambda found: {p.name for p in found}  # noqa: E731
    assert names(selectors.places_for(hq)) == {a.name, b.name, c.name}
    assert names(selectors.places_for(hq, region=factories.TOWN_A)) == {a.name, c.name}
    assert names(selectors.places_for(hq, kind="market")) == {b.name}
    assert names(selectors.places_for(hq, closed=True)) == {c.name}
    assert names(selectors.places_for(hq, closed=False, region=factories.TOWN_A)) == {a.name}
    town_b = staff("townb", Role.TOWNSHIP_STAFF, factories.TOWN_B)
    assert names(selectors.places_for(town_b)) == {b.name}
    assert names(selectors.places_for(town_b, region=factories.TOWN_A)) == set()
    first = selectors.places_for(hq, limit=2)
    rest = selectors.places_for(hq, after=first[-1].pk, limit=2)
    assert names(first) | names(rest) == {a.name, b.name, c.name} and not names(first) & names(rest)


def test_pages(tree, login):
    hq = staff("hq")
    client = login(hq)
    response = client.post("/places/new/", {"name": "新超市", "kind": "supermarket",
                                                        "region_code": factories.VILLAGE_A1})
    p = Place.objects.get(name="新超市")
    assert response.status_code == 302 and response["Location"] == f"/places/{p.pk}/"
    bad = client.post("/places/new/", {"name": "x", "kind": "supermarket", "region_code": factories.VILLAGE_A1,
                                                   "operator_phone": "999"})
    assert bad.status_code == 400 and "电话号码格式错误" in bad.content.decode()
    listing = client.get("/places/?kind=supermarket")
    assert "新超市" in listing.content.decode()
    assert "新超市" not in client.get("/places/?kind=market").content.decode()
    client.post(f"/places/{p.pk}/close/", {"reason": "发现阳性"})
    detail = client.get(f"/places/{p.pk}/").content.decode()
    assert "发现阳性" in detail and "已关闭" in detail
    client.post(f"/places/{p.pk}/reopen/")
    p.refresh_from_db()
    assert not p.is_closed
    edit = client.post(f"/places/{p.pk}/edit/", {"name": "改名超市", "kind": "supermarket",
                                                             "region_code": factories.VILLAGE_A2})
    assert edit.status_code == 302
    p.refresh_from_db()
    assert (p.name, p.region_id) == ("改名超市", factories.VILLAGE_A2)


def test_pages_scope_and_roles(tree, login):
    p = place("乙市场", factories.VILLAGE_B1, "market")
    town_a = login(staff("towna", Role.TOWNSHIP_STAFF, factories.TOWN_A))
    assert town_a.get(f"/places/{p.pk}/").status_code == 404
    assert town_a.post(f"/places/{p.pk}/close/", {"reason": "x"}).status_code == 404
    worker = login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_B1))
    assert worker.get("/places/new/").status_code == 403
    assert worker.post(f"/places/{p.pk}/close/", {"reason": "x"}).status_code == 403
    assert worker.get(f"/places/{p.pk}/").status_code == 200
    p.refresh_from_db()
    assert not p.is_closed


def test_api(tree, login):
    client = login(staff("hq"))
    created = client.post("/api/places", json.dumps({"name": "API超市", "kind": "supermarket",
                                                                 "region_code": factories.VILLAGE_A1}),
                          content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post("/api/places", json.dumps({"name": "", "kind": "x", "region_code": "1"}),
                       content_type="application/json").status_code == 422
    closed = client.post(f"/api/places/{pk}/close", json.dumps({"reason": "整改"}),
                         content_type="application/json")
    assert closed.status_code == 201 and closed.json()["reason"] == "整改"
    assert client.get("/api/places?closed=true").json()["items"][0]["id"] == pk
    assert client.post(f"/api/places/{pk}/reopen").status_code == 200
    assert client.get(f"/api/places/{pk}").json()["is_closed"] is False
    updated = client.put(f"/api/places/{pk}", json.dumps({"name": "改", "kind": "market",
                                                                      "region_code": factories.VILLAGE_A2}),
                         content_type="application/json")
    assert updated.json()["region_code"] == factories.VILLAGE_A2
    other = login(staff("townb", Role.TOWNSHIP_STAFF, factories.TOWN_B))
    assert other.get(f"/api/places/{pk}").status_code == 404
