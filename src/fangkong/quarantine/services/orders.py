"""Quarantine orders: start, move the planned end, change the responsible people, test, release, end.

Each write locks the order row (or the key person's, when starting), validates, writes, moves
the roll-up counters in the same transaction and leaves an audit entry and a timeline line.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import Role, User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import actors
from fangkong.core.region_codes import covers
from fangkong.core.validation import as_moment, choice, fmt, name_text, not_future, raise_if, text
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as KeyPersonStatus

from .. import permissions, rollup
from ..models import (
    CountsFrom,
    FollowUp,
    FollowUpStatus,
    Kind,
    NucleicAcidTest,
    ObservationSite,
    Quarantine,
    QuarantinePolicy,
    QuarantineStatus,
    Room,
    TestResult,
    TransferRequest,
    TransferStatus,
)
from ..schedule import day_start, local_day, policy_end
from .common import (
    add_event,
    now,
    region_or_none,
    require_active,
    require_visible,
    require_worker,
    staff,
)
from .followups import drop_slots_from, outstanding_before, sync_slots
from .sites import leave_room, place_in_room, site_visible

ORDER_FIELDS = ["key_person", "kind", "status", "start_at", "planned_end", "planned_end_reason", "home_address",
                "site", "room", "cadre", "doctor", "ended_at", "end_reason", "handover_region", "handover_to"]
# Orders are entered on the day, or caught up within a few weeks; older starts are typos.
MAX_BACKDATE = datetime.timedelta(days=30)
MAX_LENGTH = datetime.timedelta(days=90)
OTHER_ENDINGS = (QuarantineStatus.TRANSFERRED_TO_HOSPITAL, QuarantineStatus.BECAME_CASE, QuarantineStatus.MOVED_AWAY)


def _cadre(value, region_code: str, errors: dict) -> User | None:
    """包保干部: a cadre whose scope covers the order's region, so they see it on their list."""
    found = staff(value, "cadre", _("包保干部"), errors)
    if found is None:
        return None
    if found.role not in permissions.CADRES or not covers(found, region_code):
        errors.setdefault("cadre", _("%(name)s 不能做该人员的包保干部（须为管辖该村的干部）") % {"name": found})
        return None
    return found


def _doctor(actor, value, region_code: str, errors: dict) -> User | None:
    """包保医生: a doctor in the actor's scope or one whose scope covers the order (e.g. the township hospital)."""
    found = staff(value, "doctor", _("包保医生"), errors)
    if found is None:
        return None
    if found.role != Role.DOCTOR or not (covers(found, region_code) or actor.region.contains(found.region_id)):
        errors.setdefault("doctor", _("%(name)s 不能做该人员的包保医生（须为辖区内的医生）") % {"name": found})
        return None
    return found


def _key_person(actor, value) -> KeyPerson:
    pk = value.pk if isinstance(value, KeyPerson) else value
    kp = KeyPerson.objects.select_for_update(of=("self",)).select_related("person").filter(pk=pk).first() \
        if str(pk or "").isdigit() else None
    if kp is None or not actor.region.contains(kp.region_id):
        raise ValidationError({"key_person": _("重点人员 %(value)s 不存在或不在您的管辖范围内") % {"value": value}})
    if kp.status != KeyPersonStatus.UNDER_MANAGEMENT:
        raise ValidationError({"key_person": _("%(name)s 在台账上已%(status)s，不能开始隔离") % {
            "name": kp.person.name, "status": kp.get_status_display()}})
    current = Quarantine.objects.filter(key_person=kp, status=QuarantineStatus.ACTIVE).first()
    if current is not None:
        raise ValidationError({"key_person": _("%(name)s 自%(start)s起已在%(kind)s中") % {
            "name": kp.person.name, "start": fmt(current.start_at), "kind": current.get_kind_display()}})
    return kp


