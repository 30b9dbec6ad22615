"""Demo data for screening: the demo county as it looked on 2 February 2020.

Two sweeps (the first over nearly every household, the second just begun), about 3 % of the
residents on the ledger — mostly returnees from Wuhan who arrived 10–31 January, some fever
cases and close contacts, a few suspected and confirmed cases — and their daily checks from
20 January to 2 February, with a few fevers and missed days; those whose 14 days are over are
released. Rows are bulk-inserted; the roll-up counters get the same contributions the services
would have tracked, in one `track_change`, so the counters equal a rebuild.
"""

import dataclasses
import datetime
import functools
import operator
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, DateTimeField

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.people.models import Household, Person
from fangkong.screening import rollup
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Status, Sweep
from fangkong.screening.services.checks import check_text, is_fever
from fangkong.screening.services.key_persons import registration_text, status_text
from fangkong.screening.services.timeline import EventRow, event_row

COUNTY = "420921000000"
FIRST_CHECK = datetime.date(2020, 1, 20)
LAST_DAY = datetime.date(2020, 2, 2)
SHARE_ON_LEDGER = 0.03
CATEGORIES = [("returnee", 0.80), ("close_contact", 0.075), ("fever", 0.06), ("secondary_contact", 0.03),
              ("transient", 0.02), ("suspected", 0.01), ("asymptomatic", 0.002), ("confirmed", 0.003)]
ORIGINS = [("武汉", 0.86), ("黄冈", 0.04), ("孝感市孝南区", 0.04), ("温州", 0.02), ("广州", 0.02), ("北京", 0.02)]
SYMPTOMS = ["发热", "咳嗽", "乏力", "咽痛", "发热、咳嗽"]
ZONE = ZoneInfo(settings.TIME_ZONE)


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _at(day: datetime.date, rng: random.Random, hours: tuple[int, int] = (10, 19)) -> datetime.datetime:
    """A moment of that working day; registrations are put in the morning, before the day's check."""
    hour = rng.randrange(hours[0], hours[1] + 1)
    return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=ZONE)


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


class Workers:
    """The demo village accounts answer for their own village (a grid worker for their grid)."""

    def __init__(self):
        self.by_code = {u.region_id: u for u in User.objects.filter(role="village_worker", region__isnull=False)}

    def for_region(self, code: str) -> User | None:
        return self.by_code.get(code) or self.by_code.get(code[:12])


def _travel(rng: random.Random, kp: KeyPerson) -> None:
    kp.origin = _weighted(rng, ORIGINS)
    kp.arrival_date = datetime.date(2020, 1, 10) + datetime.timedelta(days=rng.randrange(22))
    kp.departure_date = kp.arrival_date - datetime.timedelta(days=rng.choice((0, 0, 0, 1)))
    kp.transport_mode = _weighted(rng, [("train", .45), ("car", .3), ("bus", .2), ("plane", .05)])
    kp.transport_number = {
        "train": lambda: rng.choice("GDK") + str(rng.randrange(1, 2000)),
        "car": lambda: "鄂" + rng.choice("AK") + f"{rng.randrange(10000, 99999)}",
        "bus": lambda: "鄂K" + f"{rng.randrange(10000, 99999)}",
        "plane": lambda: rng.choice(["CZ", "MU", "HU"]) + str(rng.randrange(1000, 9999)),
    }[kp.transport_mode]()
    start = max(kp.arrival_date, FIRST_CHECK)
    kp.registered_on = min(LAST_DAY, start + datetime.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))))


def _end(rng: random.Random, kp: KeyPerson) -> None:
    """Fourteen days after arrival most are released; confirmed cases go to hospital, a few move away."""
    if kp.category == "returnee":
        due = kp.arrival_date + datetime.timedelta(days=14)
        if due <= LAST_DAY and due >= kp.registered_on and rng.random() < .6:
            kp.status, kp.ended_on = Status.RELEASED, due
    elif kp.category == "confirmed":
        kp.status, kp.ended_on = Status.TRANSFERRED, min(LAST_DAY, kp.registered_on + datetime.timedelta(days=1))
        kp.note = "转定点医院"
    elif kp.category == "suspected" and rng.random() < .5:
        kp.status, kp.ended_on = Status.RELEASED, min(LAST_DAY, kp.registered_on + datetime.timedelta(days=2))
        kp.note = "核酸阴性，排除"
    if kp.status == Status.UNDER_MANAGEMENT and rng.random() < .01:
        kp.status, kp.ended_on = Status.MOVED_AWAY, LAST_DAY
        kp.note = "已离开本地"


