"""The epidemic curve and the Rt line drawn on the server.

For the pages: SVG written by hand (a few hundred elements, presentation attributes only, so the page's strict
Content-Security-Policy, which refuses inline styles, leaves it intact; text in the page's own font; a <title> on
each bar and point for the exact value). For documents and downloads: the same charts as PNG with matplotlib
(Agg), in the CJK font found by core.fonts (the labels fall back to the default font without failing).
"""

import datetime
import io
import math
import warnings
from html import escape

from django.utils.translation import gettext as _

from fangkong.core.fonts import cjk_font

from .models import Classification
from .selectors.epi import Curve, Rt

# Okabe–Ito, as the chain graphs: confirmed vermilion, asymptomatic orange, suspected sky blue
COLOURS = {Classification.CONFIRMED: "#D55E00", Classification.ASYMPTOMATIC: "#E69F00",
           Classification.SUSPECTED: "#56B4E9"}
RT_COLOUR = "#0072B2"
RT_AXIS_MAX = 5.0


def _nice_top(value: float) -> float:
    """A round top for the y axis (1, 2, 2.5, 5 × 10^n) at or above `value`."""
    if value <= 0:
        return 1
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def _count_top(value: int) -> int:
    """The top of a count axis with four whole, round steps (1, 2, 5 × 10^n each) covering `value`."""
    step = 1
    need = max(1, math.ceil(value / 4))
    while True:
        for m in (1, 2, 5):
            if m * step >= need:
                return 4 * m * step
        step *= 10


def _ticks(top: float) -> list[float]:
    return [top * k / 4 for k in range(5)]


def _label(value: float) -> str:
    return f"{value:g}"


def _every(n: int, room: int) -> int:
    """Label every k-th day so that at most `room` labels stand on the axis."""
    return max(1, math.ceil(n / max(room, 1)))


def _frame(title: str, width: int, height: int) -> list[str]:
    return [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-label="{escape(title)}" font-size="10">', f"<title>{escape(title)}</title>"]


def curve_label(classification: str) -> str:
    return str(Classification(classification).label)


def curve_svg(curve: Curve, title: str, *, width: int = 640, height: int = 260) -> str:
    """Stacked bars: one per day, a segment per classification."""
    left, right, top, bottom = 34, 10, 10, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(curve.days), 1)
    top_value = _count_top(max(curve.totals, default=0))
    bar = plot_w / n

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    out = _frame(title, width, height)
    for v in _ticks(top_value):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y(v) + 3.5:.1f}" text-anchor="end" fill="#555">{_label(v)}</text>')
    every = _every(n, plot_w // 34)
    for i, day in enumerate(curve.days):
        x = left + i * bar
        base = 0
        for classification, values in curve.series.items():
            v = values[i]
            if v:
                out.append(f'<rect x="{x + bar * 0.1:.1f}" y="{y(base + v):.1f}" width="{bar * 0.8:.1f}" '
                           f'height="{y(base) - y(base + v):.1f}" fill="{COLOURS[classification]}">'
                           f"<title>{day.month}/{day.day} {escape(curve_label(classification))}：{v}</title></rect>")
            base += v
        if (n - 1 - i) % every == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 13}" text-anchor="middle" fill="#555">'
                       f"{day.month}/{day.day}</text>")
    legend_x = left
    for classification in curve.series:
        label = curve_label(classification)
        out.append(f'<rect x="{legend_x}" y="{height - 18}" width="10" height="10" fill="{COLOURS[classification]}"/>')
        out.append(f'<text x="{legend_x + 13}" y="{height - 9}" fill="#222">{escape(label)}</text>')
        legend_x += 24 + 11 * len(label)
    out.append("</svg>")
    return "".join(out)


