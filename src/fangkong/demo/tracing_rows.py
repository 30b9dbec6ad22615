"""The outbreak's other contacts, hundreds of them, written as rows: what `confirm_contact` stores for each, at
the moment the investigation traced them (four hours after their case was reported, within the next hour).

A close contact: the Contact row, the person's ledger entry as a close contact in their village (registered
then, their village's cadre responsible), the isolation order by the close contacts' policy (centralised at the
county's hotel, 14 days from the last exposure; released on its planned end's day when that has come, and the
ledger entry that evening), its follow-ups as the quarantine demo writes them, and their nucleic acid tests:
sampled the next morning and in the second week, the result that evening (the last ones still pending), each
also the order's test. A share of them have their household members traced as secondary contacts (home
observation, from that day). People of other counties are kept for the hand-over letter (协查函). The counters
get what the services would have tracked.

Then, for everyone the outbreak put on the ledger (these and the services'), the daily checks from the day of
registration, as the screening demo writes them (the day a fever was found already has its check); and the
follow-ups of the orders the services started, recorded as the quarantine demo records them, up to the last
two hours.
"""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext as _
from faker import Faker
from stdnum.cn import ric

from fangkong.analytics import counters
from fangkong.core.days import day_start, local_day
from fangkong.core.validation import fmt
from fangkong.people.models import Person
from fangkong.quarantine import rollup as quarantine_rollup
from fangkong.quarantine.models import (
    FollowUp,
    FollowUpStatus,
    Kind,
    NucleicAcidTest,
    Quarantine,
    QuarantinePolicy,
    QuarantineStatus,
    TestResult,
)
from fangkong.quarantine.schedule import GRACE
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import Category, DailyCheck, KeyPerson, KeyPersonEvent
from fangkong.screening.models import Status as LedgerStatus
from fangkong.screening.services.timeline import event_row
from fangkong.tracing import rollup as tracing_rollup
from fangkong.tracing.models import (
    Case,
    Classification,
    Contact,
    ContactKind,
    ContactLevel,
    ContactSource,
    ContactStatus,
    LabResult,
    LabTest,
)

from . import quarantine_orders, quarantine_rows, quarantine_staff
from .screening import build_checks, check_events, insert_rows, ledger_events
from .tracing_cast import Cast, Resident, key_place, present_at
from .tracing_story import CONTACTS_AFTER, GROUPS, StoryClock

MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
OUTSIDE = [("孝感市孝南区", "420902"), ("孝感市大悟县", "420922"), ("孝感市安陆市", "420982"), ("武汉市黄陂区", "420116")]
SAMPLE_DAYS = (1, 7, 12)  # a close contact's samples, days after the start of observation (a secondary's: the first)
LAB = "孝昌县疾病预防控制中心实验室"


