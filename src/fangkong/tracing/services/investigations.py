"""流行病学调查 (流调) of a case: open it, record the itinerary of the 14 days before onset and the exposure,
complete it.

The rules, decided here and nowhere else:

* **Who.** Whoever may investigate (permissions.can_investigate: headquarters, the CDC's investigation teams),
  for a case whose region lies in their scope. One investigation per case: opening it again gives the one
  there is.
* **The itinerary's days** (selectors.investigations.itinerary_window): from 00:00 of the 14th day before onset
  (an asymptomatic case has no onset: its diagnosis day stands for it) up to the report. A stop starts and ends
  inside them, and ends after it starts.
* **A stop** is a place (its name, or a key place with a place code, whose check-ins then propose contacts),
  a trip (its mode and its train, flight, bus or plate number, the seat when known: the number proposes
  fellow travellers) or a gathering (where and what). Numbers are kept upper case without spaces, as the
  ledger keeps them, so the same train matches.
* **Completing** needs the exposure (risk-area travel, a known case, or unknown) and a summary; a completed
  investigation is read-only until reopened (with a reason).

Every write locks the investigation, validates with a message per field (core.validation), and is audited.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.region_codes import covers
from fangkong.core.validation import as_moment, choice, fmt, is_id, name_text, prose, raise_if, text
from fangkong.places.models import Place
from fangkong.regions.models import Region
from fangkong.screening.models import TransportMode

from .. import permissions
from ..models import Case, ExposureKind, Investigation, InvestigationStatus, ItineraryStop, StopKind
from ..selectors.investigations import ITINERARY_DAYS, itinerary_window

INVESTIGATION_FIELDS = ["case", "status", "exposure_kind", "exposure_note", "summary", "completed_at"]
STOP_FIELDS = ["kind", "starts_at", "ends_at", "place_name", "key_place", "region", "transport_mode",
               "transport_number", "seat", "note", "public"]
STOP_ARGUMENTS = {"kind", "starts_at", "ends_at", "place_name", "key_place", "region_code", "transport_mode",
                  "transport_number", "seat", "note", "public"}


def require_investigator(actor, region_code: str) -> None:
    if not permissions.can_investigate(actor):
        raise PermissionDenied(_("您的角色不能开展流行病学调查"))
    if not covers(actor, region_code):
        raise PermissionDenied(_("该病例不在您的管辖范围内"))


def _locked(actor, investigation: Investigation, *, open_only: bool = True) -> Investigation:
    inv = (Investigation.objects.select_for_update(of=("self",)).select_related("case")
           .get(pk=investigation.pk))
    require_investigator(actor, inv.region_id)
    if open_only and inv.status != InvestigationStatus.OPEN:
        raise ValidationError({"status": _("流调已于%(at)s完成，如需修改请先重新打开") % {"at": fmt(inv.completed_at)}})
    return inv


@transaction.atomic
def open_investigation(actor, case: Case) -> Investigation:
    """开始流调 of the case, or the one it has (`created` says which)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_investigator(actor, case.region_id)
    existing = Investigation.objects.filter(case=case).first()
    if existing is not None:
        existing.created = False
        return existing
    inv = Investigation.objects.create(case=case, region_id=case.region_id, investigator=actor)
    audit.record(actor, "investigation.open", inv, region=inv.region_id,
                 after=audit.snapshot(inv, INVESTIGATION_FIELDS))
    inv.created = True
    return inv


def _clean_exposure(values: dict, errors: dict) -> dict:
    found = {}
    if "exposure_kind" in values:
        found["exposure_kind"] = choice(values["exposure_kind"], ExposureKind, "exposure_kind", _("暴露类型"), errors,
                                        blank=True)
    if "exposure_note" in values:
        found["exposure_note"] = text(values["exposure_note"], "exposure_note", _("暴露情况"), 500, errors)
    if "summary" in values:
        found["summary"] = prose(values["summary"], "summary", _("调查小结"), 5000, errors)
    return found


def _save(actor, inv: Investigation, changes: dict, action: str) -> Investigation:
    before = audit.snapshot(inv, INVESTIGATION_FIELDS)
    for field, value in changes.items():
        setattr(inv, field, value)
    old, new = audit.changes(before, audit.snapshot(inv, INVESTIGATION_FIELDS))
    if new:
        inv.updated_at = timezone.now()
        inv.save()
        audit.record(actor, action, inv, region=inv.region_id, before=old, after=new)
    return inv


