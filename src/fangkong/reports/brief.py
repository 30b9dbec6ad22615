"""The work brief (工作简报): issue numbers, the editable "next steps", the Word template, the document.

Writes (one function per effect, with the acting user, in a transaction, audited):
  issue_brief          the Brief of a region and day (the next issue number of the region on first use)
  save_next_steps      the "下步工作" text of that issue
  upload_template      a replacement Word template, refused unless it renders the sample context
  revert_template      back to the shipped default
  generate_brief       the .docx, written from the data of that region and day; audited as an export
Reads: brief_for (the issue, if any), template_bytes (the template in force).

The document is a docxtpl render of the template with `brief_context.build(...)` plus the charts
as PNG images (`charts.png_lines`). Headquarters roles issue briefs for regions inside their scope; a
region's template is changed by its headquarters admins and those above (`can_change_template`).
"""

import datetime
import io
import zipfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core import spreadsheets
from fangkong.core.docx import DOCX_TYPE  # noqa: F401  (the brief's pages and API answer with it)
from fangkong.regions import selectors as region_selectors
from fangkong.regions.models import Region

from . import brief_context, charts
from .models import Brief, BriefTemplate

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "brief_default.docx"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# A template is unpacked and parsed in the server's process: a zip of kilobytes must not unpack to gigabytes.
TEMPLATE_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_NEXT_STEPS = 5000


# Who and where -------------------------------------------------------------------------------------

def can_issue_brief(user) -> bool:
    """Headquarters write the brief and its template; `None` is the system (the command line)."""
    return user is None or account_permissions.is_headquarters(user)


def _require(user) -> None:
    if not can_issue_brief(user):
        raise PermissionDenied(_("只有指挥部可以编发工作简报"))


def can_change_template(user, region: Region) -> bool:
    """A region's template is its setting: it shapes the briefs of the region and of those below it that
    have none of their own (accounts.permissions.can_change_setting). `None` is the system."""
    return user is None or account_permissions.can_change_setting(user, region)


def _require_template_change(user, region: Region) -> None:
    if not can_change_template(user, region):
        raise PermissionDenied(_("%(region)s的简报模板只有%(region)s或上级的指挥部管理员可以更换") % {
            "region": region.name})


def region_of(user, code: str) -> Region:
    """The brief's region: inside the user's scope (404 otherwise); the system sees every region."""
    code = (code or "").strip()
    if user is None:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise Http404
        return region
    return region_selectors.region_for(user, code or user.region_id)


# Issues ---------------------------------------------------------------------------------------------

def brief_for(user, region_code: str, day: datetime.date) -> Brief | None:
    region = region_of(user, region_code)
    return Brief.objects.filter(region=region, day=day).first()


def issue_brief(actor, region_code: str, day: datetime.date) -> Brief:
    """The issue of the region for the day: found, or created with the region's next number (kept per day)."""
    _require(actor)
    region = region_of(actor, region_code)
    for _attempt in range(3):
        found = Brief.objects.filter(region=region, day=day).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                number = (Brief.objects.filter(region=region).aggregate(n=Max("issue_number"))["n"] or 0) + 1
                brief = Brief.objects.create(region=region, day=day, issue_number=number,
                                             created_by=actor if actor is not None and actor.pk else None)
                audit.record(actor, "brief.issue", brief, region=region.code,
                             after={"day": day.isoformat(), "issue_number": number})
                return brief
        except IntegrityError:
            continue  # another writer took the day or the number: read again
    raise ValidationError({"date": _("期号分配冲突，请重试")})


def save_next_steps(actor, region_code: str, day: datetime.date, text: str) -> Brief:
    _require(actor)
    text = (text or "").strip()
    if len(text) > MAX_NEXT_STEPS:
        raise ValidationError({"next_steps": _("下步工作不能超过 %(n)d 字") % {"n": MAX_NEXT_STEPS}})
    brief = issue_brief(actor, region_code, day)
    with transaction.atomic():
        before = brief.next_steps
        brief.next_steps, brief.updated_at = text, timezone.now()
        brief.save(update_fields=["next_steps", "updated_at"])
        audit.record(actor, "brief.next_steps", brief, region=brief.region_id,
                     before={"next_steps": before}, after={"next_steps": text})
    return brief


# The template ---------------------------------------------------------------------------------------

def active_template(region: Region) -> BriefTemplate | None:
    """The newest active template uploaded for the region or the nearest region above it."""
    lineage = [region.code, *codes.ancestor_codes(region.code)]
    found = list(BriefTemplate.objects.filter(region_id__in=lineage, is_active=True)
                 .only("id", "region_id", "name", "uploaded_at", "uploaded_by"))
    for code in lineage:
        mine = [t for t in found if t.region_id == code]
        if mine:
            return max(mine, key=lambda t: (t.uploaded_at, t.id))
    return None


def template_bytes(region: Region) -> tuple[bytes, BriefTemplate | None]:
    template = active_template(region)
    if template is None:
        return DEFAULT_TEMPLATE.read_bytes(), None
    return bytes(BriefTemplate.objects.values_list("content", flat=True).get(pk=template.pk)), template


