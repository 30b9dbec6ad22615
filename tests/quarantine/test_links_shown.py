"""Isolation pages link only what their viewer may open (core.links): the county's observation site as a
village sees it names that village's people, linked, and counts the others; an order its doctor answers for
in another township does not link the ledger entry the doctor cannot open."""

import pytest
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.quarantine import services
from tests import factories as f

from .helpers import days_ago, key_person, start


@pytest.fixture
def site(hq):
    return services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="孝昌县城关", rooms=[("101", 2)])


def _at_the_site(hq, cadre, doctor, site, region, name):
    kp = key_person(region, category="close_contact", name=name)
    return start(hq, kp, cadre=cadre, doctor=doctor, kind="centralised", site=site, room=site.rooms.get(),
                 last_exposure=days_ago(1))


def test_the_site_shows_a_village_its_own_people_and_counts_the_rest(site, hq, cadre, doctor, login, tree):
    cadre_b = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    doctor_b = f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)
    ours = _at_the_site(hq, cadre, doctor, site, f.VILLAGE_A1, "东岳甲")
    theirs = _at_the_site(hq, cadre_b, doctor_b, site, f.VILLAGE_B1, "红旗乙")
    page = reverse("quarantine:site", args=[site.pk])

    html = login(cadre).get(page).content.decode()
    occupants = html.split('id="occupants"', 1)[1].split("</ul>", 1)[0]
    assert "东岳甲" in occupants and f'href="{reverse("quarantine:order", args=[ours.pk])}"' in occupants
    assert "红旗乙" not in html and reverse("quarantine:order", args=[theirs.pk]) not in html
    assert "另有 1 人不在您的管辖范围内" in occupants

    html = login(hq).get(page).content.decode()
    assert "东岳甲" in html and "红旗乙" in html and "不在您的管辖范围内" not in html


def test_an_order_of_another_township_does_not_link_the_entry_its_doctor_cannot_open(hq, cadre, doctor, login):
    cadre_b = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    q = start(hq, key_person(f.VILLAGE_B1, name="红旗丙"), cadre=cadre_b, doctor=doctor, arrival=days_ago(2))
    entry = reverse("screening:key_person", args=[q.key_person_id])
    client = login(doctor)
    html = client.get(reverse("quarantine:order", args=[q.pk])).content.decode()
    assert "红旗丙" in html and entry not in html and client.get(entry).status_code == 404
    assert f'href="{entry}"' in login(hq).get(reverse("quarantine:order", args=[q.pk])).content.decode()
