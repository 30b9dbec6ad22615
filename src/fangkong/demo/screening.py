"""Demo data for screening: the ledger, the sweeps and the daily checks, on the demo days (demo.clock).

About 3 % of the residents come onto the ledger over the demo days: mostly returnees from Wuhan who
arrived between nine days before the response began and two days before today (those back before day
1 are registered in its first days, as the sweep finds them), some fever cases, and close contacts that
other counties' hand-over letters (协查函) name. Fourteen days after their arrival most returnees are
released. Cases, and the contacts the county's own investigations trace, are the outbreak's
(demo.tracing), written through the case services. Two sweeps: the first over nearly every household in
the first days, the second going on today.

The daily checks (每天一查) are a step of their own (`checks_demo`), after every step that puts people on
the ledger: each key person under management is checked every day, today included, from the day of
their registration; a few checks missed, fevers (at or above the fever threshold) in a fever case's
first days and a few at random. Rows are bulk-inserted; the roll-up counters get the same
contributions the services would have tracked, in one `track_change`, so the counters equal a rebuild.
"""

import dataclasses
import datetime
import functools
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM
from fangkong.core.health import fever_threshold
from fangkong.people.models import Household, Person
from fangkong.screening import rollup
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Status, Sweep
from fangkong.screening.services.checks import check_text, is_fever
from fangkong.screening.services.key_persons import registration_text, status_text
from fangkong.screening.services.timeline import EventRow, event_row

from .clock import DAY, Clock, clock_of

COUNTY = "420921000000"
SHARE_ON_LEDGER = 0.03
CATEGORIES = [("returnee", 0.80), ("close_contact", 0.075), ("fever", 0.06), ("secondary_contact", 0.03),
              ("transient", 0.02)]
ORIGINS = [("武汉", 0.86), ("黄冈", 0.04), ("孝感市孝南区", 0.04), ("温州", 0.02), ("广州", 0.02), ("北京", 0.02)]
SYMPTOMS = ["发热", "咳嗽", "乏力", "咽痛", "发热、咳嗽"]
FEVERISH_CATEGORIES = ("fever", "suspected", "confirmed")
# Days of the response (demo.clock): returnees arrived from FIRST_ARRIVAL to the day before yesterday.
FIRST_ARRIVAL = -9
RELEASED_ON_TIME = .9  # of the returnees whose 14 days are over; the others' observation goes on
MISSED_CHECK = .03
RANDOM_FEVER = .004
ADULT_YEARS = 14  # the ledger's people are teenagers and adults


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def adults_born_by(clock: Clock) -> datetime.date:
    return clock.today - datetime.timedelta(days=round(ADULT_YEARS * 365.25))


class Workers:
    """The village workers answer for their own village (a grid worker for their grid)."""

    def __init__(self):
        self.by_code = {u.region_id: u for u in User.objects.filter(role="village_worker", region__isnull=False)}

    def for_region(self, code: str) -> User | None:
        return self.by_code.get(code) or self.by_code.get(code[:12])


def _register(rng: random.Random, kp: KeyPerson, clock: Clock, day: datetime.date) -> None:
    """On the ledger on `day` in the morning, before the day's check (the day before when today has no
    moment left yet, in its first minute)."""
    at = clock.moment(rng, day, (8, 9))
    if at is None:
        day -= DAY
        at = clock.moment(rng, day, (8, 9))
    kp.registered_on, kp.created_at, kp.updated_at = day, at, at


