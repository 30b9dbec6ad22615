"""A purchase the buyer registered on the pharmacy's public page keeps what they typed and nothing else; staff of the
pharmacy or of the buyer's village confirm who it was, and then a fever is found. The full numbers to a role that
may reveal, logged."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.medical import services
from fangkong.medical.models import PharmacyPurchase
from fangkong.people.models import Person
from fangkong.quarantine.models import TransferRequest
from fangkong.screening.models import KeyPerson
from tests import factories as f
from tests.places.builders import person

from .builders import resident_id, typed


def test_what_the_buyer_typed_is_kept_and_no_person_is_touched(shop):
    known = person(name="王登记", seq=1, phone="13700000001")
    p = typed(shop, temperature="38.4", symptoms=["fever"])
    stored = PharmacyPurchase.objects.get(pk=p.pk)
    assert (stored.person_id, stored.channel, stored.fever, stored.name) == (None, "public", True, "王购药")
    assert not TransferRequest.objects.exists() and not KeyPerson.objects.exists()
    known.refresh_from_db()
    assert (known.name, known.phone, Person.objects.count()) == ("王登记", "13700000001", 1)
    entry = AuditEntry.objects.get(action="pharmacy_purchase.public")
    assert entry.actor is None and entry.actor_name == "system"
    assert resident_id(1) not in str(entry.after) and "13912345678" not in str(entry.after)
    assert counters.differences(timezone.localdate()) == {}


def test_the_public_page_asks_a_resident_id_and_names_every_bad_field(shop):
    with pytest.raises(ValidationError) as exc:
        typed(shop, id_number="E12345678", phone="12345", temperature="abc", medicines=["vitamins"])
    assert set(exc.value.message_dict) == {"id_number", "phone", "temperature", "medicines"}


def test_sent_twice_from_the_public_page_it_is_stored_once(shop):
    first = typed(shop, client_key="tap-1")
    assert typed(shop, client_key="tap-1").pk == first.pk
    assert typed(shop).pk == first.pk
    assert PharmacyPurchase.objects.count() == 1


def test_confirming_a_feverish_purchase_finds_the_fever_on_the_buyer(shop, worker_b1):
    p = typed(shop, temperature="38.1", home_region=f.VILLAGE_B1)
    confirmed = services.confirm_purchase(worker_b1, p)  # the buyer's village, not the pharmacy's
    buyer = Person.objects.get()
    assert (confirmed.person_id, confirmed.confirmed_by, buyer.region_id) == (buyer.pk, worker_b1, f.VILLAGE_B1)
    transfer = TransferRequest.objects.get()
    assert (transfer.person_id, transfer.source, transfer.region_id) == (buyer.pk, "pharmacy", f.VILLAGE_B1)
    assert confirmed.transfer == transfer
    assert KeyPerson.objects.get().category == "fever"
    entry = AuditEntry.objects.get(action="pharmacy_purchase.confirm")
    assert entry.after["person"] == buyer.pk and resident_id(1) not in str(entry.after)
    assert counters.differences(timezone.localdate()) == {}


def test_staff_correct_what_was_typed_when_they_confirm(shop, doctor):
    p = typed(shop, name="王勾药", temperature="36.5")
    confirmed = services.confirm_purchase(doctor, p, name="王购药", id_number=resident_id(7), phone="13800000007")
    buyer = Person.objects.get()
    assert (buyer.name, buyer.id_number, buyer.phone) == ("王购药", resident_id(7), "13800000007")
    assert (confirmed.name, confirmed.id_number) == ("王购药", resident_id(7))
    assert not TransferRequest.objects.exists()
    with pytest.raises(ValidationError) as exc:
        services.confirm_purchase(doctor, p)
    assert list(exc.value.message_dict) == ["purchase"]


def test_a_bad_correction_is_named(shop, doctor):
    p = typed(shop)
    with pytest.raises(ValidationError) as exc:
        services.confirm_purchase(doctor, p, id_number="123")
    assert list(exc.value.message_dict) == ["id_number"]
    assert PharmacyPurchase.objects.get().person_id is None


def test_only_staff_of_the_pharmacy_or_the_buyers_village_confirm(shop, worker_b1, tree):
    p = typed(shop, home_region=f.VILLAGE_A2)
    with pytest.raises(PermissionDenied):
        services.confirm_purchase(worker_b1, p)
    with pytest.raises(PermissionDenied):
        services.confirm_purchase(f.user("viewer", "viewer", f.COUNTY), p)
    neighbour = f.user("worker_a2", "village_worker", f.VILLAGE_A2)
    assert services.confirm_purchase(neighbour, p).person_id


def test_a_role_that_may_reveal_sees_the_numbers_once_logged(shop, doctor, worker_a1, worker_b1):
    p = typed(shop)
    assert services.reveal_purchase(doctor, p) == {"id_number": resident_id(1), "phone": "13912345678"}
    assert AuditEntry.objects.filter(action="pharmacy_purchase.reveal", actor=doctor).count() == 1
    with pytest.raises(PermissionDenied):
        services.reveal_purchase(worker_a1, p)  # a village worker never reveals
    with pytest.raises(PermissionDenied):
        services.reveal_purchase(f.user("doctor_b1", "doctor", f.VILLAGE_B1), p)  # outside the scope
