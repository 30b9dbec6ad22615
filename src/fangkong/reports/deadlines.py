"""The daily deadline of the report chain: one time of day per county, set by its headquarters.

A report of day D is due at D + the county's deadline (local time, default 16:00). Not
submitted after that: late (逾期未报); submitted after that: marked late (逾期报送).
"""

import datetime

from django.utils import timezone

from fangkong.core import region_codes as codes

from .models import ReportSettings

DEFAULT_DEADLINE = ReportSettings._meta.get_field("deadline").default


def county_code_of(code: str) -> str | None:
    """The county (县/区) a region belongs to, or None above county level."""
    if codes.PREFIX_LENGTH[codes.level_of(code)] < codes.PREFIX_LENGTH[codes.COUNTY]:
        return None
    return code[:6].ljust(12, "0")


def settings_of(county_code: str | None) -> ReportSettings:
    """The county's settings (unsaved defaults when headquarters never set them)."""
    found = ReportSettings.objects.filter(region_id=county_code).first() if county_code else None
    return found or ReportSettings(region_id=county_code, deadline=DEFAULT_DEADLINE)


def deadlines_of(county_codes) -> dict[str, datetime.time]:
    """{county code: deadline time} for several counties in one query (the default when not set)."""
    county_codes = {c for c in county_codes if c}
    found = dict(ReportSettings.objects.filter(region_id__in=county_codes).values_list("region_id", "deadline"))
    return {c: found.get(c, DEFAULT_DEADLINE) for c in county_codes}


def due_at(day: datetime.date, deadline: datetime.time) -> datetime.datetime:
    """The aware moment a report of `day` is due."""
    return timezone.make_aware(datetime.datetime.combine(day, deadline))


def deadline_for(region_code: str, day: datetime.date) -> datetime.datetime:
    return due_at(day, settings_of(county_code_of(region_code)).deadline)