def _period(policy: QuarantinePolicy, kp: KeyPerson, raw: dict, errors: dict) -> dict:
    """Start, what the policy counts from, the policy's end and the planned end (with its reason)."""
    start_at = as_moment(raw["start_at"], "start_at", _("开始时间"), default=now())
    not_future(start_at, "start_at", _("开始时间"), errors)
    if start_at < now() - MAX_BACKDATE:
        errors.setdefault("start_at", _("开始时间 %(at)s 太早（最多补录%(days)s天内的隔离）") % {
            "at": fmt(start_at), "days": MAX_BACKDATE.days})
    arrival = as_moment(raw["arrival"], "arrival", _("抵达时间"),
                        default=day_start(kp.arrival_date) if kp.arrival_date else None)
    last_exposure = as_moment(raw["last_exposure"], "last_exposure", _("末次暴露时间"))
    not_future(arrival, "arrival", _("抵达时间"), errors)
    not_future(last_exposure, "last_exposure", _("末次暴露时间"), errors)
    base = {CountsFrom.ARRIVAL: ("arrival", arrival, _("抵达时间")),
            CountsFrom.LAST_EXPOSURE: ("last_exposure", last_exposure, _("末次暴露时间"))}.get(policy.counts_from)
    if base is not None and base[1] is None:
        errors.setdefault(base[0], _("按%(category)s的隔离政策从%(what)s起算，请填写%(what)s") % {
            "category": policy.get_category_display(), "what": base[2]})
    planned = as_moment(raw["planned_end"], "planned_end", _("计划结束时间"))
    reason = text(raw["planned_end_reason"], "planned_end_reason", _("调整结束时间的理由"), 200, errors)
    if errors:
        return {}
    by_policy = policy_end(policy.counts_from, policy.length_days, start_at=start_at, arrival=arrival,
                           last_exposure=last_exposure)
    counted_from = by_policy - datetime.timedelta(days=policy.length_days)
    if planned is None and by_policy <= start_at:
        errors["planned_end"] = _("按政策自%(from)s起%(days)s天已于%(end)s届满；如仍需隔离，请指定计划结束时间并说明理由") % {
            "from": fmt(counted_from), "days": policy.length_days, "end": fmt(by_policy)}
    planned = planned or by_policy
    if planned != by_policy and not reason:
        errors.setdefault("planned_end_reason", _("计划结束时间与政策（%(end)s）不同，请说明理由") % {"end": fmt(by_policy)})
    _check_planned_end(start_at, planned, errors)
    return {"start_at": start_at, "counted_from": counted_from, "policy_end": by_policy, "planned_end": planned,
            "planned_end_reason": reason if planned != by_policy else ""}


def _check_planned_end(start_at, planned, errors: dict) -> None:
    if planned <= start_at:
        errors.setdefault("planned_end", _("计划结束时间 %(end)s 须晚于开始时间 %(start)s") % {
            "end": fmt(planned), "start": fmt(start_at)})
    elif planned - start_at > MAX_LENGTH:
        errors.setdefault("planned_end", _("隔离期不能超过%(days)s天") % {"days": MAX_LENGTH.days})


def _place(actor, kind: str, kp: KeyPerson, raw: dict, errors: dict) -> dict:
    """Home: the address (the person's own by default). Centralised: a visible, active site, maybe a room."""
    if kind == Kind.HOME:
        address = raw["home_address"] if raw["home_address"] not in (None, "") else kp.person.address
        return {"home_address": name_text(address, "home_address", _("居家地址"), 200, errors, required=True)}
    room = raw["room"]
    if room not in (None, ""):
        found = Room.objects.select_related("site").filter(pk=room.pk if isinstance(room, Room) else room).first() \
            if str(getattr(room, "pk", room)).isdigit() else None
        if found is None or not site_visible(actor, found.site):
            errors.setdefault("room", _("房间 %(value)s 不存在或不在您的管辖范围内") % {"value": room})
            return {}
        site = found.site
    else:
        value = raw["site"]
        pk = value.pk if isinstance(value, ObservationSite) else value
        site = ObservationSite.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None
        if site is None or not site_visible(actor, site):
            errors.setdefault("site", _("集中医学观察须选择观察点") if value in (None, "") else
                              _("观察点 %(value)s 不存在或不在您的管辖范围内") % {"value": value})
            return {}
    if not site.is_active:
        errors.setdefault("site", _("观察点 %(name)s 已停用") % {"name": site.name})
    address = name_text(raw["home_address"] or kp.person.address, "home_address", _("居家地址"), 200, errors)
    return {"site": site, "home_address": address}


