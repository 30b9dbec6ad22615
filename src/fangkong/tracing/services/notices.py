"""Writes of the public itinerary notice (病例活动轨迹), one function per effect, in a transaction, audited:

  draft_notice       a draft of a case's notice from its investigation's public stops
  edit_notice        the reviewed title, alias and items (a draft, or a withdrawn notice made a draft again)
  publish_notice     released to the public pages
  withdraw_notice    taken off them, with the reason
  export_notice      the published notice as a Word file; audited as an export

What may leave is decided in selectors.notices: a draft reads the stops' PUBLIC_STOP_FIELDS alone and leaves
out a stop whose text holds something personal (draft_items); whatever a reviewer types is checked here
against the same rule (personal_problems: the case's own name, ID number, phone, address or workplace, or the
name or phone of one of its contacts) when it is saved and again when it is published.

Who: drafting and editing are investigation work (permissions.can_investigate); publishing and withdrawing
belong to PUBLISH_NOTICE (permissions.can_publish_notice); each within the user's region subtree.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.actors import user_of
from fangkong.core.validation import as_moment, name_text, raise_if, text

from .. import notice_docx, permissions
from ..models import Case, Classification, ItineraryNotice, NoticeStatus
from ..selectors.notices import (
    ITEM_KEYS,
    PLACE_LIMIT,
    TRANSPORT_LIMIT,
    county_of,
    draft_items,
    iso,
    personal_problems,
    personal_strings,
)

MAX_ITEMS = 200
TITLE_SUFFIX = "活动轨迹"


# Helpers ----------------------------------------------------------------------------------------------

def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您的角色不能执行此操作"))


def _locked_case(actor, case: Case) -> Case:
    found = Case.objects.select_for_update(of=("self",)).select_related("person").filter(pk=case.pk).first()
    if found is None or not codes.covers(actor, found.region_id):
        raise PermissionDenied(_("该病例不在您的管辖范围内"))
    return found


def _locked(actor, notice: ItineraryNotice) -> ItineraryNotice:
    found = (ItineraryNotice.objects.select_for_update(of=("self",)).select_related("case__person")
             .filter(pk=notice.pk).first())
    if found is None or not codes.covers(actor, found.region_id):
        raise PermissionDenied(_("该活动轨迹不在您的管辖范围内"))
    return found


def _next_alias(case: Case, county) -> str:
    """The case's alias of an earlier notice, else 病例N: N the next among the county's cases with a notice."""
    earlier = ItineraryNotice.objects.filter(case=case).order_by("-id").values_list("alias", flat=True).first()
    if earlier:
        return earlier
    published = (ItineraryNotice.objects.filter(codes.within(county.code)).values("case_id").distinct().count())
    return _("病例%(n)s") % {"n": published + 1}


def _snapshot(notice: ItineraryNotice) -> dict:
    return {"title": notice.title, "alias": notice.alias, "items": notice.items, "status": notice.status}


# Writes -----------------------------------------------------------------------------------------------

@transaction.atomic
def draft_notice(actor, case: Case) -> ItineraryNotice:
    """A draft of the case's notice: its public stops as items (those naming something personal left out, and
    counted in the audit entry). One notice of a case is open (a draft or published) at a time."""
    _require(permissions.can_investigate(actor))
    case = _locked_case(actor, case)
    if case.classification == Classification.EXCLUDED:
        raise ValidationError({"case": _("病例%(number)s已排除，不发布活动轨迹") % {"number": case.number}})
    open_notice = case.notices.exclude(status=NoticeStatus.WITHDRAWN).first()
    if open_notice is not None:
        raise ValidationError({"case": _("病例%(number)s已有%(status)s的活动轨迹，请在其上修改") % {
            "number": case.number, "status": open_notice.get_status_display()}})
    items, withheld = draft_items(case)
    county = county_of(case.region_id)
    alias = _next_alias(case, county)
    notice = ItineraryNotice.objects.create(case=case, region_id=case.region_id, alias=alias, items=items,
                                            title=f"{county.name}{alias}{TITLE_SUFFIX}"[:100])
    audit.record(actor, "notice.draft", notice, region=notice.region_id,
                 after={**_snapshot(notice), "withheld": withheld})
    return notice


def _clean_items(items, errors: dict) -> list[dict | None]:
    """The items read and checked, one per row as given (None for a row refused as a whole), so that an error
    found later still names the row the sender wrote."""
    if not isinstance(items, list | tuple):
        errors["items"] = _("轨迹应为条目列表")
        return []
    if len(items) > MAX_ITEMS:
        errors["items"] = _("轨迹不能超过%(n)s条") % {"n": MAX_ITEMS}
        return []
    cleaned = []
    for n, raw in enumerate(items):
        key = f"items.{n}"
        row = _("第%(n)s条") % {"n": n + 1}
        if not isinstance(raw, dict):
            errors[key] = _("%(row)s应包含开始时间、结束时间、地点和交通") % {"row": row}
            cleaned.append(None)
            continue
        unknown = sorted(set(raw) - set(ITEM_KEYS))
        if unknown:  # a key of its own would be published as it stands: refused, not dropped
            errors[key] = _("%(row)s含有不能公开的项目：%(keys)s") % {"row": row, "keys": "、".join(map(str, unknown))}
            cleaned.append(None)
            continue
        starts = as_moment(raw.get("starts_at"), f"{key}.starts_at", _("%(row)s开始时间") % {"row": row}, errors,
                           allow_future=False)
        ends = as_moment(raw.get("ends_at"), f"{key}.ends_at", _("%(row)s结束时间") % {"row": row}, errors,
                         allow_future=False)
        if starts is None and not raw.get("starts_at") and f"{key}.starts_at" not in errors:
            errors[f"{key}.starts_at"] = _("%(row)s请填写开始时间") % {"row": row}
        if starts and ends and ends < starts:
            errors[f"{key}.ends_at"] = _("%(row)s结束时间早于开始时间") % {"row": row}
        place = name_text(raw.get("place", ""), f"{key}.place", _("%(row)s地点") % {"row": row}, PLACE_LIMIT, errors)
        transport = name_text(raw.get("transport", ""), f"{key}.transport", _("%(row)s交通") % {"row": row},
                              TRANSPORT_LIMIT, errors)
        if not place and not transport and f"{key}.place" not in errors:
            errors[f"{key}.place"] = _("%(row)s地点和交通至少填写一项") % {"row": row}
        cleaned.append({"starts_at": iso(starts), "ends_at": iso(ends), "place": place, "transport": transport})
    return cleaned


@transaction.atomic
def edit_notice(actor, notice: ItineraryNotice, *, title=None, alias=None, items=None) -> ItineraryNotice:
    """The reviewed text (what is not given stays). A published notice is withdrawn before it is changed; a
    withdrawn one becomes a draft again when edited."""
    _require(permissions.can_investigate(actor))
    notice = _locked(actor, notice)
    if notice.status == NoticeStatus.PUBLISHED:
        raise ValidationError(_("已发布的活动轨迹不能修改，请先撤回"))
    if notice.status == NoticeStatus.WITHDRAWN and notice.case.notices.filter(
            status__in=[NoticeStatus.DRAFT, NoticeStatus.PUBLISHED]).exists():
        raise ValidationError(_("该病例已有另一份待审核或已发布的活动轨迹，请在其上修改"))
    errors: dict = {}
    before = _snapshot(notice)
    title = name_text(notice.title if title is None else title, "title", _("标题"), 100, errors, required=True)
    alias = name_text(notice.alias if alias is None else alias, "alias", _("公开称谓"), 20, errors, required=True)
    cleaned = notice.items if items is None else _clean_items(items, errors)
    for field, message in _personal_errors(notice, title, alias, cleaned).items():
        errors.setdefault(field, message)
    raise_if(errors)
    notice.title, notice.alias = title, alias
    notice.items = sorted(cleaned, key=lambda item: item["starts_at"])
    notice.status, notice.updated_at = NoticeStatus.DRAFT, timezone.now()
    notice.save(update_fields=["title", "alias", "items", "status", "updated_at"])
    before_changed, after_changed = audit.changes(before, _snapshot(notice))
    audit.record(actor, "notice.edit", notice, region=notice.region_id,
                 before=before_changed, after=after_changed)
    return notice


def _personal_errors(notice: ItineraryNotice, title: str, alias: str, items: list[dict | None]) -> dict:
    values = {"title": title, "alias": alias}
    labels = {"title": _("标题"), "alias": _("公开称谓")}
    for n, item in enumerate(items):
        if item is None:
            continue
        for key, label in (("place", _("地点")), ("transport", _("交通"))):
            values[f"items.{n}.{key}"] = item[key]
            labels[f"items.{n}.{key}"] = _("第%(n)s条%(label)s") % {"n": n + 1, "label": label}
    return personal_problems(values, personal_strings(notice.case), labels)


@transaction.atomic
def publish_notice(actor, notice: ItineraryNotice) -> ItineraryNotice:
    """Released to the county's public page. Only a reviewed draft with at least one item, of a case not
    excluded, checked again against the case's personal data as it stands now."""
    _require(permissions.can_publish_notice(actor))
    notice = _locked(actor, notice)
    if notice.status != NoticeStatus.DRAFT:
        raise ValidationError(_("只有待审核的活动轨迹可以发布（当前：%(status)s）") % {
            "status": notice.get_status_display()})
    if notice.case.classification == Classification.EXCLUDED:
        raise ValidationError(_("病例%(number)s已排除，不发布活动轨迹") % {"number": notice.case.number})
    if not notice.items:
        raise ValidationError({"items": _("轨迹为空，不能发布")})
    raise_if(_personal_errors(notice, notice.title, notice.alias, notice.items))
    notice.status, notice.published_at, notice.published_by = NoticeStatus.PUBLISHED, timezone.now(), user_of(actor)
    notice.updated_at = notice.published_at
    notice.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit.record(actor, "notice.publish", notice, region=notice.region_id,
                 before={"status": NoticeStatus.DRAFT}, after={"status": notice.status, "items": len(notice.items)})
    return notice


