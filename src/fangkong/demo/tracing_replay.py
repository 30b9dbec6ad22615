"""The outbreak's cases replayed through the services, each write at its own moment of the story.

While a write runs, Django's clock (django.utils.timezone.now, which the services, the models' defaults and
the audit trail all read) reads the story's moment: a case reported on day 3 at 15:40 is reported then, its
person joins the ledger that day, the follow-up that found the fever is recorded that evening, and every rule
of the services (no date in the future, a change not before the last one) is checked as of that moment.
Nothing is written after the demo's now: the story's moments are cut there (demo.tracing_story.StoryClock).

What the services write for the cases and for the people of the cases' households: the lab tests, the case
reports and their later course, the investigations with their itineraries, the contacts among those people
(their ledger entries and isolation orders), the transmission links, the clusters and the itinerary notices.
The village takes each new ledger entry over (its cadre made responsible, as the ledger's own service does),
and a close contact's order started without a room is given one at the county's hotel.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone as django_timezone

from fangkong.accounts.models import User
from fangkong.core import region_codes as codes
from fangkong.quarantine.models import Kind, Quarantine, QuarantineStatus, Room
from fangkong.quarantine.services import followups, sites
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as LedgerStatus
from fangkong.screening.services.key_persons import update_key_person
from fangkong.tracing.models import (
    Case,
    Contact,
    ContactKind,
    ContactLevel,
    ContactSource,
    ExposureKind,
    FoundBy,
    LabResult,
    Outcome,
    Severity,
)
from fangkong.tracing.services import cases as case_services
from fangkong.tracing.services import chains, contacts, investigations, lab, notices

from .county import place_name
from .tracing_cast import Cast, key_place
from .tracing_story import (
    BY_KEY,
    CASES,
    CHECKPOINT,
    CLINIC,
    CLUSTERS,
    CONFIRMED,
    CONTACTS_AFTER,
    FOLLOW_UP,
    NOTICES,
    SCREENING,
    SECONDARIES_AFTER,
    STOPS,
    SUSPECT,
    SUSPECTED,
    CaseStory,
    StoryClock,
)

LAB = "孝昌县疾病预防控制中心实验室"
HOSPITAL = "孝昌县人民医院"
FOUND_BY = {CLINIC: FoundBy.FEVER_CLINIC, CHECKPOINT: FoundBy.CHECKPOINT, FOLLOW_UP: FoundBy.KEY_PERSON,
            SCREENING: FoundBy.CONTACT_SCREENING, SUSPECT: FoundBy.FEVER_CLINIC}
SOURCE_OF_KIND = {ContactKind.SAME_PLACE: ContactSource.SAME_PLACE, ContactKind.TRANSPORT: ContactSource.TRANSPORT,
                  ContactKind.HOUSEHOLD: ContactSource.HOUSEHOLD}
HOUR = datetime.timedelta(hours=1)
COUNTY = "420921000000"
LAST_OPEN = 12  # the investigations of the cases reported from this story day on are not completed yet


@dataclass(frozen=True)
class Moments:
    """When a case is seen, sampled, diagnosed, admitted and reported, by how it is found (tracing_story)."""
    found: int  # the story day it is found
    visited: datetime.datetime | None  # at the fever clinic
    sampled: datetime.datetime
    diagnosed: datetime.datetime
    admitted: datetime.datetime | None
    reported: datetime.datetime


def moments(s: StoryClock, story: CaseStory) -> Moments:
    found = story.found_day
    if story.route == FOLLOW_UP:  # the evening's fever, sampled at the fever clinic, the result next morning
        sampled = s.exact(found, 20)
        diagnosed = s.exact(found, 21, 30) if story.late else s.exact(found + 1, 10)
        reported = s.exact(found + 1, 8, 10) if story.late else s.exact(found + 1, 11)
        return Moments(found, sampled, sampled, diagnosed, diagnosed + datetime.timedelta(minutes=30), reported)
    if story.route == SCREENING:  # the contact's routine sample
        return Moments(found, None, s.exact(found, 9), s.exact(found, 16), s.exact(found, 16, 20),
                       s.exact(found, 16, 40))
    if story.route == SUSPECT or story.classification == SUSPECTED:
        admitted = None if story.route == SUSPECT else s.exact(found, 11, 10)
        return Moments(found, s.exact(found, 10), s.exact(found, 10, 30), s.exact(found, 11), admitted,
                       s.exact(found, 11, 30))
    if story.late:  # diagnosed in the morning, reported after lunch
        return Moments(found, s.exact(found, 8, 30), s.exact(found, 8, 45), s.exact(found, 9, 30), s.exact(found, 10),
                       s.exact(found, 14, 10))
    hour = 11 if story.route == CHECKPOINT else 10
    return Moments(found, s.exact(found, hour), s.exact(found, hour, 30), s.exact(found, 15), s.exact(found, 15, 20),
                   s.exact(found, 15, 40))


@contextlib.contextmanager
def happening_at(moment: datetime.datetime):
    """Django's clock reads `moment` inside the block: timezone.now() (hence localdate(), the models' defaults
    and every service's "now") is the story's moment. The demo build runs in one thread, and nothing else runs
    while it does."""
    real = django_timezone.datetime

    class StoryTime(real):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    django_timezone.datetime = StoryTime
    try:
        yield
    finally:
        django_timezone.datetime = real


@dataclass
class Actors:
    hospital: User  # the fever clinic's and the designated hospital's doctor: reports cases, records samples
    epi: User  # the CDC's investigation team: investigations, contacts, chains, notices
    site_doctor: User  # the county hotel's doctor
    workers: object  # demo.screening.Workers: the village's cadre of a region
    doctors: object  # demo.quarantine_staff.Staff: the village's doctor of a region


@dataclass
class Replay:
    story: StoryClock
    cast: Cast
    actors: Actors
    site: object  # the county's observation site, where the close contacts go
    rooms: list[Room]  # its rooms kept for the orders the services start
    numbers: dict[str, str]  # "{train}" → the train's number …
    events: list = field(default_factory=list)
    cases: dict[str, Case] = field(default_factory=dict)
    contacts_of: dict[str, dict[int, Contact]] = field(default_factory=dict)  # case key → person id → contact
    samples: int = 0

    # Scheduling ----------------------------------------------------------------------------------------

    def at(self, moment: datetime.datetime, label: str, action) -> None:
        self.events.append((moment, len(self.events), label, action))

    def run(self) -> None:
        for story in CASES:
            self._schedule(story)
        self._schedule_clusters()
        for key, day, hour, publish in NOTICES:
            self.at(self.story.exact(day, hour), f"notice {key}", lambda key=key, publish=publish: self._notice(key,
                                                                                                              publish))
        for moment, _n, label, action in sorted(self.events, key=lambda e: (e[0], e[1])):
            shown = self.story.clamp(moment)
            with happening_at(shown):
                try:
                    action()
                    self._village_takes_over()
                except Exception as exc:
                    raise RuntimeError(f"demo outbreak: {label} at {shown:%Y-%m-%d %H:%M}: {exc}") from exc

    def _schedule(self, story: CaseStory) -> None:
        s, key, m = self.story, story.key, moments(self.story, story)
        if story.route == FOLLOW_UP:
            fever = s.exact(story.found_day, 18, 5)
            self.at(fever, f"fever of {key}", lambda: self._fever(story, fever))
        self.at(m.sampled, f"sample of {key}", lambda: self._sample(story, m.sampled))
        if story.classification != SUSPECTED:
            self.at(m.diagnosed, f"result of {key}", lambda: self._result(key, LabResult.POSITIVE, m.diagnosed))
        self.at(m.reported, f"report of {key}", lambda: self._report(story, m))
        confirmed = m.reported
        for what, day, hour, minute in story.later:
            moment = s.exact(day, hour, minute)
            self.at(moment, f"{what} of {key}", lambda what=what, moment=moment: self._later(story, what, moment))
            if what == "confirmed" and story.classification == SUSPECTED:  # the positive result comes first
                confirmed, result_at = moment, moment - datetime.timedelta(minutes=30)
                self.at(result_at, f"result of {key}",
                        lambda result_at=result_at: self._result(key, LabResult.POSITIVE, result_at))
        if story.route == SUSPECT:
            if story.later:  # two negative tests, then excluded
                first, second, result = s.exact(m.found, 20), s.exact(m.found + 1, 9), s.exact(m.found + 1, 15)
                self.at(first, f"result of {key}", lambda: self._result(key, LabResult.NEGATIVE, first))
                self.at(second, f"second sample of {key}", lambda: self._sample(story, second))
                self.at(result, f"second result of {key}", lambda: self._result(key, LabResult.NEGATIVE, result))
            return
        self.at(m.reported + HOUR, f"investigation of {key}", lambda: self._investigate(story))
        if story.infector:
            self.at(m.reported + 2 * HOUR, f"link to {key}", lambda: self._link(story))
        self.at(confirmed + CONTACTS_AFTER, f"contacts of {key}", lambda: self._contacts(story))
        self.at(confirmed + CONTACTS_AFTER + SECONDARIES_AFTER, f"secondary contacts of {key}",
                lambda: self._secondaries(story))
        completed = m.reported + 26 * HOUR
        if m.reported < s.exact(LAST_OPEN) and completed < s.clock.now - HOUR:  # the last days' are under way
            self.at(completed, f"investigation of {key} completed", lambda: self._complete(story))

    def _schedule_clusters(self) -> None:
        for name, setting, township, keys in CLUSTERS:
            reported = {k: moments(self.story, BY_KEY[k]).reported for k in keys}
            made = max(reported[k] for k in keys[:2]) + 3 * HOUR
            self.at(made, f"cluster {name}", lambda name=name, setting=setting, township=township, keys=keys:
                    self._cluster(name, setting, township, keys))
            for key in keys[2:]:
                self.at(max(made, reported[key] + 3 * HOUR), f"cluster {name} + {key}",
                        lambda key=key, keys=keys: self._cluster_add(keys[0], key))

    # Lab tests and reports -----------------------------------------------------------------------------

    def _sample(self, story: CaseStory, at: datetime.datetime) -> None:
        self.samples += 1
        lab.record_sample(self.actors.hospital, person_id=self.cast.cases[story.key].pk, lab=LAB,
                          sampled_at=self.story.clamp(at), sample_number=f"XC{at:%m%d}-{self.samples:04d}")

    def _result(self, key: str, result: str, at: datetime.datetime) -> None:
        test = (lab.LabTest.objects.filter(person_id=self.cast.cases[key].pk, result=LabResult.PENDING)
                .order_by("-sampled_at").first())
        lab.record_result(self.actors.hospital, test, result=result, result_at=self.story.clamp(at))

    def _fever(self, story: CaseStory, at: datetime.datetime) -> None:
        """The evening follow-up in observation finds the fever: a transfer to the fever clinic opens."""
        q = Quarantine.objects.get(key_person__person_id=self.cast.cases[story.key].pk, status=QuarantineStatus.ACTIVE)
        followups.record_follow_up(q.doctor, q, temperature=Decimal("38.4"), method="visit",
                                   symptoms=["fever", "cough"], at=self.story.clamp(at))

    def _report(self, story: CaseStory, m: "Moments") -> None:
        s = self.story
        isolated = m.visited + datetime.timedelta(minutes=10) if story.route in (CLINIC, CHECKPOINT, SUSPECT) else None
        dates = {"onset_date": s.date(story.onset) if story.onset is not None else None,
                 "first_visit_date": s.date(m.found) if m.visited is not None else None,
                 "diagnosed_at": s.clamp(m.diagnosed), "reported_at": s.clamp(m.reported),
                 "admitted_at": s.clamp(m.admitted) if m.admitted else None,
                 "isolated_at": s.clamp(isolated) if isolated else None}
        self.cases[story.key] = case_services.report_case(
            self.actors.hospital, person_id=self.cast.cases[story.key].pk, classification=story.classification,
            severity=story.severity if story.classification == CONFIRMED else "", found_by=FOUND_BY[story.route],
            reporting_unit=HOSPITAL, **{k: v for k, v in dates.items() if v is not None})

    def _later(self, story: CaseStory, what: str, at: datetime.datetime) -> None:
        case, hospital, at = self.cases[story.key], self.actors.hospital, self.story.clamp(at)
        if what == "confirmed" and case.classification == SUSPECTED:
            test = lab.LabTest.objects.filter(case=case, proposal="pending").order_by("-result_at").first()
            self.cases[story.key] = lab.accept_proposal(self.actors.epi, test, severity=story.severity)
        elif what == "confirmed":
            self.cases[story.key] = case_services.reclassify(hospital, case, classification=CONFIRMED,
                                                             severity=Severity.MILD, at=at,
                                                             reason="出现发热、咳嗽症状，订正为确诊病例")
        elif what == "critical":
            self.cases[story.key] = case_services.reclassify(hospital, case, classification=CONFIRMED,
                                                             severity=Severity.CRITICAL, at=at, reason="病情加重，转入ICU")
        elif what == "excluded":
            self.cases[story.key] = case_services.reclassify(hospital, case, classification="excluded", at=at,
                                                             reason="两次核酸检测阴性（间隔24小时），排除")
        else:
            self.cases[story.key] = case_services.record_outcome(hospital, case, outcome=what, at=at)

    # Investigations, links, clusters, notices -----------------------------------------------------------

    def _investigate(self, story: CaseStory) -> None:
        inv = investigations.open_investigation(self.actors.epi, self.cases[story.key])
        for stop in (s for s in STOPS if s.case == story.key):
            starts = self.story.at(stop.day, stop.hour)
            values = {"kind": stop.kind, "starts_at": starts, "place_name": stop.place_name, "seat": stop.seat,
                      "transport_mode": stop.mode, "transport_number": self.numbers.get(stop.number, stop.number),
                      "public": stop.public}
            if stop.hours:
                values["ends_at"] = self.story.at(stop.day, stop.hour + stop.hours)
            place = key_place(stop.key_place)
            if place is not None:
                values["key_place"] = place.pk
            investigations.add_stop(self.actors.epi, inv, **values)

    def _complete(self, story: CaseStory) -> None:
        case = self.cases[story.key]
        inv = case.investigation
        infector = self.cases.get(story.infector) if story.infector else None
        if infector is not None:
            kind, note = ExposureKind.KNOWN_CASE, f"系病例{infector.number}的密切接触者（{ContactKind(story.kind).label}）"
        elif story.imported:
            kind, note = ExposureKind.RISK_AREA, "发病前14天内有湖北省武汉市旅居史"
        else:
            kind, note = ExposureKind.UNKNOWN, "发病前14天内无武汉旅居史，未发现与已知病例的接触，感染来源待查"
        found = str(FoundBy(case.found_by).label)
        summary = (f"病例{case.number}经{found}发现，{case.reported_at:%m月%d日}报告为{case.get_classification_display()}。"
                   f"已调查其发病前14天活动轨迹，判定并追踪其密切接触者，均已落实集中隔离医学观察。")
        investigations.complete_investigation(self.actors.epi, inv, exposure_kind=kind, exposure_note=note,
                                              summary=summary)

    def _link(self, story: CaseStory) -> None:
        chains.link_cases(self.actors.epi, infector=self.cases[story.infector], infectee=self.cases[story.key],
                          confidence=story.confidence, note=str(ContactKind(story.kind).label))

    def _cluster(self, name: str, setting: str, township: int, keys: list[str]) -> None:
        """The cluster of its first two cases, in the village of a household's (else the township), or in the
        county when its cases live further apart."""
        homes = [self.cast.cases[k].region_id for k in keys]
        region = homes[0][:12] if township == 0 else f"420921{township:03d}000"
        if not all(codes.is_within(home, region) for home in homes):
            region = COUNTY
        chains.create_cluster(self.actors.epi, name=name.format(village=place_name(homes[0][:12])), setting=setting,
                              region=region, cases=[self.cases[k] for k in keys[:2]])

    def _cluster_add(self, first_key: str, key: str) -> None:
        cluster = Case.objects.get(pk=self.cases[first_key].pk).cluster
        chains.add_cases(self.actors.epi, cluster, [self.cases[key]])

    def _notice(self, key: str, publish: bool) -> None:
        notice = notices.draft_notice(self.actors.epi, self.cases[key])
        if publish:
            notices.publish_notice(self.actors.epi, notice)

    # Contacts -----------------------------------------------------------------------------------------

    def _listed(self, key: str) -> dict[int, Contact]:
        return self.contacts_of.setdefault(key, {})

    def _confirm(self, key: str, person_pk: int, *, kind: str, last_exposure: datetime.date, level=ContactLevel.CLOSE,
                 via: Contact | None = None, source: str | None = None, note: str = "") -> None:
        case = self.cases[key]
        listed = self._listed(key)
        if person_pk in listed or Contact.objects.filter(case=case, person_id=person_pk).exists():
            return
        if case_services.open_case_of(person_pk) is not None:
            return  # a case already: treated as one
        resident = self.cast.by_pk[person_pk]
        isolation = {"cadre": self.actors.workers.for_region(resident.region_id)}
        active = Quarantine.objects.filter(key_person__person_id=person_pk, status=QuarantineStatus.ACTIVE).first()
        if level == ContactLevel.CLOSE:
            isolation.update(doctor=self.actors.site_doctor, site=self.site)
            if active is None or active.kind != Kind.CENTRALISED:
                isolation["room"] = self.rooms.pop()
        else:
            isolation["doctor"] = self.actors.doctors.doctor(resident.region_id)
        listed[person_pk] = contacts.confirm_contact(
            self.actors.epi, case, person=person_pk, kind=kind, last_exposure_date=last_exposure, level=level,
            source=source or SOURCE_OF_KIND.get(kind, ContactSource.MANUAL), via=via, note=note, **isolation)

    def _contacts(self, story: CaseStory) -> None:
        """The household and those the case infected (the people of the cases' households); the others are
        written in bulk (demo.tracing_rows)."""
        case, me = self.cases[story.key], self.cast.cases[story.key]
        separated = django_timezone.localtime(case.isolated_at or case.reported_at).date()
        for member in self.cast.household(me):
            if member.pk != me.pk:
                self._confirm(story.key, member.pk, kind=ContactKind.HOUSEHOLD, last_exposure=separated)
        for infectee in (c for c in CASES if c.infector == story.key and not c.lives_with):
            self._confirm(story.key, self.cast.cases[infectee.key].pk, kind=infectee.kind,
                          last_exposure=self.story.date(infectee.exposed))

    def _secondaries(self, story: CaseStory) -> None:
        """The household members of the close contacts who fell ill later, through them."""
        today = django_timezone.localdate()
        for infectee in (c for c in CASES if c.infector == story.key and not c.lives_with):
            via = self._listed(story.key).get(self.cast.cases[infectee.key].pk)
            if via is None:
                continue
            for member in self.cast.household(self.cast.cases[infectee.key]):
                if member.pk != via.person_id:
                    self._confirm(story.key, member.pk, kind=ContactKind.HOUSEHOLD, last_exposure=today,
                                  level=ContactLevel.SECONDARY, via=via, source=ContactSource.CONTACT_OF_CONTACT)

    # What follows every write -------------------------------------------------------------------------

    def _village_takes_over(self) -> None:
        """A new ledger entry of the outbreak's people gets its village's cadre; a close contact's order started
        without a room (a secondary contact made close by the case report) gets one at the county's hotel."""
        people = self.cast.service_persons
        for kp in KeyPerson.objects.filter(person_id__in=people, responsible=None, status=LedgerStatus.UNDER_MANAGEMENT):
            cadre = self.actors.workers.for_region(kp.region_id)
            update_key_person(cadre, kp, responsible=cadre.pk)
        for q in Quarantine.objects.filter(key_person__person_id__in=people, status=QuarantineStatus.ACTIVE,
                                           kind=Kind.CENTRALISED, room=None):
            sites.check_in(self.actors.site_doctor, q, room=self.rooms.pop())


def outcome_counts(cases: dict[str, Case]) -> dict:
    """The cases as they stand: how many, by classification now, by outcome, reported late."""
    rows = list(Case.objects.filter(pk__in=[c.pk for c in cases.values()]).values_list(
        "classification", "outcome", "late_report"))
    found = {"cases": len(rows), "cases_late": sum(1 for _c, _o, late in rows if late)}
    for name in ("confirmed", "asymptomatic", "suspected", "excluded"):
        found[f"cases_{name}"] = sum(1 for c, _o, _l in rows if c == name)
    for name in (Outcome.DISCHARGED, Outcome.DIED):
        found[f"cases_{name}"] = sum(1 for _c, o, _l in rows if o == name)
    return found
