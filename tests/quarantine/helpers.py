"""Builders for quarantine tests: key persons, orders through the services, moments in local time."""

import datetime
import itertools

from django.utils import timezone

from fangkong.analytics import counters
from fangkong.people.models import Person
from fangkong.quarantine import services
from fangkong.quarantine.schedule import tz
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import KeyPerson
from tests import factories

_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def local(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """An aware moment in the county's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), tz())


def key_person(region: str = factories.VILLAGE_A1, category: str = "returnee", *, arrival=None,
               name: str | None = None) -> KeyPerson:
    """A person on the ledger (made directly, with its counters, like the ledger service would)."""
    n = next(_numbers)
    person = Person.objects.create(name=name or f"隔离{n}", id_type="other", id_number=f"T{n:06d}",
                                   region_id=region, address=f"东岳村{n}组{n}号")
    kp = KeyPerson.objects.create(person=person, category=category, region_id=region,
                                  registered_on=days_ago(20), arrival_date=arrival)
    counters.track_change([], screening_rollup.key_person_contributions(kp))
    return kp


def start(actor, kp=None, *, cadre, doctor, **extra):
    """An order for `kp` (a returnee in 东岳村 who arrived 3 days ago, by default), started through the service."""
    if kp is None:
        kp = key_person(arrival=extra.pop("arrival", days_ago(3)))
    return services.start_quarantine(actor, kp, cadre=cadre, doctor=doctor, **extra)


def slots(q) -> list[datetime.datetime]:
    """The order's scheduled slots in local time."""
    return [timezone.localtime(fu.due_at, tz()) for fu in q.follow_ups.filter(scheduled=True).order_by("due_at")]
