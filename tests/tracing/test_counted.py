"""The page of the rows behind a figure of the epidemic situation: what it lists, and which rows link on to a
page their reader may open."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from tests import factories as f

from . import outbreak

URL = "/tracing/counted/"


@pytest.fixture
def outbreak_today(tree):
    """A confirmed case in 红旗村 (丰山镇) with a contact living in 东岳村 (花园镇); a confirmed case in 东岳村."""
    today = timezone.localdate()
    far = outbreak.counted(outbreak.case(region=f.VILLAGE_B1, reported_at=outbreak.at(today, 8)))
    near = outbreak.counted(outbreak.case(region=f.VILLAGE_A1, reported_at=outbreak.at(today, 9)))
    contact = outbreak.contact(far, outbreak.person(f.VILLAGE_A1), confirmed_at=outbreak.at(today, 10))
    return {"day": today, "far": far, "near": near, "contact": contact}


def _get(client, figure: str, region: str, day):
    return client.get(URL, {"figure": figure, "region": region, "date": day.isoformat()})


def test_a_contact_of_a_case_outside_the_readers_scope_is_listed_without_a_link(outbreak_today, login):
    day, far, near = outbreak_today["day"], outbreak_today["far"], outbreak_today["near"]
    doctor = login(f.user("town_doctor", Role.DOCTOR, f.TOWN_A))
    page = _get(doctor, "contacts_traced", f.TOWN_A, day)
    assert [row.pk for row in page.context["items"]] == [outbreak_today["contact"].pk]
    assert page.context["rows"][0][1] == "" and reverse("tracing:case", args=[far.pk]) not in page.content.decode()
    cases = _get(doctor, "cases_new_confirmed", f.TOWN_A, day)
    assert [row.pk for row in cases.context["items"]] == [near.pk]
    assert cases.context["rows"][0][1] == reverse("tracing:case", args=[near.pk])
    # the county's epidemiologist opens the case behind the contact
    epi = login(f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY))
    assert _get(epi, "contacts_traced", f.COUNTY, day).context["rows"][0][1] == reverse("tracing:case", args=[far.pk])


def test_bad_requests_say_what_is_wrong(outbreak_today, login):
    epi = login(f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY))
    assert epi.get(URL, {"figure": "cases_new_confirmed", "date": "2020-13-01"}).status_code == 400
    assert epi.get(URL, {"figure": "no_such_figure"}).status_code == 404
    assert epi.get(URL, {"figure": "cases_new_confirmed", "region": "999999000000"}).status_code == 404
    assert epi.get(URL, {"figure": "cases_new_confirmed", "after": "x"}).status_code == 404
    assert len(epi.get(URL, {"figure": "cases_new_confirmed"}).context["items"]) == 2  # the user's region, today
