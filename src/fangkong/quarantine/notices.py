"""Printable documents of a quarantine order, as DOCX: the notice for the door and the signed pledge.

居家隔离告知书 (or 集中医学观察告知书) goes on the door; the 承诺书 is signed by the person. Both
name the person, the period, the responsible cadre and doctor with their phones and the issuing
headquarters (the county's 新型冠状病毒肺炎疫情防控指挥部). They are official documents for
residents, so their text is Chinese whatever the exporter's interface language.

Style after GB/T 9704 (official documents): A4, title centred in 宋体 (the 小标宋 of real
documents is rarely installed), body in 仿宋 三号 (16 pt) with a two-character indent. Each run
names its East Asian font in `w:eastAsia` (and no theme font): without it Word and LibreOffice
render the Chinese in the Latin font's fallback. When 仿宋 is missing, they substitute another
CJK font rather than boxes.

Every download is an export: audited with who, what and whether the ID number was shown, and
the file itself carries the exporter's name and time (document properties and the footer).
"""

import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from fangkong.accounts import permissions as account_permissions
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.docx import BODY_FONT, BODY_SIZE, LATIN_FONT, SMALL_SIZE, TITLE_FONT, TITLE_SIZE, set_fonts
from fangkong.people import identity
from fangkong.regions.models import Region

from .models import Kind, Quarantine
from .schedule import tz

HEADQUARTERS_SUFFIX = "新型冠状病毒肺炎疫情防控指挥部"
BLANK = "＿＿＿＿＿＿＿＿"


# Text pieces ------------------------------------------------------------------------------------

def day_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def moment_text(moment: datetime.datetime) -> str:
    """2020年2月6日0时, 2020年1月23日10时30分 (local time)."""
    local = timezone.localtime(moment, tz())
    return f"{day_text(local.date())}{local.hour}时" + (f"{local.minute}分" if local.minute else "")


def headquarters_name(q: Quarantine) -> str:
    """The issuing headquarters: the name of the county the person lives in, plus the usual suffix."""
    county_code = next((c for c in [q.region_id, *codes.ancestor_codes(q.region_id)]
                        if codes.level_of(c) == codes.COUNTY), None)
    county = Region.objects.filter(code=county_code).first() if county_code else None
    return f"{county.name if county else ''}{HEADQUARTERS_SUFFIX}"


def place_text(q: Quarantine) -> str:
    if q.kind == Kind.CENTRALISED and q.site_id:
        return f"{q.site.name}（{q.site.address}）" + (f" {q.room.name}房间" if q.room_id else "")
    return q.home_address


def contact(user) -> str:
    return f"{user}　联系电话：{user.phone or BLANK}"


def facts(q: Quarantine, reveal: bool) -> dict:
    person = q.key_person.person
    with translation.override("zh-hans"):
        return {
            "name": person.name,
            "id_number": person.id_number if reveal else identity.mask_id(person.id_number),
            "phone": (person.phone if reveal else identity.mask_phone(person.phone)) or BLANK,
            "category": str(q.key_person.get_category_display()),
            "kind": str(q.get_kind_display()),
            "start": moment_text(q.start_at),
            "end": moment_text(q.planned_end),
            "place": place_text(q),
            "cadre": contact(q.cadre),
            "doctor": contact(q.doctor),
            "threshold": f"{q.fever_from}℃",
            "times": "、".join(q.follow_up_times),
            "headquarters": headquarters_name(q),
            "date": day_text(timezone.localtime(q.start_at, tz()).date()),
        }


# DOCX building ----------------------------------------------------------------------------------

def _new_document(exporter, exported_at: datetime.datetime, title: str) -> Document:
    doc = Document()
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
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
    stamp = f"导出：{exporter} {timezone.localtime(exported_at, tz()):%Y-%m-%d %H:%M}"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, stamp, size=SMALL_SIZE, colour=RGBColor(0x66, 0x66, 0x66))
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, str(exporter), str(exporter)
    props.created = props.modified = exported_at
    props.comments = stamp
    return doc


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False, colour=None):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold = size, bold
    run.font.name = LATIN_FONT
    set_fonts(run._element, font)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(16)
    p.paragraph_format.line_spacing = Pt(36)
    _run(p, text, font=TITLE_FONT, size=TITLE_SIZE, bold=True)


def _para(doc, text: str, *, indent: bool = True, align=None, bold: bool = False) -> None:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
    if align is not None:
        p.alignment = align
    _run(p, text, bold=bold)


