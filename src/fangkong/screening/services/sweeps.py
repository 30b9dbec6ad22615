"""摸排: opening a sweep and recording household visits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.validation import as_date, as_whole, choice, name_text, not_future, text
from fangkong.people.models import Household

from .. import rollup
from ..models import Finding, HouseholdVisit, Sweep
from .common import region_in_scope, require_in_scope, require_worker, today

SWEEP_FIELDS = ["name", "region", "start_date", "end_date"]
VISIT_FIELDS = ["sweep", "household", "region", "visited_on", "visited_by", "present_count", "away_note", "finding",
                "note"]
MAX_SWEEP_DAYS = 92
MAX_PRESENT = 99
# A sweep may be planned ahead, but not for a season that has not begun.
MAX_DAYS_AHEAD = 31


@transaction.atomic
def create_sweep(actor, *, name: str, region_code: str, start_date, end_date) -> Sweep:
    """Open a screening round over a region subtree (headquarters and township staff)."""
    if not permissions.can_run_sweeps(actor):
        raise PermissionDenied(_("只有指挥部和乡镇（街道）工作人员可以部署摸排"))
    errors: dict = {}
    name = name_text(name, "name", _("名称"), 100, errors)
    if not name:
        errors["name"] = _("名称不能为空")
    region = None
    try:
        region = region_in_scope(actor, region_code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    start = as_date(start_date, "start_date", _("开始日期"))
    end = as_date(end_date, "end_date", _("结束日期"))
    if start is None:
        errors["start_date"] = _("开始日期不能为空")
    if end is None:
        errors["end_date"] = _("结束日期不能为空")
    if start and end:
        if start > end:
            errors["end_date"] = _("结束日期 %(end)s 早于开始日期 %(start)s") % {"end": end, "start": start}
        elif (end - start).days > MAX_SWEEP_DAYS:
            errors["end_date"] = _("一轮摸排不能超过%(days)s天") % {"days": MAX_SWEEP_DAYS}
        if start > today() + datetime.timedelta(days=MAX_DAYS_AHEAD):
            errors["start_date"] = _("开始日期 %(day)s 太远，最多提前%(days)s天部署") % {"day": start, "days": MAX_DAYS_AHEAD}
    if errors:
        raise ValidationError(errors)
    sweep = Sweep.objects.create(name=name, region=region, start_date=start, end_date=end, created_by=actor)
    audit.record(actor, "sweep.create", sweep, region=region, after=audit.snapshot(sweep, SWEEP_FIELDS))
    return sweep


@transaction.atomic
def record_household_visit(actor, sweep: Sweep, household: Household, *, present_count, visited_on=None,
                           away_note: str = "", finding: str = "", note: str = "") -> tuple[HouseholdVisit, bool]:
    """入户走访: who was found at home, who is away and where, any finding. One visit per household and
    sweep: recording it again replaces the first. Returns (visit, created)."""
    require_worker(actor)
    household = Household.objects.filter(pk=household.pk).first()
    if household is None or not actor.region.contains(household.region_id):
        raise ValidationError({"household": _("该户不存在或不在您的管辖范围内")})
    if not sweep.region.contains(household.region_id):
        raise ValidationError({"household": _("该户不在摸排轮次“%(sweep)s”的范围内") % {"sweep": sweep.name}})
    errors: dict = {}
    count = as_whole(present_count, "present_count", _("在家人数"), errors, least=0, most=MAX_PRESENT) or 0
    day = as_date(visited_on, "visited_on", _("走访日期")) or today()
    not_future(day, "visited_on", _("走访日期"), errors)
    if not sweep.start_date <= day <= sweep.end_date:
        errors.setdefault("visited_on", _("走访日期 %(day)s 不在摸排轮次的日期内（%(start)s 至 %(end)s）") % {
            "day": day, "start": sweep.start_date, "end": sweep.end_date})
    away_note = text(away_note, "away_note", _("外出人员及去向"), 300, errors)
    finding = choice(finding, Finding, "finding", _("发现情况"), errors, blank=True)
    note = text(note, "note", _("备注"), 300, errors)
    if errors:
        raise ValidationError(errors)
    values = {"region_id": household.region_id, "visited_on": day, "visited_by": actor, "present_count": count,
              "away_note": away_note, "finding": finding, "note": note}
    visit = HouseholdVisit.objects.select_for_update().filter(sweep=sweep, household=household).first()
    if visit is None:
        try:
            with transaction.atomic():
                visit = HouseholdVisit.objects.create(sweep=sweep, household=household, **values)
        except IntegrityError:  # visited concurrently: the later one replaces it, as below
            visit = HouseholdVisit.objects.select_for_update().get(sweep=sweep, household=household)
        else:
            counters.track_change([], rollup.visit_contributions(visit))
            audit.record(actor, "household_visit.record", visit, region=visit.region_id,
                         after=audit.snapshot(visit, VISIT_FIELDS))
            return visit, True
    old = rollup.visit_contributions(visit)
    before = audit.snapshot(visit, VISIT_FIELDS)
    for field, value in values.items():
        setattr(visit, field, value)
    visit.save()
    counters.track_change(old, rollup.visit_contributions(visit))
    old_audit, new_audit = audit.changes(before, audit.snapshot(visit, VISIT_FIELDS))
    audit.record(actor, "household_visit.update", visit, region=visit.region_id, before=old_audit, after=new_audit)
    return visit, False


@transaction.atomic
def delete_household_visit(actor, visit: HouseholdVisit) -> None:
    """Remove a visit recorded for the wrong household; the household shows as not visited again."""
    require_worker(actor)
    visit = HouseholdVisit.objects.select_for_update().get(pk=visit.pk)
    require_in_scope(actor, visit.region_id)
    old = rollup.visit_contributions(visit)
    audit.record(actor, "household_visit.delete", visit, region=visit.region_id,
                 before=audit.snapshot(visit, VISIT_FIELDS))
    visit.delete()
    counters.track_change(old, [])
