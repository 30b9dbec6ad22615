"""Exposure search: a contact who is the visitor of a public check-in not confirmed as a person yet is listed with
what they typed, masked, marked unconfirmed, with a link to the check-in's match page and no reveal; counted
once per typed identity; after tracing staff confirm the match, the same row is the person."""

import datetime
import io
import zipfile
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.places.selectors import check_ins as check_in_selectors
from fangkong.places.services import check_ins
from fangkong.tracing import permissions
from fangkong.tracing.selectors import exposure as selectors
from fangkong.tracing.services import matching
from tests import factories as f
from tests.places.builders import at, code, fresh_cache, person, place, resident_id, staff, visit  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")
PAGE, REVEAL, EXPORT, API = ("/tracing/exposure/", "/tracing/exposure/reveal/", "/tracing/exposure/export/",
                             "/api/tracing/exposure")
TYPED_ID, TYPED_PHONE = resident_id(20), "13912345678"


def minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def public_check_in(where, moment, **typed):
    """A check-in through the public form's service: nobody's presence until confirmed."""
    if not hasattr(where, "token"):
        where.token = code(where).token
    return check_ins.check_in(check_in_selectors.active_code_by_token(where.token), at=moment, **typed)


@pytest.fixture
def scene(tree):
    """病例甲 (confirmed presence) at a supermarket at t0; a neighbour there, confirmed; and a visitor who typed
    the name 王小五, a phone and the ID number of 王五 (registered, with another phone), not confirmed yet."""
    shop = place("甲超市", f.VILLAGE_A1)
    t0 = at(10, day=2)
    subject = person("病例甲", 1, "13800000001")
    neighbour = person("邻居张", 2, "13800000002")
    wang = person("王五", 20, "13700000020")
    visit(subject, shop, t0)
    visit(neighbour, shop, t0 + minutes(3))
    row = public_check_in(shop, t0 + minutes(5), name="王小五", phone=TYPED_PHONE, id_number=TYPED_ID)
    return {"shop": shop, "t0": t0, "subject": subject, "neighbour": neighbour, "wang": wang, "row": row,
            "hq": staff("hq", Role.HQ_STAFF, f.COUNTY)}


def search(user, who):
    subject, = selectors.subjects_for(user, person_id=who.pk)
    return selectors.exposure_search(user, subject)


def unconfirmed(found):
    return [c for c in found.contacts if not c.confirmed]


def test_an_unconfirmed_visitor_is_a_contact_with_what_they_typed_masked(scene):
    found = search(scene["hq"], scene["subject"])
    visitor, = unconfirmed(found)
    assert (visitor.person_id, visitor.check_in_id, visitor.source) == (None, scene["row"].pk, "check_in")
    shown = visitor.person
    assert (shown.name, shown.masked_id, shown.masked_phone) == ("王小五", identity.mask_id(TYPED_ID),
                                                                 identity.mask_phone(TYPED_PHONE))
    assert shown.matchable and not shown.revealable and not shown.confirmed
    assert TYPED_ID not in repr(found) and TYPED_PHONE not in repr(found)
    assert found.persons == 2  # the neighbour and the visitor


def test_visitors_count_once_per_typed_identity(scene):
    shop, t0 = scene["shop"], scene["t0"]
    public_check_in(shop, t0 + minutes(8), name="王小五", phone="13911110000", id_number=TYPED_ID)  # same ID
    public_check_in(shop, t0 + minutes(10), name="赵六", phone="13922220000")
    public_check_in(shop, t0 + minutes(12), name="赵六", phone="13922220000")     # same phone and name
    public_check_in(shop, t0 + minutes(14), name="赵七", phone="13922220000")     # same phone, another name
    found = search(scene["hq"], scene["subject"])
    assert len(unconfirmed(found)) == 5
    assert found.persons == 1 + 3  # the neighbour; 王小五, 赵六, 赵七