def build_key_persons(rng: random.Random, people: list[tuple], workers: Workers) -> list[KeyPerson]:
    found = []
    for person_id, region_code in people:
        kp = KeyPerson(person_id=person_id, region_id=region_code, category=_weighted(rng, CATEGORIES))
        if kp.category in ("returnee", "transient"):
            _travel(rng, kp)
        else:
            kp.registered_on = FIRST_CHECK + datetime.timedelta(days=1 + rng.randrange((LAST_DAY - FIRST_CHECK).days))
        if kp.category in ("fever", "suspected", "confirmed"):
            kp.symptoms = rng.choice(SYMPTOMS)
        kp.responsible = workers.for_region(region_code)
        _end(rng, kp)
        kp.created_at = kp.updated_at = _at(kp.registered_on, rng, (8, 9))
        found.append(kp)
    return found


def _temperature(rng: random.Random, kp: KeyPerson, day: datetime.date) -> Decimal:
    feverish = ((kp.category in ("fever", "suspected", "confirmed") and (day - kp.registered_on).days < 3)
                or rng.random() < .004)
    value = rng.uniform(37.3, 38.9) if feverish else min(37.2, max(35.8, rng.gauss(36.5, .25)))
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


def build_checks(rng: random.Random, key_persons: list[KeyPerson]) -> list[CheckRow]:
    found = []
    for kp in key_persons:
        last = LAST_DAY if kp.ended_on is None else kp.ended_on - datetime.timedelta(days=1)
        for day in _days(max(kp.registered_on, FIRST_CHECK), last):
            if rng.random() < .05:  # a missed day
                continue
            found.append(CheckRow(kp.pk, kp.region_id, day, _temperature(rng, kp, day),
                                  kp.symptoms if day == kp.registered_on else "",
                                  _weighted(rng, [("phone", .6), ("visit", .3), ("self_report", .1)]),
                                  kp.responsible_id, _at(day, rng)))
    return found


def build_events(rng: random.Random, key_persons: list[KeyPerson], checks: list[CheckRow]) -> list[EventRow]:
    """The timeline the services would have written: registration, each check, the status change."""
    found = []
    for kp in key_persons:
        found.append(event_row(kp.pk, "registered", registration_text(kp), at=kp.created_at,
                               actor_id=kp.responsible_id))
        if kp.ended_on:
            found.append(event_row(kp.pk, "status", status_text(kp, kp.note), at=_at(kp.ended_on, rng, (20, 21)),
                                   actor_id=kp.responsible_id))
    for check in checks:
        found.append(event_row(check.key_person_id, "fever_check" if is_fever(check.temperature) else "check",
                               _check_event(check.checked_on, check.temperature, check.method, check.symptoms),
                               at=check.created_at, actor_id=check.checked_by_id))
    return found


@functools.lru_cache(maxsize=4096)
def _check_event(day, temperature, method, symptoms) -> str:
    """The services' timeline text; a few hundred distinct ones serve tens of thousands of checks."""
    return check_text(DailyCheck(checked_on=day, temperature=temperature, method=method, symptoms=symptoms), False)


AWAY = ["1人在武汉务工，未返乡", "1人在外地上学", "1人在广东务工"]


