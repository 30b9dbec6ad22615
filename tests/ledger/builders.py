"""Key persons on the ledger, made directly (the import is tested elsewhere)."""

import datetime

from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson
from tests.people.ids import resident_id


def key_person(name: str, seq: str, region: str, category: str = "returnee", *, phone: str = "13812345678",
               registered_on=datetime.date(2020, 1, 25), status: str = "under_management", ended_on=None,
               **details) -> KeyPerson:
    number = resident_id("19800101", seq)
    person = Person.objects.create(name=name, id_number=number, id_digest=identity.digest("resident_id", number),
                                   sex=identity.sex_of(number), birth_date=identity.birth_date_of(number),
                                   phone=phone, region_id=region, address=f"{name}家")
    return KeyPerson.objects.create(person=person, category=category, region_id=region, registered_on=registered_on,
                                    status=status, ended_on=ended_on, **details)