def test_the_page_marks_the_visitor_unconfirmed_links_the_match_page_and_offers_no_reveal(scene, login):
    client = login(scene["hq"])
    row, subject = scene["row"], scene["subject"]
    page = client.get(PAGE, {"person": subject.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-check-in="{row.pk}"' in html and "王小五" in html and "未核对" in html
    assert identity.mask_id(TYPED_ID) in html and identity.mask_phone(TYPED_PHONE) in html
    assert TYPED_ID not in html and TYPED_PHONE not in html
    assert f'href="/tracing/check-ins/{row.pk}/match/"' in html
    assert f'name="reveal" value="{scene["neighbour"].pk}"' in html
    assert html.count('name="reveal"') == 2  # the subject and the neighbour, not the visitor
    assert "同场人员 2 人" in html
    # a reveal names a person of the result; the visitor's check-in id is none
    assert row.pk not in {subject.pk, scene["neighbour"].pk}
    refused = client.post(f"{REVEAL}?{urlencode({'person': subject.pk})}", {"reveal": row.pk})
    assert refused.status_code == 404 and TYPED_PHONE not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_the_match_link_follows_the_matching_rule(scene, login, monkeypatch):
    monkeypatch.setattr(permissions, "can_match_check_in", lambda user, region_code: False)
    html = login(scene["hq"]).get(PAGE, {"person": scene["subject"].pk}).content.decode()
    assert "未核对" in html and f"/tracing/check-ins/{scene['row'].pk}/match/" not in html


def test_the_api_gives_the_check_in_and_confirmed_false_and_no_reveal(scene, login):
    client = login(scene["hq"])
    row, subject = scene["row"], scene["subject"]
    response = client.get(API, {"person_id": subject.pk})
    body = response.json()
    visitor, = [c for c in body["contacts"] if not c["confirmed"]]
    assert visitor["person_id"] is None and visitor["check_in_id"] == row.pk
    assert (visitor["name"], visitor["id_number"], visitor["phone"]) == (
        "王小五", identity.mask_id(TYPED_ID), identity.mask_phone(TYPED_PHONE))
    neighbour, = [c for c in body["contacts"] if c["confirmed"]]
    assert neighbour["person_id"] == scene["neighbour"].pk and neighbour["check_in_id"] is None
    assert body["persons"] == 2
    assert TYPED_ID not in response.content.decode() and TYPED_PHONE not in response.content.decode()
    assert row.pk not in {subject.pk, scene["neighbour"].pk}
    assert client.get(API, {"person_id": subject.pk, "reveal": row.pk}).status_code == 404
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_the_export_lists_the_visitor_masked_and_unconfirmed(scene, login):
    response = login(scene["hq"]).get(EXPORT, {"person": scene["subject"].pk})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        text = book.read("xl/sharedStrings.xml").decode()
    for expected in ("王小五", identity.mask_id(TYPED_ID), identity.mask_phone(TYPED_PHONE), "未核对（扫码自填）",
                     "邻居张"):
        assert expected in text
    assert TYPED_ID not in text and TYPED_PHONE not in text
    assert AuditEntry.objects.get(action="export").after["rows"] == 2


def test_once_confirmed_the_visitor_is_the_person(scene, login):
    hq, row, wang = scene["hq"], scene["row"], scene["wang"]
    matching.match_check_in(hq, row, wang)
    found = search(hq, scene["subject"])
    assert unconfirmed(found) == [] and found.persons == 2
    contact, = [c for c in found.contacts if c.person_id == wang.pk]
    assert contact.check_in_id is None and contact.person.name == "王五"
    assert contact.person.masked_phone == identity.mask_phone(wang.phone)  # the person's, not the typed phone
    client = login(hq)
    html = client.get(PAGE, {"person": scene["subject"].pk}).content.decode()
    assert f'data-person="{wang.pk}"' in html and "未核对" not in html.split('id="contacts"')[1]
    assert f'name="reveal" value="{wang.pk}"' in html
    body = client.get(API, {"person_id": scene["subject"].pk, "reveal": wang.pk}).json()
    assert body["revealed"]["phone"] == wang.phone
    assert {(c["person_id"], c["confirmed"]) for c in body["contacts"]} == {(scene["neighbour"].pk, True),
                                                                           (wang.pk, True)}


def test_the_subjects_own_unconfirmed_check_in_is_no_presence(scene):
    subject, shop, t0 = scene["subject"], scene["shop"], scene["t0"]
    public_check_in(shop, t0 + minutes(1), name="病例甲", phone=subject.phone, id_number=subject.id_number)
    public_check_in(shop, t0 + minutes(120), name="病例甲", phone=subject.phone, id_number=subject.id_number)
    found = search(scene["hq"], subject)
    assert len(found.presences) == 1  # the confirmed one only: the match page adds the others
    # the one beside the confirmed presence is listed like any unconfirmed visitor, until reviewed
    assert sorted(c.person.name for c in unconfirmed(found)) == ["王小五", "病例甲"]


def test_the_search_reads_one_more_query_for_visitors_however_many(scene):
    hq, shop, t0 = scene["hq"], scene["shop"], scene["t0"]

    def crowd(first, count):
        for seq in range(first, first + count):
            public_check_in(shop, t0 + minutes(seq % 25), name="访客", phone=f"1390000{seq:04d}")

    def run():
        with CaptureQueriesContext(connection) as ctx:
            subject, = selectors.subjects_for(hq, person_id=scene["subject"].pk)
            found = selectors.exposure_search(hq, subject)
        return len(ctx.captured_queries), found.persons

    crowd(100, 3)
    small = run()
    crowd(200, 30)
    large = run()
    # the subject; its check-ins and passages; the places' check-ins (no checkpoint: no other range read); the
    # persons, the visitors, the places
    assert small[0] == large[0] == 1 + 2 + 1 + 3
    assert (small[1], large[1]) == (1 + 4, 1 + 34)
