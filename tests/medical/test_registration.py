"""药店购药登记 by staff at the counter, through the service: what is asked (every bad field named), the buyer found or
recorded as a sighting, and a fever reaching the fever clinic, the buyer's ledger, timeline and today list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.medical.models import PharmacyPurchase
from fangkong.people.models import Person
from fangkong.quarantine.models import TransferRequest
from fangkong.screening.models import DailyCheck, KeyPerson, KeyPersonEvent
from tests import factories as f
from tests.places.builders import person

from .builders import bought, pharmacy, resident_id


def test_every_bad_field_is_named_at_once(doctor, shop):
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, name=" ", id_number="42092119800101123", phone="", temperature="365",
               symptoms=["头痛"], medicines=[], home_region=f.VILLAGE_B1 + "9", medicine_names="药" * 201)
    errors = exc.value.message_dict
    assert set(errors) == {"name", "id_number", "phone", "temperature", "symptoms", "medicines", "home_region",
                           "medicine_names"}
    assert "头痛" in errors["symptoms"][0] and "365" in errors["temperature"][0]
    assert not PharmacyPurchase.objects.exists() and not Person.objects.exists()


def test_the_village_is_one_of_the_pharmacys_county(doctor, shop):
    f.region("420922001201", "外县某村")
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, home_region="420922001201")
    assert list(exc.value.message_dict) == ["home_region"] and "外县某村" in exc.value.message_dict["home_region"][0]
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, home_region=f.TOWN_A)  # a township is no address
    assert list(exc.value.message_dict) == ["home_region"]


def test_the_temperature_is_required_and_symptoms_and_medicines_are_words_or_values(doctor, shop):
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, temperature="")
    assert list(exc.value.message_dict) == ["temperature"]
    p = bought(doctor, shop, temperature="３６．８", symptoms="咳嗽、乏力", medicines="止咳药，antibiotic")
    assert (str(p.temperature), p.symptoms, p.medicines) == ("36.8", ["cough", "fatigue"], ["cough", "antibiotic"])


def test_a_purchase_without_fever_records_the_buyer_and_finds_nothing(doctor, shop):
    p = bought(doctor, shop, temperature="36.6", symptoms=["cough"])
    buyer = Person.objects.get()
    assert (p.person_id, p.person_created, buyer.region_id, buyer.name, buyer.address) == (
        buyer.pk, True, f.VILLAGE_A1, "王购药", "东岳村3组5号")
    assert not p.fever and p.transfer is None
    assert not TransferRequest.objects.exists() and not KeyPerson.objects.exists()
    entry = AuditEntry.objects.get(action="pharmacy_purchase.register")
    assert entry.after["id_number"] == "4209**********" + resident_id(1)[-4:]
    assert resident_id(1) not in str(entry.after) and "13912345678" not in str(entry.after)
    day = timezone.localdate()
    assert counters.live(day)[(f.VILLAGE_A1, "pharmacy_purchase")] == 1
    assert counters.differences(day) == {}


def test_a_fever_reaches_the_fever_clinic_the_ledger_the_timeline_and_the_today_list(doctor, shop, worker_b1, login):
    p = bought(doctor, shop, temperature="38.3", symptoms=["cough"], home_region=f.VILLAGE_B1, address="红旗村2组")
    kp = KeyPerson.objects.get()
    assert (kp.category, kp.region_id, kp.person_id) == ("fever", f.VILLAGE_B1, p.person_id)
    transfer = TransferRequest.objects.get()
    assert p.transfer == transfer
    assert (transfer.person_id, transfer.key_person_id, transfer.source, str(transfer.temperature),
            transfer.region_id) == (p.person_id, kp.pk, "pharmacy", "38.3", f.VILLAGE_B1)
    check = DailyCheck.objects.get(key_person=kp)
    assert (str(check.temperature), check.source, check.symptoms) == ("38.3", "pharmacy", "咳嗽")
    line = KeyPersonEvent.objects.get(key_person=kp, kind="fever_found").text
    assert "发热 38.3°C" in line and "药店购药" in line and shop.name in line and "转送发热门诊" in line
    day = timezone.localdate()
    live = counters.live(day)
    assert live[(f.VILLAGE_B1, "fevers_found")] == 1 and live[(f.VILLAGE_A1, "pharmacy_fever")] == 1
    assert counters.differences(day) == {}
    page = login(worker_b1).get(reverse("screening:today") + "?fever=1")
    assert page.context["figures"]["fevers_found"] == 1
    assert [item.pk for item in page.context["items"]] == [kp.pk]


def test_the_fever_symptom_alone_is_a_fever_told_as_the_buyers_word(doctor, shop):
    p = bought(doctor, shop, temperature="36.8", symptoms=["fever", "cough"], medicines=["antipyretic"])
    assert p.fever and p.transfer is not None
    line = KeyPersonEvent.objects.get(kind="fever_found").text
    assert "自述发热" in line and "36.8°C" in line
    assert counters.live(timezone.localdate())[(f.VILLAGE_A1, "pharmacy_fever")] == 1


def test_a_buyer_on_a_ledger_already_gets_the_fever_on_that_entry(doctor, shop, worker_a1):
    from fangkong.screening import services as screening
    kp, _ = screening.register_key_person(worker_a1, name="王购药", id_type="resident_id", id_number=resident_id(1),
                                          region_code=f.VILLAGE_A1, category="returnee",
                                          registered_on=timezone.localdate())
    p = bought(doctor, shop, temperature="37.9", home_region=f.VILLAGE_A1)
    assert KeyPerson.objects.get() == kp and p.transfer.key_person_id == kp.pk
    assert DailyCheck.objects.get(key_person=kp).source == "pharmacy"


def test_a_buyer_living_outside_the_county_still_goes_to_the_fever_clinic(doctor, shop):
    p = bought(doctor, shop, temperature="38.6", home_region="", address="湖北省孝感市孝南区")
    assert not KeyPerson.objects.exists()
    transfer = TransferRequest.objects.get()
    assert (transfer.person_id, transfer.key_person_id, transfer.region_id) == (p.person_id, None, f.TOWN_A)
    assert Person.objects.get().region_id == f.TOWN_A


def test_a_known_person_is_seen_not_edited(doctor, shop):
    known = person(name="王登记", seq=1, phone="", region=f.VILLAGE_A2)
    p = bought(doctor, shop, name="王购药", home_region=f.VILLAGE_A1)
    known.refresh_from_db()
    assert (p.person_id, p.person_created) == (known.pk, False)
    assert (known.name, known.region_id, known.phone) == ("王登记", f.VILLAGE_A2, "13912345678")  # a phone is added
    assert Person.objects.count() == 1


def test_sent_twice_it_is_stored_once(doctor, shop):
    first = bought(doctor, shop, client_key="k-1")
    again = bought(doctor, shop, client_key="k-1", temperature="36.9")
    same = bought(doctor, shop)
    assert again.pk == same.pk == first.pk and again.duplicate and same.duplicate
    other = bought(doctor, shop, temperature="36.9")  # another reading is another registration
    assert other.pk != first.pk and PharmacyPurchase.objects.count() == 2


def test_a_purchase_typed_in_later_is_at_most_a_week_old_and_never_in_the_future(doctor, shop):
    now = timezone.now()
    assert bought(doctor, shop, bought_at=now - datetime.timedelta(days=2)).bought_at < now
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, bought_at=now - datetime.timedelta(days=8), seq=2)
    assert list(exc.value.message_dict) == ["bought_at"]
    with pytest.raises(ValidationError) as exc:
        bought(doctor, shop, bought_at=now + datetime.timedelta(hours=1), seq=3)
    assert list(exc.value.message_dict) == ["bought_at"]


def test_only_pharmacies_that_are_open(doctor, tree):
    market = pharmacy(name="东岳农贸市场", kind="market")
    with pytest.raises(ValidationError) as exc:
        bought(doctor, market)
    assert list(exc.value.message_dict) == ["pharmacy"]
    closed = pharmacy(name="关门药店", is_closed=True)
    with pytest.raises(ValidationError) as exc:
        bought(doctor, closed)
    assert "已关闭" in exc.value.message_dict["pharmacy"][0]


def test_who_may_register(shop, shop_b, worker_a1, town, hq, tree):
    assert bought(worker_a1, shop).pk and bought(town, shop, seq=2).pk and bought(hq, shop_b, seq=3).pk
    with pytest.raises(PermissionDenied):
        bought(worker_a1, shop_b, seq=4)  # a pharmacy of another village
    for role in (Role.CHECKPOINT_STAFF, Role.SUPERVISOR, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            bought(f.user(f"u_{role}", role, f.COUNTY), shop, seq=5)
