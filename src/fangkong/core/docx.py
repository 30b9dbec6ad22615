"""Word documents of official style (GB/T 9704): the fonts every generated document names.

Each run names its East Asian font in `w:eastAsia` (and no theme font): without it Word and LibreOffice
render the Chinese in the Latin font's fallback. When a named font is missing, they substitute another
CJK font rather than boxes.
"""

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT, BODY_FONT, LATIN_FONT = "宋体", "仿宋", "Times New Roman"
TITLE_SIZE, BODY_SIZE, SMALL_SIZE = Pt(22), Pt(16), Pt(9)


def set_fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts on an element owning a w:rPr (a style, a run, the document defaults).

    Theme attributes win over named fonts in Word, so they are removed.
    """
    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(name), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