def _signature(doc, f: dict) -> None:
    doc.add_paragraph()
    _para(doc, f["headquarters"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f["date"], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_docx(q: Quarantine, *, exporter, exported_at: datetime.datetime, reveal: bool = False) -> bytes:
    """居家隔离告知书 / 集中医学观察告知书: for the door and the person."""
    f = facts(q, reveal)
    title = "居家隔离告知书" if q.kind == Kind.HOME else "集中医学观察告知书"
    doc = _new_document(exporter, exported_at, title)
    _title(doc, title)
    _para(doc, f"{f['name']}（证件号码：{f['id_number']}）：", indent=False)
    _para(doc, f"根据《中华人民共和国传染病防治法》和新型冠状病毒肺炎疫情防控有关规定，您作为{f['category']}，"
               f"需接受{f['kind']}。")
    _para(doc, f"隔离期限：自{f['start']}起至{f['end']}止。", bold=True)
    _para(doc, f"隔离地点：{f['place']}。")
    _para(doc, "隔离期间请您：")
    for line in (
        "一、不外出、不串门、不聚集，谢绝亲友探访；确需外出就医的，须先报告包保干部或医生。",
        f"二、每日{f['times']}各测量一次体温，如实告知包保医生。",
        f"三、出现发热（体温≥{f['threshold']}）、咳嗽、乏力、咽痛、气促、腹泻等症状时，"
        "立即联系包保医生，由其安排转送发热门诊，不要自行就医。",
        "四、与同住人员分室居住、分餐，做好通风、消毒和个人防护，生活垃圾单独处理。",
    ):
        _para(doc, line)
    _para(doc, f"包保干部：{f['cadre']}", indent=False)
    _para(doc, f"包保医生：{f['doctor']}", indent=False)
    _para(doc, "感谢您的理解与配合！")
    _signature(doc, f)
    return _bytes(doc)


def pledge_docx(q: Quarantine, *, exporter, exported_at: datetime.datetime, reveal: bool = False) -> bytes:
    """承诺书: signed by the person under quarantine (and countersigned by the cadre)."""
    f = facts(q, reveal)
    title = "居家隔离承诺书" if q.kind == Kind.HOME else "集中医学观察承诺书"
    doc = _new_document(exporter, exported_at, title)
    _title(doc, title)
    _para(doc, f"本人{f['name']}，证件号码：{f['id_number']}，联系电话：{f['phone']}，"
               f"作为{f['category']}，自愿接受{f['kind']}，"
               f"期限自{f['start']}起至{f['end']}止，地点：{f['place']}。本人郑重承诺：")
    for line in (
        "一、隔离期间不外出、不串门、不聚集，不接待来访人员。",
        f"二、每日{f['times']}测量体温，如实向包保医生报告体温和身体状况。",
        f"三、出现发热（体温≥{f['threshold']}）或咳嗽、乏力等症状时，立即报告包保医生，服从转送安排。",
        "四、如实提供旅居史和接触史，不隐瞒、不谎报。",
        "如有违反，本人愿承担相应的法律责任。",
    ):
        _para(doc, line)
    _para(doc, f"包保干部：{f['cadre']}", indent=False)
    _para(doc, f"包保医生：{f['doctor']}", indent=False)
    doc.add_paragraph()
    _para(doc, f"承诺人（签字）：{BLANK}　　日期：　　年　　月　　日", indent=False)
    _para(doc, f"包保干部（签字）：{BLANK}", indent=False)
    _signature(doc, f)
    return _bytes(doc)


BUILDERS = {"notice": notice_docx, "pledge": pledge_docx}
FILE_NAMES = {"notice": "告知书", "pledge": "承诺书"}


def export_notice(actor, q: Quarantine, *, doc: str = "notice", reveal: bool = False) -> tuple[bytes, str]:
    """The document as .docx bytes and its file name; the download is audited as an export.

    `q` comes from a scoped selector. The full ID number and phone only for roles that may reveal.
    """
    if doc not in BUILDERS:
        raise ValidationError({"doc": _("未知的文书：%(value)s") % {"value": doc}})
    if reveal and not account_permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能查看完整证件号码"))
    exported_at = timezone.now()
    content = BUILDERS[doc](q, exporter=actor, exported_at=exported_at, reveal=reveal)
    audit.record_export(actor, f"quarantine_{doc}", region=q.region_id, rows=1,
                        filters={"quarantine": q.pk, "reveal": bool(reveal)})
    day = timezone.localtime(q.start_at, tz()).date()
    return content, f"{q.key_person.person.name}-{FILE_NAMES[doc]}-{day:%Y%m%d}.docx"
