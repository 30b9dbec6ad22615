"""Fonts on the server: the CJK font that charts and images are drawn in.

Charts (the brief's PNGs) and place-code images draw Chinese text with matplotlib; they use the first of
the usual Chinese fonts (Noto CJK, 思源, WenQuanYi, SimSun …) installed on the machine, or None when there
is none (callers then draw without Chinese text rather than boxes).

The font is found by its file in the system's font directories and registered with matplotlib's font
manager from that file. matplotlib's own list of fonts is a cache written the first time it ran: on a
server where it ran before `fonts-noto-cjk` was installed, that list has no Chinese font at all, and a
look-up by name alone would draw every Chinese character as a box.
"""

from functools import lru_cache

CJK_FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "AR PL UMing CN", "SimSun", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Droid Sans Fallback"]
# How the files of those fonts are named (lower case, part of the file name): Debian's fonts-noto-cjk,
# fonts-wqy-*, fonts-arphic-*, fonts-droid-fallback, and the Windows and macOS fonts when copied over.
CJK_FILE_NAMES = ("notosanscjk", "notoserifcjk", "sourcehansans", "sourcehanserif", "wqy-zenhei", "wqy-microhei",
                  "uming", "simsun", "simhei", "msyh", "pingfang", "droidsansfallback")


@lru_cache(maxsize=1)
def cjk_font_files() -> tuple[str, ...]:
    """The CJK font files in the system's font directories (a walk of the directories, no cache read)."""
    from pathlib import Path

    from matplotlib import font_manager
    found = {path for path in font_manager.findSystemFonts()
             if any(part in Path(path).name.lower() for part in CJK_FILE_NAMES)}
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of the first font of CJK_FONTS on this machine, registered with matplotlib's font
    manager from its file (so it is found whatever matplotlib's cache says), or None."""
    from matplotlib import font_manager
    manager = font_manager.fontManager
    known = {f.fname for f in manager.ttflist}
    for path in cjk_font_files():
        if path not in known:
            manager.addfont(path)
    installed = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)
