"""Demo data for screening: the demo county as it looked on 2 February 2020.

Two sweeps (the first over nearly every household, the second just begun), about 3 % of the
residents on the ledger — mostly returnees from Wuhan who arrived 10–31 January, some fever
cases and close contacts, a few suspected and confirmed cases — and their daily checks from
20 January to 2 February, with a few fevers and missed days; those whose 14 days are over are
released. Rows are bulk-inserted; the roll-up counters get the same contributions the services
would have tracked, in one `track_change`, so the counters equal a rebuild.
"""

import datetime
import functools
import random
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.people.models import Household, Person

from . import rollup
from .models import DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Status, Sweep
from .services.checks import check_text, is_fever
from .services.key_persons import registration_text, status_text

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


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(8 + rng.randrange(11), rng.randrange(60)), tzinfo=ZONE)


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
        kp.created_at = kp.updated_at = _at(kp.registered_on, rng)
        found.append(kp)
    return found


def _temperature(rng: random.Random, kp: KeyPerson, day: datetime.date) -> Decimal:
    feverish = ((kp.category in ("fever", "suspected", "confirmed") and (day - kp.registered_on).days < 3)
                or rng.random() < .004)
    value = rng.uniform(37.3, 38.9) if feverish else min(37.2, max(35.8, rng.gauss(36.5, .25)))
    return Decimal(f"{value:.1f}")


def build_checks(rng: random.Random, key_persons: list[KeyPerson]) -> list[DailyCheck]:
    found = []
    for kp in key_persons:
        last = LAST_DAY if kp.ended_on is None else kp.ended_on - datetime.timedelta(days=1)
        for day in _days(max(kp.registered_on, FIRST_CHECK), last):
            if rng.random() < .05:  # a missed day
                continue
            found.append(DailyCheck(
                key_person=kp, region_id=kp.region_id, checked_on=day, temperature=_temperature(rng, kp, day),
                symptoms=kp.symptoms if day == kp.registered_on else "",
                method=_weighted(rng, [("phone", .6), ("visit", .3), ("self_report", .1)]),
                checked_by=kp.responsible, created_at=_at(day, rng)))
    return found


def build_events(rng: random.Random, key_persons: list[KeyPerson], checks: list[DailyCheck]) -> list[KeyPersonEvent]:
    found = []
    for kp in key_persons:
        found.append(KeyPersonEvent(key_person=kp, at=kp.created_at, kind="registered", text=registration_text(kp),
                                    actor=kp.responsible))
        if kp.ended_on:
            found.append(KeyPersonEvent(key_person=kp, at=_at(kp.ended_on, rng), kind="status",
                                        text=status_text(kp, kp.note), actor=kp.responsible))
    for check in checks:
        found.append(KeyPersonEvent(key_person=check.key_person, at=check.created_at,
                                    kind="fever_check" if is_fever(check.temperature) else "check",
                                    text=_check_event(check.checked_on, check.temperature, check.method,
                                                      check.symptoms), actor=check.checked_by))
    return found


@functools.lru_cache(maxsize=4096)
def _check_event(day, temperature, method, symptoms) -> str:
    """The services' timeline text; a few hundred distinct ones serve tens of thousands of checks."""
    return check_text(DailyCheck(checked_on=day, temperature=temperature, method=method, symptoms=symptoms), False)


def build_sweeps(rng: random.Random, returnee_households: set[int], workers: Workers) -> list[HouseholdVisit]:
    admin = User.objects.filter(username="admin").first()
    first = Sweep.objects.create(name="第一轮全县地毯式摸排", region_id=COUNTY, start_date=datetime.date(2020, 1, 24),
                                 end_date=LAST_DAY, created_by=admin)
    second = Sweep.objects.create(name="第二轮拉网式复查", region_id=COUNTY, start_date=datetime.date(2020, 2, 1),
                                  end_date=datetime.date(2020, 2, 7), created_by=admin)
    sizes = dict(Person.objects.exclude(household=None).values("household_id").annotate(n=Count("pk"))
                 .values_list("household_id", "n"))
    found = []
    for household_id, region_code in Household.objects.values_list("pk", "region_id").order_by("pk").iterator():
        size = sizes.get(household_id, 1)
        for sweep, share, first_day, last_day in ((first, .93, first.start_date, LAST_DAY - datetime.timedelta(days=1)),
                                                  (second, .25, second.start_date, LAST_DAY)):
            if rng.random() >= share:
                continue
            away = rng.random() < .12 and size > 1
            found.append(HouseholdVisit(
                sweep=sweep, household_id=household_id, region_id=region_code,
                visited_on=first_day + datetime.timedelta(days=min(rng.randrange((last_day - first_day).days + 1),
                                                                   rng.randrange((last_day - first_day).days + 1))),
                visited_by=workers.for_region(region_code), present_count=size - (1 if away else 0),
                away_note=rng.choice(["1人在武汉务工，未返乡", "1人在外地上学", "1人在广东务工"]) if away else "",
                finding="returnee" if household_id in returnee_households else ""))
    return found


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
        DailyCheck.objects.bulk_create(checks, batch_size=2000)
        KeyPersonEvent.objects.bulk_create(build_events(rng, key_persons, checks), batch_size=2000)
        returnee_households = {h for (pk, _r, h), kp in zip(chosen, key_persons, strict=True)
                               if h and kp.category == "returnee"}
        visits = build_sweeps(rng, returnee_households, workers)
        HouseholdVisit.objects.bulk_create(visits, batch_size=2000)
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
