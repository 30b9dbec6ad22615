import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity, services
from fangkong.people.models import Person
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id


@pytest.fixture
def worker(tree):
    return factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)


@pytest.fixture
def township(tree):
    return factories.user("town", Role.TOWNSHIP_STAFF, factories.TOWN_A)


def test_registration_at_village_level_keeps_a_known_grid(worker):
    person = builders.person(worker, factories.GRID_A1, number=resident_id(seq="201"))
    again, created = services.find_or_record_person(worker, name="张三", id_type="resident_id",
                                                    id_number=resident_id(seq="201"), region_code=factories.VILLAGE_A1)
    assert not created and again.pk == person.pk
    assert Person.objects.get().region_id == factories.GRID_A1


def test_registration_moves_the_person_when_the_region_changes(township):
    person = builders.person(township, factories.VILLAGE_A1)
    services.find_or_record_person(township, name=person.name, id_type="resident_id", id_number=person.id_number,
                                   region_code=factories.VILLAGE_A2)
    person.refresh_from_db()
    assert person.region_id == factories.VILLAGE_A2
    entry = AuditEntry.objects.filter(action="person.update").get()
    assert entry.before == {"region": factories.VILLAGE_A1} and entry.after == {"region": factories.VILLAGE_A2}


def test_registration_without_changes_writes_no_audit_entry(worker):
    person = builders.person(worker, factories.VILLAGE_A1)
    services.find_or_record_person(worker, name=person.name, id_type="resident_id", id_number=person.id_number,
                                   region_code=factories.VILLAGE_A1)
    assert not AuditEntry.objects.filter(action="person.update").exists()


def test_update_person_corrects_the_id_and_clears_the_phone(worker):
    person = builders.person(worker, factories.VILLAGE_A1, phone="13812345678")
    new_number = resident_id("19900202", "333")
    services.update_person(worker, person, id_number=new_number, phone="")
    person.refresh_from_db()
    assert person.id_number == new_number and person.birth_date.isoformat() == "1990-02-02"
    assert person.id_digest == identity.digest("resident_id", new_number)
    assert person.phone == "" and person.phone_digest == ""
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.after["id_number"] == identity.mask_id(new_number)
    assert new_number not in str(entry.before) + str(entry.after)
    assert "13812345678" not in str(entry.before)


def test_update_person_refuses_an_id_that_belongs_to_someone_else(worker):
    first = builders.person(worker, factories.VILLAGE_A1)
    second = builders.person(worker, factories.VILLAGE_A1, name="李四")
    with pytest.raises(ValidationError) as exc:
        services.update_person(worker, second, id_number=first.id_number)
    assert "id_number" in exc.value.message_dict


def test_update_person_out_of_scope_is_refused(worker, tree):
    other = factories.user("village_b", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    person = builders.person(other, factories.VILLAGE_B1)
    with pytest.raises(PermissionDenied):
        services.update_person(worker, person, name="改名")
    with pytest.raises(ValidationError) as exc:
        services.update_person(other, person, region_code=factories.VILLAGE_A1)
    assert "region" in exc.value.message_dict


def test_reveal_is_logged_and_limited_to_allowed_roles(tree):
    hq = factories.user("hq", Role.HQ_STAFF)
    person = builders.person(hq, factories.VILLAGE_A1, phone="13812345678")
    assert services.reveal_person(hq, person) == {"id_number": person.id_number, "phone": "13812345678"}
    entry = AuditEntry.objects.get(action="person.reveal")
    assert entry.actor == hq and entry.object_id == str(person.pk) and entry.region_id == factories.VILLAGE_A1
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    with pytest.raises(PermissionDenied):
        services.reveal_person(worker, person)
    assert AuditEntry.objects.filter(action="person.reveal").count() == 1


def test_households_create_update_and_members(worker, tree):
    household = services.create_household(worker, region_code=factories.GRID_A1, address=" 东岳村 3组 8号 ",
                                          head_name="张三")
    assert household.address == "东岳村 3组 8号"
    services.update_household(worker, household, region_code=factories.VILLAGE_A1, address="东岳村3组8号",
                              head_name="张三")
    household.refresh_from_db()
    assert household.region_id == factories.VILLAGE_A1
    person = builders.person(worker, factories.VILLAGE_A1)
    services.set_household(worker, person, household)
    other = services.create_household(worker, region_code=factories.VILLAGE_A1, address="东岳村4组")
    services.set_household(worker, person, other.pk)
    assert Person.objects.get().household_id == other.pk
    services.set_household(worker, person, None)
    assert Person.objects.get().household_id is None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("person.household") == 3 and "household.update" in actions


def test_households_are_scoped(worker, tree):
    with pytest.raises(ValidationError) as exc:
        services.create_household(worker, region_code=factories.VILLAGE_B1, address="红旗村1组")
    assert "region" in exc.value.message_dict
    township_b = factories.user("town_b", Role.TOWNSHIP_STAFF, factories.TOWN_B)
    foreign = services.create_household(township_b, region_code=factories.VILLAGE_B1, address="红旗村1组")
    person = builders.person(worker, factories.VILLAGE_A1)
    with pytest.raises(ValidationError):
        services.set_household(worker, person, foreign)
    with pytest.raises(PermissionDenied):
        services.update_household(worker, foreign, region_code=factories.VILLAGE_A1, address="x")
    with pytest.raises(ValidationError) as exc:
        services.create_household(worker, region_code=factories.VILLAGE_A1, address=" ")
    assert "address" in exc.value.message_dict
