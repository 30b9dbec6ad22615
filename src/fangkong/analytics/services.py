"""Writes of the roll-up app: exports (each one audited) and rebuilding counters from raw rows."""

import datetime

from django.db import transaction

from fangkong.audit import services as audit

from . import counters, reports, selectors


def export_daily_table(user, region_code: str, day: datetime.date) -> tuple[bytes, str]:
    """The daily table as .xlsx carrying the exporter and time; the export is logged. SYSTEM: the command line."""
    table = selectors.daily_table(user, region_code, day)
    content, _rows = audit.export_workbook(user, "daily_report", reports.sheets(table), region=table.region,
                                           filters={"region": table.region.code, "date": day.isoformat()})
    return content, f"daily-report-{table.region.code}-{day.isoformat()}.xlsx"


def rebuild_counters(actor, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, int]]:
    """Recompute the counters of each day from `first` to `last` from the raw rows, one transaction per day.

    Returns (day, counters written) per day. `actor` SYSTEM: the maintenance command.
    """
    done = []
    day = first
    while day <= last:
        with transaction.atomic():
            written = counters.rebuild(day)
            audit.record(actor, "rebuild_counters", object_type="dailycounter", object_id=day.isoformat(),
                         object_repr=day.isoformat(), after={"day": day, "counters": written})
        done.append((day, written))
        day += datetime.timedelta(days=1)
    return done