def _travel(rng: random.Random, kp: KeyPerson, clock: Clock) -> datetime.date:
    """Where from and how, and the day the returnee is registered: the day of arrival or a few days later
    (those back before the response began, in its first days)."""
    kp.origin = _weighted(rng, ORIGINS)
    kp.arrival_date = clock.day(rng.randint(FIRST_ARRIVAL, clock.length - 2))
    kp.departure_date = kp.arrival_date - datetime.timedelta(days=rng.choice((0, 0, 0, 1)))
    kp.transport_mode = _weighted(rng, [("train", .45), ("car", .3), ("bus", .2), ("plane", .05)])
    kp.transport_number = {
        "train": lambda: rng.choice("GDK") + str(rng.randrange(1, 2000)),
        "car": lambda: "鄂" + rng.choice("AK") + f"{rng.randrange(10000, 99999)}",
        "bus": lambda: "鄂K" + f"{rng.randrange(10000, 99999)}",
        "plane": lambda: rng.choice(["CZ", "MU", "HU"]) + str(rng.randrange(1000, 9999)),
    }[kp.transport_mode]()
    found = max(kp.arrival_date, clock.first_day) + datetime.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    return min(found, clock.today)


def _ends(rng: random.Random, kp: KeyPerson, clock: Clock, status: str, day: datetime.date, note: str = "") -> None:
    """Leaves management on `day` (after the day of registration, today at the latest), in the evening."""
    if not kp.registered_on < day <= clock.today:
        return
    at = clock.moment(rng, day, (17, 20))
    if at is not None:
        kp.status, kp.ended_on, kp.note, kp.demo_status_at = status, day, note, at


def _end(rng: random.Random, kp: KeyPerson, clock: Clock) -> None:
    """Fourteen days after arrival most returnees are released; a few people move away."""
    if kp.category == "returnee" and rng.random() < RELEASED_ON_TIME:
        _ends(rng, kp, clock, Status.RELEASED, kp.arrival_date + datetime.timedelta(days=14))
    if kp.status == Status.UNDER_MANAGEMENT and kp.registered_on < clock.today and rng.random() < .01:
        left = rng.randint(1, (clock.today - kp.registered_on).days)
        _ends(rng, kp, clock, Status.MOVED_AWAY, kp.registered_on + left * DAY, "已离开本地")


def build_key_persons(rng: random.Random, people: list[tuple], workers: Workers, clock: Clock) -> list[KeyPerson]:
    found = []
    for person_id, region_code in people:
        kp = KeyPerson(person_id=person_id, region_id=region_code, category=_weighted(rng, CATEGORIES))
        if kp.category in ("returnee", "transient"):
            day = _travel(rng, kp, clock)
        else:
            day = clock.day(rng.randint(2, clock.length))
        _register(rng, kp, clock, day)
        if kp.category in FEVERISH_CATEGORIES:
            kp.symptoms = rng.choice(SYMPTOMS)
        kp.responsible = workers.for_region(region_code)
        _end(rng, kp, clock)
        found.append(kp)
    return found


def _temperature(rng: random.Random, kp: KeyPerson, day: datetime.date, threshold: Decimal) -> Decimal:
    """A fever case is feverish in its first three days; anyone else now and then."""
    feverish = ((kp.category in FEVERISH_CATEGORIES and (day - kp.registered_on).days < 3)
                or rng.random() < RANDOM_FEVER)
    low = float(threshold)
    value = rng.uniform(low, low + 1.6) if feverish else min(low - .1, max(35.8, rng.gauss(36.5, .25)))
    return Decimal(f"{value:.1f}")


@dataclass(slots=True)
class CheckRow:
    """A daily check as the demo writes it: a plain row (tens of thousands), read by the same roll-up
    contribution function as a DailyCheck."""

    key_person_id: int
    region_id: str
    checked_on: datetime.date
    temperature: Decimal
    symptoms: str
    method: str
    checked_by_id: int | None
    created_at: datetime.datetime


@dataclass(slots=True)
class VisitRow:
    sweep_id: int
    household_id: int
    region_id: str
    visited_on: datetime.date
    visited_by_id: int | None
    present_count: int
    away_note: str
    finding: str
    note: str
    created_at: datetime.datetime