@transaction.atomic
def start_quarantine(actor, key_person, *, cadre, doctor, start_at=None, kind=None, last_exposure=None,
                     arrival=None, planned_end=None, planned_end_reason: str = "", home_address=None, site=None,
                     room=None) -> Quarantine:
    """开始隔离: an order for a key person, from their category's policy (whose values it copies).

    The planned end is the policy's unless `planned_end` is given with a reason. A centralised
    order names a site; with a `room` the person is checked in at once. Follow-up slots are
    created for the whole period.
    """
    require_worker(actor)
    return _start(actor, key_person, cadre=cadre, doctor=doctor, start_at=start_at, kind=kind,
                  last_exposure=last_exposure, arrival=arrival, planned_end=planned_end,
                  planned_end_reason=planned_end_reason, home_address=home_address, site=site, room=room)


@transaction.atomic
def start_for_contact(actor, key_person, *, cadre, doctor, last_exposure, site=None, room=None,
                      home_address=None) -> Quarantine:
    """The order of a close or secondary contact confirmed by an investigation (tracing), by their category's
    policy from the last exposure. Called after tracing's own rules (who may investigate, the case and the
    person in scope), so no isolation worker's role is asked here: the order's own rules hold (the policy, the
    period, the cadre and doctor, the site)."""
    return _start(actor, key_person, cadre=cadre, doctor=doctor, last_exposure=last_exposure, site=site, room=room,
                  home_address=home_address)


@transaction.atomic
def extend_for_contact(actor, quarantine: Quarantine, *, planned_end, reason: str) -> Quarantine:
    """A contact under isolation found exposed again later (to another case): the planned end moves to what the
    later exposure gives, never earlier. On tracing's behalf, as `start_for_contact`."""
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person").get(pk=quarantine.pk)
    require_active(q)
    if planned_end <= q.planned_end:
        return q
    return _move_end(actor, q, planned_end, reason)


@transaction.atomic
def end_for_contact(actor, quarantine: Quarantine, *, handover_to: str, at=None) -> Quarantine:
    """A secondary contact re-classified close when the person they were exposed to became a case (tracing): the
    home order ends, handed over (移交) to the close contact's order that follows it. On tracing's behalf, as
    `start_for_contact`."""
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person").get(pk=quarantine.pk)
    require_active(q)
    errors: dict = {}
    to = name_text(handover_to, "handover_to", _("移交去向"), 200, errors, required=True)
    raise_if(errors)
    return _finish(actor, q, QuarantineStatus.MOVED_AWAY, _end_moment(q, at), to, handover_to=to)


def _start(actor, key_person, *, cadre, doctor, start_at=None, kind=None, last_exposure=None, arrival=None,
           planned_end=None, planned_end_reason: str = "", home_address=None, site=None, room=None) -> Quarantine:
    kp = _key_person(actor, key_person)
    policy = QuarantinePolicy.objects.filter(category=kp.category).first()
    if policy is None:
        raise ValidationError(_("%(category)s 没有隔离政策，请指挥部管理员先设置") % {"category": kp.get_category_display()})
    errors: dict = {}
    kind = choice(kind or policy.kind, Kind, "kind", _("隔离方式"), errors)
    raw = {"start_at": start_at, "arrival": arrival, "last_exposure": last_exposure, "planned_end": planned_end,
           "planned_end_reason": planned_end_reason, "home_address": home_address, "site": site, "room": room}
    period = _period(policy, kp, raw, errors)
    place = _place(actor, kind, kp, raw, errors) if kind in Kind.values else {}
    found_cadre = _cadre(cadre, kp.region_id, errors)
    found_doctor = _doctor(actor, doctor, kp.region_id, errors)
    raise_if(errors)
    q = Quarantine.objects.create(
        key_person=kp, region_id=kp.region_id, category=kp.category, kind=kind, policy=policy,
        length_days=policy.length_days, counts_from=policy.counts_from, follow_up_times=list(policy.follow_up_times),
        fever_threshold=policy.fever_threshold, release_needs_negative_tests=policy.release_needs_negative_tests,
        cadre=found_cadre, doctor=found_doctor, created_by=actor, **period, **place)
    sync_slots(q)
    if room not in (None, ""):
        place_in_room(actor, q, room, q.start_at)
    counters.track_change([], rollup.quarantine_contributions(q))
    audit.record(actor, "quarantine.start", q, region=q.region_id, after=audit.snapshot(q, ORDER_FIELDS))
    add_event(q, "quarantine.start", _("开始%(kind)s，计划至%(end)s") % {
        "kind": q.get_kind_display(), "end": fmt(q.planned_end)}, actor)
    return q


