"""病例活动轨迹 through the pages and the API: draft, review with per-row errors, publish, withdraw, the Word file,
the public page without an account, and who may do what where."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.audit.models import AuditEntry
from fangkong.core.docx import DOCX_TYPE
from fangkong.tracing.models import ItineraryNotice, NoticeStatus
from fangkong.tracing.services import notices as services
from tests import factories as f

from . import outbreak

API = "/api/tracing"


def ago(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def case(tree):
    """A confirmed case of 东岳村 (花园镇) with a shop and a train among its public stops."""
    found = outbreak.case(outbreak.person(name="张保密"))
    inquiry = outbreak.investigation(found)
    outbreak.stop(inquiry, ago(5), place_name="红旗超市")
    outbreak.stop(inquiry, ago(6, 8), kind="transport", place_name="武汉站→孝感站", transport_mode="火车",
                  transport_number="G1234", seat="5车12F", hours=2)
    return found


@pytest.fixture
def epi():
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, user, 't')}"}


def _rows(notice) -> dict:
    """The review form's POST data holding the notice's items as the page shows them."""
    data = {"title": notice.title, "alias": notice.alias, "items-TOTAL_FORMS": str(len(notice.items)),
            "items-INITIAL_FORMS": str(len(notice.items)), "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "200"}
    for n, item in enumerate(notice.items):
        data.update({f"items-{n}-starts_at": item["starts_at"][:16], f"items-{n}-ends_at": item["ends_at"][:16],
                     f"items-{n}-place": item["place"], f"items-{n}-transport": item["transport"]})
    return data


def test_draft_review_publish_and_withdraw_on_the_pages(case, epi, login):
    client = login(epi)
    found = client.get(reverse("tracing:notice_new"), {"number": case.number})
    assert found.status_code == 200 and "红旗超市" in found.content.decode()
    drafted = client.post(reverse("tracing:notice_new"), {"case": case.pk})
    notice = ItineraryNotice.objects.get()
    assert drafted.status_code == 302 and drafted["Location"] == reverse("tracing:notice", args=[notice.pk])
    page = client.get(drafted["Location"]).content.decode()
    assert 'id="publish"' in page and 'id="edit"' in page and "乘坐火车 G1234次（座位5车12F），武汉站→孝感站" in page

    # a row naming the case's person is refused on that row; nothing is saved
    data = _rows(notice)
    data["items-1-place"] = "张保密家门口"
    refused = client.post(reverse("tracing:notice", args=[notice.pk]), data)
    assert refused.status_code == 400
    row = refused.context["formset"].forms[1]
    assert "含有病例本人的姓名" in row.errors["place"][0]
    assert ItineraryNotice.objects.get().items == notice.items

    # a row deleted, the title changed
    data = _rows(notice)
    data.update({"items-0-DELETE": "on", "title": "孝昌县新增确诊病例1活动轨迹"})
    assert client.post(reverse("tracing:notice", args=[notice.pk]), data).status_code == 302
    notice.refresh_from_db()
    assert notice.title == "孝昌县新增确诊病例1活动轨迹" and [i["place"] for i in notice.items] == ["红旗超市"]

    assert client.post(reverse("tracing:notice_publish", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    page = client.get(reverse("tracing:notice", args=[notice.pk])).content.decode()
    assert 'id="edit"' not in page and 'id="withdraw"' in page and reverse("tracing:notice_docx", args=[notice.pk]) in page

    client.post(reverse("tracing:notice_withdraw", args=[notice.pk]), {"reason": ""})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED  # a reason is required
    client.post(reverse("tracing:notice_withdraw", args=[notice.pk]), {"reason": "地点有误"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.WITHDRAWN


def test_the_public_page_lists_the_countys_published_notices_without_an_account(case, epi):
    notice = services.publish_notice(epi, services.draft_notice(epi, case))
    other = outbreak.case(region=f.VILLAGE_B1)
    outbreak.stop(outbreak.investigation(other), ago(3), place_name="城关菜市场")
    draft = services.draft_notice(epi, other)  # not published: not shown
    anyone = Client()
    page = anyone.get(reverse("tracing:public_notices", args=[f.COUNTY]))
    body = page.content.decode()
    assert page.status_code == 200 and "孝昌县病例活动轨迹" in body
    assert f'data-notice="{notice.pk}"' in body and "红旗超市" in body and "城关菜市场" not in body
    assert 'class="public"' in body and "退出" not in body  # the public layout: no menu, no user
    # a township's page lists the notices of its own cases
    services.publish_notice(epi, draft)
    town_b = anyone.get(reverse("tracing:public_notices", args=[f.TOWN_B])).content.decode()
    assert "城关菜市场" in town_b and "红旗超市" not in town_b
    assert anyone.get(reverse("tracing:public_notices", args=["999999000000"])).status_code == 404
    assert anyone.get(reverse("tracing:public_notices", args=["abc"])).status_code == 404
    services.withdraw_notice(epi, notice, reason="撤回")
    assert "红旗超市" not in anyone.get(reverse("tracing:public_notices", args=[f.COUNTY])).content.decode()
    body = anyone.get(f"{API}/public/notices", {"region": f.COUNTY}).json()
    assert [n["id"] for n in body["notices"]] == [draft.pk] and body["region_name"] == "孝昌县"
    assert body["notices"][0]["items"][0]["where"] == "城关菜市场"
    assert anyone.get(f"{API}/public/notices", {"region": "999999000000"}).status_code == 404


def test_the_staff_pages_refuse_whom_the_rules_refuse(case, epi, login):
    notice = services.draft_notice(epi, case)
    worker = f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    doctor = f.user("doctor", Role.DOCTOR, f.COUNTY)
    staff = f.user("hq_staff", Role.HQ_STAFF, f.COUNTY)
    town_b = f.user("town_b", Role.HQ_ADMIN, f.TOWN_B)
    assert login(worker).get(reverse("tracing:notices")).status_code == 403
    assert Client().get(reverse("tracing:notices")).status_code == 302  # to the login
    as_doctor = login(doctor)
    assert as_doctor.get(reverse("tracing:notice", args=[notice.pk])).status_code == 200
    assert 'id="edit"' not in as_doctor.get(reverse("tracing:notice", args=[notice.pk])).content.decode()
    assert as_doctor.get(reverse("tracing:notice_new"), {"case": case.pk}).status_code == 403
    assert login(staff).post(reverse("tracing:notice_publish", args=[notice.pk])).status_code == 403
    as_town_b = login(town_b)
    assert as_town_b.get(reverse("tracing:notice", args=[notice.pk])).status_code == 404
    assert as_town_b.post(reverse("tracing:notice_publish", args=[notice.pk])).status_code == 404
    assert as_town_b.get(reverse("tracing:notice_new"), {"case": case.pk}).status_code == 404
    assert ItineraryNotice.objects.get().status == NoticeStatus.DRAFT


def test_the_api_drafts_edits_publishes_withdraws_and_downloads(case, epi, client):
    as_epi = bearer(epi)
    drafted = client.post(f"{API}/cases/{case.pk}/notices", **as_epi)
    assert drafted.status_code == 201
    body = drafted.json()
    assert body["alias"] == "病例1" and body["items"][0]["transport"] == "火车 G1234次（座位5车12F）"
    url = f"{API}/notices/{body['id']}"
    again = client.post(f"{API}/cases/{case.pk}/notices", **as_epi)
    assert again.status_code == 422 and "case" in again.json()["detail"]

    bad = client.patch(url, {"items": [{"starts_at": "2020-02-30T10:00", "place": "超市", "seat": "3A"},
                                       {"starts_at": ago(2).isoformat(), "place": "张保密的家"}]},
                       content_type="application/json", **as_epi)
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert "items.0" in detail and "items.1.place" in detail
    good = client.patch(url, {"title": "孝昌县病例1活动轨迹（更新）",
                              "items": [{"starts_at": ago(2).isoformat(), "ends_at": ago(2, 11).isoformat(),
                                         "place": "红旗超市", "transport": ""}]},
                        content_type="application/json", **as_epi)
    assert good.status_code == 200 and good.json()["items"][0]["when"].endswith("10:00—11:00")

    assert client.get(f"{url}/docx", **as_epi).status_code == 422  # not published yet
    published = client.post(f"{url}/publish", **as_epi)
    assert published.status_code == 200 and published.json()["status"] == "published"
    word = client.get(f"{url}/docx", **as_epi)
    assert word.status_code == 200 and word["Content-Type"] == DOCX_TYPE
    assert client.post(f"{url}/withdraw", {}, content_type="application/json", **as_epi).status_code == 422
    withdrawn = client.post(f"{url}/withdraw", {"reason": "更正"}, content_type="application/json", **as_epi)
    assert withdrawn.json()["status"] == "withdrawn"
    listed = client.get(f"{API}/notices", {"status": "withdrawn"}, **as_epi).json()
    assert [n["id"] for n in listed["notices"]] == [body["id"]] and listed["next_after"] is None


def test_the_api_refuses_whom_the_rules_refuse(case, epi, client):
    notice = services.draft_notice(epi, case)
    worker = f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    staff = f.user("hq_staff", Role.HQ_STAFF, f.COUNTY)
    town_b = f.user("town_b", Role.HQ_ADMIN, f.TOWN_B)
    assert client.get(f"{API}/notices", **bearer(worker)).status_code == 403
    assert client.post(f"{API}/cases/{case.pk}/notices", **bearer(worker)).status_code == 403
    assert client.post(f"{API}/notices/{notice.pk}/publish", **bearer(staff)).status_code == 403
    assert client.get(f"{API}/notices/{notice.pk}", **bearer(town_b)).status_code == 404
    assert client.post(f"{API}/notices/{notice.pk}/publish", **bearer(town_b)).status_code == 404
    assert client.get(f"{API}/notices").status_code == 401  # no account: only the public list


def test_the_word_file_is_the_published_notice_in_official_style(case, epi, login):
    notice = services.publish_notice(epi, services.draft_notice(epi, case))
    response = login(epi).get(reverse("tracing:notice_docx", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs if p.text]
    assert texts[0] == "孝昌县病例1活动轨迹"
    assert "孝昌县病例1" in texts[1]
    train, shop = ago(6, 8), ago(5)
    assert texts[2] == (f"1. {train.year}年{train.month}月{train.day}日 08:00—10:00，"
                        "乘坐火车 G1234次（座位5车12F），武汉站→孝感站。")
    assert texts[3] == f"2. {shop.year}年{shop.month}月{shop.day}日 10:00—11:00，红旗超市。"
    assert "主动向所在村（社区）或单位报告" in texts[4]
    published = timezone.localtime(notice.published_at)
    assert texts[-2:] == ["孝昌县新型冠状病毒肺炎疫情防控指挥部",
                          f"{published.year}年{published.month}月{published.day}日"]
    fonts = doc.paragraphs[0].runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.core_properties.author == "liudiao" and "liudiao" not in "".join(texts)
    entry = AuditEntry.objects.get(action="export")
    assert (entry.object_type, entry.after["rows"], entry.after["filters"]) == ("itinerary_notice", 2,
                                                                                 {"notice": notice.pk})
