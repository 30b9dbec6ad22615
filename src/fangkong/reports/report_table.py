"""The report page's two tables (the region's figures, its children's), built as finished rows.

The county's page shows every figure for itself and each township: some 55 figures × 13 rows, frozen
next to live with the differences. Rendered cell by cell in the template (a lookup, an `if` and a
number filter per cell) that was most of the page's time, so the rows are built here once, as plain
lists of HTML rows, and the template only loops over them. Numbers are ints (written as is); every
text (figure headings, region names, labels) is escaped here.
"""

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fangkong.analytics.figures import Figure
from fangkong.analytics.reports import header_rows

from .selectors import ReportView


def _text(value) -> str:
    """A cell's value: ints as they are (like the template's own rendering of an int), anything else escaped."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return str(conditional_escape(value))


_LABELS: dict[tuple, tuple[dict[str, str], SafeString, SafeString]] = {}


def _labels(figures: list[Figure]) -> tuple[dict[str, str], SafeString, SafeString]:
    """The figures' escaped headings and the children's two header rows, in the active language: the same
    on every page, so translated and escaped once per language and set of figures (keyed by the figures'
    keys: hashing a Figure would translate its lazy labels)."""
    key = (get_language(), tuple(f.key for f in figures))
    found = _LABELS.get(key)
    if found is None:
        headings = {f.key: str(conditional_escape(f.heading)) for f in figures}
        top, bottom = header_rows(figures)
        upper = []
        for h in top:
            num = ' class="num"' if h["rowspan"] == 2 else ""
            upper.append(f'<th colspan="{h["colspan"]}" rowspan="{h["rowspan"]}"{num}>'
                         f'{conditional_escape(h["label"])}</th>')
        lower = [f'<th class="num">{conditional_escape(f.label)}</th>' for f in bottom]
        found = _LABELS[key] = (headings, mark_safe("".join(upper)), mark_safe("".join(lower)))  # noqa: S308
    return found


def figure_rows(view: ReportView) -> list[SafeString]:
    """One `<tr>` per figure: heading, the frozen figure (once submitted), the live one, the difference."""
    headings = _labels(view.figures)[0]
    shown = view.frozen is not None
    frozen = view.frozen or {}
    rows = []
    for figure in view.figures:
        key = figure.key
        live = view.live[key]
        changed = key in view.differences
        mark = ' class="changed"' if changed else ""
        cells = [f'<tr data-figure="{key}"{mark}>'
                 f"<td>{headings[key]}</td>"]
        if shown:
            value = frozen.get(key)
            cells.append(f'<td class="num frozen">{"—" if value is None else _text(value)}</td>')
        cells.append(f'<td class="num live">{_text(live)}</td>')
        if shown:
            if changed:
                was, now = view.differences[key]
                cells.append(f'<td class="num diff"><span class="fever">{now - was:+d}</span></td>')
            else:
                cells.append('<td class="num diff"></td>')
        cells.append("</tr>")
        rows.append(mark_safe("".join(cells)))  # noqa: S308 — every part above is escaped or an int
    return rows


def children_rows(view: ReportView) -> list[SafeString]:
    """One `<tr>` per child region: link, state, then per figure its submitted value with the live one in
    brackets when it differs, or the live value greyed while the child has not submitted."""
    keys = [f.key for f in view.figures]
    title = conditional_escape(_("当前数据"))
    day = view.day.isoformat()
    rows = []
    for child in view.children:
        code = child.region.code
        url = conditional_escape(reverse("reports:report", args=[code, day]))
        cells = [f'<tr data-region="{conditional_escape(code)}" data-state="{child.state}">'
                 f'<td><a href="{url}">{conditional_escape(child.region.name)}</a></td>'
                 f'<td><span class="state {child.state}">{conditional_escape(child.label)}</span></td>']
        frozen = child.frozen
        live = child.live
        if frozen is None:
            cells.extend(f'<td class="num muted">{_text(live.get(k, 0))}</td>' for k in keys)
        else:
            for k in keys:
                value, now = frozen.get(k), live.get(k, 0)
                if value is None:
                    cells.append('<td class="num">—</td>')
                elif value != now:
                    cells.append(f'<td class="num">{_text(value)}<span class="delta up" title="{title}">'
                                 f"（{_text(now)}）</span></td>")
                else:
                    cells.append(f'<td class="num">{_text(value)}</td>')
        cells.append("</tr>")
        rows.append(mark_safe("".join(cells)))  # noqa: S308 — every part above is escaped or an int
    return rows



def children_header(view: ReportView) -> tuple[SafeString, SafeString]:
    """The children's table's header cells after 区划 and 状态, as two rows: figure groups spanning their
    figures above, figure labels below; an ungrouped figure spans both rows."""
    _headings, upper, lower = _labels(view.figures)
    return upper, lower