@transaction.atomic
def update_investigation(actor, investigation: Investigation, **values) -> Investigation:
    """The exposure (exposure_kind, exposure_note) and the summary; fields not passed stay as they are."""
    unknown = set(values) - {"exposure_kind", "exposure_note", "summary"}
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    inv = _locked(actor, investigation)
    errors: dict = {}
    changes = _clean_exposure(values, errors)
    raise_if(errors)
    return _save(actor, inv, changes, "investigation.update")


@transaction.atomic
def complete_investigation(actor, investigation: Investigation, **values) -> Investigation:
    """完成流调: the exposure and the summary (given here or before) are required."""
    inv = _locked(actor, investigation)
    errors: dict = {}
    changes = _clean_exposure(values, errors)
    kind = changes.get("exposure_kind", inv.exposure_kind)
    summary = changes.get("summary", inv.summary)
    if not kind:
        errors.setdefault("exposure_kind", _("完成流调前请选择暴露类型"))
    if not summary:
        errors.setdefault("summary", _("完成流调前请填写调查小结"))
    raise_if(errors)
    changes.update(status=InvestigationStatus.COMPLETED, completed_at=timezone.now())
    return _save(actor, inv, changes, "investigation.complete")


@transaction.atomic
def reopen_investigation(actor, investigation: Investigation, *, reason: str) -> Investigation:
    """重新打开 a completed investigation (new facts), with a reason."""
    inv = _locked(actor, investigation, open_only=False)
    if inv.status == InvestigationStatus.OPEN:
        raise ValidationError({"status": _("流调尚未完成，无需重新打开")})
    reason = text(reason, "reason", _("重新打开的理由"), 200, required=True)
    before = {"status": inv.status, "completed_at": inv.completed_at}
    inv.status, inv.completed_at, inv.updated_at = InvestigationStatus.OPEN, None, timezone.now()
    inv.save(update_fields=["status", "completed_at", "updated_at"])
    audit.record(actor, "investigation.reopen", inv, region=inv.region_id, before=before,
                 after={"status": inv.status, "reason": reason})
    return inv


# The itinerary -----------------------------------------------------------------------------------

def transport_number(value, errors: dict, field: str = "transport_number") -> str:
    """A train, flight, bus or plate number as the ledger keeps it: upper case, no spaces (G1234, 鄂K12345)."""
    return "".join(name_text(value, field, _("车次/航班/车牌"), 40, errors).upper().split())


def _key_place(actor, value, errors: dict) -> Place | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Place) else value
    place = Place.objects.filter(pk=pk).first() if is_id(pk) else None
    if place is None or not covers(actor, place.region_id):
        errors.setdefault("key_place", _("重点场所 %(value)s 不存在或不在您的管辖范围内") % {"value": value})
        return None
    return place


def _region(value, errors: dict) -> Region | None:
    code = "".join(str(value or "").split())
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        errors.setdefault("region_code", _("区划 %(code)s 不存在") % {"code": code})
    return region


