import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.services import passages
from fangkong.people import identity, services
from fangkong.people.models import Person, RegistrationReview
from fangkong.screening.services import register_key_person
from tests import factories
from tests.checkpoints.builders import checkpoint
from tests.people.ids import full_width, resident_id

VALID = resident_id("19800101", "123")


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def test_registration_creates_then_updates_without_twin(worker):
    person, created = services.find_or_record_person(worker, name=" 张三 ", id_type="resident_id", id_number=VALID,
                                                     region_code=factories.VILLAGE_A1, phone="13812345678")
    assert created and person.name == "张三"
    assert person.sex == "male" and person.birth_date.isoformat() == "1980-01-01"
    assert person.id_digest == identity.digest("resident_id", VALID)
    assert person.phone_digest == identity.digest("phone", "13812345678")
    again, created = services.find_or_record_person(worker, name="张三", id_type="身份证", id_number=VALID.lower(),
                                                    region_code=factories.VILLAGE_A1, address="东岳村3组")
    assert not created and again.pk == person.pk
    again.refresh_from_db()
    assert again.phone == "13812345678" and again.address == "东岳村3组"
    assert Person.objects.count() == 1
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["person.create", "person.update"]


def test_audit_trail_holds_masked_numbers_only(worker):
    services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                   region_code=factories.VILLAGE_A1, phone="13812345678")
    entry = AuditEntry.objects.get(action="person.create")
    text = str(entry.after)
    assert VALID not in text and "13812345678" not in text
    assert entry.after["id_number"] == identity.mask_id(VALID)
    assert entry.after["phone"] == "138****5678"


def test_registration_reports_every_bad_field(worker):
    with pytest.raises(ValidationError) as exc:
        services.find_or_record_person(worker, name="", id_type="resident_id", id_number=VALID[:17] + ("1" if VALID[17] == "0" else "0"),
                                       region_code=factories.VILLAGE_B1, phone="123")
    assert set(exc.value.message_dict) == {"name", "id_number", "region", "phone"}
    assert Person.objects.count() == 0


def test_viewer_may_not_write(tree):
    viewer = factories.user("viewer", Role.VIEWER, factories.COUNTY)
    with pytest.raises(PermissionDenied):
        services.find_or_record_person(viewer, name="张三", id_type="resident_id", id_number=VALID,
                                       region_code=factories.VILLAGE_A1)


def test_person_registered_elsewhere_is_not_taken_over_but_held_for_review(worker, tree):
    other = factories.user("village_b", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    services.find_or_record_person(other, name="张三", id_type="resident_id", id_number=VALID,
                                   region_code=factories.VILLAGE_B1)
    assert services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                          region_code=factories.VILLAGE_A1) == (None, False)
    assert Person.objects.get().region_id == factories.VILLAGE_B1
    assert RegistrationReview.objects.get().submitted_by == worker


def test_phone_changed_only_in_its_masked_digits_is_saved_and_audited(worker):
    person, _ = services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                               region_code=factories.VILLAGE_A1, phone="13812345678")
    services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                   region_code=factories.VILLAGE_A1, phone="13899995678")
    person.refresh_from_db()
    assert person.phone == "13899995678"
    entry = AuditEntry.objects.get(action="person.update")
    assert "phone_ref" in entry.after and "13899995678" not in str(entry.after)


# One rule for every register -------------------------------------------------------------------------------

def test_of_twins_the_oldest_is_found_alone_and_in_a_batch(tree):
    digest = identity.digest("resident_id", VALID)
    oldest, newer = (Person.objects.create(name=name, id_number=VALID, id_digest=digest, region_id=factories.VILLAGE_A1)
                     for name in ("张三", "张叁"))
    assert services.find_person(digest) == oldest
    assert services.find_person(digest, columns=("id", "name")).name == "张三"
    assert services.find_persons([digest, digest, "unknown"]) == {digest: oldest}


def test_a_registration_a_passage_and_a_ledger_entry_find_one_person(worker, tree):
    person, created = services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                                     region_code=factories.VILLAGE_A1)
    hq = factories.user("hq", Role.HQ_ADMIN, factories.COUNTY)
    staff = factories.user("kadian", Role.CHECKPOINT_STAFF, factories.TOWN_A)
    passage = passages.register_passage(staff, checkpoint(hq), id_number=f" {full_width(VALID.lower())} ", name="张三丰",
                                        phone="13900002222", temperature="36.5", outcome="pass")
    entry, _ = register_key_person(worker, name="张三", id_type="身份证", id_number=VALID, region_code=factories.VILLAGE_A1,
                                   category="returnee")
    assert passage.person_id == entry.person_id == person.pk and not passage.person_created
    person.refresh_from_db()
    # the passage added the missing phone and kept the name registered; the village's registration may correct it
    assert (person.name, person.phone, Person.objects.count()) == ("张三", "13900002222", 1)


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway")
def test_a_registration_and_a_passage_of_one_new_person_at_once_record_one_person(transactional_db, monkeypatch):
    factories.county_tree()
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    staff = factories.user("kadian", Role.CHECKPOINT_STAFF, factories.TOWN_A)
    cp = checkpoint(factories.user("hq", Role.HQ_ADMIN, factories.COUNTY))
    found = services.find_person

    def slow_find(*args, **kwargs):  # both would find no one, without the lock on the digest
        result = found(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(services, "find_person", slow_find)
    monkeypatch.setattr(passages, "find_person", slow_find)
    barrier, errors = threading.Barrier(2), []

    def run(register):
        try:
            barrier.wait()
            register()
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(register,)) for register in (
        lambda: services.find_or_record_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                               region_code=factories.VILLAGE_A1),
        lambda: passages.register_passage(staff, cp, id_number=VALID, name="张三", temperature="36.5", outcome="pass"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert Person.objects.count() == 1
