"""The brief as a Word document: a docxtpl render of the template with the brief's context (brief_context)
and its charts as one PNG image (charts.png_panels), in a Jinja sandbox; the check an uploaded template must
pass before it is used; the exporter and time written into the document's properties."""

import datetime
import io
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from jinja2.exceptions import UndefinedError

from fangkong.core import spreadsheets
from fangkong.core.actors import is_system

from . import brief_context, charts

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "brief_default.docx"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# A template is unpacked and parsed in the server's process: a zip of kilobytes must not unpack to gigabytes.
TEMPLATE_UNZIPPED_BYTES = 50 * 1024 * 1024


def render(template: bytes, context: dict, *, with_charts: bool = True) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    tpl = DocxTemplate(io.BytesIO(template))
    context = dict(context)
    days = [datetime.date.fromisoformat(context["day"]) - datetime.timedelta(days=n)
            for n in range(len(context["trends"][0]["lines"][0][1]) - 1, -1, -1)] if context.get("trends") else []
    # the trends side by side in one picture, the width of the text (a list: a template may loop over it)
    panels = [(t["title"], t["lines"]) for t in context.get("trends", [])]
    context["charts"] = [InlineImage(tpl, io.BytesIO(charts.png_panels(days, panels)), width=Mm(150))] \
        if with_charts and panels else []
    # An uploaded template is code: the sandbox lets it read the figures it is given and call nothing else
    # (no attribute walk to Python's internals, ranges capped), so an admin's upload cannot run programs.
    env = ImmutableSandboxedEnvironment()
    env.filters["percent"] = percent
    tpl.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def percent(value, digits: int = 1) -> str:
    """A share as the brief writes it: 0.0312 → "3.1%" (the template's `|percent` filter)."""
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError, UndefinedError):
        return ""


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
        raise ValidationError({"file": _("模板无法生成简报：%(error)s") % {"error": describe(exc)}}) from None


def describe(exc: Exception) -> str:
    """A template's failure as its author can act on it: the message and, when known, the line."""
    line = getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return f"{message}" + (f"（第 {line} 行）" if line else "")


def stamp(content: bytes, actor, when: datetime.datetime, title: str) -> bytes:
    """The exporter and time in the document properties (the file says who made it)."""
    from docx import Document
    doc = Document(io.BytesIO(content))
    who = "system" if is_system(actor) else f"{actor.display_name or actor.username}（{actor.username}）"
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, who, who
    props.created = props.modified = when
    props.comments = f"导出：{who} {timezone.localtime(when):%Y-%m-%d %H:%M}"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
