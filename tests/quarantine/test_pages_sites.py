"""Observation-site pages through the Client: occupancy, setting up a site, rooms, checking in and out."""

import pytest
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.quarantine import services
from fangkong.quarantine.models import ObservationSite, Stay
from tests import factories as f

from .helpers import days_ago, key_person, start

SITES = reverse("quarantine:sites")


def url(name, *args):
    return reverse(f"quarantine:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def site(hq):
    return services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="孝昌县城关", rooms=[("101", 1), ("102", 2)])


def centralised(hq, cadre, doctor, site, name, room=None):
    kp = key_person(category="close_contact", name=name)
    return start(hq, kp, cadre=cadre, doctor=doctor, kind="centralised", site=site, room=room,
                 last_exposure=days_ago(1))


def test_sites_list_shows_beds_taken_and_free(site, hq, cadre, doctor, town, login):
    centralised(hq, cadre, doctor, site, "甲", room=site.rooms.get(name="102"))
    page = html(login(town).get(SITES))  # a township sees the county's site
    row = page.split(f'data-site="{site.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "县宾馆" in row
    assert '<td class="num">3</td><td class="num">1</td><td class="num">2</td>' in row


def test_set_up_a_site_with_rooms(town, login):
    client = login(town)
    response = client.post(url("site_new"), {"name": "镇卫生院观察点", "region_code": f.TOWN_A, "address": "花园镇1号",
                                             "manager": "", "rooms": "201 2\n202，1\n\n"})
    made = ObservationSite.objects.get(name="镇卫生院观察点")
    assert response.status_code == 302 and response["Location"] == url("site", made.pk)
    assert sorted(made.rooms.values_list("name", "capacity")) == [("201", 2), ("202", 1)]


def test_setting_up_a_site_shows_bad_input(town, login):
    client = login(town)
    response = client.post(url("site_new"), {"name": "坏", "region_code": f.TOWN_A, "address": "x", "rooms": "201"})
    assert response.status_code == 400 and "第1行应为“房间号 床位数”：201" in html(response)
    response = client.post(url("site_new"), {"name": "坏", "region_code": f.TOWN_A, "address": "x", "rooms": "201 50"})
    assert response.status_code == 400 and "床位数应在1到20之间：50" in html(response)
    assert not ObservationSite.objects.filter(name="坏").exists()


def test_village_workers_may_not_set_up_sites(cadre, login):
    assert login(cadre).get(url("site_new")).status_code == 403


def test_check_in_from_the_waiting_list_and_out_again(site, hq, cadre, doctor, login):
    q = centralised(hq, cadre, doctor, site, "乙")
    client = login(hq)
    page = html(client.get(url("site", site.pk)))
    waiting = page.split('id="waiting"', 1)[1]
    assert f'data-quarantine="{q.pk}"' in waiting and f'action="{url("check_in", q.pk)}"' in waiting
    room = site.rooms.get(name="101")
    here = url("site", site.pk)
    response = client.post(url("check_in", q.pk), {"room": room.pk, "next": here}, follow=True)
    assert response.redirect_chain[-1][0] == here
    assert "乙 已入住 县宾馆 101" in html(response)
    assert Stay.objects.get(quarantine=q, checked_out_at__isnull=True).room == room
    occupants = html(response).split('id="occupants"', 1)[1].split("</ul>", 1)[0]
    assert "乙" in occupants
    response = client.post(url("check_out", q.pk), {"next": here}, follow=True)
    assert "乙 已退房（县宾馆 101）" in html(response)
    assert not Stay.objects.filter(quarantine=q, checked_out_at__isnull=True).exists()


def test_a_full_room_is_refused_with_a_message(site, hq, cadre, doctor, login):
    room = site.rooms.get(name="101")
    centralised(hq, cadre, doctor, site, "甲", room=room)
    q = centralised(hq, cadre, doctor, site, "乙")
    response = login(hq).post(url("check_in", q.pk), {"room": room.pk}, follow=True)
    assert "县宾馆 101 已满（1/1）" in html(response)
    assert response.redirect_chain[-1][0] == url("order", q.pk)


def test_room_capacity_and_new_rooms(site, hq, cadre, doctor, login):
    room = site.rooms.get(name="102")
    centralised(hq, cadre, doctor, site, "甲", room=room)
    centralised(hq, cadre, doctor, site, "乙", room=room)
    client = login(hq)
    page = html(client.post(url("room_capacity", room.pk), {"capacity": "1"}, follow=True))
    assert "房间 102 现住2人，床位数不能少于2" in page
    page = html(client.post(url("room_capacity", room.pk), {"capacity": "3"}, follow=True))
    assert "已修改 县宾馆 102 的床位数" in page
    page = html(client.post(url("add_room", site.pk), {"name": "103", "capacity": "2"}, follow=True))
    assert "已添加房间 县宾馆 103" in page
    page = html(client.post(url("add_room", site.pk), {"name": "103", "capacity": "2"}, follow=True))
    assert "房间 103 已存在" in page
    assert sorted(site.rooms.values_list("name", "capacity")) == [("101", 1), ("102", 3), ("103", 2)]


def test_only_managers_of_the_sites_region_change_rooms(site, town, login):
    page = html(login(town).get(url("site", site.pk)))
    assert f'action="{url("add_room", site.pk)}"' not in page  # the county's site: seen, not managed
    response = login(town).post(url("add_room", site.pk), {"name": "104", "capacity": "1"}, follow=True)
    assert response.status_code == 403


def test_a_site_of_another_township_is_404(town, login):
    other = services.create_site(f.user("town_b", Role.TOWNSHIP_STAFF, f.TOWN_B), name="丰山观察点",
                                 region_code=f.TOWN_B, address="丰山镇", rooms=[("1", 1)])
    assert login(town).get(url("site", other.pk)).status_code == 404
    assert "丰山观察点" not in html(login(town).get(SITES))