def _clean_stop(actor, case: Case, raw: dict) -> dict:
    """The stop's fields from what was sent, every problem named by its field."""
    errors: dict = {}
    kind = choice(raw.get("kind"), StopKind, "kind", _("行程类型"), errors)
    starts_at = as_moment(raw.get("starts_at"), "starts_at", _("开始时间"), errors)
    ends_at = as_moment(raw.get("ends_at"), "ends_at", _("结束时间"), errors)
    if starts_at is None and "starts_at" not in errors:
        errors["starts_at"] = _("请填写开始时间")
    found = {
        "kind": kind, "starts_at": starts_at, "ends_at": ends_at,
        "place_name": name_text(raw.get("place_name"), "place_name", _("地点"), 100, errors),
        "key_place": _key_place(actor, raw.get("key_place"), errors),
        "region": _region(raw.get("region_code"), errors),
        "transport_mode": choice(raw.get("transport_mode"), TransportMode, "transport_mode", _("交通方式"), errors,
                                 blank=True),
        "transport_number": transport_number(raw.get("transport_number"), errors),
        "seat": name_text(raw.get("seat"), "seat", _("座位号"), 20, errors),
        "note": text(raw.get("note"), "note", _("说明"), 300, errors),
        "public": raw.get("public", True) not in (False, "false", "0", "off", ""),
    }
    low, high = itinerary_window(case)
    for field, label, moment in (("starts_at", _("开始时间"), starts_at), ("ends_at", _("结束时间"), ends_at)):
        if moment is None:
            continue
        if moment < low:
            errors.setdefault(field, _("%(label)s %(at)s 早于发病前%(days)s天（%(low)s）") % {
                "label": label, "at": fmt(moment), "days": ITINERARY_DAYS, "low": fmt(low)})
        elif moment > high:
            errors.setdefault(field, _("%(label)s %(at)s 晚于病例报告时间 %(high)s") % {
                "label": label, "at": fmt(moment), "high": fmt(high)})
    if starts_at and ends_at and ends_at <= starts_at:
        errors.setdefault("ends_at", _("结束时间 %(end)s 须晚于开始时间 %(start)s") % {
            "end": fmt(ends_at), "start": fmt(starts_at)})
    if kind == StopKind.TRANSPORT:
        if not found["transport_mode"]:
            errors.setdefault("transport_mode", _("交通出行请选择交通方式"))
        if not found["transport_number"]:
            errors.setdefault("transport_number", _("交通出行请填写车次、航班号或车牌号"))
    elif kind in StopKind.values:
        for field, label in (("transport_mode", _("交通方式")), ("transport_number", _("车次/航班/车牌")),
                             ("seat", _("座位号"))):
            if found[field]:
                errors.setdefault(field, _("只有交通出行填写%(label)s") % {"label": label})
        if kind == StopKind.PLACE and not found["place_name"] and found["key_place"] is None:
            errors.setdefault("place_name", _("请填写地点或选择重点场所"))
        if kind == StopKind.GATHERING and not found["place_name"]:
            errors.setdefault("place_name", _("请填写聚集活动的地点"))
    raise_if(errors)
    place = found["key_place"]
    if place is not None:
        found["place_name"] = found["place_name"] or place.name
        found["region"] = found["region"] or place.region
    return found


@transaction.atomic
def add_stop(actor, investigation: Investigation, **raw) -> ItineraryStop:
    """添加行程: kind, starts_at, ends_at, place_name, key_place, region_code, transport_mode, transport_number,
    seat, note, public."""
    unknown = set(raw) - STOP_ARGUMENTS
    if unknown:
        raise ValidationError(_("未知的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    inv = _locked(actor, investigation)
    stop = ItineraryStop.objects.create(investigation=inv, **_clean_stop(actor, inv.case, raw))
    audit.record(actor, "itinerary.add", stop, region=inv.region_id, after=audit.snapshot(stop, STOP_FIELDS))
    return stop


@transaction.atomic
def update_stop(actor, stop: ItineraryStop, **raw) -> ItineraryStop:
    """修改行程: the fields passed replace the stop's; the others stay."""
    unknown = set(raw) - STOP_ARGUMENTS
    if unknown:
        raise ValidationError(_("未知的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    inv = _locked(actor, stop.investigation)
    stop = ItineraryStop.objects.select_for_update().get(pk=stop.pk, investigation=inv)
    current = {"kind": stop.kind, "starts_at": stop.starts_at, "ends_at": stop.ends_at, "place_name": stop.place_name,
               "key_place": stop.key_place_id, "region_code": stop.region_id, "transport_mode": stop.transport_mode,
               "transport_number": stop.transport_number, "seat": stop.seat, "note": stop.note, "public": stop.public}
    cleaned = _clean_stop(actor, inv.case, {**current, **raw})
    before = audit.snapshot(stop, STOP_FIELDS)
    for field, value in cleaned.items():
        setattr(stop, field, value)
    old, new = audit.changes(before, audit.snapshot(stop, STOP_FIELDS))
    if new:
        stop.save()
        audit.record(actor, "itinerary.update", stop, region=inv.region_id, before=old, after=new)
    return stop


@transaction.atomic
def remove_stop(actor, stop: ItineraryStop) -> None:
    """删除行程 entered by mistake (the audit trail keeps it)."""
    inv = _locked(actor, stop.investigation)
    stop = ItineraryStop.objects.select_for_update().get(pk=stop.pk, investigation=inv)
    audit.record(actor, "itinerary.remove", stop, region=inv.region_id, before=audit.snapshot(stop, STOP_FIELDS))
    stop.delete()
