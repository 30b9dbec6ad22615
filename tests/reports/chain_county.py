"""The county of the report chain tests: the tree, its responsible people, and roll-up figures fed
straight into the counters (a registered figure's metric), as any app's service would."""

import datetime

from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from tests import factories
from tests.factories import COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

DAY = datetime.date(2020, 2, 2)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """An aware local moment of the day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def visits(code: str, n: int, day: datetime.date = DAY) -> None:
    """n households visited in the region on the day (the `households_visited` figure)."""
    counters.track_change(new=[(code, day, "households_visited", n)])


def fevers(code: str, n: int, day: datetime.date = DAY) -> None:
    counters.track_change(new=[(code, day, "fevers_found", n)])


def people() -> dict:
    """The tree and one account per responsible level (plus an HQ staff and a viewer)."""
    factories.county_tree()
    return {
        "admin": factories.user("admin", Role.HQ_ADMIN, COUNTY),
        "hq": factories.user("hq", Role.HQ_STAFF, COUNTY),
        "town_a": factories.user("town_a", Role.TOWNSHIP_STAFF, TOWN_A),
        "town_b": factories.user("town_b", Role.TOWNSHIP_STAFF, TOWN_B),
        "v_a1": factories.user("v_a1", Role.VILLAGE_WORKER, VILLAGE_A1),
        "v_a2": factories.user("v_a2", Role.VILLAGE_WORKER, VILLAGE_A2),
        "v_b1": factories.user("v_b1", Role.VILLAGE_WORKER, VILLAGE_B1),
        "viewer": factories.user("viewer", Role.VIEWER, COUNTY),
        "doctor": factories.user("doctor", Role.DOCTOR, VILLAGE_A1),
    }