def build_checks(rng: random.Random, key_persons: list[KeyPerson], clock: Clock) -> list[CheckRow]:
    """One check a day for each key person under management, from the day of registration (after it) to
    the day before they leave management or today; a few missed."""
    threshold = fever_threshold()
    found = []
    for kp in key_persons:
        last = clock.today if kp.ended_on is None else min(clock.today, kp.ended_on - DAY)
        day = max(kp.registered_on, clock.first_day)
        while day <= last:
            at = clock.moment(rng, day, (8, 18), after=kp.created_at if day == kp.registered_on else None)
            if at is not None and rng.random() >= MISSED_CHECK:
                found.append(CheckRow(kp.pk, kp.region_id, day, _temperature(rng, kp, day, threshold),
                                      kp.symptoms if day == kp.registered_on else "",
                                      _weighted(rng, [("phone", .6), ("visit", .3), ("self_report", .1)]),
                                      kp.responsible_id, at))
            day += DAY
    return found


def ledger_events(key_persons: list[KeyPerson]) -> list[EventRow]:
    """The timeline the services would have written: the registration, the status change."""
    found = []
    for kp in key_persons:
        found.append(event_row(kp.pk, "registered", registration_text(kp), at=kp.created_at,
                               actor_id=kp.responsible_id))
        if kp.ended_on:
            found.append(event_row(kp.pk, "status", status_text(kp, kp.note), at=kp.demo_status_at,
                                   actor_id=kp.responsible_id))
    return found


def check_events(checks: list[CheckRow]) -> list[EventRow]:
    threshold = fever_threshold()
    return [event_row(check.key_person_id, "fever_check" if is_fever(check.temperature) else "check",
                      _check_event(check.checked_on, check.temperature, check.method, check.symptoms, threshold),
                      at=check.created_at, actor_id=check.checked_by_id) for check in checks]


@functools.lru_cache(maxsize=4096)
def _check_event(day, temperature, method, symptoms, threshold) -> str:
    """The services' timeline text (it says fever from `threshold` on); a few hundred distinct ones serve tens
    of thousands of checks."""
    return check_text(DailyCheck(checked_on=day, temperature=temperature, method=method, symptoms=symptoms), False)


AWAY = ["1人在武汉务工，未返乡", "1人在外地上学", "1人在广东务工"]


def sweeps(clock: Clock) -> list[tuple[str, int, int, float, bool]]:
    """The sweeps as (name, first day, last day, share of the households visited, early-heavy): the first
    over nearly every household in the first days, the second from the day the first ends, going on today
    (it ends four days from now)."""
    turn = clock.length - 5
    return [("第一轮全县地毯式摸排", 1, turn, .93, True), ("第二轮拉网式复查", turn, clock.length + 4, .6, False)]


def build_sweeps(rng: random.Random, returnee_households: set[int], workers: Workers, clock: Clock) -> list[VisitRow]:
    admin = User.objects.filter(username="admin").first()
    rounds = []
    for name, first, last, share, early in sweeps(clock):
        sweep = Sweep.objects.create(name=name, region_id=COUNTY, start_date=clock.day(first),
                                     end_date=clock.day(last), created_by=admin,
                                     created_at=clock.clamp(clock.at(clock.day(first), 8)))
        rounds.append((sweep, share, clock.days(first, last), early))
    sizes = dict(Person.objects.exclude(household=None).values("household_id").annotate(n=Count("pk"))
                 .values_list("household_id", "n"))
    found = []
    for household_id, region_code in Household.objects.values_list("pk", "region_id").order_by("pk").iterator():
        size = sizes.get(household_id, 1)
        worker = workers.for_region(region_code)
        for sweep, share, days, early in rounds:
            if rng.random() >= share:
                continue
            pick = min(rng.randrange(len(days)), rng.randrange(len(days))) if early else rng.randrange(len(days))
            day = days[pick]
            at = clock.moment(rng, day)
            if at is None:  # today's first minute: not visited yet
                continue
            away = rng.random() < .12 and size > 1
            found.append(VisitRow(sweep.pk, household_id, region_code, day, worker.pk if worker else None,
                                  size - (1 if away else 0), rng.choice(AWAY) if away else "",
                                  "returnee" if household_id in returnee_households else "", "", at))
    return found


