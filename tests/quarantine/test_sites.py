"""Observation sites: rooms, check-in and check-out, occupancy, capacity (also under concurrency)."""

import time

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.quarantine import selectors, services
from fangkong.quarantine.models import Stay
from fangkong.quarantine.services import sites as site_services
from tests import factories as f
from tests.concurrency import at_once

from .helpers import days_ago, key_person, start

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _site(actor, beds=(("101", 1), ("102", 2))):
    return services.create_site(actor, name="县宾馆观察点", region_code=f.COUNTY, address="县城路1号", rooms=beds)


def _close_contact(hq, cadre, doctor, site, **extra):
    return start(hq, key_person(category="close_contact"), cadre=cadre, doctor=doctor, last_exposure=days_ago(1),
                 site=site, **extra)


def test_a_site_with_rooms_shows_capacity_and_occupancy(hq, cadre, doctor):
    site = _site(hq)
    q = _close_contact(hq, cadre, doctor, site)
    services.check_in(cadre, q, room=site.rooms.get(name="102"))
    (found,) = selectors.sites_for(cadre)  # a county site is visible to a village cadre
    assert (found.capacity, found.occupied) == (3, 1)
    rooms = {r.name: (r.occupied, r.free) for r in selectors.rooms_of(found)}
    assert rooms == {"101": (0, 1), "102": (1, 1)}


def test_a_room_is_not_filled_past_capacity(hq, cadre, doctor):
    site = _site(hq)
    room = site.rooms.get(name="101")
    first = _close_contact(hq, cadre, doctor, site, room=room)
    second = _close_contact(hq, cadre, doctor, site)
    with pytest.raises(ValidationError) as exc:
        services.check_in(cadre, second, room=room)
    assert "已满（1/1）" in exc.value.message_dict["room"][0]
    services.check_out(cadre, first)
    services.check_in(cadre, second, room=room)
    assert selectors.site_for(hq, site.pk).occupied == 1


def test_one_room_at_a_time_and_home_orders_stay_home(hq, cadre, doctor):
    site = _site(hq)
    q = _close_contact(hq, cadre, doctor, site, room=site.rooms.get(name="101"))
    with pytest.raises(ValidationError) as exc:
        services.check_in(cadre, q, room=site.rooms.get(name="102"))
    assert "请先办理退房" in exc.value.message_dict["room"][0]
    home = start(hq, cadre=cadre, doctor=doctor)
    with pytest.raises(ValidationError) as exc:
        services.check_in(cadre, home, room=site.rooms.get(name="102"))
    assert "居家隔离" in exc.value.message_dict["room"][0]
    with pytest.raises(ValidationError):
        services.check_out(cadre, home)


def test_room_capacity_cannot_drop_below_its_occupants(hq, cadre, doctor):
    site = _site(hq)
    room = site.rooms.get(name="102")
    for _n in range(2):
        services.check_in(cadre, _close_contact(hq, cadre, doctor, site), room=room)
    with pytest.raises(ValidationError) as exc:
        services.change_room_capacity(hq, room, capacity=1)
    assert "capacity" in exc.value.message_dict
    assert services.change_room_capacity(hq, room, capacity=4).capacity == 4


def test_sites_are_managed_by_headquarters_and_townships_in_scope(tree, hq, cadre):
    with pytest.raises(PermissionDenied):
        _site(cadre)
    town = f.user("town_b", Role.TOWNSHIP_STAFF, f.TOWN_B)
    with pytest.raises(ValidationError) as exc:
        services.create_site(town, name="花园镇卫生院", region_code=f.TOWN_A, address="花园镇", rooms=[("1", 2)])
    assert "region_code" in exc.value.message_dict
    site = _site(hq)
    with pytest.raises(PermissionDenied):
        services.add_room(town, site, name="201", capacity=2)
    with pytest.raises(ValidationError) as exc:
        services.add_room(hq, site, name="101", capacity=2)
    assert "已存在" in exc.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as exc:
        _site(hq, beds=(("301", 0),))
    assert "rooms" in exc.value.message_dict


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL row locks (SQLite runs one writer at a time anyway)")
def test_two_concurrent_check_ins_into_the_last_bed_admit_exactly_one(transactional_db, monkeypatch):
    f.county_tree()
    hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    cadre = f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1)
    site = _site(hq, beds=(("101", 1),))
    room = site.rooms.get()
    orders = [_close_contact(hq, cadre, doctor, site) for _n in range(2)]

    # Widen the race: each check-in waits between counting the occupants and writing its stay.
    # Without the room lock both would count 0 and both would be admitted.
    counted = site_services.occupied

    def slow_count(room_id):
        found = counted(room_id)
        time.sleep(0.5)
        return found

    monkeypatch.setattr(site_services, "occupied", slow_count)
    results = at_once(2, lambda i: services.check_in(cadre, orders[i], room=room))
    outcomes = [r.message_dict["room"][0] if isinstance(r, Exception) else "admitted" for r in results]
    assert sorted(outcomes, key=len) == ["admitted", f"{room} 已满（1/1）"]
    assert Stay.objects.filter(room=room, checked_out_at__isnull=True).count() == 1
