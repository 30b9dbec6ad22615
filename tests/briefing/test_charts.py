"""Server-side charts: the page's SVG (no script, exact values in titles) and the brief's PNG."""

import datetime
import re
import warnings
import xml.etree.ElementTree as ET

import pytest
from matplotlib import font_manager

from fangkong.briefing import charts
from fangkong.core import fonts

DAYS = [datetime.date(2020, 1, 21) + datetime.timedelta(days=n) for n in range(14)]


def test_svg_is_well_formed_with_one_line_per_series_and_values():
    svg = charts.svg_lines("新增重点人员", DAYS, [("疫区返乡人员", list(range(14))), ("发热咳嗽人员", [3] * 14)])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-label") == "新增重点人员"
    assert len(root.findall(f"{ns}polyline")) == 2
    titles = [t.text for t in root.iter(f"{ns}title")]
    assert "疫区返乡人员 2/3：13" in titles and "发热咳嗽人员 1/21：3" in titles
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert [t.text for t in root.findall(f"{ns}text")][:5] == ["0", "5", "10", "15", "20"]  # whole steps to 20


def test_svg_escapes_labels_and_handles_no_data():
    svg = charts.svg_lines("<b>", DAYS, [("a&b", [0] * 14)])
    ET.fromstring(svg)
    assert "&lt;b&gt;" in svg and "a&amp;b" in svg


def test_round_axis_tops():
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 13, 51, 999)] == [1, 1, 5, 10, 20, 100, 1000]
    # four whole steps: 0, 1, 2, 3, 4 … 0, 5, 10, 15, 20 … 0, 20, 40, 60, 80
    assert [charts.axis_top(v) for v in (0, 1, 4, 6, 13, 28, 61, 999)] == [4, 4, 4, 8, 20, 40, 80, 2000]


def test_png_is_an_image_in_a_cjk_font_when_there_is_one():
    png = charts.png_lines("隔离观察人数", DAYS, [("居家隔离", [1, 2, 3] + [4] * 11)])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000
    font = fonts.cjk_font()
    assert font is None or re.search(r"CJK|Hei|Song|Ming|Han|YaHei|PingFang|Fallback|Sim", font)


def _needs_a_cjk_font():
    if not fonts.cjk_font_files():
        pytest.skip("no CJK font file on this machine (Debian: apt-get install fonts-noto-cjk, as `make test` does)")


def _drawn_text(title: str, lines) -> tuple[list[str], list[str]]:
    """(the font file of each Chinese text of the chart, the warnings drawing it raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = charts.line_figure(title, DAYS, lines)
        texts = [fig.axes[0].title, *fig.axes[0].get_legend().get_texts()]
        files = [str(font_manager.findfont(t.get_fontproperties())) for t in texts]
        charts.png_lines(title, DAYS, lines)
    return files, [str(w.message) for w in caught]


def test_the_charts_chinese_text_is_drawn_from_a_cjk_font_file():
    _needs_a_cjk_font()
    files, warned = _drawn_text("新增与在管重点人员", [("新增", [1] * 14), ("在管", [5] * 14)])
    drawn_from = font_manager.findfont(font_manager.FontProperties(family=fonts.cjk_font()), fallback_to_default=False)
    assert files == [str(drawn_from)] * 3 and files[0] in fonts.cjk_font_files()
    assert not [w for w in warned if "missing from font" in w]  # no glyph drawn as a box


def test_a_font_cache_written_before_the_fonts_were_installed_still_draws_chinese(monkeypatch):
    """matplotlib's font list is a cache written on its first run: if that was before fonts-noto-cjk was
    installed it knows no Chinese font; the charts find the font by its file all the same."""
    _needs_a_cjk_font()
    cjk_files = set(fonts.cjk_font_files())
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if f.fname not in cjk_files])
    fonts.cjk_font.cache_clear()
    manager._findfont_cached.cache_clear()
    try:
        files, warned = _drawn_text("隔离观察人数", [("居家隔离", [2] * 14)])
        assert files[0] in cjk_files and not [w for w in warned if "missing from font" in w]
    finally:
        fonts.cjk_font.cache_clear()
        monkeypatch.undo()
        manager._findfont_cached.cache_clear()


def test_png_without_a_cjk_font_still_draws(monkeypatch):
    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(fonts, "CJK_FONTS", ["No Such Font"])
    try:
        png = charts.png_lines("发热", DAYS, [("摸排发现", [0] * 14)])
        assert png[:4] == b"\x89PNG"
    finally:
        fonts.cjk_font.cache_clear()