def insert_rows(model, rows: list) -> None:
    """Write dataclass rows (fields named like the model's attributes, values as stored: JSON as text) with
    bulk_create; the model's other fields take their defaults. The values are already clean (built here),
    so nothing is validated again. (COPY and multi-row INSERTs of adapted values wrote a 20,000-resident
    demo only 1.24× as fast on SQLite, and the demo's build time is no figure of DESIGN §5.)"""
    if not rows:
        return
    names = [f.name for f in dataclasses.fields(rows[0])]
    json_names = {name for name in names
                  if isinstance(model._meta.get_field(name.removesuffix("_id")), models.JSONField)}

    def instance(row):
        values = {name: getattr(row, name) for name in names}
        for name in json_names:
            if isinstance(values[name], str):
                values[name] = json.loads(values[name])
        return model(**values)

    model.objects.bulk_create([instance(row) for row in rows], batch_size=1000)


def screening_demo(options, log):
    """The `fangkong demo-data` step for the ledger and the sweeps (in demo.steps.STEPS)."""
    clock = clock_of(options)
    rng = random.Random(2020_02_02)
    workers = Workers()
    candidates = list(Person.objects.filter(birth_date__lte=adults_born_by(clock))
                      .values_list("pk", "region_id", "household_id").order_by("pk"))
    total = round(Person.objects.count() * SHARE_ON_LEDGER)
    chosen = rng.sample(candidates, min(total, len(candidates)))
    with transaction.atomic():
        key_persons = build_key_persons(rng, [(pk, region) for pk, region, _h in chosen], workers, clock)
        KeyPerson.objects.bulk_create(key_persons, batch_size=1000)
        insert_rows(KeyPersonEvent, ledger_events(key_persons))
        returnee_households = {h for (pk, _r, h), kp in zip(chosen, key_persons, strict=True)
                               if h and kp.category == "returnee"}
        visits = build_sweeps(rng, returnee_households, workers, clock)
        insert_rows(HouseholdVisit, visits)
        contributions = [c for kp in key_persons for c in rollup.key_person_contributions(kp)]
        contributions += [c for visit in visits for c in rollup.visit_contributions(visit)]
        counters.track_change([], contributions)
        figures = {"key_persons": len(key_persons), "household_visits": len(visits)}
        audit.record(SYSTEM, "demo.screening", object_type="demo", object_repr="摸排与台账演示数据", region=COUNTY,
                     after=figures)
    by_category = defaultdict(int)
    for kp in key_persons:
        by_category[kp.category] += 1
    log(f"screening: {len(key_persons)} key persons ({dict(by_category)}), {len(visits)} household visits")


def checks_demo(options, log):
    """The `fangkong demo-data` step of the daily checks, over everyone the earlier steps put on the ledger."""
    clock = clock_of(options)
    rng = random.Random(2020_02_03)
    key_persons = list(KeyPerson.objects.only("pk", "region_id", "category", "registered_on", "ended_on", "symptoms",
                                              "responsible_id", "created_at").order_by("pk"))
    with transaction.atomic():
        checks = build_checks(rng, key_persons, clock)
        insert_rows(DailyCheck, checks)
        insert_rows(KeyPersonEvent, check_events(checks))
        counters.track_change([], [c for check in checks for c in rollup.daily_check_contributions(check)])
        figures = {"daily_checks": len(checks), "fevers": sum(1 for check in checks if is_fever(check.temperature))}
        audit.record(SYSTEM, "demo.checks", object_type="demo", object_repr="每日检查演示数据", region=COUNTY,
                     after=figures)
    log(f"daily checks: {figures['daily_checks']} of {len(key_persons)} key persons ({figures['fevers']} fevers)")