class ContactRows:
    def __init__(self, rng: random.Random, story: StoryClock, cast: Cast, cases: dict[str, Case], *, epi, staff,
                 workers, site):
        self.rng, self.story, self.cast, self.cases = rng, story, cast, cases
        self.now = story.clock.now
        self.epi, self.staff, self.workers, self.site = epi, staff, workers, site
        self.policies = {p.category: p for p in QuarantinePolicy.objects.all()}
        self.key_persons: list[KeyPerson] = []
        self.plans: list = []
        self.close: list[Contact] = []
        self.secondary: list[tuple[Contact, Contact]] = []  # (secondary, its close contact)
        self.outside: list[Contact] = []
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(2020_02_07)
        self.samples = 0

    # Planning ------------------------------------------------------------------------------------------

    def plan(self) -> None:
        chosen: list[tuple] = []  # (group, case, traced at, residents)
        for group in GROUPS:
            case = self.cases.get(group.case)
            if case is None or case.classification == Classification.EXCLUDED:
                continue
            case = Case.objects.get(pk=case.pk)
            traced = self.story.clamp(max(case.reported_at, case.confirmed_at or case.reported_at) + CONTACTS_AFTER)
            township = f"420921{group.township:03d}" if group.township else None
            present = self._present(group)
            chosen.append((group, case, traced, self.cast.contacts(group.count, township, present=present)))
        persons = Person.objects.in_bulk([r.pk for *_rest, residents in chosen for r in residents])
        for group, case, traced, residents in chosen:
            exposed = self.story.date(group.exposed)
            for resident in residents:
                at = self._moment(traced)
                contact = self._contact(case, resident, persons, group.kind, group.source, exposed, at, group.note)
                self.close.append(contact)
                if self.rng.random() < group.secondaries:
                    household = self.cast.secondaries(resident)
                    others = Person.objects.in_bulk([r.pk for r in household])
                    for member in household:
                        later = self._moment(at)
                        self.secondary.append((self._contact(case, member, others, ContactKind.HOUSEHOLD,
                                                             ContactSource.CONTACT_OF_CONTACT, local_day(at), later,
                                                             "", level=ContactLevel.SECONDARY), contact))
            for _n in range(group.outside):
                self.outside.append(self._outside(case, group, exposed, self._moment(traced)))

    def _present(self, group) -> list[int]:
        if group.place is None:
            return []
        place = key_place(group.place)
        if place is None:
            return []
        around = self.story.at(*group.at)
        return present_at(place.pk, around - 4 * HOUR, around + 4 * HOUR)

    def _moment(self, after: datetime.datetime) -> datetime.datetime:
        return self.story.clamp(after + self.rng.randrange(0, 60) * MINUTE)

    def _contact(self, case: Case, resident: Resident, persons: dict, kind: str, source: str, exposed: datetime.date,
                 at: datetime.datetime, note: str, level: str = ContactLevel.CLOSE) -> Contact:
        """The contact, their ledger entry and their order's plan, as confirm_contact makes them at `at`."""
        person = persons[resident.pk]
        category = Category.CLOSE_CONTACT if level == ContactLevel.CLOSE else Category.SECONDARY_CONTACT
        kp = KeyPerson(person=person, region_id=resident.region_id, category=category, registered_on=local_day(at),
                       created_at=at, updated_at=at, responsible=self.workers.for_region(resident.region_id),
                       note=_("流调判定，末次接触日期 %(day)s") % {"day": exposed})
        start = self.story.clamp(at + self.rng.randrange(2, 30) * MINUTE)
        plan = quarantine_orders.contact_plan(kp, self.policies[category], self.staff, self.rng, self.story.clock,
                                              start=start, exposure=day_start(exposed))
        if plan is not None:
            plan.order.created_by = self.epi
            self.plans.append(plan)
            if plan.order.status == QuarantineStatus.RELEASED:  # the village releases the entry that evening
                kp.demo_status_at = min(plan.order.ended_at + self.rng.randrange(30, 120) * MINUTE, self.now - MINUTE)
                kp.status, kp.ended_on = LedgerStatus.RELEASED, local_day(kp.demo_status_at)
                kp.note = _("医学观察期满，解除")
        self.key_persons.append(kp)
        return Contact(case=case, person=person, region_id=resident.region_id, kind=kind, level=level,
                       status=ContactStatus.CONFIRMED, source=source, last_exposure_date=exposed, key_person=kp,
                       quarantine=plan.order if plan is not None else None, note=note[:300], proposed_at=at,
                       confirmed_at=at, confirmed_by=self.epi, updated_at=at)

    def _outside(self, case: Case, group, exposed: datetime.date, at: datetime.datetime) -> Contact:
        county, code = self.rng.choice(OUTSIDE)
        born = datetime.date(self.rng.randint(1955, 2002), self.rng.randint(1, 12), self.rng.randint(1, 28))
        body = f"{code}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        sent = at + self.rng.randrange(60, 180) * MINUTE
        return Contact(case=case, kind=group.kind, level=ContactLevel.CLOSE, status=ContactStatus.CONFIRMED,
                       source=group.source, last_exposure_date=exposed, outside_name=self.fake.name(),
                       outside_phone=f"1{self.rng.choice('3578')}{self.rng.randrange(10 ** 9):09d}",
                       outside_id_number=body + ric.calc_check_digit(body + "0"),
                       outside_address=f"{county}{self.fake.street_name()}{self.rng.randrange(1, 200)}号",
                       outside_county=county, handed_over_at=sent if sent < self.now - HOUR else None,
                       note=group.note, proposed_at=at, confirmed_at=at, confirmed_by=self.epi, updated_at=at)

    # Writing -------------------------------------------------------------------------------------------

    def write(self) -> dict:
        quarantine_staff.place(self.plans, [self.site])
        KeyPerson.objects.bulk_create(self.key_persons, batch_size=1000)
        written = quarantine_rows.write(self.plans, [], self.rng, self.now)
        insert_rows(KeyPersonEvent, ledger_events(self.key_persons))
        Contact.objects.bulk_create(self.close + self.outside, batch_size=1000)
        for contact, via in self.secondary:
            contact.via = via
        Contact.objects.bulk_create([c for c, _via in self.secondary], batch_size=1000)
        contacts = self.close + self.outside + [c for c, _via in self.secondary]
        tests = self._lab_tests(contacts)
        items = [c for kp in self.key_persons for c in screening_rollup.key_person_contributions(kp)]
        items += [c for contact in contacts for c in tracing_rollup.contact_contributions(contact)]
        counters.track_change([], _summed(items))
        return {"contacts": len(contacts), "outside": len(self.outside), "secondary": len(self.secondary),
                "released": sum(1 for kp in self.key_persons if kp.status == LedgerStatus.RELEASED),
                "follow_ups": written["follow_ups"], "lab_tests": tests}

    def _lab_tests(self, contacts: list[Contact]) -> int:
        """Samples the morning after the start (and in the second week for close contacts), results that
        evening from the lab's list; each result also the order's test while it is under way."""
        tests, order_tests, events = [], [], []
        text = _("核酸检测（%(at)s 采样）：%(result)s")
        for contact in contacts:
            q = contact.quarantine
            if q is None:
                continue
            days = SAMPLE_DAYS if contact.level == ContactLevel.CLOSE else SAMPLE_DAYS[:1]
            for n in days:
                sampled = day_start(local_day(q.start_at) + datetime.timedelta(days=n)) + \
                    datetime.timedelta(minutes=self.rng.randrange(8 * 60, 11 * 60 + 30))
                if sampled >= self.now or (q.ended_at and sampled >= q.ended_at):
                    break
                result_at = sampled + self.rng.randrange(8 * 60, 12 * 60) * MINUTE
                done = result_at < self.now
                self.samples += 1
                tests.append(LabTest(person_id=contact.person_id, region_id=contact.region_id, lab=LAB,
                                     sample_number=f"MJ{sampled:%m%d}-{self.samples:05d}", sampled_at=sampled,
                                     result=LabResult.NEGATIVE if done else LabResult.PENDING,
                                     result_at=result_at if done else None, recorded_by_id=q.doctor_id,
                                     created_at=sampled, updated_at=result_at if done else sampled))
                if done and (q.ended_at is None or result_at < q.ended_at):
                    order_tests.append(NucleicAcidTest(quarantine=q, sampled_at=sampled, result=TestResult.NEGATIVE,
                                                       recorded_at=result_at))
                    events.append(event_row(q.key_person_id, "quarantine.test", text % {
                        "at": fmt(sampled), "result": str(TestResult.NEGATIVE.label)}, at=result_at, actor_id=None))
        LabTest.objects.bulk_create(tests, batch_size=1000)
        NucleicAcidTest.objects.bulk_create(order_tests, batch_size=1000)
        insert_rows(KeyPersonEvent, events)
        return len(tests)


