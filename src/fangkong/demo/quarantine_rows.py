"""Plans to rows: orders, stays, tests, follow-ups and transfer requests, the timeline, the counters.

Follow-ups are tens of thousands: plain rows written with the screening demo's `insert_rows`
(COPY on PostgreSQL). Everything that the services keep consistent stays so here: a slot is
recorded within its own day, nothing is recorded after the order ended or in the future, a
released order has no slot still due and no transfer open, a transfer closes after it opened.
"""

import datetime
import functools
import json
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.core.health import FeverSource, fever_threshold, is_fever
from fangkong.core.validation import fmt
from fangkong.quarantine import rollup
from fangkong.quarantine.models import (
    FollowUp,
    FollowUpStatus,
    Kind,
    NucleicAcidTest,
    Quarantine,
    QuarantineStatus,
    Stay,
    TestResult,
    TransferRequest,
    TransferStatus,
)
from fangkong.quarantine.schedule import GRACE
from fangkong.quarantine.services.followups import alert_reason
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import KeyPersonEvent
from fangkong.screening.services.key_persons import registration_text
from fangkong.screening.services.timeline import EventRow, event_row

from .screening import insert_rows

MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
RECORDED_IN_GRACE = .4  # slots due now: some already recorded
MISSED_RECENTLY = .01  # slots of the last 36 hours, past their grace period: left overdue
LATE, MISSED_EARLIER = .015, .015  # older slots: recorded hours late the same day; or missed, most excused
STILL_OVERDUE = .1  # of the older missed slots
RANDOM_FEVER, RANDOM_SYMPTOM = .004, .002
OPEN_FOR = 12 * HOUR  # a transfer request is handled within hours: only the latest are still open
EXCUSES = ["手机关机，次日已上门核实", "外出就医（已报备），未能随访", "夜间电话未接通，次日已联系", "参加全村消杀，漏报（已补报情况）"]
CLOSING_NOTES = [(TransferStatus.DONE, "已送发热门诊，排除新冠肺炎，返家继续观察"),
                 (TransferStatus.DONE, "已由120送发热门诊就诊"),
                 (TransferStatus.CANCELLED, "复测体温正常，暂不转送")]


@functools.cache
def _label(choices, value: str) -> str:
    return str(choices(value).label)


@functools.cache
def _json(symptoms: tuple[str, ...]) -> str:
    return json.dumps(list(symptoms))


@dataclass(slots=True)
class FollowUpRow:
    """A follow-up as the demo writes it (fields named like the model's attributes)."""

    quarantine_id: int
    region_id: str
    cadre_id: int
    doctor_id: int
    scheduled: bool
    due_at: datetime.datetime
    status: str = FollowUpStatus.DUE
    done_at: datetime.datetime | None = None
    temperature: Decimal | None = None
    symptoms: str = "[]"  # JSON text: COPY and SQLite take it as stored
    method: str = ""
    fever: bool = False
    alert: bool = False
    transfer_id: int | None = None
    note: str = ""
    recorded_by_id: int | None = None
    recorded_at: datetime.datetime | None = None
    excuse_reason: str = ""


class _Slot(NamedTuple):
    """What `rollup.follow_up_contributions` reads, for counting identical rows once."""

    region_id: str
    due_at: datetime.datetime
    scheduled: bool
    status: str
    fever: bool
    alert: bool


