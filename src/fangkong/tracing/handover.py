"""协查函: the list of a case's contacts who live in another county, sent to that county to find and isolate them.

The other county must be able to find the people, so the files hold their full names, numbers and addresses; only
roles that may reveal personal data export them, and every export is logged (services.contacts.export_handover).
Both files carry the exporter's name and time: the workbook through core.exports, the letter in its properties
and footer. The letter is an official document, Chinese whatever the exporter's interface language, in the style
of the county's other documents (core.docx fonts, GB/T 9704 sizes).
"""

import datetime
import io

from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fangkong.core.actors import name_of
from fangkong.core.docx import BODY_FONT, BODY_SIZE, LATIN_FONT, SMALL_SIZE, TITLE_FONT, TITLE_SIZE, set_fonts
from fangkong.core.exports import Sheet

from .models import Contact

HEADQUARTERS_SUFFIX = "新型冠状病毒肺炎疫情防控指挥部"
HEADERS = ["序号", "姓名", "证件号码", "联系电话", "住址", "接触方式", "判定", "末次接触日期", "关联病例", "备注"]


def _row(n: int, c: Contact) -> list:
    with translation.override("zh-hans"):
        return [n, c.outside_name, c.outside_id_number, c.outside_phone, c.outside_address,
                str(c.get_kind_display()), str(c.get_level_display()),
                c.last_exposure_date.isoformat() if c.last_exposure_date else "", c.case.number, c.note]


def title(county: str) -> str:
    return f"关于协助开展密切接触者排查管控的函（{county}）"


def sheets(county: str, contacts: list[Contact]) -> list[Sheet]:
    return [Sheet("协查函", HEADERS, [_row(n, c) for n, c in enumerate(contacts, 1)], title=title(county))]


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = size, bold, LATIN_FONT
    set_fonts(run._element, font)
    return run


def _para(doc, text: str, *, indent: bool = True, align=None, size=BODY_SIZE):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if align is not None:
        p.alignment = align
    _run(p, text, size=size)
    return p


def letter(*, county: str, sender: str, contacts: list[Contact], exporter, exported_at: datetime.datetime) -> bytes:
    """The letter to `county` from the headquarters of `sender` (our county's name), with the contacts' table."""
    local = timezone.localtime(exported_at)
    stamp = f"导出：{name_of(exporter)} {local:%Y-%m-%d %H:%M}"
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    set_fonts(normal.element, BODY_FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if rpr is not None:
        set_fonts(rpr, BODY_FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, stamp, size=SMALL_SIZE)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title(county), name_of(exporter), name_of(exporter)
    props.created = props.modified = exported_at
    props.comments = stamp

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.space_after = Pt(16)
    _run(head, "协 查 函", font=TITLE_FONT, size=TITLE_SIZE, bold=True)
    _para(doc, f"{county}{HEADQUARTERS_SUFFIX}：", indent=False)
    _para(doc, f"我县在新型冠状病毒肺炎病例流行病学调查中，判定以下{len(contacts)}名人员为病例的密切接触者"
               "（或次密接），据调查现居住在贵地。请协助查找落实，按规定实施隔离医学观察等管控措施，"
               "并将落实情况及时反馈我部。")
    table = doc.add_table(rows=1, cols=len(HEADERS) - 1)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS[:-1], strict=True):
        _run(cell.paragraphs[0], text, size=SMALL_SIZE, bold=True)
    for n, contact in enumerate(contacts, 1):
        cells = table.add_row().cells
        for cell, value in zip(cells, _row(n, contact)[:-1], strict=True):
            _run(cell.paragraphs[0], str(value), size=SMALL_SIZE)
    doc.add_paragraph()
    _para(doc, "特此函告，感谢支持！")
    doc.add_paragraph()
    _para(doc, f"{sender}{HEADQUARTERS_SUFFIX}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{local.year}年{local.month}月{local.day}日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
