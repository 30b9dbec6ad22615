"""The daily roll-up table as data: JSON (report command and API), xlsx sheets and page headers."""

from django.utils.translation import gettext as _

from fangkong.core.exports import Sheet

from .figures import Figure
from .selectors import DailyTable, Row


def _region(row: Row) -> dict:
    return {"code": row.region.code, "name": row.region.name, "level": row.region.level}


def _rows(table: DailyTable, previous: bool) -> tuple[dict, list[dict]]:
    pick = (lambda row: row.previous) if previous else (lambda row: row.values)
    return dict(pick(table.totals)), [{**_region(child), **pick(child)} for child in table.children]


def as_json(table: DailyTable) -> dict:
    """{region, date, figures, totals, children, previous: {date, totals, children}}; children carry
    code, name, level and the same figure keys as totals."""
    totals, children = _rows(table, previous=False)
    previous_totals, previous_children = _rows(table, previous=True)
    return {
        "region": _region(table.totals),
        "date": table.day.isoformat(),
        "figures": [{"key": f.key, "label": str(f.label), "group": str(f.group)} for f in table.figures],
        "totals": totals,
        "children": children,
        "previous": {"date": table.previous_day.isoformat(), "totals": previous_totals,
                     "children": previous_children},
    }


def _sheet(table: DailyTable, previous: bool) -> Sheet:
    day = table.previous_day if previous else table.day
    pick = (lambda row: row.previous) if previous else (lambda row: row.values)
    keys = [f.key for f in table.figures]
    rows = [[table.region.code, _("%(name)s合计") % {"name": table.region.name},
             *(pick(table.totals)[k] for k in keys)]]
    rows += [[child.region.code, child.region.name, *(pick(child)[k] for k in keys)] for child in table.children]
    return Sheet(
        name=_("前一日") if previous else _("每日一报"),
        title=_("%(name)s每日一报（%(day)s）") % {"name": table.region.name, "day": day.isoformat()},
        headers=[_("区划代码"), _("区划名称"), *(f.heading for f in table.figures)],
        rows=rows,
    )


def sheets(table: DailyTable) -> list[Sheet]:
    """The day's table (the total, then the children) and the day before on a second sheet for comparison."""
    return [_sheet(table, previous=False), _sheet(table, previous=True)]


def header_rows(figures: list[Figure]) -> tuple[list[dict], list[Figure]]:
    """Two header rows for a page: groups spanning their figures above, figure labels below.

    Ungrouped figures span both rows and appear only in the first.
    """
    top: list[dict] = []
    bottom: list[Figure] = []
    for figure in figures:
        if not figure.group:
            top.append({"label": figure.label, "colspan": 1, "rowspan": 2})
        elif top and top[-1]["rowspan"] == 1 and top[-1]["label"] == figure.group:
            top[-1]["colspan"] += 1
            bottom.append(figure)
        else:
            top.append({"label": figure.group, "colspan": 1, "rowspan": 1})
            bottom.append(figure)
    return top, bottom
