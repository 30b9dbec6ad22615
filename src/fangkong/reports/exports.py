"""The daily reports as .xlsx sheets, in the unified table format of the roll-up (区划代码, 区划名称,
then one column per declared figure with its Chinese heading), followed by the report's own columns.

Written through `core.exports.workbook_bytes`, so each file carries its exporter and export time.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics.figures import FIGURES
from fangkong.core.exports import Sheet

from .selectors import ChainStatus, ReportView

REPORT_COLUMNS = [_("报送状态"), _("情况与问题"), _("报送人"), _("报送时间")]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _who(user) -> str:
    return (user.display_name or user.username) if user else ""


def _headers(figures) -> list[str]:
    return [_("区划代码"), _("区划名称"), *(f.heading for f in figures), *REPORT_COLUMNS]


def _figure_cells(frozen: dict | None, figures) -> list:
    """The submitted values; blank where nothing was submitted (or the figure did not exist yet)."""
    return [(frozen or {}).get(f.key, "") for f in figures]


def _report_cells(report, label: str) -> list:
    if report is None:
        return [label, "", "", ""]
    return [label, report.situation, _who(report.submitted_by), _when(report.submitted_at)]


def report_sheets(view: ReportView) -> list[Sheet]:
    """The report's own row (its frozen figures), then each child's submitted row (township, county)."""
    title = _("%(name)s每日一报（%(day)s）") % {"name": view.region.name, "day": view.day.isoformat()}
    rows = [[view.region.code, view.region.name, *_figure_cells(view.frozen, view.figures),
             *_report_cells(view.report, view.label)]]
    for child in view.children:
        rows.append([child.region.code, child.region.name, *_figure_cells(child.frozen, view.figures),
                     *_report_cells(child.report, child.label)])
    sheets = [Sheet(name=_("每日一报"), title=title, headers=_headers(view.figures), rows=rows)]
    if view.differences:
        sheets.append(Sheet(
            name=_("报送后变化"),
            title=_("报送后数据变化（报送值与当前值）"),
            headers=[_("指标"), _("报送值"), _("当前值"), _("变化")],
            rows=[[f.heading, *view.differences[f.key], view.differences[f.key][1] - view.differences[f.key][0]]
                  for f in view.figures if f.key in view.differences],
        ))
    return sheets


def summary_sheets(status: ChainStatus) -> list[Sheet]:
    """One sheet per chain level: each region's submitted figures and its state on the day."""
    figures = list(FIGURES)
    sheets = []
    for level in status.levels:
        rows = [[row.region.code, row.region.name,
                 *_figure_cells(row.report.figures if row.report is not None and row.report.submitted_at else None,
                                figures),
                 *_report_cells(row.report, row.label)] for row in level.rows]
        sheets.append(Sheet(
            name=level.label,
            title=_("%(name)s每日一报汇总·%(level)s（%(day)s）：已报送%(done)s，逾期%(late)s，未报送%(missing)s") % {
                "name": status.region.name, "level": level.label, "day": status.day.isoformat(),
                "done": level.submitted, "late": level.late, "missing": level.missing},
            headers=_headers(figures), rows=rows))
    return sheets
