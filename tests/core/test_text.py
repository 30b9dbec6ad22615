"""Invisible and bidi-override characters never reach a register: one cleaning rule (core.text), every door."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.checkpoints.models import Passage
from fangkong.core.text import clean_name, clean_prose, clean_text
from fangkong.ledger import services as ledger_services
from fangkong.people import services as people_services
from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place, PlaceCode
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import FollowUp, QuarantinePolicy
from fangkong.screening.models import KeyPerson
from fangkong.screening.services import key_persons as key_person_services
from tests import factories
from tests.people.ids import resident_id

RLO, ZWSP, ZWJ, BOM, LRI, PDI = "\u202e", "\u200b", "\u200d", "\ufeff", "\u2066", "\u2069"
# "张三" with a zero-width space inside and a right-to-left override that would show "exe.jpg"
NAME = f"张{ZWSP}三{RLO}gpj.exe"
SHOWN = "张三gpj.exe"


def json_post(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


# The rule ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("clean", [clean_name, clean_text])
def test_every_invisible_and_bidi_character_goes(clean):
    invisible = [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A),
                 0xFEFF]
    for code in invisible:
        assert clean(f"张{chr(code)}三") == "张三", hex(code)
    assert clean(f"{BOM}李四") == "李四"
    assert clean(f"王{LRI}五{PDI}") == "王五"


@pytest.mark.parametrize("clean", [clean_name, clean_text, clean_prose])
def test_control_characters_and_lone_surrogates_go_and_white_space_collapses(clean):
    assert clean("张\x00三\x1b\ud800") == "张三"
    assert clean(None) == clean("") == clean(f"{ZWSP}{RLO}") == ""


def test_names_fold_full_width_forms_and_notes_keep_chinese_punctuation():
    assert clean_name("  ＡＢ１２（东）\u3000 鄂Ｋ\t") == "AB12(东) 鄂K"
    assert clean_text("已上门核实，居家观察（明日复查）\n") == "已上门核实，居家观察（明日复查）"
    assert clean_text("ＡＢ１２") == "ＡＢ１２"  # a note keeps what was written
    assert clean_name(13812345678) == "13812345678"


def test_composed_forms_are_one_string():
    # "é" typed as e + combining accent and as one character: the same stored text
    assert clean_text("Jose\u0301") == clean_name("Jose\u0301") == "José"


def test_prose_keeps_its_line_breaks():
    assert clean_prose(f" 第一段，{ZWSP}完。\r\n第二段{RLO}。\r") == "第一段，完。\n第二段。"


def test_private_use_characters_stay():
    # some rare name characters are only in a private-use area of the fonts in use
    assert clean_name("张\ue000") == "张\ue000"


# Every door -------------------------------------------------------------------------------------------------

@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_ADMIN, factories.COUNTY)


def test_people_service_page_and_api(login, worker):
    person, _created = people_services.find_or_record_person(
        worker, name=NAME, id_type="resident_id", id_number=resident_id("19800101", "101"),
        region_code=factories.VILLAGE_A1, address=f"东岳村{LRI}5组{PDI}")
    assert (person.name, person.address) == (SHOWN, "东岳村5组")

    client = login(worker)
    response = client.post(reverse("people:create"), {
        "name": NAME, "id_type": "resident_id", "id_number": resident_id("19800101", "102"),
        "region_code": factories.VILLAGE_A1, "address": f"{BOM}东岳村6组"})
    assert response.status_code == 302
    assert sorted(Person.objects.filter(name=SHOWN).values_list("address", flat=True)) == ["东岳村5组", "东岳村6组"]

    status, body = json_post(client, "/api/people", {
        "name": f"王{ZWJ}五", "id_number": resident_id("19800101", "103"), "region_code": factories.VILLAGE_A1})
    assert status == 201, body
    assert body["person"]["name"] == "王五"
    # and a search typed with the same invisible characters finds them
    assert SHOWN in client.get(reverse("people:list"), {"q": f"张{ZWSP}三"}).content.decode()


def test_ledger_import_cell(tmp_path, worker):
    path = tmp_path / "台账.csv"
    path.write_text("姓名,身份证号,联系电话,现住址,备注\n"
                    f"{NAME},{resident_id('19800101', '104')},13812345678,东岳村{RLO}7组,{ZWSP}居家观察\n",
                    encoding="utf-8")
    result = ledger_services.import_ledger(worker, path, filename=path.name, region_code=factories.VILLAGE_A1,
                                           category="returnee")
    assert result.written, result.errors
    entry = KeyPerson.objects.select_related("person").get()
    assert (entry.person.name, entry.person.address, entry.note) == (SHOWN, "东岳村7组", "居家观察")


def test_key_person_registration_through_the_service(worker):
    entry, _created = key_person_services.register_key_person(
        worker, name=f"李{ZWSP}四", id_type="resident_id", id_number=resident_id("19800101", "105"),
        region_code=factories.VILLAGE_A1, category="returnee", note=f"已电话联系{RLO}，居家", origin=f"武{ZWSP}汉")
    assert (entry.person.name, entry.note, entry.origin) == ("李四", "已电话联系，居家", "武汉")


def test_passage_through_the_api(login, tree):
    from fangkong.checkpoints.services import checkpoints as checkpoint_services
    staff = factories.user("kadian", Role.CHECKPOINT_STAFF, factories.TOWN_A)
    admin = factories.user("town_admin", Role.HQ_ADMIN, factories.TOWN_A)
    cp = checkpoint_services.create_checkpoint(admin, name=f"花园{ZWSP}高速出口", kind="highway_exit",
                                               region_code=factories.TOWN_A)
    assert cp.name == "花园高速出口"
    status, body = json_post(login(staff), f"/api/checkpoints/{cp.pk}/passages", {
        "id_number": resident_id("19800101", "106"), "name": NAME, "temperature": "36.6", "outcome": "pass",
        "origin": f"武汉{RLO}"})
    assert status == 201, body
    passage = Passage.objects.select_related("person").get()
    assert (body["name"], passage.person.name, passage.origin) == (SHOWN, SHOWN, "武汉")


def test_public_check_in_page(tree):
    place = Place.objects.create(name="东岳村超市", kind="supermarket", region_id=factories.VILLAGE_A1)
    code = PlaceCode.objects.create(place=place)
    response = Client().post(f"/places/c/{code.token}/", {"phone": "13912345678", "name": f"李{ZWSP}四{RLO}"})
    assert response.status_code == 200, response.content.decode()
    row = CheckIn.objects.select_related("person").get()
    assert (row.person.name if row.person else row.name) == "李四"  # a check-in may keep the typed name itself


@pytest.fixture
def quarantine_order(hq):
    install_default_policies(QuarantinePolicy)
    cadre = factories.user("cadre", Role.VILLAGE_WORKER, factories.VILLAGE_A1, phone="13800000001")
    doctor = factories.user("doctor", Role.DOCTOR, factories.VILLAGE_A1, phone="13800000002")
    entry, _created = key_person_services.register_key_person(
        hq, name="赵六", id_type="resident_id", id_number=resident_id("19800101", "107"),
        region_code=factories.VILLAGE_A1, category="returnee", address="东岳村1组",
        arrival_date=datetime.date.today())
    return quarantine_services.start_quarantine(hq, entry, cadre=cadre, doctor=doctor), doctor


def test_follow_up_note_through_the_service_and_the_api(login, quarantine_order):
    order, doctor = quarantine_order
    follow_up = quarantine_services.record_follow_up(doctor, order, temperature="36.5", method="phone",
                                                     note=f"{BOM}体温正常{RLO}")
    assert follow_up.note == "体温正常"
    status, body = json_post(login(doctor), f"/api/quarantine/orders/{order.pk}/follow-ups",
                             {"temperature": 36.6, "method": "phone", "note": f"电话{ZWSP}随访"})
    assert status == 201, body
    assert FollowUp.objects.filter(note="电话随访").exists()
