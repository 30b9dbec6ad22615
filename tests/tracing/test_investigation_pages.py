"""The investigation pages through HTTP: open a case's investigation, record the itinerary (bad rows answered 400
with the message by the field), see the candidates, confirm and dismiss them, add contacts by hand; the contact
list (masked, reveal logged), the hand-over page and its files; who may open what; and the village worker, who
sees the confirmed contact on their ledger's today list and nothing of the investigation."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.people.models import Household
from fangkong.tracing.models import Contact, ItineraryStop
from tests import factories
from tests.audit.xlsx import sheet_rows
from tests.tracing import cases as presences
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


@pytest.fixture
def staff(tree):
    return outbreak.isolation_staff(factories.VILLAGE_A1)


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour,
                                                                                                 minutes=minute)


def local_input(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_epidemiologist_records_an_investigation_and_confirms_a_proposed_contact(login, tracer, staff):
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=2))
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    neighbour = outbreak.person(name="邻居王五")
    presences.check_in(market, neighbour, at(4, 10, 20))
    client = login(tracer)
    page = reverse("tracing:investigation", kwargs={"pk": case.pk})

    assert "开始流调" in client.get(page).content.decode()
    assert client.post(page).status_code == 302
    inv = case.investigation
    assert f"流调队员：{tracer}" in client.get(page).content.decode()
    # a bad row: the page again, 400, the message beside the form, what was typed kept
    bad = client.post(reverse("tracing:itinerary_add", kwargs={"pk": inv.pk}), {
        "kind": "transport", "starts_at": local_input(at(4, 10)), "transport_mode": "train", "place_name": "武汉-孝感"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "交通出行请填写车次、航班号或车牌号" in body and 'value="武汉-孝感"' in body
    good = client.post(reverse("tracing:itinerary_add", kwargs={"pk": inv.pk}), {
        "kind": "place", "starts_at": local_input(at(4, 10)), "ends_at": local_input(at(4, 11)),
        "key_place": market.pk, "public": "on"})
    assert good.status_code == 302
    stop = ItineraryStop.objects.get(investigation=inv)
    assert (stop.place_name, stop.starts_at, stop.public) == ("东岳农贸市场", at(4, 10), True)

    shown = client.get(page).content.decode()
    assert f'id="candidate-{neighbour.pk}"' in shown and "同场所±30分钟" in shown
    assert neighbour.id_number not in shown and neighbour.phone not in shown

    response = client.post(reverse("tracing:candidate_confirm", kwargs={"pk": inv.pk}), {
        "person": neighbour.pk, "kind": "same_place", "level": "close", "source": "same_place",
        "last_exposure_date": at(4, 10).date().isoformat()}, follow=True)
    text = response.content.decode()
    assert "已确认 邻居王五 为密切接触者，列入" in text and "，集中医学观察至" in text
    contact = Contact.objects.get(case=case, person=neighbour)
    assert contact.status == "confirmed" and contact.key_person.category == "close_contact"
    assert f'id="candidate-{neighbour.pk}"' not in text and f'data-contact="{contact.pk}"' in text

    # completing asks for the exposure and a summary, then the page is read-only
    incomplete = client.post(reverse("tracing:investigation_exposure", kwargs={"pk": inv.pk}), {"complete": "1"})
    assert incomplete.status_code == 400 and "完成流调前请选择暴露类型" in incomplete.content.decode()
    client.post(reverse("tracing:investigation_exposure", kwargs={"pk": inv.pk}), {
        "complete": "1", "exposure_kind": "unknown", "summary": "感染来源不明，密接1人。"})
    inv.refresh_from_db()
    assert inv.status == "completed"
    assert "重新打开" in client.get(page).content.decode()


def test_a_candidate_dismissed_is_not_proposed_again(login, tracer, staff):
    case = outbreak.case()
    home_mate = outbreak.person(name="同户人")
    home = Household.objects.create(region_id=factories.VILLAGE_A1, address="东岳村1组1号")
    for who in (case.person, home_mate):
        who.household = home
        who.save()
    inv = outbreak.investigation(case)
    client = login(tracer)
    client.post(reverse("tracing:candidate_dismiss", kwargs={"pk": inv.pk}),
                {"person": home_mate.pk, "source": "household"})
    assert Contact.objects.get(case=case, person=home_mate).status == "dismissed"
    page = client.get(reverse("tracing:investigation", kwargs={"pk": case.pk})).content.decode()
    assert f'id="candidate-{home_mate.pk}"' not in page and 'id="dismissed"' in page


def test_contacts_added_by_hand_in_the_county_and_outside_it(login, tracer, staff):
    case = outbreak.case()
    inv = outbreak.investigation(case)
    client = login(tracer)
    url = reverse("tracing:contact_add", kwargs={"pk": inv.pk})
    missing = client.post(url, {"name": "赵六", "id_number": "", "region_code": factories.VILLAGE_A1,
                                "kind": "work", "last_exposure_date": ""})
    assert missing.status_code == 400
    assert "请填写末次接触日期" in missing.content.decode()
    day = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    client.post(url, {"name": "赵六", "id_number": "420921199601010037", "phone": "13911112222",
                      "region_code": factories.VILLAGE_A1, "address": "东岳村3组", "kind": "work", "level": "close",
                      "last_exposure_date": day})
    assert Contact.objects.get(case=case, person__name="赵六").key_person.region_id == factories.VILLAGE_A1
    client.post(url, {"outside": "1", "name": "钱七", "county": "大悟县", "phone": "13933334444", "kind": "social",
                      "level": "close", "last_exposure_date": day})
    assert Contact.objects.get(case=case, outside_name="钱七").outside_county == "大悟县"


def test_the_contact_list_is_masked_and_a_reveal_is_logged(login, tracer, staff):
    case = outbreak.case()
    who = outbreak.person(name="孙八")
    contact = outbreak.contact(case, who)
    outside = Contact.objects.create(case=case, kind="social", status="confirmed", confirmed_at=timezone.now(),
                                     outside_name="李九", outside_phone="13955556666",
                                     outside_id_number="420922198001010011", outside_county="大悟县",
                                     last_exposure_date=timezone.localdate())
    client = login(tracer)
    listed = client.get(reverse("tracing:contacts")).content.decode()
    assert "孙八" in listed and "李九" in listed
    for number in (who.id_number, who.phone, outside.outside_id_number, outside.outside_phone):
        assert number not in listed
    revealed = client.post(reverse("tracing:contact_reveal", kwargs={"pk": contact.pk})).content.decode()
    assert who.id_number in revealed and outside.outside_id_number not in revealed
    assert AuditEntry.objects.filter(action="person.reveal", object_id=str(who.pk)).count() == 1
    revealed = client.post(reverse("tracing:contact_reveal", kwargs={"pk": outside.pk})).content.decode()
    assert outside.outside_id_number in revealed
    assert AuditEntry.objects.filter(action="contact.reveal", object_id=str(outside.pk)).count() == 1


def test_the_handover_files_hold_the_outside_contacts_and_are_logged(login, tracer, staff):
    case = outbreak.case()
    for name, county in (("外县甲", "大悟县"), ("外县乙", "大悟县"), ("外县丙", "云梦县")):
        Contact.objects.create(case=case, kind="social", status="confirmed", confirmed_at=timezone.now(),
                               outside_name=name, outside_phone="13955556666", outside_id_number=f"ID-{name}",
                               outside_county=county, last_exposure_date=timezone.localdate())
    client = login(tracer)
    page = client.get(reverse("tracing:handover")).content.decode()
    assert 'data-county="大悟县"' in page and 'data-county="云梦县"' in page

    response = client.post(reverse("tracing:handover_export"), {"county": "大悟县", "format": "xlsx"})
    assert response.status_code == 200
    cells = [str(value) for row in sheet_rows(response.content) for value in row]
    assert "外县甲" in cells and "外县乙" in cells and "外县丙" not in cells
    assert "ID-外县甲" in cells  # full numbers: the other county must find the people
    assert any("导出人：liudiao" in c for c in cells)
    export = AuditEntry.objects.get(action="export", object_type="tracing_handover")
    assert export.after["rows"] == 2 and export.after["filters"]["county"] == "大悟县"
    assert Contact.objects.filter(outside_county="大悟县", handed_over_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(action="contact.handover").count() == 1

    letter = client.post(reverse("tracing:handover_export"), {"county": "云梦县", "format": "docx"})
    doc = Document(io.BytesIO(letter.content))
    words = "\n".join([p.text for p in doc.paragraphs]
                      + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "云梦县新型冠状病毒肺炎疫情防控指挥部" in words and "外县丙" in words and "外县甲" not in words
    assert "liudiao" in doc.sections[0].footer.paragraphs[0].text
    assert AuditEntry.objects.filter(action="export", object_type="tracing_handover").count() == 2
    # nothing left to send to 大悟县 unless asked to send again
    again = client.post(reverse("tracing:handover_export"), {"county": "大悟县", "format": "xlsx"}, follow=True)
    assert "没有待发协查函的密接" in again.content.decode()


@pytest.mark.parametrize("role, region, investigation, contacts", [
    (Role.HQ_ADMIN, factories.COUNTY, 200, 200),
    (Role.HQ_STAFF, factories.COUNTY, 200, 200),
    (Role.EPIDEMIOLOGIST, factories.COUNTY, 200, 200),
    (Role.EPIDEMIOLOGIST, factories.TOWN_B, 404, 200),  # the case lies in the other township
    (Role.DOCTOR, factories.COUNTY, 403, 200),
    (Role.SUPERVISOR, factories.COUNTY, 403, 200),
    (Role.VIEWER, factories.COUNTY, 403, 200),
    (Role.TOWNSHIP_STAFF, factories.TOWN_A, 403, 403),
    (Role.VILLAGE_WORKER, factories.VILLAGE_A1, 403, 403),
    (Role.CHECKPOINT_STAFF, factories.TOWN_A, 403, 403),
])
def test_who_opens_the_investigation_and_the_contact_list(login, tree, role, region, investigation, contacts):
    case = outbreak.case()
    outbreak.investigation(case)
    contact = outbreak.contact(case)
    client = login(factories.user(f"u_{role}_{region}", role, region))
    assert client.get(reverse("tracing:investigation", kwargs={"pk": case.pk})).status_code == investigation
    listed = client.get(reverse("tracing:contacts"))
    assert listed.status_code == contacts
    if contacts == 200:
        seen = f'data-contact="{contact.pk}"' in listed.content.decode()
        assert seen == (region != factories.TOWN_B)
    assert client.get(reverse("tracing:handover")).status_code == contacts


def test_the_village_worker_sees_the_confirmed_contact_on_their_today_list_and_nothing_of_the_investigation(
        login, tracer, staff):
    case = outbreak.case()
    inv = outbreak.investigation(case)
    neighbour = outbreak.person(name="邻居周十")
    login(tracer).post(reverse("tracing:candidate_confirm", kwargs={"pk": inv.pk}), {
        "person": neighbour.pk, "kind": "household", "level": "close",
        "last_exposure_date": timezone.localdate().isoformat()})
    worker = login(staff["cadre"])
    today = worker.get(reverse("screening:today")).content.decode()
    assert "邻居周十" in today and "密切接触者" in today
    assert case.number not in today and case.person.name not in today
    assert worker.get(reverse("tracing:investigation", kwargs={"pk": case.pk})).status_code == 403
    assert worker.get(reverse("tracing:contacts")).status_code == 403
    home = worker.get(reverse("core:home")).content.decode()
    assert "流行病学调查" not in home and f'href="{reverse("tracing:contacts")}"' not in home  # no menu entry
