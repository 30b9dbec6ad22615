"""Exposure search: whom a searcher may search (persons of their own area; county headquarters anyone), what
the search may start from (an id or a number of such a person), and what it shows (every number masked, for
every role; one person revealed at a time, logged as a reveal of that person), on the selector, the page, the
reveal, the export and the API."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.tracing.selectors import exposure as selectors
from tests import factories as f
from tests.places.builders import at, checkpoint, passage, person, place, staff, visit

PAGE, REVEAL, EXPORT, API = ("/tracing/exposure/", "/tracing/exposure/reveal/", "/tracing/exposure/export/",
                             "/api/tracing/exposure")
OTHER_COUNTY_VILLAGE = "420922001201"
UNKNOWN_PHONE = "13999999999"

# (role, region) of those who may search, and of those who must not reach a person of 丰山镇 (TOWN_B):
# 404 for searchers (as if the person did not exist), 403 for roles that may not search at all
SEARCHERS = [(Role.HQ_ADMIN, f.COUNTY), (Role.HQ_STAFF, f.COUNTY), (Role.HQ_ADMIN, f.TOWN_A), (Role.DOCTOR, f.TOWN_A),
             (Role.DOCTOR, f.VILLAGE_A1)]
OUTSIDERS = [(Role.DOCTOR, f.VILLAGE_A1, 404), (Role.DOCTOR, f.TOWN_A, 404), (Role.HQ_ADMIN, f.TOWN_A, 404),
             (Role.VILLAGE_WORKER, f.VILLAGE_A1, 403), (Role.TOWNSHIP_STAFF, f.TOWN_A, 403)]


@pytest.fixture
def scene(tree):
    """病例甲 of 东岳村 (花园镇) at a supermarket of the village with a neighbour, a visitor from 丰山镇 and a traveller
    from another county; 刘芳 of 红旗村 (丰山镇) at a market of her township with a neighbour of hers."""
    f.region(OTHER_COUNTY_VILLAGE)
    shop = place("甲超市", f.VILLAGE_A1)
    market = place("丰山市场", f.VILLAGE_B1, "market")
    t0 = at(10, day=2)
    subject = person("病例甲", 1, "13800000001", f.VILLAGE_A1)
    neighbour = person("邻居张", 2, "13800000002", f.VILLAGE_A1)
    visitor = person("访客乙", 3, "13800000003", f.VILLAGE_B1)
    traveller = person("外县丙", 4, "13800000004", OTHER_COUNTY_VILLAGE)
    out = person("刘芳", 5, "13769867926", f.VILLAGE_B1)
    out_neighbour = person("丰山邻居", 6, "13800000006", f.VILLAGE_B1)
    visit(subject, shop, t0)
    visit(neighbour, shop, t0 + _minutes(5))
    visit(visitor, shop, t0 + _minutes(10))
    visit(traveller, shop, t0 + _minutes(20))
    visit(out, market, t0)
    visit(out_neighbour, market, t0 + _minutes(3))
    return {"subject": subject, "neighbour": neighbour, "visitor": visitor, "traveller": traveller, "out": out,
            "out_neighbour": out_neighbour, "shop": shop, "t0": t0}


def _minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def traces(*persons) -> list[str]:
    """Everything that would show a person: name, and the numbers in full and masked."""
    return [t for p in persons for t in (p.name, p.id_number, p.phone, identity.mask_id(p.id_number),
                                         identity.mask_phone(p.phone))]


def full_numbers(*persons) -> list[str]:
    return [n for p in persons for n in (p.id_number, p.phone)]


def masked_numbers(*persons) -> list[str]:
    return [n for p in persons for n in (identity.mask_id(p.id_number), identity.mask_phone(p.phone))]


def comparable(body: str, *typed: str) -> str:
    """A page with the per-request CSRF token and what the user typed (echoed in the form and the language
    switcher's link back) taken out."""
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", body)
    body = re.sub(r'("csrfToken"|data-csrf[^=]*)=?"[^"]*"', r"\1", body)
    for text in typed:
        body = body.replace(text, "NUMBER")
    return body


def reveal(client, subject, who, **query):
    return client.post(f"{REVEAL}?{urlencode({'person': subject.pk, **query})}", {"reveal": who.pk})


def reveals() -> list[tuple[str, int]]:
    return list(AuditEntry.objects.filter(action="person.reveal").values_list("object_id", "actor_id"))


# Who may search whom, and from what ------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "region", "status"), OUTSIDERS)
def test_a_person_of_another_township_cannot_be_searched_by_id(scene, login, role, region, status):
    client = login(staff("u", role, region))
    out = scene["out"]
    for response in (client.get(PAGE, {"person": out.pk}), client.get(EXPORT, {"person": out.pk}),
                     client.get(API, {"person_id": out.pk})):
        assert response.status_code == status
        body = response.content.decode()
        for trace in traces(out, scene["out_neighbour"]):
            assert trace not in body
    assert not AuditEntry.objects.filter(action__in=["exposure.search", "export", "person.reveal"]).exists()


@pytest.mark.parametrize(("role", "region", "status"), OUTSIDERS)
def test_a_person_of_another_township_cannot_be_searched_by_number(scene, login, role, region, status):
    client = login(staff("u", role, region))
    out = scene["out"]
    for number in (out.id_number, out.phone):
        page = client.post(PAGE, {"number": number})
        api = client.post(API, {"number": number}, content_type="application/json")
        assert page.status_code == api.status_code == status
        page_body = page.content.decode()
        # the page echoes what was typed into its form; nothing else of the person, nor of those around her
        for trace in traces(out, scene["out_neighbour"]):
            if trace != number:
                assert trace not in page_body
        for trace in traces(out, scene["out_neighbour"]):
            assert trace not in api.content.decode()
    assert not AuditEntry.objects.filter(action="exposure.search").exists()


def test_out_of_scope_is_indistinguishable_from_unknown(scene, login):
    client = login(staff("doc", Role.DOCTOR, f.VILLAGE_A1))
    out = scene["out"]
    by_id, unknown_id = client.get(PAGE, {"person": out.pk}), client.get(PAGE, {"person": 999_999})
    assert by_id.status_code == unknown_id.status_code == 404
    assert (comparable(by_id.content.decode(), f"person={out.pk}")
            == comparable(unknown_id.content.decode(), "person=999999"))
    by_phone, unknown_phone = client.post(PAGE, {"number": out.phone}), client.post(PAGE, {"number": UNKNOWN_PHONE})
    assert by_phone.status_code == unknown_phone.status_code == 404
    assert comparable(by_phone.content.decode(), out.phone) == comparable(unknown_phone.content.decode(),
                                                                          UNKNOWN_PHONE)
    api = [client.get(API, params) for params in ({"person_id": out.pk}, {"person_id": 999_999})]
    api += [client.post(API, {"number": number}, content_type="application/json")
            for number in (out.phone, UNKNOWN_PHONE, out.id_number)]
    assert {r.status_code for r in api} == {404} and len({r.content for r in api}) == 1


def test_a_phone_shared_with_a_person_elsewhere_finds_only_the_one_in_scope(scene, login):
    out = scene["out"]
    relative = person("王强", 7, out.phone, f.VILLAGE_A1)  # the same phone, registered in 花园镇
    doctor = staff("doc", Role.DOCTOR, f.TOWN_A)
    assert [s.pk for s in selectors.subjects_for(doctor, number=out.phone)] == [relative.pk]
    page = login(doctor).post(PAGE, {"number": out.phone}, follow=True)
    body = page.content.decode()
    assert page.status_code == 200 and "王强" in body and 'id="candidates"' not in body
    assert "刘芳" not in body and out.id_number not in body and identity.mask_id(out.id_number) not in body
    api = login(doctor).post(API, {"number": out.phone}, content_type="application/json")
    assert api.status_code == 200 and api.json()["person_id"] == relative.pk
    # the county's headquarters find both and choose
    hq = staff("hq", Role.HQ_STAFF, f.COUNTY)
    assert [s.pk for s in selectors.subjects_for(hq, number=out.phone)] == [out.pk, relative.pk]
    both = login(hq).post(PAGE, {"number": out.phone}).content.decode()
    assert 'id="candidates"' in both and "刘芳" in both and "王强" in both and out.id_number not in both


def test_county_headquarters_trace_across_the_county(scene, login):
    hq = staff("hq", Role.HQ_STAFF, f.COUNTY)
    client = login(hq)
    out, traveller = scene["out"], scene["traveller"]
    page = client.get(PAGE, {"person": out.pk})
    assert page.status_code == 200 and "丰山邻居" in page.content.decode()
    # a traveller registered in another county: found by number, his presences in the county searched
    assert [s.pk for s in selectors.subjects_for(hq, number=traveller.phone)] == [traveller.pk]
    body = client.post(API, {"number": traveller.phone}, content_type="application/json").json()
    assert {c["name"] for c in body["contacts"]} == {"病例甲", "邻居张", "访客乙"}
    # not a person of the county: shown masked and, as on his person page, not revealable from here
    page = client.get(PAGE, {"person": traveller.pk}).content.decode()
    assert f'name="reveal" value="{traveller.pk}"' not in page and traveller.phone not in page
    assert reveal(client, traveller, traveller).status_code == 403
    assert client.get(API, {"person_id": traveller.pk, "reveal": traveller.pk}).status_code == 403
    assert reveals() == []
    # a township's headquarters search their township only
    town_hq = staff("town_hq", Role.HQ_ADMIN, f.TOWN_A)
    assert selectors.subjects_for(town_hq, number=traveller.phone) == []
    assert selectors.subjects_for(town_hq, person_id=out.pk) == []
    assert login(town_hq).get(PAGE, {"person": traveller.pk}).status_code == 404


# What the result shows ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "region"), SEARCHERS)
def test_in_scope_search_shows_every_number_masked_for_every_role(scene, login, role, region):
    client = login(staff("u", role, region))
    subject, neighbour, visitor, traveller = (scene[k] for k in ("subject", "neighbour", "visitor", "traveller"))
    page = client.get(PAGE, {"person": subject.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "邻居张" in html and "访客乙" in html and "外县丙" in html
    for number in full_numbers(subject, neighbour, visitor, traveller):
        assert number not in html
    for number in masked_numbers(subject, neighbour, visitor, traveller):
        assert number in html
    api = client.get(API, {"person_id": subject.pk})
    text = api.content.decode()
    assert api.status_code == 200 and api.json()["revealed"] is None
    for number in full_numbers(subject, neighbour, visitor, traveller):
        assert number not in text
    by_name = {c["name"]: c for c in api.json()["contacts"]}
    assert by_name["邻居张"]["id_number"] == identity.mask_id(neighbour.id_number)
    assert by_name["邻居张"]["phone"] == identity.mask_phone(neighbour.phone)
    export = client.get(EXPORT, {"person": subject.pk})
    assert export.status_code == 200
    assert reveals() == []
    entry = AuditEntry.objects.filter(action="exposure.search").latest("pk")
    assert entry.object_id == str(subject.pk) and not any(n in str(entry.after) for n in full_numbers(subject))


def test_a_reveal_shows_one_contact_in_full_and_is_logged_as_a_reveal_of_that_person(scene, login):
    hq = staff("hq", Role.HQ_STAFF, f.COUNTY)
    client = login(hq)
    subject, neighbour, visitor = scene["subject"], scene["neighbour"], scene["visitor"]
    page = client.get(PAGE, {"person": subject.pk}).content.decode()
    assert f'name="reveal" value="{neighbour.pk}"' in page
    response = reveal(client, subject, neighbour)
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert neighbour.id_number in html and neighbour.phone in html
    for number in full_numbers(subject, visitor, scene["traveller"]):
        assert number not in html
    assert reveals() == [(str(neighbour.pk), hq.pk)]
    entry = AuditEntry.objects.get(action="person.reveal")
    assert entry.object_type == "person" and entry.region_id == neighbour.region_id
    # shown on that response only: the next search is masked again
    assert neighbour.phone not in client.get(PAGE, {"person": subject.pk}).content.decode()
    # the subject is one row too
    assert subject.phone in reveal(client, subject, subject).content.decode()
    assert reveals() == [(str(neighbour.pk), hq.pk), (str(subject.pk), hq.pk)]


def test_the_api_reveals_one_contact_and_logs_it(scene, login):
    doctor = staff("doc", Role.DOCTOR, f.TOWN_A)
    client = login(doctor)
    subject, neighbour, visitor = scene["subject"], scene["neighbour"], scene["visitor"]
    response = client.get(API, {"person_id": subject.pk, "reveal": neighbour.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["revealed"] == {"person_id": neighbour.pk, "id_number": neighbour.id_number, "phone": neighbour.phone}
    assert {c["phone"] for c in body["contacts"] if c["person_id"] == neighbour.pk} == {
        identity.mask_phone(neighbour.phone)}
    for number in full_numbers(subject, visitor, scene["traveller"]):
        assert number not in response.content.decode()
    assert reveals() == [(str(neighbour.pk), doctor.pk)]


def test_reveals_refused(scene, login, monkeypatch):
    subject, neighbour, visitor, out = scene["subject"], scene["neighbour"], scene["visitor"], scene["out"]
    doctor = login(staff("doc", Role.DOCTOR, f.TOWN_A))
    # a visitor from another township: shown masked among the contacts, revealable only where she lives
    page = doctor.get(PAGE, {"person": subject.pk}).content.decode()
    assert "访客乙" in page and f'name="reveal" value="{visitor.pk}"' not in page
    refused = reveal(doctor, subject, visitor)
    assert refused.status_code == 403 and visitor.phone not in refused.content.decode()
    assert doctor.get(API, {"person_id": subject.pk, "reveal": visitor.pk}).status_code == 403
    # a person who is not a row of the result, even one of the doctor's own area, nor anyone else
    stranger = person("无关者", 8, "13800000008", f.VILLAGE_A1)
    for who in (stranger, out):
        assert reveal(doctor, subject, who).status_code == 404
        assert doctor.get(API, {"person_id": subject.pk, "reveal": who.pk}).status_code == 404
    # a reveal of a person out of reach, through a subject out of reach
    assert reveal(doctor, out, out).status_code == 404
    # roles that may not search
    worker = login(staff("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert reveal(worker, subject, neighbour).status_code == 403
    assert worker.get(API, {"person_id": subject.pk, "reveal": neighbour.pk}).status_code == 403
    # a searching role that may not reveal: no button, and refused
    monkeypatch.setattr(account_permissions, "REVEAL_PERSONAL_DATA", {Role.HQ_ADMIN, Role.HQ_STAFF})
    page = doctor.get(PAGE, {"person": subject.pk}).content.decode()
    assert 'name="reveal"' not in page
    refused = reveal(doctor, subject, neighbour)
    assert refused.status_code == 403 and neighbour.phone not in refused.content.decode()
    assert doctor.get(API, {"person_id": subject.pk, "reveal": neighbour.pk}).status_code == 403
    assert reveals() == []


# Reads -----------------------------------------------------------------------------------------------------

def _crowd(scene, first: int, count: int) -> None:
    """`count` more persons at the supermarket and at the checkpoint, around the subject."""
    gate = scene.setdefault("gate", checkpoint("花园卡点", f.TOWN_A))
    for seq in range(first, first + count):
        p = person(f"同场{seq}", seq, f"1390000{seq:04d}", f.VILLAGE_A2)
        visit(p, scene["shop"], scene["t0"] + _minutes(seq % 25))
        passage(p, gate, scene["t0"] + _minutes(60 + seq % 25))


def test_the_search_reads_a_fixed_number_of_queries(scene):
    """One read to find the subject; two of its presences, three range reads (places' check-ins, checkpoints'
    check-ins, passages), three for the contacts and the places' and checkpoints' names: as many contacts as
    there may be."""
    hq = staff("hq", Role.HQ_STAFF, f.COUNTY)
    _crowd(scene, 100, 3)
    passage(scene["subject"], scene["gate"], scene["t0"] + _minutes(60))

    def run():
        with CaptureQueriesContext(connection) as ctx:
            subject, = selectors.subjects_for(hq, person_id=scene["subject"].pk)
            found = selectors.exposure_search(hq, subject)
        return len(ctx.captured_queries), found.persons

    small = run()
    _crowd(scene, 200, 30)
    large = run()
    assert small == (9, 6) and large == (9, 36)


def test_the_page_reads_as_many_queries_for_many_contacts(scene, login, fresh_user_each_request):
    client = login(staff("hq", Role.HQ_STAFF, f.COUNTY))
    _crowd(scene, 100, 3)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PAGE, {"person": scene["subject"].pk}).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    _crowd(scene, 200, 30)
    assert count() == small


def test_the_page_posts_the_number_and_redirects_to_the_search_by_person(scene, login):
    """The ID number or phone typed is posted, never put in an address (history, access logs, shared links)."""
    subject = scene["subject"]
    client = login(staff("doc", Role.DOCTOR, f.TOWN_A))
    form = client.get(PAGE).content.decode()
    assert re.search(r'<form method="post"[^>]*id="exposure-form"', form)
    for number in (subject.id_number, subject.phone):
        response = client.post(PAGE, {"number": number, "start": "2026-01-01"})
        assert response.status_code == 302
        location = response["Location"]
        assert number not in location and f"person={subject.pk}" in location and "start=2026-01-01" in location
    assert not AuditEntry.objects.filter(action="exposure.search").exists()  # nothing searched before the redirect
    page = client.get(location)
    assert page.status_code == 200 and subject.name in page.content.decode()
    assert AuditEntry.objects.filter(action="exposure.search").count() == 1


@pytest.mark.parametrize("address", [PAGE, REVEAL, EXPORT])
def test_a_number_in_an_address_is_refused_and_nothing_searched(scene, login, address):
    client = login(staff("hq", Role.HQ_STAFF, f.COUNTY))
    subject = scene["subject"]
    for number in (subject.id_number, subject.phone):
        query = f"{address}?number={number}"
        response = client.post(query, {"reveal": subject.pk}) if address == REVEAL else client.get(query)
        assert response.status_code in ((404,) if address == REVEAL else (400,))
        if address != REVEAL:
            assert "不要放在网址中" in response.content.decode()
    assert not AuditEntry.objects.filter(action__in=["exposure.search", "person.reveal", "export"]).exists()


def test_a_posted_number_out_of_reach_is_404_like_an_unknown_one(scene, login):
    client = login(staff("doc", Role.DOCTOR, f.TOWN_A))
    out, unknown = client.post(PAGE, {"number": scene["out"].phone}), client.post(PAGE, {"number": UNKNOWN_PHONE})
    assert out.status_code == unknown.status_code == 404
    assert comparable(out.content.decode(), scene["out"].phone) == comparable(unknown.content.decode(), UNKNOWN_PHONE)
