"""Writes of the work brief (工作简报), one function per effect, with the acting user, in a transaction,
audited:

  issue_brief        the Brief of a region and day (the next issue number of the region on first use)
  save_next_steps    the "下步工作" text of that issue
  upload_template    a replacement Word template, refused unless it renders the sample context
  revert_template    back to the shipped default
  generate_brief     the .docx, written from the data of that region and day; audited as an export
  export_template    the Word template in force, to edit in Word; audited as an export

Headquarters roles issue briefs for regions inside their scope; a region's template is changed by its
headquarters admins and those above (permissions).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.actors import user_of

from . import brief_context, permissions, rendering, selectors
from .models import Brief, BriefTemplate

MAX_NEXT_STEPS = 5000


def issue_brief(actor, region_code: str, day: datetime.date) -> Brief:
    """The issue of the region for the day: found, or created with the region's next number (kept per day)."""
    permissions.require_issue_brief(actor)
    region = selectors.region_of(actor, region_code)
    for _attempt in range(3):
        found = Brief.objects.filter(region=region, day=day).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                number = (Brief.objects.filter(region=region).aggregate(n=Max("issue_number"))["n"] or 0) + 1
                brief = Brief.objects.create(region=region, day=day, issue_number=number,
                                             created_by=user_of(actor))
                audit.record(actor, "brief.issue", brief, region=region.code,
                             after={"day": day.isoformat(), "issue_number": number})
                return brief
        except IntegrityError:
            continue  # another writer took the day or the number: read again
    raise ValidationError({"date": _("期号分配冲突，请重试")})


def save_next_steps(actor, region_code: str, day: datetime.date, text: str) -> Brief:
    permissions.require_issue_brief(actor)
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

def upload_template(actor, region_code: str, name: str, content: bytes) -> BriefTemplate:
    permissions.require_issue_brief(actor)
    region = selectors.region_of(actor, region_code)
    permissions.require_change_template(actor, region)
    name = (name or "").strip()[:100] or _("简报模板")
    rendering.check_template(content)
    with transaction.atomic():
        template = BriefTemplate.objects.create(region=region, name=name, content=content, is_active=True,
                                                uploaded_by=user_of(actor))
        audit.record(actor, "brief.template_upload", template, region=region.code,
                     after={"name": name, "bytes": len(content)})
    return template


def revert_template(actor, region_code: str) -> int:
    """Deactivate the region's uploaded templates (kept for the record); returns how many."""
    permissions.require_issue_brief(actor)
    region = selectors.region_of(actor, region_code)
    permissions.require_change_template(actor, region)
    with transaction.atomic():
        n = BriefTemplate.objects.filter(region=region, is_active=True).update(is_active=False)
        audit.record(actor, "brief.template_revert", None, region=region.code, object_type="brieftemplate",
                     object_id="", object_repr=region.name, after={"deactivated": n})
    return n


def export_template(actor, region_code: str) -> tuple[bytes, str]:
    """The Word template in force for the region (uploaded, or the shipped default) and its file name."""
    permissions.require_issue_brief(actor)
    region = selectors.region_of(actor, region_code)
    content, uploaded = selectors.template_bytes(region)
    audit.record_export(actor, "brief_template", region=region.code, rows=1,
                        filters={"template": uploaded.pk if uploaded else "default"})
    return content, f"{region.name}-工作简报模板.docx"


# The document ---------------------------------------------------------------------------------------

def generate_brief(actor, region_code: str, day: datetime.date) -> tuple[bytes, str]:
    """The brief of the region and day as .docx bytes and its file name; audited as an export."""
    permissions.require_issue_brief(actor)
    region = selectors.region_of(actor, region_code)
    brief = issue_brief(actor, region.code, day)
    template, uploaded = selectors.template_bytes(region)
    ctx = brief_context.build(actor, region.code, day, issue_number=brief.issue_number,
                              next_steps=brief.next_steps, problems=selectors.problems_for(actor, region.code, day))
    try:
        content = rendering.render(template, ctx)
    except Exception as exc:  # noqa: BLE001 — an uploaded template that fails on real data
        raise ValidationError({"template": _("简报模板无法生成文档：%(error)s，请修改模板或恢复默认模板")
                                           % {"error": rendering.describe(exc)}}) from None
    now = timezone.now()
    title = f"{ctx['title']}第{brief.issue_number}期"
    content = rendering.stamp(content, actor, now, title)
    audit.record_export(actor, "brief", region=region.code, rows=1,
                        filters={"day": day.isoformat(), "issue_number": brief.issue_number,
                                 "template": uploaded.pk if uploaded else "default"})
    return content, f"{region.name}-工作简报-第{brief.issue_number}期-{day:%Y%m%d}.docx"
