"""The system acts by name (core.actors.SYSTEM); a missing actor (None) is refused, never taken for it."""

import copy
import pickle

import pytest
from django.core.exceptions import PermissionDenied

from fangkong.accounts.models import User
from fangkong.accounts.permissions import has_role
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM, is_system, name_of, user_of
from fangkong.core.cli import acting_user
from fangkong.people import services as people
from tests import factories


def test_the_system_is_one_named_actor_without_an_account():
    assert copy.deepcopy(SYSTEM) is SYSTEM and pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM
    assert is_system(SYSTEM) and user_of(SYSTEM) is None and name_of(SYSTEM) == "system"
    assert not has_role(SYSTEM, {"hq_admin"})  # no role: a service for staff refuses it


def test_a_missing_actor_is_refused():
    with pytest.raises(TypeError):
        is_system(None)
    with pytest.raises(TypeError):
        user_of(User(username="unsaved"))


def test_the_audit_trail_names_the_system_and_refuses_no_actor(db):
    entry = audit.record(SYSTEM, "test.write", object_type="thing", object_id="1", object_repr="x")
    assert (entry.actor_id, entry.actor_name) == (None, "system")
    with pytest.raises(TypeError):
        audit.record(None, "test.write", object_type="thing", object_id="2", object_repr="y")
    assert AuditEntry.objects.count() == 1


def test_a_command_without_user_acts_as_the_system(db):
    assert acting_user("") is SYSTEM


def test_a_service_for_staff_refuses_the_system(tree):
    with pytest.raises(PermissionDenied):
        people.find_or_record_person(SYSTEM, name="张三", id_type="resident_id", id_number="420921198001011238",
                                     region_code=factories.VILLAGE_A1)