def build_sweeps(rng: random.Random, returnee_households: set[int], workers: Workers) -> list[VisitRow]:
    admin = User.objects.filter(username="admin").first()
    first = Sweep.objects.create(name="第一轮全县地毯式摸排", region_id=COUNTY, start_date=datetime.date(2020, 1, 24),
                                 end_date=LAST_DAY, created_by=admin)
    second = Sweep.objects.create(name="第二轮拉网式复查", region_id=COUNTY, start_date=datetime.date(2020, 2, 1),
                                  end_date=datetime.date(2020, 2, 7), created_by=admin)
    rounds = ((first, .93, first.start_date, LAST_DAY - datetime.timedelta(days=1)),
              (second, .25, second.start_date, LAST_DAY))
    sizes = dict(Person.objects.exclude(household=None).values("household_id").annotate(n=Count("pk"))
                 .values_list("household_id", "n"))
    found = []
    for household_id, region_code in Household.objects.values_list("pk", "region_id").order_by("pk").iterator():
        size = sizes.get(household_id, 1)
        worker = workers.for_region(region_code)
        for sweep, share, first_day, last_day in rounds:
            if rng.random() >= share:
                continue
            span = (last_day - first_day).days + 1
            day = first_day + datetime.timedelta(days=min(rng.randrange(span), rng.randrange(span)))  # early-heavy
            away = rng.random() < .12 and size > 1
            found.append(VisitRow(sweep.pk, household_id, region_code, day, worker.pk if worker else None,
                                  size - (1 if away else 0), rng.choice(AWAY) if away else "",
                                  "returnee" if household_id in returnee_households else "", "", _at(day, rng)))
    return found


def insert_rows(model, rows: list) -> None:
    """Write dataclass rows (fields named like the model's attributes) without a model instance each.

    PostgreSQL takes them with COPY; SQLite with multi-row INSERTs of values adapted by the backend.
    The values are already clean (built here), so nothing is validated again."""
    if not rows:
        return
    names = [f.name for f in dataclasses.fields(rows[0])]
    fields = [model._meta.get_field(name.removesuffix("_id")) for name in names]
    values_of = operator.attrgetter(*names)
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values_of(row))
            return
        adapt = [_adapter(field) for field in fields]
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            params = [fn(value) if fn else value
                      for row in chunk for fn, value in zip(adapt, values_of(row), strict=True)]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))}", params)


def _adapter(field):
    """The backend's adaptation of dates and times, cached: a few thousand distinct values serve all rows."""
    if isinstance(field, DateTimeField):
        return functools.lru_cache(maxsize=None)(connection.ops.adapt_datetimefield_value)
    if isinstance(field, DateField):
        return functools.lru_cache(maxsize=None)(connection.ops.adapt_datefield_value)
    return None


def screening_demo(options, log):
    """The `fangkong demo-data` step for screening (appended to demo.steps.STEPS)."""
    rng = random.Random(2020_02_02)
    workers = Workers()
    candidates = list(Person.objects.filter(birth_date__lte=datetime.date(2006, 1, 1))
                      .values_list("pk", "region_id", "household_id").order_by("pk"))
    total = round(Person.objects.count() * SHARE_ON_LEDGER)
    chosen = rng.sample(candidates, min(total, len(candidates)))
    with transaction.atomic():
        key_persons = build_key_persons(rng, [(pk, region) for pk, region, _h in chosen], workers)
        KeyPerson.objects.bulk_create(key_persons, batch_size=1000)
        checks = build_checks(rng, key_persons)
        insert_rows(DailyCheck, checks)
        insert_rows(KeyPersonEvent, build_events(rng, key_persons, checks))
        returnee_households = {h for (pk, _r, h), kp in zip(chosen, key_persons, strict=True)
                               if h and kp.category == "returnee"}
        visits = build_sweeps(rng, returnee_households, workers)
        insert_rows(HouseholdVisit, visits)
        contributions = [c for kp in key_persons for c in rollup.key_person_contributions(kp)]
        contributions += [c for check in checks for c in rollup.daily_check_contributions(check)]
        contributions += [c for visit in visits for c in rollup.visit_contributions(visit)]
        counters.track_change([], contributions)
        figures = {"key_persons": len(key_persons), "daily_checks": len(checks), "household_visits": len(visits)}
        audit.record(None, "demo.screening", object_type="demo", object_repr="screening demo data", region=COUNTY,
                     after=figures)
    by_category = defaultdict(int)
    for kp in key_persons:
        by_category[kp.category] += 1
    log(f"screening: {len(key_persons)} key persons ({dict(by_category)}), {len(checks)} daily checks, "
        f"{len(visits)} household visits")