class Writer:
    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng, self.now = rng, now
        self.follow_ups: list[FollowUpRow] = []
        self.transfers: list[tuple[TransferRequest, list[FollowUpRow]]] = []
        self.events: list[EventRow] = []
        # the services' timeline texts, translated once
        self.texts = {"start": _("开始%(kind)s，计划至%(end)s"), "end": _("%(status)s（%(at)s）%(reason)s"),
                      "alert": _("随访预警：%(reason)s，已提请转送发热门诊")}

    # Follow-ups of one order ------------------------------------------------------------------

    def follow_up(self, plan) -> None:
        q, rng = plan.order, self.rng
        ceiling = min(self.now, q.ended_at - MINUTE) if q.ended_at else self.now
        ceiling -= MINUTE
        forced = {}
        if plan.force_missed:
            forced[self._latest(plan.slots, self.now - GRACE)] = "missed"
        if plan.force_fever:
            forced[self._latest(plan.slots, self.now - 10 * MINUTE)] = "fever"
        current: list | None = None  # [transfer, rows, closes at]
        for i, due in enumerate(plan.slots):
            row = FollowUpRow(q.pk, q.region_id, q.cadre_id, q.doctor_id, True, due)
            self.follow_ups.append(row)
            outcome = self._outcome(plan, due, forced.get(due))
            if outcome == "open":
                continue
            recorder = q.doctor_id if q.kind == Kind.CENTRALISED or rng.random() < .6 else q.cadre_id
            if outcome == "excused":
                row.status, row.excuse_reason, row.recorded_by_id = FollowUpStatus.EXCUSED, rng.choice(EXCUSES), recorder
                row.recorded_at = max(due + MINUTE, min(due + rng.randrange(180, 1200) * MINUTE, ceiling))
                continue
            # whole minutes, as people write them down (and a few thousand distinct values to adapt)
            offset = (rng.randrange(120, 301) if outcome == "late" else rng.randrange(-20, 61)) * MINUTE
            row.done_at = max(q.start_at + MINUTE, min(due + offset, ceiling))
            row.recorded_at = min(row.done_at + rng.randrange(10) * MINUTE, ceiling)
            row.status, row.recorded_by_id = FollowUpStatus.DONE, recorder
            row.method = "visit" if q.kind == Kind.CENTRALISED else rng.choice(("phone", "phone", "phone", "visit", "self_report"))
            symptoms = self._health(row, i < plan.feverish or forced.get(due) == "fever", q)
            if current is not None and current[2] is not None and row.done_at >= current[2]:
                current = None
            if row.alert:
                current = self._alert(plan, row, symptoms, current, ceiling, forced.get(due) == "fever")

    def _outcome(self, plan, due: datetime.datetime, forced: str | None) -> str:
        """done / late (recorded hours later, the same day) / excused / open (due, or overdue)."""
        rng, age = self.rng, self.now - due
        if due > self.now or forced == "missed":
            return "open"
        if forced == "fever":
            return "done"
        if age <= GRACE:
            found = "done" if rng.random() < RECORDED_IN_GRACE else "open"
        elif age <= 36 * HOUR:
            found = "open" if rng.random() < MISSED_RECENTLY else "done"
        else:
            draw = rng.random()
            if draw < LATE:
                found = "late"
            elif draw < LATE + MISSED_EARLIER:
                found = "open" if rng.random() < STILL_OVERDUE else "excused"
            else:
                found = "done"
        # an ended order owes nothing: what was missed was excused before it ended
        return "excused" if found == "open" and plan.order.ended_at else found

    def _health(self, row: FollowUpRow, feverish: bool, q: Quarantine) -> list[str]:
        rng = self.rng
        symptoms = []
        threshold = float(fever_threshold(q.fever_threshold))
        if feverish or rng.random() < RANDOM_FEVER:
            value = rng.uniform(threshold, threshold + 1.6)
            symptoms = ["fever", "cough"] if q.category in ("fever", "suspected", "confirmed") else ["fever"]
        else:
            value = min(threshold - .1, max(35.8, rng.gauss(36.5, .25)))
            if rng.random() < RANDOM_SYMPTOM:
                symptoms = [rng.choice(("cough", "sore_throat"))]
        row.temperature = Decimal(f"{value:.1f}")
        row.fever = is_fever(row.temperature, q.fever_threshold)
        row.alert = row.fever or bool(symptoms)
        row.symptoms = _json(tuple(symptoms))
        return symptoms

    def _alert(self, plan, row: FollowUpRow, symptoms: list[str], current, ceiling, forced: bool) -> list:
        """The alert opens a transfer request to the fever clinic, or adds to the one still open; those of the
        last hours (and a demo account's forced fever) are open still."""
        q, rng = plan.order, self.rng
        reason = alert_reason(row.temperature, row.fever, symptoms)
        line = f"[{fmt(row.done_at)}] {reason}"
        self.events.append(event_row(q.key_person_id, "quarantine.alert", self.texts["alert"] % {"reason": reason},
                                     at=row.recorded_at, actor_id=row.recorded_by_id))
        if current is not None:
            transfer, rows, _closes = current
            transfer.notes = f"{transfer.notes}\n{line}"
            rows.append(row)
            return current
        transfer = TransferRequest(quarantine_id=q.pk, person_id=plan.kp.person_id, key_person_id=q.key_person_id,
                                   source=FeverSource.FOLLOW_UP if row.fever else "",
                                   temperature=row.temperature if row.fever else None,
                                   region_id=q.region_id, reason=reason[:200],
                                   opened_at=row.recorded_at, opened_by_id=row.recorded_by_id, notes=line)
        rows = [row]
        self.transfers.append((transfer, rows))
        if not q.ended_at and (forced or row.recorded_at >= self.now - OPEN_FOR):
            if rng.random() < 1 / 3 and not forced:  # the doctor takes it on
                transfer.status, transfer.assignee_id = TransferStatus.ASSIGNED, q.doctor_id
                transfer.notes += f"\n[{fmt(row.recorded_at + 5 * MINUTE)} {q.doctor}] " + \
                    _("指派给 %(name)s。%(note)s") % {"name": q.doctor, "note": ""}
            return [transfer, rows, None]
        closes = min(row.recorded_at + rng.randrange(120, 960) * MINUTE, ceiling)
        status, note = rng.choice(CLOSING_NOTES)
        transfer.status, transfer.closed_at, transfer.closed_by_id = status, closes, q.doctor_id
        transfer.notes += f"\n[{fmt(closes)} {q.doctor}] {TransferStatus(status).label}。{note}"
        return [transfer, rows, closes]

    @staticmethod
    def _latest(slots, until: datetime.datetime):
        past = [s for s in slots if s <= until]
        return past[-1] if past else None

    # Around the orders ------------------------------------------------------------------------

    def timeline(self, plan) -> None:
        q = plan.order
        self.events.append(event_row(q.key_person_id, "quarantine.start", self.texts["start"] % {
            "kind": _label(Kind, q.kind), "end": fmt(q.planned_end)}, at=q.start_at, actor_id=q.cadre_id))
        if q.ended_at:
            self.events.append(event_row(q.key_person_id, "quarantine.end", self.texts["end"] % {
                "status": _label(QuarantineStatus, q.status), "at": fmt(q.ended_at), "reason": q.end_reason},
                at=q.ended_at, actor_id=q.cadre_id))


