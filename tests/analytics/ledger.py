"""Ledger rows written the way the pages, API and importer write them: through the screening services,
which move the roll-up counters in the same transaction."""

import datetime

from fangkong.people import services as people
from fangkong.screening import services

DAY = datetime.date(2020, 2, 3)


def key_person(actor, n: int, region_code: str, *, category: str = "returnee", day: datetime.date = DAY):
    kp, _created = services.register_key_person(
        actor, name=f"人员{n}", id_type="passport", id_number=f"E{n:08d}", region_code=region_code,
        category=category, registered_on=day)
    return kp


def check(actor, kp, *, temperature: str = "36.5", day: datetime.date = DAY):
    found, _created = services.record_daily_check(actor, kp, temperature=temperature, method="phone",
                                                  checked_on=day)
    return found


def release(actor, kp, *, status: str = "released", day: datetime.date = DAY):
    return services.change_key_person_status(actor, kp, status=status, ended_on=day)


def sweep(actor, region_code: str, *, start: datetime.date = DAY - datetime.timedelta(days=10),
          end: datetime.date = DAY + datetime.timedelta(days=10)):
    return services.create_sweep(actor, name="第一轮摸排", region_code=region_code, start_date=start, end_date=end)


def household(actor, region_code: str, n: int = 1):
    return people.create_household(actor, region_code=region_code, address=f"{n}号")


def visit(actor, a_sweep, a_household, *, day: datetime.date = DAY):
    found, _created = services.record_household_visit(actor, a_sweep, a_household, present_count=3, visited_on=day)
    return found
