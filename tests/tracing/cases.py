"""Builders for the reconciliation tests: checkpoints, places, passages and check-ins made directly
(a constructed case: each row exactly as the registration services would have stored it), people and
ledger entries with their counters."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from fangkong.analytics import counters
from fangkong.checkpoints.models import Checkpoint, Passage
from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import KeyPerson
from tests import factories

_numbers = itertools.count(1)
HOUR = datetime.timedelta(hours=1)


def person(name: str | None = None, region: str = factories.VILLAGE_A1) -> Person:
    n = next(_numbers)
    return Person.objects.create(name=name or f"来人{n}", id_type="resident_id", id_number=f"42010219900101{n:04d}",
                                 phone=f"1380000{n:04d}", region_id=region, address=f"武汉市{n}号")


def checkpoint(region: str = factories.TOWN_A, name: str = "孝昌高速出口", kind: str = "highway_exit") -> Checkpoint:
    return Checkpoint.objects.create(name=name, kind=kind, region_id=region)


def place(region: str = factories.VILLAGE_B1, name: str = "红旗超市", kind: str = "supermarket") -> Place:
    return Place.objects.create(name=name, kind=kind, region_id=region)


def passage(cp: Checkpoint, who: Person, at: datetime.datetime, *, risk: bool = True, destination: str | None = None,
            outcome: str = "pass", direction: str = "in") -> Passage:
    return Passage.objects.create(checkpoint=cp, region_id=cp.region_id, passed_at=at, person=who,
                                  origin="湖北省武汉市" if risk else "湖北省孝感市", origin_code="420100000000" if risk else "",
                                  destination_id=destination, destination_text="某村某组" if destination else "",
                                  temperature=Decimal("36.5"), outcome=outcome, direction=direction,
                                  from_risk_area=risk)


def check_in(where: Place, who: Person, at: datetime.datetime, *, risk: bool = True) -> CheckIn:
    return CheckIn.objects.create(place=where, region_id=where.region_id, person=who, checked_in_at=at,
                                  origin="湖北省武汉市" if risk else "", from_risk_area=risk)


def on_ledger(who: Person, region: str = factories.VILLAGE_A1, *, registered_on: datetime.date | None = None,
              status: str = "under_management", ended_on: datetime.date | None = None) -> KeyPerson:
    """A ledger entry as the ledger service would write it (with its counters)."""
    kp = KeyPerson.objects.create(person=who, category="returnee", region_id=region,
                                  registered_on=registered_on or timezone.localdate(), status=status,
                                  ended_on=ended_on, origin="武汉")
    counters.track_change([], screening_rollup.key_person_contributions(kp))
    return kp


def task_metrics_differences(day: datetime.date) -> dict:
    """Counter differences of the arrival-task metrics only (passages and check-ins here are made directly)."""
    return {key: value for key, value in counters.differences(day).items() if key[1].startswith("task_")}