def rt_svg(rt: Rt, days: list[datetime.date], title: str, *, width: int = 640, height: int = 240) -> str:
    """Rt's posterior mean (line) and 95% credible interval (band) at each window's last day, where the window has
    enough cases; the line R = 1 dashed."""
    left, right, top, bottom = 34, 10, 10, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(days), 1)
    index = {d: i for i, d in enumerate(days)}
    shown = [r for r in rt.rows if r.enough and r.end in index]
    # an outbreak's first windows can reach Rt 20 or more and flatten the rest: the axis stops at RT_AXIS_MAX
    # (the points above it drawn at its top, their values in their titles and in the table)
    top_value = min(_nice_top(max([2.0, *[r.upper for r in shown]])), RT_AXIS_MAX)

    def x(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    def y(v: float) -> float:
        return top + plot_h - plot_h * min(v, top_value) / top_value

    out = _frame(title, width, height)
    for v in _ticks(top_value):
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y(v) + 3.5:.1f}" text-anchor="end" fill="#555">{_label(v)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(1):.1f}" y2="{y(1):.1f}" stroke="#555" '
               'stroke-dasharray="4 3"/>')
    every = _every(n, plot_w // 34)
    for i, day in enumerate(days):
        if (n - 1 - i) % every == 0:
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 13}" text-anchor="middle" fill="#555">'
                       f"{day.month}/{day.day}</text>")
    for run in _runs(shown, index):  # consecutive days: one band and one line each
        band = [f"{x(index[r.end]):.1f},{y(r.upper):.1f}" for r in run]
        band += [f"{x(index[r.end]):.1f},{y(r.lower):.1f}" for r in reversed(run)]
        out.append(f'<polygon points="{" ".join(band)}" fill="{RT_COLOUR}" fill-opacity="0.18" stroke="none"/>')
        line = " ".join(f"{x(index[r.end]):.1f},{y(r.mean):.1f}" for r in run)
        out.append(f'<polyline points="{line}" fill="none" stroke="{RT_COLOUR}" stroke-width="2"/>')
        for r in run:
            out.append(f'<circle cx="{x(index[r.end]):.1f}" cy="{y(r.mean):.1f}" r="2.2" fill="{RT_COLOUR}">'
                       f"<title>{r.end.month}/{r.end.day} Rt {r.mean:.2f}（{r.lower:.2f}–{r.upper:.2f}），"
                       f"{escape(_('7日内 %(n)d 例') % {'n': r.cases})}</title></circle>")
    legend = _("Rt 后验均值及95%%可信区间（7日窗口病例不少于%(n)d例时显示）") % {"n": rt.min_cases}
    out.append(f'<text x="{left}" y="{height - 9}" fill="#222">{escape(legend)}</text>')
    out.append("</svg>")
    return "".join(out)


def _runs(rows, index) -> list[list]:
    runs: list[list] = []
    for row in rows:
        if runs and index[row.end] == index[runs[-1][-1].end] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


# PNG (matplotlib) ----------------------------------------------------------------------------------------

def _style() -> dict:
    font = cjk_font()
    return {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}


def _png(draw, width_in: float, height_in: float, dpi: int) -> bytes:
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    out = io.BytesIO()
    with matplotlib.rc_context(_style()), warnings.catch_warnings():
        if cjk_font() is None:  # "Glyph … missing": boxes without a CJK font, not a failure
            warnings.simplefilter("ignore")
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        ax = fig.subplots()
        draw(ax)
        ax.grid(axis="y", color="#dddddd")
        ax.spines[["top", "right"]].set_visible(False)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.16)
        fig.savefig(out, format="png")
    return out.getvalue()


def _day_ticks(ax, days: list[datetime.date]) -> None:
    every = _every(len(days), 14)
    ticks = [i for i in range(len(days)) if (len(days) - 1 - i) % every == 0]
    ax.set_xticks(ticks, [f"{days[i].month}/{days[i].day}" for i in ticks], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)


def curve_png(curve: Curve, title: str, *, width_in: float = 6.0, height_in: float = 2.6, dpi: int = 150) -> bytes:
    def draw(ax):
        xs = list(range(len(curve.days)))
        base = [0] * len(xs)
        for classification, values in curve.series.items():
            ax.bar(xs, values, bottom=base, width=0.8, color=COLOURS[classification],
                   label=curve_label(classification))
            base = [b + v for b, v in zip(base, values, strict=True)]
        ax.set_title(title, fontsize=11)
        _day_ticks(ax, curve.days)
        ax.set_ylim(bottom=0, top=max(1, max(base, default=0) * 1.1))
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=3)
    return _png(draw, width_in, height_in, dpi)


def rt_png(rt: Rt, days: list[datetime.date], title: str, *, width_in: float = 6.0, height_in: float = 2.6,
           dpi: int = 150) -> bytes:
    index = {d: i for i, d in enumerate(days)}
    shown = [r for r in rt.rows if r.enough and r.end in index]

    def draw(ax):
        for run in _runs(shown, index):
            xs = [index[r.end] for r in run]
            ax.fill_between(xs, [r.lower for r in run], [r.upper for r in run], color=RT_COLOUR, alpha=0.18,
                            linewidth=0)
            ax.plot(xs, [r.mean for r in run], color=RT_COLOUR, linewidth=1.8, marker="o", markersize=2.5)
        ax.axhline(1, color="#555555", linestyle="--", linewidth=1)
        ax.set_title(title, fontsize=11)
        _day_ticks(ax, days)
        ax.set_xlim(-0.5, len(days) - 0.5)
        ax.set_ylim(bottom=0, top=min(max([2.0, *[r.upper for r in shown]]) * 1.05, RT_AXIS_MAX))
    return _png(draw, width_in, height_in, dpi)