def _locked(actor, quarantine: Quarantine) -> Quarantine:
    require_worker(actor)
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person").get(pk=quarantine.pk)
    require_visible(actor, q)
    return q


@transaction.atomic
def change_planned_end(actor, quarantine: Quarantine, *, planned_end, reason: str) -> Quarantine:
    """延长/缩短: move the planned end (with a reason); the due slots follow."""
    q = _locked(actor, quarantine)
    require_active(q)
    return _move_end(actor, q, planned_end, reason)


def _move_end(actor, q: Quarantine, planned_end, reason: str) -> Quarantine:
    errors: dict = {}
    planned = as_moment(planned_end, "planned_end", _("计划结束时间"))
    reason = text(reason, "reason", _("理由"), 200, errors, required=True)
    if planned is None:
        errors.setdefault("planned_end", _("请填写计划结束时间"))
    else:
        _check_planned_end(q.start_at, planned, errors)
    raise_if(errors)
    before = {"planned_end": q.planned_end, "planned_end_reason": q.planned_end_reason}
    q.planned_end, q.planned_end_reason, q.updated_at = planned, reason, timezone.now()
    q.save(update_fields=["planned_end", "planned_end_reason", "updated_at"])
    sync_slots(q)
    audit.record(actor, "quarantine.planned_end", q, region=q.region_id, before=before,
                 after={"planned_end": planned, "planned_end_reason": reason})
    add_event(q, "quarantine.planned_end", _("计划结束时间改为%(end)s：%(reason)s") % {
        "end": fmt(planned), "reason": reason}, actor)
    return q


@transaction.atomic
def assign_responsible(actor, quarantine: Quarantine, *, cadre=None, doctor=None) -> Quarantine:
    """换包保: a new cadre and/or doctor; the slots still due move to their lists."""
    q = _locked(actor, quarantine)
    require_active(q)
    errors: dict = {}
    if cadre in (None, "") and doctor in (None, ""):
        errors["cadre"] = _("请选择新的包保干部或医生")
    new_cadre = _cadre(cadre, q.region_id, errors) if cadre not in (None, "") else q.cadre
    new_doctor = _doctor(actor, doctor, q.region_id, errors) if doctor not in (None, "") else q.doctor
    raise_if(errors)
    before = {"cadre": q.cadre_id, "doctor": q.doctor_id}
    q.cadre, q.doctor, q.updated_at = new_cadre, new_doctor, timezone.now()
    q.save(update_fields=["cadre", "doctor", "updated_at"])
    FollowUp.objects.filter(quarantine=q, status=FollowUpStatus.DUE).update(cadre=new_cadre, doctor=new_doctor)
    audit.record(actor, "quarantine.assign", q, region=q.region_id, before=before,
                 after={"cadre": new_cadre.pk, "doctor": new_doctor.pk})
    return q


@transaction.atomic
def record_test(actor, quarantine: Quarantine, *, sampled_at, result: str) -> NucleicAcidTest:
    """核酸检测 result; some policies release only after a negative one."""
    return _add_test(actor, _locked(actor, quarantine), sampled_at, result)


