"""Users, persons and policies of the case and lab tests (imported by those test modules by name)."""

import datetime
import itertools

import pytest
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.people.services import find_or_record_person
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from tests import factories as f

HOUR = datetime.timedelta(hours=1)
_numbers = itertools.count(1)


def resident_id(n: int | None = None) -> str:
    """A valid resident ID number of 孝昌县 (a fresh one per call unless `n` is given)."""
    body = f"42092119800101{(n if n is not None else next(_numbers)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def registered(actor, name: str, region: str = f.VILLAGE_A1, number: str | None = None):
    """A person registered through the people service (keyed digests and all), by `actor`."""
    person, _created = find_or_record_person(actor, name=name, id_type="resident_id",
                                             id_number=number or resident_id(), region_code=region,
                                             phone="13900001111")
    return person


def ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


@pytest.fixture
def policies(db):
    """The default isolation policies (the data migration's), whatever a flushing test left."""
    install_default_policies(QuarantinePolicy)


@pytest.fixture
def epi(tree):
    """流调队员 of the county CDC."""
    return f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY)


@pytest.fixture
def doctor_a(tree):
    """A doctor of 花园镇's hospital (TOWN_A)."""
    return f.user("doctor_a", Role.DOCTOR, f.TOWN_A, phone="13800000002")


@pytest.fixture
def viewer(tree):
    return f.user("viewer", Role.VIEWER, f.COUNTY)