def _summed(items) -> list:
    summed = Counter()
    for code, day, metric, amount in items:
        summed[(code, day, metric)] += amount
    return [(code, day, metric, amount) for (code, day, metric), amount in summed.items() if amount]


# Everyone the outbreak put on the ledger -----------------------------------------------------------------

def daily_checks(rng: random.Random, persons: set[int], clock) -> int:
    """The daily checks of the outbreak's ledger entries, from the day of registration, but for the days that have
    their check already (a fever found by a follow-up is that day's check)."""
    entries = list(KeyPerson.objects.filter(person_id__in=persons).only(
        "pk", "region_id", "category", "registered_on", "ended_on", "symptoms", "responsible_id", "created_at")
        .order_by("pk"))
    held = set(DailyCheck.objects.filter(key_person__in=entries).values_list("key_person_id", "checked_on"))
    checks = [c for c in build_checks(rng, entries, clock) if (c.key_person_id, c.checked_on) not in held]
    insert_rows(DailyCheck, checks)
    insert_rows(KeyPersonEvent, check_events(checks))
    counters.track_change([], _summed(c for check in checks for c in screening_rollup.daily_check_contributions(check)))
    return len(checks)


def record_follow_ups(rng: random.Random, orders, now: datetime.datetime) -> int:
    """The slots of the orders the services started, recorded as the quarantine demo records them: every slot of an
    ended order (none is owed after its end), those of an order under way up to its grace period."""
    old, new, rows = [], [], []
    for q in orders:
        ceiling = (q.ended_at if q.ended_at else now) - MINUTE
        due = FollowUp.objects.filter(quarantine=q, scheduled=True, status=FollowUpStatus.DUE).order_by("due_at")
        for fu in due:
            if q.ended_at is None and fu.due_at > now - GRACE:
                break
            old += quarantine_rollup.follow_up_contributions(fu)
            fu.done_at = max(q.start_at + MINUTE, min(fu.due_at + rng.randrange(-20, 61) * MINUTE, ceiling))
            fu.recorded_at = min(fu.done_at + rng.randrange(10) * MINUTE, ceiling)
            centralised = q.kind == Kind.CENTRALISED
            fu.status, fu.method = FollowUpStatus.DONE, "visit" if centralised else rng.choice(("phone", "phone", "visit"))
            fu.recorded_by_id = q.doctor_id if centralised else q.cadre_id
            fu.temperature = Decimal(f"{min(37.1, max(35.9, rng.gauss(36.5, .25))):.1f}")
            fu.symptoms, fu.fever, fu.alert = [], False, False
            new += quarantine_rollup.follow_up_contributions(fu)
            rows.append(fu)
    FollowUp.objects.bulk_update(rows, ["status", "done_at", "recorded_at", "method", "recorded_by", "temperature",
                                        "symptoms", "fever", "alert"], batch_size=1000)
    counters.track_change(_summed(old), _summed(new))
    return len(rows)


def service_orders(persons: set[int]):
    return list(Quarantine.objects.filter(key_person__person_id__in=persons).order_by("pk"))
