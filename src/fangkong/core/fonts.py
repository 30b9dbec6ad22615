"""Fonts on the server: the CJK font that charts and images are drawn in.

Charts (the brief's PNGs) and place-code images draw Chinese text with matplotlib; they use the first of
the usual Chinese fonts (Noto CJK, 思源, WenQuanYi, SimSun …) installed on the machine, or None when there
is none (callers then draw without Chinese text rather than boxes).
"""

from functools import lru_cache

CJK_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "SimSun", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Droid Sans Fallback"]


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font matplotlib can find on this machine, or None."""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)
