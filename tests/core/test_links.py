"""A link is shown only when its viewer may open it (core.links): each app registers, for the pages others
link to, the rule its own view applies. Here every registered rule is held against its page: for a user of
every role, in and out of scope (and a doctor answerable for an order of another township), the rule says yes
exactly when the page answers 200 (no 403, no 404)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.core import links
from tests import factories as f
from tests.quarantine.helpers import days_ago, key_person, start


@pytest.fixture
def records(tree):
    cadre_a = f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor_a = f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1)
    hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    kp_a, kp_b = key_person(f.VILLAGE_A1, name="甲"), key_person(f.VILLAGE_B1, name="乙")
    cadre_b = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    order_a = start(hq, kp_a, cadre=cadre_a, doctor=doctor_a, arrival=days_ago(2))
    # the doctor of 东岳村 answers for a person of the other township: theirs to open, not their scope's
    order_b = start(hq, kp_b, cadre=cadre_b, doctor=doctor_a, arrival=days_ago(2))
    return {"screening:key_person": [kp_a, kp_b], "quarantine:order": [order_a, order_b],
            "people:detail": [kp_a.person, kp_b.person], "doctor": doctor_a}


def _users(records):
    """One user of every role in a village of 花园镇 and in the other township, and the doctor of the orders."""
    found = [records["doctor"]]
    for role in Role.values:
        found.append(f.user(f"u_{role}_a1", role, f.VILLAGE_A1))
        found.append(f.user(f"u_{role}_b", role, f.TOWN_B))
    return found


def test_every_rule_says_what_its_page_answers(records, login):
    of_record = {name for name in links.registered() if links.needs_record(name)}
    assert of_record <= set(records), f"a page of one record needs records here: {of_record - set(records)}"
    differ = []
    for user in _users(records):
        client = login(user)
        for name in links.registered():
            for record in records.get(name, [None]) if name in of_record else [None]:
                url = reverse(name, args=[record.pk] if record is not None else [])
                status = client.get(url).status_code
                assert status in (200, 403, 404), (url, user.username, status)
                if links.may_open(user, name, record) != (status == 200):
                    differ.append((user.username, url, status))
    assert differ == []


def test_no_record_no_link(records):
    assert links.may_open(records["doctor"], "quarantine:order", None) is False
    assert links.may_open(records["doctor"], "quarantine:order", records["quarantine:order"][1]) is True


def test_a_page_no_app_registered_is_a_mistake_not_a_hidden_link(records):
    with pytest.raises(LookupError, match="people:nowhere"):
        links.may_open(records["doctor"], "people:nowhere")


def test_the_template_tag_asks_the_rule_for_the_signed_in_user(records, tree):
    template = Template("{% load links %}{% may_open 'screening:key_person' kp as ok %}{{ ok }}")
    request = RequestFactory().get("/")
    kp_a, kp_b = records["screening:key_person"]
    request.user = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    assert template.render(Context({"request": request, "kp": kp_a})) == "True"
    assert template.render(Context({"request": request, "kp": kp_b})) == "False"
    request.user = f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)
    assert template.render(Context({"request": request, "kp": kp_a})) == "False"