@transaction.atomic
def record_lab_result(actor, quarantine: Quarantine, *, sampled_at, result: str) -> NucleicAcidTest:
    """A laboratory's nucleic acid result for a person under isolation, recorded by whoever records lab
    results (tracing's lab tests, their import run by the system) on the lab's behalf: the release rule
    (`_release_problems`) reads the order's own tests, so the lab's result must land here too. The lab's
    recorder answers to tracing's rules, not to an isolation worker's role; the order's own rules hold."""
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person").get(pk=quarantine.pk)
    return _add_test(actor, q, sampled_at, result)


def _add_test(actor, q: Quarantine, sampled_at, result: str) -> NucleicAcidTest:
    require_active(q)
    errors: dict = {}
    sampled = as_moment(sampled_at, "sampled_at", _("采样时间"))
    result = choice(result, TestResult, "result", _("检测结果"), errors)
    if sampled is None:
        errors.setdefault("sampled_at", _("请填写采样时间"))
    else:
        not_future(sampled, "sampled_at", _("采样时间"), errors)
        if sampled < min(q.start_at, q.counted_from):
            errors.setdefault("sampled_at", _("采样时间 %(at)s 早于本次隔离") % {"at": fmt(sampled)})
    raise_if(errors)
    test = NucleicAcidTest.objects.create(quarantine=q, sampled_at=sampled, result=result,
                                          recorded_by=actors.user_of(actor))
    audit.record(actor, "quarantine.test", q, region=q.region_id, after={"sampled_at": sampled, "result": result})
    add_event(q, "quarantine.test", _("核酸检测（%(at)s 采样）：%(result)s") % {
        "at": fmt(sampled), "result": test.get_result_display()}, actor)
    return test


def _end_moment(q: Quarantine, at) -> datetime.datetime:
    errors: dict = {}
    moment = as_moment(at, "at", _("结束时间"), default=now())
    not_future(moment, "at", _("结束时间"), errors)
    if moment < q.start_at:
        errors.setdefault("at", _("结束时间 %(at)s 早于开始时间 %(start)s") % {"at": fmt(moment), "start": fmt(q.start_at)})
    raise_if(errors)
    return moment


def _finish(actor, q: Quarantine, status: str, at: datetime.datetime, reason: str, **extra) -> Quarantine:
    """End the order at `at`: slots after it are dropped, the room is left, counters and audit follow."""
    old = rollup.quarantine_contributions(q)
    drop_slots_from(q, at)
    leave_room(actor, q, at)
    q.status, q.ended_at, q.end_reason, q.ended_by, q.updated_at = status, at, reason, actor, timezone.now()
    for name, value in extra.items():
        setattr(q, name, value)
    q.save()
    counters.track_change(old, rollup.quarantine_contributions(q))
    audit.record(actor, f"quarantine.{status}", q, region=q.region_id,
                 after={"status": status, "ended_at": at, "end_reason": reason, **extra})
    add_event(q, "quarantine.end", _("%(status)s（%(at)s）%(reason)s") % {
        "status": q.get_status_display(), "at": fmt(at), "reason": reason}, actor)
    return q


def _release_problems(q: Quarantine, at: datetime.datetime) -> dict:
    problems: dict = {}
    missed = list(outstanding_before(q, at)[:1])
    if missed:
        problems["at"] = _("还有%(n)s次随访未完成（最早 %(first)s），请先补录或说明未随访原因") % {
            "n": outstanding_before(q, at).count(), "first": fmt(missed[0].due_at)}
    if TransferRequest.objects.filter(quarantine=q, status__in=[TransferStatus.OPEN, TransferStatus.ASSIGNED]).exists():
        problems["transfer"] = _("该人员有未处理的转送发热门诊申请，不能解除隔离")
    if q.release_needs_negative_tests:
        latest = NucleicAcidTest.objects.filter(quarantine=q).order_by("-sampled_at", "-id").first()
        if latest is None or latest.result != TestResult.NEGATIVE:
            problems["tests"] = _("按政策解除隔离须有核酸检测阴性结果（最近一次：%(last)s）") % {
                "last": latest.get_result_display() if latest else _("无")}
    return problems


