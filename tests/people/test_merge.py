import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.people import identity, services
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id

DAY = datetime.date(2020, 2, 1)


@pytest.fixture
def township(tree):
    return factories.user("town", Role.TOWNSHIP_STAFF, factories.TOWN_A)


def key_person(person, category="returnee", **extra):
    return KeyPerson.objects.create(person=person, category=category, region_id=person.region_id,
                                    registered_on=DAY, **extra)


def test_merge_moves_every_referencing_row_and_keeps_both_trails(township):
    keep = builders.person(township, factories.VILLAGE_A1, "张三")
    other = builders.person(township, factories.VILLAGE_A2, "张叁", phone="13812345678", address="桃园村2组")
    household = services.create_household(township, region_code=factories.VILLAGE_A2, address="桃园村2组")
    services.set_household(township, other, household)
    entry = key_person(other, "fever")
    other_id = other.pk
    trail_before = list(AuditEntry.objects.filter(object_type="person", object_id=str(other_id))
                        .values_list("pk", flat=True))
    assert trail_before

    services.merge_persons(township, keep, other)

    assert not Person.objects.filter(pk=other_id).exists()
    entry.refresh_from_db()
    assert entry.person_id == keep.pk
    keep.refresh_from_db()
    # blanks of the kept person are filled from the other, its own values win
    assert keep.name == "张三" and keep.phone == "13812345678" and keep.address == "桃园村2组"
    assert keep.phone_digest == identity.digest("phone", "13812345678") and keep.household_id == household.pk
    trail_after = AuditEntry.objects.filter(object_type="person", object_id=str(other_id))
    assert set(trail_before) < set(trail_after.values_list("pk", flat=True))
    assert trail_after.filter(action="person.merged_into", after__kept_id=keep.pk).exists()
    merge_entry = AuditEntry.objects.get(action="person.merge")
    assert merge_entry.object_id == str(keep.pk) and merge_entry.after["merged_id"] == other_id
    assert merge_entry.after["moved"] == {"screening.KeyPerson": 1}
    assert "13812345678" not in str(merge_entry.after) + str(trail_after.last().before)


def test_conflicting_open_entries_refuse_the_merge_and_change_nothing(township):
    keep = builders.person(township, factories.VILLAGE_A1, "张三")
    other = builders.person(township, factories.VILLAGE_A1, "张三")
    key_person(keep, "returnee")
    key_person(other, "returnee")
    with pytest.raises(ValidationError, match="冲突"):
        services.merge_persons(township, keep, other)
    assert Person.objects.count() == 2
    assert KeyPerson.objects.filter(person=other).count() == 1
    assert not AuditEntry.objects.filter(action="person.merge").exists()


def test_merge_across_scopes_is_refused(township, tree):
    hq = factories.user("hq", Role.HQ_ADMIN)
    keep = builders.person(township, factories.VILLAGE_A1)
    outside = builders.person(hq, factories.VILLAGE_B1, number=resident_id(seq="777"))
    with pytest.raises(PermissionDenied):
        services.merge_persons(township, keep, outside)
    with pytest.raises(PermissionDenied):
        services.merge_persons(township, outside, keep)
    assert Person.objects.count() == 2


def test_merge_with_itself_and_by_a_viewer_are_refused(township, tree):
    person = builders.person(township, factories.VILLAGE_A1)
    other = builders.person(township, factories.VILLAGE_A1)
    with pytest.raises(ValidationError):
        services.merge_persons(township, person, person)
    viewer = factories.user("viewer", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.merge_persons(viewer, person, other)


def test_references_cover_every_model_pointing_at_person():
    found = {(model._meta.label, name) for model, name in services.references_to_person()}
    assert ("screening.KeyPerson", "person") in found
