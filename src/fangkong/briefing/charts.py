"""Charts drawn on the server: SVG for the pages (no script, no CDN, prints well) and PNG for the brief.

`svg_lines` writes the SVG by hand: a few dozen elements, text in the page's own font (so Chinese
shows in whatever CJK font the browser has), a <title> on each point for the exact value, and
a legend in the document. `png_lines` draws the same chart with matplotlib (Agg), `png_panels` several side
by side for Word, in a CJK font found by its file on the machine (Noto CJK, WenQuanYi, 思源, SimSun …:
core.fonts); when none is installed the labels fall back to the default font without failing (glyph
warnings are silenced).
"""

import datetime
import io
import warnings
from html import escape

from fangkong.core.fonts import cjk_font

# colour-blind-safe palette (Okabe–Ito), dark enough for print
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8B4513"]


Line = tuple[str, list[int]]


def nice_max(value: int) -> int:
    """A round top for the y axis (1, 2, 5 × 10^n) at or above `value`."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def axis_top(value: int, ticks: int = 4) -> int:
    """The top of a y axis with `ticks` whole, round steps (1, 2, 5 × 10^n) covering `value`."""
    return ticks * nice_max(-(-max(value, 1) // ticks))


def svg_lines(title: str, days: list[datetime.date], lines: list[Line], *, width: int = 360,
              height: int = 200, links: list[str] | None = None) -> str:
    """A line chart as an inline <svg> element (role=img, with its title for screen readers). `links`: one
    address per day, the list behind that day's points: the day's column of the plot and its points lead there."""
    left, right, top, bottom = 36, 18, 10, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = axis_top(max((v for _label, values in lines for v in values), default=0))
    n = max(len(days), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / top_value

    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" role="img" aria-label="{escape(title)}" font-size="10">',
           f"<title>{escape(title)}</title>"]
    for k in range(5):  # grid and y labels
        v = top_value * k / 4
        yy = y(v)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#ddd"/>')
        label = f"{v:.0f}"
        out.append(f'<text x="{left - 4}" y="{yy + 4:.1f}" text-anchor="end" fill="#555">{label}</text>')
    for i, day in enumerate(days):  # x labels: every other day, and the last
        if i % 2 == (n - 1) % 2:
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#555">'
                       f"{day.month}/{day.day}</text>")
    step = plot_w / (n - 1) if n > 1 else plot_w
    if links:  # under the lines: a day's whole column is its link (none for a day without one)
        for i, day in enumerate(days):
            if not links[i]:
                continue
            left_edge = max(left, x(i) - step / 2)
            out.append(f'<a href="{escape(links[i])}"><rect x="{left_edge:.1f}" y="{top}" '
                       f'width="{min(x(i) + step / 2, width - right) - left_edge:.1f}" height="{plot_h}" '
                       f'fill="transparent"><title>{day.month}/{day.day}</title></rect></a>')
    for j, (label, values) in enumerate(lines):
        colour = PALETTE[j % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}" '
                   f'pointer-events="none"/>')
        for i, v in enumerate(values):
            point = (f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                     f"<title>{escape(label)} {days[i].month}/{days[i].day}：{v}</title></circle>")
            out.append(f'<a href="{escape(links[i])}">{point}</a>' if links and links[i] else point)
    legend_y, legend_x = height - 10, left
    for j, (label, _values) in enumerate(lines):
        colour = PALETTE[j % len(PALETTE)]
        out.append(f'<rect x="{legend_x}" y="{legend_y - 8}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 13}" y="{legend_y + 1}" fill="#222">{escape(label)}</text>')
        legend_x += 20 + 10 * len(label)
    out.append("</svg>")
    return "".join(out)


Panel = tuple[str, list[Line]]  # a chart's title and its lines


def png_lines(title: str, days: list[datetime.date], lines: list[Line], *, width_in: float = 6.0,
              height_in: float = 2.6, dpi: int = 150) -> bytes:
    """The same chart as a PNG."""
    return png_panels(days, [(title, lines)], width_in=width_in, height_in=height_in, dpi=dpi)


def png_panels(days: list[datetime.date], panels: list[Panel], *, width_in: float = 6.0, height_in: float = 2.1,
               dpi: int = 150) -> bytes:
    """Charts side by side in one PNG (the Word brief's: one picture takes a third of the height of two)."""
    import matplotlib
    out = io.BytesIO()
    with matplotlib.rc_context(_style()), warnings.catch_warnings():  # ticks are made when drawn: same font
        if cjk_font() is None:  # "Glyph … missing": boxes without a CJK font, not a failure
            warnings.simplefilter("ignore")
        panels_figure(days, panels, width_in=width_in, height_in=height_in, dpi=dpi).savefig(out, format="png")
    return out.getvalue()


def _style() -> dict:
    font = cjk_font()
    return {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False}


def line_figure(title: str, days: list[datetime.date], lines: list[Line], *, width_in: float = 6.0,
                height_in: float = 2.6, dpi: int = 150):
    """One chart as a matplotlib Figure."""
    return panels_figure(days, [(title, lines)], width_in=width_in, height_in=height_in, dpi=dpi)


def panels_figure(days: list[datetime.date], panels: list[Panel], *, width_in: float = 6.0, height_in: float = 2.6,
                  dpi: int = 150):
    """Charts side by side as a matplotlib Figure, their text in the CJK font registered from its file
    (core.fonts)."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    with matplotlib.rc_context(_style()):  # each text's font is fixed when it is made
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        axes = fig.subplots(1, max(1, len(panels)), squeeze=False)[0]
        for ax, (title, lines) in zip(axes, panels, strict=False):
            _draw(ax, title, days, lines, every=1 if len(panels) == 1 else 2)
        left = 0.08 / max(1, len(panels)) + 0.02
        fig.subplots_adjust(left=left, right=0.98, top=0.86, bottom=0.13, wspace=0.18)  # fixed: tight_layout draws
    return fig


def _draw(ax, title: str, days: list[datetime.date], lines: list[Line], every: int) -> None:
    from matplotlib.ticker import MaxNLocator
    n = len(days)
    xs = list(range(n))
    for j, (label, values) in enumerate(lines):
        ax.plot(xs, values, marker="o", markersize=3, linewidth=1.8, color=PALETTE[j % len(PALETTE)], label=label)
    ax.set_title(title, fontsize=11)
    # every other day on a narrow chart, the last day always
    ticks = [i for i in xs if (n - 1 - i) % every == 0]
    ax.set_xticks(ticks, [f"{days[i].month}/{days[i].day}" for i in ticks], fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(bottom=0, top=max(1, max((v for _l, vs in lines for v in vs), default=0) * 1.1))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.grid(axis="y", color="#dddddd")
    ax.spines[["top", "right"]].set_visible(False)
    if lines:
        ax.legend(fontsize=8, frameon=False, loc="upper left", ncol=min(4, len(lines)))
