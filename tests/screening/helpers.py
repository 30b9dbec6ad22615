"""Small builders for screening tests: people registered through the services, counters read back."""

import datetime

from django.utils import timezone
from stdnum.cn import ric

from fangkong.analytics import counters
from fangkong.people import services as people
from fangkong.screening import services
from tests import factories


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def resident_id(n: int, birth: str = "19850315") -> str:
    body = f"420921{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def register(actor, n: int = 1, *, region: str = factories.VILLAGE_A1, category: str = "returnee", **extra):
    """(key person, created) for person number `n` (same n, same person)."""
    return services.register_key_person(actor, name=extra.pop("name", f"张{n}"), id_type="resident_id",
                                        id_number=resident_id(n), region_code=region, category=category, **extra)


def key_person(actor, n: int = 1, **extra):
    return register(actor, n, **extra)[0]


def check(actor, kp, temperature="36.5", *, day=None, method="phone", symptoms=""):
    return services.record_daily_check(actor, kp, temperature=temperature, method=method, symptoms=symptoms,
                                       checked_on=day)


def household(actor, region: str = factories.GRID_A1, n: int = 1):
    return people.create_household(actor, region_code=region, address=f"东岳村{n}号")


def sweep(actor, region: str = factories.COUNTY, *, start=None, end=None, name="第一轮摸排"):
    return services.create_sweep(actor, name=name, region_code=region, start_date=start or days_ago(10),
                                 end_date=end or today())


def figures(code: str, day: datetime.date) -> dict:
    """The counters of one region and day, zero values dropped."""
    return {k: v for k, v in counters.figures([code], day)[code].items() if v}


def all_counters() -> dict:
    from fangkong.analytics.models import DailyCounter
    return {(c.region_id, c.day, c.metric): c.value for c in DailyCounter.objects.exclude(value=0)}


def rebuilt(days) -> dict:
    """Every non-zero counter after recomputing `days` from the raw rows."""
    for day in days:
        counters.rebuild(day)
    return all_counters()