@transaction.atomic
def release_quarantine(actor, quarantine: Quarantine, *, at=None, reason: str = "") -> Quarantine:
    """解除隔离. On the planned end's day no reason is needed; earlier or later one is. Twice is refused."""
    q = _locked(actor, quarantine)
    if q.status == QuarantineStatus.RELEASED:
        raise ValidationError(_("%(name)s 已于%(at)s解除隔离，不能重复解除") % {
            "name": q.key_person.person.name, "at": fmt(q.ended_at)})
    require_active(q)
    at = _end_moment(q, at)
    errors: dict = {}
    reason = text(reason, "reason", _("理由"), 200, errors)
    planned_day, day = local_day(q.planned_end), local_day(at)
    if day != planned_day and not reason:
        errors["reason"] = (_("提前解除须说明理由（计划解除日期 %(day)s）") if day < planned_day
                            else _("延期解除须说明理由（计划解除日期 %(day)s）")) % {"day": planned_day}
    errors.update(_release_problems(q, at))
    raise_if(errors)
    return _finish(actor, q, QuarantineStatus.RELEASED, at, reason)


@transaction.atomic
def end_for_case(actor, quarantine: Quarantine, *, status: str, at=None, reason: str = "") -> Quarantine:
    """The order of a person reported as a case ends: became_case, or transferred_to_hospital when the case is
    admitted. Called by the case report (tracing) after its own rules (who may report a case, the person in
    scope), so no isolation worker's role is asked here: the order's own rules hold."""
    if status not in (QuarantineStatus.BECAME_CASE, QuarantineStatus.TRANSFERRED_TO_HOSPITAL):
        raise ValueError(f"a case ends an order as became_case or transferred_to_hospital, not {status}")
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person").get(pk=quarantine.pk)
    require_active(q)
    at = _end_moment(q, at)
    if status == QuarantineStatus.TRANSFERRED_TO_HOSPITAL:
        _close_transfers_done(actor, q, at)
    return _finish(actor, q, status, at, reason)


@transaction.atomic
def end_quarantine(actor, quarantine: Quarantine, *, status: str, at=None, reason: str = "",
                   handover_region=None, handover_to: str = "") -> Quarantine:
    """Other endings: transferred to hospital, became a case, moved away (handed over to another region).

    Missed follow-ups before the end stay overdue until excused; a transfer to hospital closes the
    person's open fever-clinic request as done.
    """
    q = _locked(actor, quarantine)
    require_active(q)
    errors: dict = {}
    if status not in OTHER_ENDINGS:
        errors["status"] = _("未知的结束方式：%(value)s（解除隔离请用解除功能）") % {"value": status}
    reason = text(reason, "reason", _("说明"), 200, errors)
    extra: dict = {}
    if status == QuarantineStatus.MOVED_AWAY:
        region = region_or_none(getattr(handover_region, "code", handover_region), "handover_region", errors)
        to = name_text(handover_to or (region.name if region else ""), "handover_to", _("移交去向"), 200, errors,
                       required=True)
        extra = {"handover_region": region, "handover_to": to}
    raise_if(errors)
    at = _end_moment(q, at)
    if status == QuarantineStatus.TRANSFERRED_TO_HOSPITAL:
        _close_transfers_done(actor, q, at)
    return _finish(actor, q, status, at, reason, **extra)


def _close_transfers_done(actor, q: Quarantine, at: datetime.datetime) -> None:
    for t in TransferRequest.objects.select_for_update().filter(
            quarantine=q, status__in=[TransferStatus.OPEN, TransferStatus.ASSIGNED]):
        old = rollup.transfer_contributions(t)
        t.status, t.closed_at, t.closed_by = TransferStatus.DONE, max(at, t.opened_at), actor
        t.notes = f"{t.notes}\n[{fmt(at)}] {_('已转送医院')}".strip()
        t.save(update_fields=["status", "closed_at", "closed_by", "notes"])
        counters.track_change(old, rollup.transfer_contributions(t))
        audit.record(actor, "transfer_request.done", t, region=t.region_id, after={"status": t.status})