@transaction.atomic
def withdraw_notice(actor, notice: ItineraryNotice, *, reason: str) -> ItineraryNotice:
    """Taken off the public pages (kept, with the reason in the audit trail)."""
    _require(permissions.can_publish_notice(actor))
    notice = _locked(actor, notice)
    errors: dict = {}
    reason = text(reason, "reason", _("撤回原因"), 200, errors, required=True)
    if notice.status != NoticeStatus.PUBLISHED:
        errors.setdefault("status", _("只有已发布的活动轨迹可以撤回（当前：%(status)s）") % {
            "status": notice.get_status_display()})
    raise_if(errors)
    notice.status, notice.updated_at = NoticeStatus.WITHDRAWN, timezone.now()
    notice.save(update_fields=["status", "updated_at"])
    audit.record(actor, "notice.withdraw", notice, region=notice.region_id,
                 before={"status": NoticeStatus.PUBLISHED}, after={"status": notice.status, "reason": reason})
    return notice


def withdraw_for_excluded(actor, case: Case) -> int:
    """A case found not to be one (已排除) takes its published notices off the public pages, whoever
    reclassified it: a public itinerary of a person who was never a case must not stay up. Returns how many."""
    withdrawn = 0
    for notice in ItineraryNotice.objects.select_for_update().filter(case=case, status=NoticeStatus.PUBLISHED):
        notice.status, notice.updated_at = NoticeStatus.WITHDRAWN, timezone.now()
        notice.save(update_fields=["status", "updated_at"])
        audit.record(actor, "notice.withdraw", notice, region=notice.region_id,
                     before={"status": NoticeStatus.PUBLISHED},
                     after={"status": notice.status, "reason": _("病例已排除")})
        withdrawn += 1
    return withdrawn


def export_notice(actor, notice: ItineraryNotice) -> tuple[bytes, str]:
    """The published notice as .docx bytes and its file name; audited as an export. `notice` comes from a scoped
    selector."""
    _require(permissions.can_view_cases(actor))
    if notice.status != NoticeStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的活动轨迹可以导出"))
    exported_at = timezone.now()
    content = notice_docx.build(notice, county_of(notice.region_id), exporter=actor, exported_at=exported_at)
    audit.record_export(actor, "itinerary_notice", region=notice.region_id, rows=len(notice.items),
                        filters={"notice": notice.pk})
    return content, f"{notice.title}-{timezone.localtime(notice.published_at):%Y%m%d}.docx"
