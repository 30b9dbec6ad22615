import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity, services
from fangkong.people.models import Person, RegistrationReview
from tests import factories
from tests.people.ids import resident_id

VALID = resident_id("19800101", "123")


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


def test_upsert_creates_then_updates_without_twin(worker):
    person, created = services.upsert_person(worker, name=" 张三 ", id_type="resident_id", id_number=VALID,
                                             region_code=factories.VILLAGE_A1, phone="13812345678")
    assert created and person.name == "张三"
    assert person.sex == "male" and person.birth_date.isoformat() == "1980-01-01"
    assert person.id_digest == identity.digest("resident_id", VALID)
    assert person.phone_digest == identity.digest("phone", "13812345678")
    again, created = services.upsert_person(worker, name="张三", id_type="身份证", id_number=VALID.lower(),
                                            region_code=factories.VILLAGE_A1, address="东岳村3组")
    assert not created and again.pk == person.pk
    again.refresh_from_db()
    assert again.phone == "13812345678" and again.address == "东岳村3组"
    assert Person.objects.count() == 1
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["person.create", "person.update"]


def test_audit_trail_holds_masked_numbers_only(worker):
    services.upsert_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                           region_code=factories.VILLAGE_A1, phone="13812345678")
    entry = AuditEntry.objects.get(action="person.create")
    text = str(entry.after)
    assert VALID not in text and "13812345678" not in text
    assert entry.after["id_number"] == identity.mask_id(VALID)
    assert entry.after["phone"] == "138****5678"


def test_upsert_reports_every_bad_field(worker):
    with pytest.raises(ValidationError) as exc:
        services.upsert_person(worker, name="", id_type="resident_id", id_number=VALID[:17] + ("1" if VALID[17] == "0" else "0"),
                               region_code=factories.VILLAGE_B1, phone="123")
    assert set(exc.value.message_dict) == {"name", "id_number", "region", "phone"}
    assert Person.objects.count() == 0


def test_viewer_may_not_write(tree):
    viewer = factories.user("viewer", Role.VIEWER, factories.COUNTY)
    with pytest.raises(PermissionDenied):
        services.upsert_person(viewer, name="张三", id_type="resident_id", id_number=VALID,
                               region_code=factories.VILLAGE_A1)


def test_person_registered_elsewhere_is_not_taken_over_but_held_for_review(worker, tree):
    other = factories.user("village_b", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    services.upsert_person(other, name="张三", id_type="resident_id", id_number=VALID,
                           region_code=factories.VILLAGE_B1)
    assert services.upsert_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                  region_code=factories.VILLAGE_A1) == (None, False)
    assert Person.objects.get().region_id == factories.VILLAGE_B1
    assert RegistrationReview.objects.get().submitted_by == worker


def test_phone_changed_only_in_its_masked_digits_is_saved_and_audited(worker):
    person, _ = services.upsert_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                                       region_code=factories.VILLAGE_A1, phone="13812345678")
    services.upsert_person(worker, name="张三", id_type="resident_id", id_number=VALID,
                           region_code=factories.VILLAGE_A1, phone="13899995678")
    person.refresh_from_db()
    assert person.phone == "13899995678"
    entry = AuditEntry.objects.get(action="person.update")
    assert "phone_ref" in entry.after and "13899995678" not in str(entry.after)