def _stay(plan) -> Stay:
    q = plan.order
    return Stay(quarantine=q, site=q.site, room=plan.room, checked_in_at=q.start_at, checked_out_at=q.ended_at,
                checked_in_by_id=q.doctor_id, checked_out_by_id=q.doctor_id if q.ended_at else None)


def _test(plan) -> NucleicAcidTest:
    q, sampled = plan.order, plan.negative_test_at
    return NucleicAcidTest(quarantine=q, sampled_at=sampled, result=TestResult.NEGATIVE, recorded_by_id=q.doctor_id,
                           recorded_at=min(sampled + 6 * HOUR, q.ended_at - MINUTE))


def write(plans, accounts_people, rng: random.Random, now: datetime.datetime) -> dict:
    """Insert every row of the plans, then the counters; returns figures for the log and the audit entry."""
    Quarantine.objects.bulk_create([p.order for p in plans], batch_size=1000)
    Stay.objects.bulk_create([_stay(p) for p in plans if p.room is not None], batch_size=1000)
    NucleicAcidTest.objects.bulk_create([_test(p) for p in plans if p.negative_test_at], batch_size=1000)
    writer = Writer(rng, now)
    for plan in plans:
        writer.follow_up(plan)
        writer.timeline(plan)
    TransferRequest.objects.bulk_create([t for t, _rows in writer.transfers], batch_size=1000)
    for transfer, rows in writer.transfers:
        for row in rows:
            row.transfer_id = transfer.pk
    insert_rows(FollowUp, writer.follow_ups)
    writer.events += [event_row(kp.pk, "registered", registration_text(kp), at=kp.created_at,
                                actor_id=kp.responsible_id) for kp in accounts_people]
    insert_rows(KeyPersonEvent, writer.events)
    track_counters(plans, writer, accounts_people)
    return {
        "orders": len(plans), "follow_ups": len(writer.follow_ups),
        "overdue_now": sum(1 for r in writer.follow_ups if r.status == FollowUpStatus.DUE and r.due_at <= now - GRACE),
        "fevers": sum(1 for r in writer.follow_ups if r.fever), "transfers": len(writer.transfers),
        "transfers_open": sum(1 for t, _rows in writer.transfers if t.is_open),
    }


def track_counters(plans, writer: Writer, accounts_people) -> None:
    """The contributions the services would have tracked, identical follow-ups counted once."""
    slots = Counter(_Slot(r.region_id, r.due_at, r.scheduled, r.status, r.fever, r.alert) for r in writer.follow_ups)
    items = [(code, day, metric, amount * n) for slot, n in slots.items()
             for code, day, metric, amount in rollup.follow_up_contributions(slot)]
    items += [c for p in plans for c in rollup.quarantine_contributions(p.order)]
    items += [c for t, _rows in writer.transfers for c in rollup.transfer_contributions(t)]
    items += [c for kp in accounts_people for c in screening_rollup.key_person_contributions(kp)]
    summed = Counter()
    for code, day, metric, amount in items:
        summed[(code, day, metric)] += amount
    counters.track_change([], [(code, day, metric, amount) for (code, day, metric), amount in summed.items()])