def check_template(content: bytes) -> None:
    """A Word file that renders the sample context; ValidationError keyed "file" with the reason otherwise."""
    if not content:
        raise ValidationError({"file": _("请选择模板文件（.docx）")})
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("模板文件不能超过 5 MB")})
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            z.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise ValidationError({"file": _("不是 Word 文档（.docx）")}) from None
    try:
        spreadsheets.check_archive(content, _("Word 模板"), spreadsheets.import_limits(
            max_bytes=MAX_TEMPLATE_BYTES, max_unzipped_bytes=TEMPLATE_UNZIPPED_BYTES))
    except spreadsheets.FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    try:
        render(content, brief_context.sample(), with_charts=False)
    except Exception as exc:  # noqa: BLE001 — any failure of the template is the uploader's to fix
        raise ValidationError({"file": _("模板无法生成简报：%(error)s") % {"error": _describe(exc)}}) from None


def _describe(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return f"{message}" + (f"（第 {line} 行）" if line else "")


def upload_template(actor, region_code: str, name: str, content: bytes) -> BriefTemplate:
    _require(actor)
    region = region_of(actor, region_code)
    _require_template_change(actor, region)
    name = (name or "").strip()[:100] or _("简报模板")
    check_template(content)
    with transaction.atomic():
        template = BriefTemplate.objects.create(region=region, name=name, content=content, is_active=True,
                                                uploaded_by=actor if actor is not None and actor.pk else None)
        audit.record(actor, "brief.template_upload", template, region=region.code,
                     after={"name": name, "bytes": len(content)})
    return template


def revert_template(actor, region_code: str) -> int:
    """Deactivate the region's uploaded templates (kept for the record); returns how many."""
    _require(actor)
    region = region_of(actor, region_code)
    _require_template_change(actor, region)
    with transaction.atomic():
        n = BriefTemplate.objects.filter(region=region, is_active=True).update(is_active=False)
        audit.record(actor, "brief.template_revert", None, region=region.code, object_type="brieftemplate",
                     object_id="", object_repr=region.name, after={"deactivated": n})
    return n


# The document ---------------------------------------------------------------------------------------

def render(template: bytes, context: dict, *, with_charts: bool = True) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    tpl = DocxTemplate(io.BytesIO(template))
    context = dict(context)
    days = [datetime.date.fromisoformat(context["day"]) - datetime.timedelta(days=n)
            for n in range(len(context["trends"][0]["lines"][0][1]) - 1, -1, -1)] if context.get("trends") else []
    context["charts"] = [InlineImage(tpl, io.BytesIO(charts.png_lines(t["title"], days, t["lines"])), width=Mm(150))
                         for t in context.get("trends", [])] if with_charts else []
    # An uploaded template is code: the sandbox lets it read the figures it is given and call nothing else
    # (no attribute walk to Python's internals, ranges capped), so an admin's upload cannot run programs.
    tpl.render(context, jinja_env=ImmutableSandboxedEnvironment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _stamp(content: bytes, actor, when: datetime.datetime, title: str) -> bytes:
    """The exporter and time in the document properties (the file says who made it)."""
    from docx import Document
    doc = Document(io.BytesIO(content))
    who = f"{actor.display_name or actor.username}（{actor.username}）" if actor is not None else "system"
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, who, who
    props.created = props.modified = when
    props.comments = f"导出：{who} {timezone.localtime(when):%Y-%m-%d %H:%M}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def problems_for(actor, region_code: str, day: datetime.date) -> list[dict]:
    """"存在的问题": the situation text of the day's submitted reports in the subtree (the report chain's)."""
    try:
        from . import selectors as chain_selectors
        submitted_reports = chain_selectors.submitted_reports
    except (ImportError, AttributeError):
        return []
    found = []
    for report in submitted_reports(actor, region_code, day):
        text = (getattr(report, "situation", "") or "").strip()
        if text:
            found.append({"region": report.region.name, "text": text})
    return found


def context_for(actor, region_code: str, day: datetime.date, brief: Brief) -> dict:
    return brief_context.build(actor, region_code, day, issue_number=brief.issue_number, next_steps=brief.next_steps,
                               problems=problems_for(actor, region_code, day))


def generate_brief(actor, region_code: str, day: datetime.date) -> tuple[bytes, str]:
    """The brief of the region and day as .docx bytes and its file name; audited as an export."""
    _require(actor)
    region = region_of(actor, region_code)
    brief = issue_brief(actor, region.code, day)
    template, uploaded = template_bytes(region)
    ctx = context_for(actor, region.code, day, brief)
    try:
        content = render(template, ctx)
    except Exception as exc:  # noqa: BLE001 — an uploaded template that fails on real data
        raise ValidationError({"template": _("简报模板无法生成文档：%(error)s，请修改模板或恢复默认模板")
                                           % {"error": _describe(exc)}}) from None
    now = timezone.now()
    title = f"{ctx['title']}第{brief.issue_number}期"
    content = _stamp(content, actor, now, title)
    audit.record_export(actor, "brief", region=region.code, rows=1,
                        filters={"day": day.isoformat(), "issue_number": brief.issue_number,
                                 "template": uploaded.pk if uploaded else "default"})
    return content, f"{region.name}-工作简报-第{brief.issue_number}期-{day:%Y%m%d}.docx"
