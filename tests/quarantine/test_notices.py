"""The printable notice and pledge: DOCX files read back with python-docx, downloads audited."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people.models import Person
from fangkong.quarantine import notices, services
from tests import factories as f

from .helpers import days_ago, key_person, local, start

ID_NUMBER = "420921198503121234"


def url(pk) -> str:
    return reverse("quarantine:notice", args=[pk])


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def cn_day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.fixture
def order(hq, cadre, doctor):
    cadre.display_name, cadre.phone = "王干部", "13800000001"
    cadre.save()
    doctor.display_name, doctor.phone = "刘医生", "13900000002"
    doctor.save()
    kp = key_person(arrival=days_ago(3), name="张三")
    Person.objects.filter(pk=kp.person_id).update(id_number=ID_NUMBER, phone="13712345678")
    return start(hq, kp, cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 10, 30), home_address="东岳村3组8号")


def test_the_notice_names_the_person_the_period_the_people_and_the_headquarters(order, cadre, login):
    response = login(cadre).get(url(order.pk), {"doc": "notice"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    text = text_of(response.content)
    end = days_ago(3) + datetime.timedelta(days=14)
    assert text.splitlines()[0] == "居家隔离告知书"
    assert "张三（证件号码：4209**********1234）" in text
    assert f"隔离期限：自{cn_day(days_ago(3))}10时30分起至{cn_day(end)}0时止。" in text
    assert "隔离地点：东岳村3组8号。" in text
    assert "包保干部：王干部　联系电话：13800000001" in text
    assert "包保医生：刘医生　联系电话：13900000002" in text
    assert "体温≥37.3℃" in text and "每日08:00、18:00各测量一次体温" in text
    assert "孝昌县新型冠状病毒肺炎疫情防控指挥部" in text
    assert text.rstrip().endswith(cn_day(days_ago(3)))
    assert ID_NUMBER not in text and "13712345678" not in text


def test_the_pledge_is_signed_by_the_person(order, cadre, login):
    text = text_of(login(cadre).get(url(order.pk), {"doc": "pledge"}).content)
    assert text.splitlines()[0] == "居家隔离承诺书"
    assert "本人张三，证件号码：4209**********1234，联系电话：137****5678" in text
    assert "承诺人（签字）" in text
    assert "刘医生　联系电话：13900000002" in text and "孝昌县新型冠状病毒肺炎疫情防控指挥部" in text


def test_a_role_that_may_reveal_gets_the_full_numbers_on_request(order, hq, login):
    text = text_of(login(hq).get(url(order.pk), {"doc": "pledge", "reveal": "1"}).content)
    assert f"证件号码：{ID_NUMBER}" in text and "联系电话：13712345678" in text


def test_others_may_not_reveal(order, cadre, login):
    assert login(cadre).get(url(order.pk), {"doc": "pledge", "reveal": "1"}).status_code == 403


def test_every_download_is_audited_as_an_export(order, hq, login):
    login(hq).get(url(order.pk), {"doc": "notice", "reveal": "1"})
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert (entry.actor, entry.object_type, entry.region_id) == (hq, "quarantine_notice", order.region_id)
    assert entry.after == {"rows": 1, "filters": {"quarantine": order.pk, "reveal": True}}


def test_the_file_carries_the_exporter_and_the_time(order, cadre, login):
    doc = Document(io.BytesIO(login(cadre).get(url(order.pk), {"doc": "notice"}).content))
    assert doc.core_properties.author == "王干部"
    assert doc.sections[0].footer.paragraphs[0].text.startswith("导出：王干部 ")


def test_chinese_runs_name_an_east_asian_font_and_the_title_is_centred(order):
    content = notices.notice_docx(order, exporter=order.cadre, exported_at=order.start_at)
    doc = Document(io.BytesIO(content))
    title, body = doc.paragraphs[0], doc.paragraphs[2]
    assert title.alignment == 1  # WD_ALIGN_PARAGRAPH.CENTER
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋" and normal.get(qn("w:eastAsiaTheme")) is None


def test_a_centralised_order_names_the_site_and_room(hq, cadre, doctor, login):
    site = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="城关镇1号", rooms=[("305", 1)])
    kp = key_person(category="close_contact", name="李四")
    q = start(hq, kp, cadre=cadre, doctor=doctor, kind="centralised", room=site.rooms.get(), last_exposure=days_ago(2))
    text = text_of(login(cadre).get(url(q.pk), {"doc": "notice"}).content)
    assert text.splitlines()[0] == "集中医学观察告知书"
    assert "隔离地点：县宾馆（城关镇1号） 305房间。" in text


def test_outside_the_scope_is_404_and_read_only_roles_403(order, login):
    assert login(f.user("b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)).get(url(order.pk)).status_code == 404
    assert login(f.user("v", Role.VIEWER, f.COUNTY)).get(url(order.pk)).status_code == 403
    assert login(order.cadre).get(url(order.pk), {"doc": "poster"}).status_code == 404
