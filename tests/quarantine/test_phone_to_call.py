"""The follow-up call (电话随访): the order's cadre and doctor see their person's full phone, each time
logged as a reveal; everyone else sees it masked."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.forms import moment_text
from fangkong.quarantine import services
from tests import factories as f

from .helpers import days_ago, key_person, local, start

PHONE = "13912345678"


@pytest.fixture
def order(hq, cadre, doctor):
    kp = key_person(arrival=days_ago(3), name="李明")
    kp.person.phone = PHONE
    kp.person.save()
    return start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))


def _reveals():
    return list(AuditEntry.objects.filter(action="person.reveal").order_by("id").values_list("actor_name", "after"))


def test_the_cadre_and_the_doctor_of_the_order_get_the_number_each_time_logged(order, cadre, doctor):
    assert services.phone_to_call(cadre, order) == PHONE
    assert services.phone_to_call(doctor, order) == PHONE
    after = {"fields": ["phone"], "purpose": "follow_up_call", "quarantine": order.pk}
    assert _reveals() == [("cadre_a1", after), ("doctor_a1", after)]


def test_others_in_scope_without_the_reveal_role_are_refused(order, town):
    other_worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    for actor in (other_worker, town):
        with pytest.raises(PermissionDenied):
            services.phone_to_call(actor, order)
    assert _reveals() == []


def test_reveal_roles_in_scope_may_and_outside_it_may_not(order, hq):
    assert services.phone_to_call(hq, order) == PHONE
    with pytest.raises(PermissionDenied):
        services.phone_to_call(f.user("hq_b", Role.HQ_STAFF, f.TOWN_B), order)


def test_an_ended_order_or_a_person_without_phone_is_refused(hq, cadre, doctor, order):
    bare = start(hq, cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))
    with pytest.raises(ValidationError, match="没有登记电话"):
        services.phone_to_call(cadre, bare)
    services.end_quarantine(hq, order, status="transferred_to_hospital", reason="送医")
    with pytest.raises(ValidationError, match="结束"):
        services.phone_to_call(cadre, order)
    assert _reveals() == []


def test_the_follow_up_page_shows_the_number_after_the_button(order, cadre, login):
    client = login(cadre)
    form_url = reverse("quarantine:record_follow_up", args=[order.pk])
    page = client.get(form_url).content.decode()
    assert PHONE not in page and "139****5678" in page and 'id="show-phone"' in page
    assert _reveals() == []

    slot = order.follow_ups.filter(status="due").order_by("due_at").first()
    query = f"?slot={slot.pk}&from=mine"
    assert f'action="{reverse("quarantine:call_person", args=[order.pk])}{query.replace("&", "&amp;")}"' in \
        client.get(form_url + query).content.decode()
    shown = client.post(reverse("quarantine:call_person", args=[order.pk]) + query)

    body = shown.content.decode()
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in body
    assert len(_reveals()) == 1
    assert PHONE not in client.get(form_url).content.decode()  # on that response only
    # still the follow-up form, and it records the follow-up of that slot (not another reveal)
    action = re.search(r'<form method="post" action="([^"]+)" class="stack touch"', body).group(1)
    assert action == form_url + query.replace("&", "&amp;")
    recorded = client.post(action.replace("&amp;", "&"), {"temperature": "36.6", "method": "phone",
                                                          "at": moment_text(slot.due_at)})  # a past slot
    assert recorded.status_code == 302 and recorded["Location"] == reverse("quarantine:mine")
    slot.refresh_from_db()
    assert (slot.status, str(slot.temperature)) == ("done", "36.6")
    assert len(_reveals()) == 1


def test_the_page_offers_no_button_to_others_and_refuses_their_post(order, login):
    other = login(f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    page = other.get(reverse("quarantine:record_follow_up", args=[order.pk])).content.decode()
    assert 'id="show-phone"' not in page
    assert other.post(reverse("quarantine:call_person", args=[order.pk])).status_code == 403
    outsider = login(f.user("worker_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1))
    assert outsider.post(reverse("quarantine:call_person", args=[order.pk])).status_code == 404
    assert _reveals() == []


def test_api(order, doctor, login):
    client = login(doctor)
    response = client.post(f"/api/quarantine/orders/{order.pk}/phone")
    assert response.status_code == 200 and response.json() == {"quarantine_id": order.pk, "phone": PHONE}
    other = login(f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert other.post(f"/api/quarantine/orders/{order.pk}/phone").status_code == 403
    assert len(_reveals()) == 1
