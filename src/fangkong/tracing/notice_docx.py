"""The published itinerary notice (病例活动轨迹) as a Word document, as counties released them in 2020: the
title, a lead paragraph, one numbered line per item (when, where), the call to those who were there at the
same time, and the headquarters with the date.

Built from the notice's items alone (selectors.notices.items_of): nothing of the case or its person is at
hand here. Style after GB/T 9704 (core.docx fonts): title in 宋体 二号, body in 仿宋 三号 with a
two-character indent. The exporter and time are written into the document's properties (the file says who
made it) and not onto the page, which is meant for the public.
"""

import datetime
import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fangkong.core.actors import name_of
from fangkong.core.docx import BODY_FONT, BODY_SIZE, LATIN_FONT, TITLE_FONT, TITLE_SIZE, set_fonts
from fangkong.regions.models import Region

from .models import ItineraryNotice
from .selectors.notices import items_of

HEADQUARTERS_SUFFIX = "新型冠状病毒肺炎疫情防控指挥部"


def lead_text(notice: ItineraryNotice, county: Region) -> str:
    return (f"经流行病学调查，{county.name}{notice.alias}发病前14天内及发病后的主要活动轨迹如下"
            "（时间、地点和交通，不含个人信息）：")


def call_text() -> str:
    return ("请在上述时间段内到过以上地点或乘坐同一交通工具的人员，立即主动向所在村（社区）或单位报告，"
            "配合做好健康监测和核酸检测；如出现发热、咳嗽、乏力等症状，请及时到就近的发热门诊就诊，"
            "就医途中全程佩戴口罩，避免乘坐公共交通工具。")


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = size, bold, LATIN_FONT
    set_fonts(run._element, font)
    return run


def _para(doc, text: str, *, indent: bool = True, align=None, font: str = BODY_FONT, size=BODY_SIZE,
          bold: bool = False):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        p.alignment = align
    _run(p, text, font=font, size=size, bold=bold)
    return p


def _document(title: str, exporter, exported_at: datetime.datetime) -> Document:
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if rpr is not None:
        set_fonts(rpr, BODY_FONT)
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    set_fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    who = name_of(exporter)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, who, who
    props.created = props.modified = exported_at
    props.comments = f"导出：{who} {timezone.localtime(exported_at):%Y-%m-%d %H:%M}"
    return doc


def build(notice: ItineraryNotice, county: Region, *, exporter, exported_at: datetime.datetime) -> bytes:
    doc = _document(notice.title, exporter, exported_at)
    title = _para(doc, notice.title, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT,
                  size=TITLE_SIZE, bold=True)
    title.paragraph_format.space_after = Pt(16)
    title.paragraph_format.line_spacing = Pt(36)
    _para(doc, lead_text(notice, county))
    for n, item in enumerate(items_of(notice), start=1):
        _para(doc, f"{n}. {item.when}，{item.where}。")
    _para(doc, call_text())
    doc.add_paragraph()
    published = timezone.localtime(notice.published_at or exported_at)
    _para(doc, f"{county.name}{HEADQUARTERS_SUFFIX}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{published.year}年{published.month}月{published.day}日", indent=False,
          align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
