"""Demo data, part 2: the traffic of the demo days (demo.clock) up to now — passages, check-ins, hygiene logs.

* Passages: each checkpoint's daily volume (its spec, times the build's scale) spread over the
  hours (night low, peaks at 8–10 and 17–19; the first day from the opening at 07:00), fewer each
  day as controls bite, today only up to now. Vehicles carry one to four people registered together (the first passage of the plate
  counts the vehicle); about 3.5 % of inbound vehicles are turned back (劝返), a few persons in a
  thousand have a fever and go to the fever clinic (or isolation). Every passer-by is a resident
  of the demo county (the people table stays the county's residents).
* Risk arrivals (from Wuhan and Huanggang) bound for their village: on that village's ledger as a
  returnee from the day of the passage (its worker answerable, as the village would then set), with an
  `arrival` task for the worker — done by the next
  day, open for those of the last hours (at least one in each demo village account's village today).
  This is what the passage service does one at a time.
* Hidden returnees (隐匿人员): arrivals from a risk area with no village known (a township or no
  destination given, or a check-in), on no ledger: the reconciliation's to find. One arrived a few
  hours ago only, too recent to be reported yet.
* Check-ins at the open places (and the two stations' codes) during opening hours; hygiene logs of
  the open places every day, a few days missed, and some still missing today.

Rows are plain dataclasses written with `demo.screening.insert_rows` (bulk_create); the
few rows other rows point at (risk passages, their key persons and tasks) are bulk_created.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fangkong.checkpoints.models import CheckpointKind, CheckpointStatus, Direction, Outcome, Passage
from fangkong.people.models import Person
from fangkong.places.models import PlaceKind
from fangkong.screening.models import ArrivalTask, KeyPerson, TaskKind, TaskStatus
from fangkong.screening.services.key_persons import registration_text
from fangkong.screening.services.timeline import EventRow, event_row

from .checkpoint_sites import CLOSED_KINDS, OPEN_HOUR, local
from .clock import Clock

MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
HOURLY = [1, .5, .3, .3, .5, 1, 3, 6, 9, 8, 7, 6, 6, 6, 6, 7, 8, 9, 8, 6, 4, 3, 2, 1.5]
ORIGINS_IN = [("湖北省孝感市孝南区", "420902"), ("湖北省孝感市大悟县", "420922"), ("湖北省孝感市云梦县", "420923"),
              ("湖北省孝感市安陆市", "420982"), ("湖北省随州市广水市", "421381"), ("河南省信阳市", "411500"),
              ("河南省郑州市", "410100"), ("湖南省长沙市", "430100"), ("广东省深圳市", "440300")]
RISK_ORIGINS = [("湖北省武汉市江岸区", "420102"), ("湖北省武汉市武昌区", "420106"), ("湖北省武汉市洪山区", "420111"),
                ("湖北省武汉市东西湖区", "420112"), ("湖北省黄冈市黄州区", "421102")]
OUT_TO = ["孝感市孝南区", "大悟县", "安陆市", "县城", "镇上"]
ROAD_KINDS = (CheckpointKind.HIGHWAY_EXIT, CheckpointKind.BORDER_ROAD)
ARRIVAL_KINDS = (CheckpointKind.HIGHWAY_EXIT, CheckpointKind.BORDER_ROAD, CheckpointKind.STATION)
CHECK_INS_A_DAY = {PlaceKind.MARKET: 28, PlaceKind.SUPERMARKET: 22, PlaceKind.STATION: 18, PlaceKind.RESTAURANT: 7,
                   PlaceKind.HOTEL: 4, PlaceKind.OTHER: 9}
TASK_NOTES = ["已上门核实，落实居家健康监测", "已电话联系并上门测温，体温正常", "已核实，纳入居家隔离管理"]
HYGIENE_NOTES = ["消毒液用完，已补购", "巡查人员请假，次日补巡", "清洗设备故障，已报修"]
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(slots=True)
class PassageRow:
    checkpoint_id: int
    region_id: str
    passed_at: datetime.datetime
    direction: str
    person_id: int
    vehicle_plate: str
    counts_vehicle: bool
    origin: str
    origin_code: str
    destination_id: str | None
    destination_text: str
    temperature: Decimal
    outcome: str
    from_risk_area: bool
    key_person_id: int | None
    recorded_by_id: int | None


@dataclass(slots=True)
class CheckInRow:
    """A demo check-in: already linked to its person, as tracing staff would have confirmed it, with the
    identity the visitor typed (`typed_as_registered` fills it in from the person)."""
    place_id: int | None
    checkpoint_id: int | None
    region_id: str
    person_id: int
    checked_in_at: datetime.datetime
    origin: str
    origin_code: str
    from_risk_area: bool
    name: str = ""
    phone: str = ""
    phone_digest: str = ""
    id_number: str = ""
    id_digest: str = ""


def typed_as_registered(rows: list[CheckInRow]) -> None:
    """Each visitor typed their name, phone and ID number as their person has them (one read of the persons)."""
    persons = {row[0]: row[1:] for row in Person.objects.filter(pk__in={r.person_id for r in rows})
               .values_list("pk", "name", "phone", "phone_digest", "id_number", "id_digest").iterator(chunk_size=5000)}
    for row in rows:
        row.name, row.phone, row.phone_digest, row.id_number, row.id_digest = persons[row.person_id]


@dataclass(slots=True)
class HygieneRow:
    place_id: int
    region_id: str
    day: datetime.date
    cleaned: bool
    disinfected: bool
    patrolled: bool
    note: str
    recorded_by_id: int | None
    created_at: datetime.datetime


def township_of(code: str) -> str:
    return code[:9] + "000"


class Residents:
    """Who passes and checks in: the county's residents, by township; those on no ledger for the arrivals."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        rows = list(Person.objects.values_list("pk", "region_id").order_by("pk"))
        self.region = dict(rows)
        self.all = [pk for pk, _r in rows]
        self.by_township: dict[str, list[int]] = defaultdict(list)
        for pk, region in rows:
            self.by_township[township_of(region)].append(pk)
        listed = set(KeyPerson.objects.values_list("person_id", flat=True))
        self.unlisted = [pk for pk in self.all if pk not in listed]
        rng.shuffle(self.unlisted)
        self.taken: set[int] = set()

    def any(self) -> int:
        return self.rng.choice(self.all)

    def near(self, region_code: str) -> int:
        return self.rng.choice(self.by_township.get(township_of(region_code)) or self.all)

    def fresh(self, prefix: str = "") -> int | None:
        """A resident on no ledger (of the region `prefix` when given), not used for an arrival yet."""
        for pk in self.unlisted:
            if pk not in self.taken and self.region[pk].startswith(prefix):
                self.taken.add(pk)
                return pk
        return None


class Traffic:
    def __init__(self, rng: random.Random, clock: Clock, scale: float, crews: dict, workers):
        self.rng, self.clock, self.scale, self.crews, self.workers = rng, clock, scale, crews, workers
        self.now, self.today, self.first_day = clock.now, clock.today, clock.first_day
        self.passages: list[PassageRow] = []
        self.linked: list[Passage] = []  # risk arrivals and hidden returnees: saved with their ids
        self.key_persons: list[KeyPerson] = []
        self.tasks: list[ArrivalTask] = []
        self.events: list[EventRow] = []  # written with the other rows (checkpoints.py)
        self.check_ins: list[CheckInRow] = []
        self.hygiene: list[HygieneRow] = []
        self.hidden: list[int] = []

    # Moments -------------------------------------------------------------------------------------

    def days(self) -> list[datetime.date]:
        return self.clock.days()

    def moment(self, day: datetime.date, hours=range(24)) -> datetime.datetime | None:
        """A moment of the day, by the hourly curve, not after now nor before the opening on the first day
        (None when the day has none left)."""
        allowed = [h for h in hours if local(day, h) < self.now and (day > self.first_day or h >= OPEN_HOUR)]
        if not allowed:
            return None
        hour = self.rng.choices(allowed, weights=[HOURLY[h] for h in allowed])[0]
        at = local(day, hour, self.rng.randrange(60), self.rng.randrange(60))
        return at if at < self.now else self.now - self.rng.randrange(1, 30) * MINUTE

    def plate(self) -> str:
        rng = self.rng
        return "鄂" + rng.choice("KKKKAAJH") + rng.choice(LETTERS) + f"{rng.randrange(1000, 9999)}"

    def staff(self, cp) -> int:
        return self.rng.choice(self.crews[cp.pk][:4]).pk

    def temperature(self, fever: bool = False) -> Decimal:
        value = self.rng.uniform(37.3, 38.8) if fever else min(37.2, max(35.9, self.rng.gauss(36.5, .25)))
        return Decimal(f"{value:.1f}")

    # Ordinary passages -----------------------------------------------------------------------------

    def passages_of(self, cp, residents: Residents) -> None:
        spec, rng = cp.demo_spec, self.rng
        last = cp.closed_on - datetime.timedelta(days=1) if cp.status == CheckpointStatus.CLOSED else self.today
        days = self.days()
        for n, day in enumerate(days):
            if day > last:
                break
            trend = 1.25 - .5 * n / (len(days) - 1) + (.15 if day.weekday() >= 5 else 0)
            wanted = max(1, round(spec.daily * self.scale * trend * rng.uniform(.9, 1.1)))
            made = 0
            while made < wanted:
                at = self.moment(day, range(24) if cp.open_24h else range(7, 21))
                if at is None:
                    break
                made += self.group(cp, at, residents)

    def group(self, cp, at: datetime.datetime, residents: Residents) -> int:
        rng, spec = self.rng, cp.demo_spec
        vehicle = rng.random() < spec.vehicles
        size = rng.choice((1, 1, 2, 2, 2, 3, 4)) if vehicle else 1
        # the people of a vehicle are registered 20 s apart: the last of them, too, before now
        at = min(at, self.now - size * 20 * datetime.timedelta(seconds=1))
        plate = self.plate() if vehicle else ""
        inbound = rng.random() < .68
        turned_back = inbound and cp.kind in ROAD_KINDS + (CheckpointKind.STATION,) and rng.random() < .035
        origin, origin_code = rng.choice(RISK_ORIGINS) if turned_back and rng.random() < .4 else rng.choice(ORIGINS_IN)
        staff = self.staff(cp)
        for i in range(size):
            person = residents.near(cp.region_id) if cp.kind in (CheckpointKind.VILLAGE_ENTRANCE,
                                                                  CheckpointKind.COMMUNITY_GATE) else residents.any()
            fever = not turned_back and rng.random() < .0015
            outcome = (Outcome.TURNED_BACK if turned_back else
                       (Outcome.FEVER_CLINIC if rng.random() < .75 else Outcome.ISOLATION) if fever else Outcome.PASS)
            if inbound:
                draw = rng.random()
                home = residents.region[person]
                destination = home if draw < .75 else township_of(home) if draw < .85 else None
                text = f"{rng.randrange(1, 9)}组" if destination and len(destination) == 15 else ""
                row_origin, row_code = origin, origin_code
            else:
                destination, text, row_origin, row_code = None, rng.choice(OUT_TO), "", ""
            self.passages.append(PassageRow(
                cp.pk, cp.region_id, at + i * 20 * datetime.timedelta(seconds=1), Direction.IN if inbound else Direction.OUT,
                person, plate, bool(plate) and i == 0, row_origin, row_code, destination, text,
                self.temperature(fever), outcome, False, None, staff))
        return size

    # Risk arrivals and hidden returnees ---------------------------------------------------------------

    def risk_arrival(self, cp, at: datetime.datetime, person: int, residents: Residents, *, destination: str | None,
                     ledger: bool) -> Passage:
        rng = self.rng
        origin, origin_code = rng.choice(RISK_ORIGINS)
        plate = self.plate() if rng.random() < cp.demo_spec.vehicles else ""
        fever = ledger and rng.random() < .03
        outcome = Outcome.FEVER_CLINIC if fever else (Outcome.ISOLATION if rng.random() < .12 else Outcome.PASS)
        passage = Passage(checkpoint=cp, region_id=cp.region_id, passed_at=at, direction=Direction.IN,
                          person_id=person, vehicle_plate=plate, counts_vehicle=bool(plate), origin=origin,
                          origin_code=origin_code, destination_id=destination,
                          destination_text=f"{rng.randrange(1, 9)}组" if destination and len(destination) > 12 else "",
                          temperature=self.temperature(fever), outcome=outcome, from_risk_area=True,
                          recorded_by_id=self.staff(cp))
        self.linked.append(passage)
        if ledger:
            day = timezone.localdate(at)
            kp = KeyPerson(person_id=person, category="returnee", region_id=destination, registered_on=day,
                           origin=origin, arrival_date=day, transport_mode="car" if plate else "",
                           transport_number=plate, note=f"{cp.name}卡点登记，{timezone.localtime(at):%m-%d %H:%M}入境",
                           responsible=self.workers.for_region(destination), created_at=at, updated_at=at)
            passage.demo_key_person = kp
            self.key_persons.append(kp)
        return passage

    def arrivals(self, checkpoints, residents: Residents, forced_regions: list[str]) -> None:
        """Risk arrivals bound for villages (on their ledger), a few each day; today, one in each of `forced_regions`."""
        rng = self.rng
        entries = [cp for cp in checkpoints if cp.kind in ARRIVAL_KINDS and cp.status == CheckpointStatus.OPEN]
        weights = [cp.demo_spec.daily for cp in entries]
        days = self.days()
        for n, day in enumerate(days):
            for _i in range(max(1, round(16 * self.scale * (1.3 - .6 * n / (len(days) - 1))))):
                at, person = self.moment(day), residents.fresh()
                if at is None or person is None:
                    continue
                cp = rng.choices(entries, weights=weights)[0]
                self.risk_arrival(cp, at, person, residents, destination=residents.region[person], ledger=True)
        for k, code in enumerate(forced_regions):
            person = residents.fresh(code)
            if person is not None:
                at = self.now - (40 + 35 * k) * MINUTE
                self.risk_arrival(entries[k % len(entries)], at, person, residents,
                                  destination=residents.region[person], ledger=True)

    def hidden_returnees(self, checkpoints, places, residents: Residents) -> None:
        """Risk arrivals no ledger holds: township or no destination, or a check-in (ages in hours)."""
        by_kind = defaultdict(list)
        for cp in checkpoints:
            if cp.status == CheckpointStatus.OPEN:
                by_kind[cp.kind].append(cp)
        highway, border = by_kind[CheckpointKind.HIGHWAY_EXIT][0], by_kind[CheckpointKind.BORDER_ROAD][0]
        open_places = [p for p in places if not p.is_closed and p.kind in (PlaceKind.MARKET, PlaceKind.SUPERMARKET)]
        for hours_ago, cp, to_township in ((30, highway, True), (75, border, True), (50, highway, False),
                                           (100, border, False), (5, highway, True)):
            person = residents.fresh()
            if person is None:
                continue
            self.hidden.append(person)
            destination = township_of(residents.region[person]) if to_township else None
            self.risk_arrival(cp, self.now - hours_ago * HOUR, person, residents, destination=destination, ledger=False)
        for hours_ago, place in ((36, open_places[0]), (120, open_places[-1])):
            person = residents.fresh()
            if person is None:
                continue
            self.hidden.append(person)
            origin, origin_code = self.rng.choice(RISK_ORIGINS)
            self.check_ins.append(CheckInRow(place.pk, None, place.region_id, person, self.now - hours_ago * HOUR,
                                             origin, origin_code, True))

    # Places ------------------------------------------------------------------------------------------

    def open_on(self, place, day: datetime.date) -> bool:
        if place.kind in CLOSED_KINDS:
            return False
        closed = getattr(place, "demo_closed", None)
        return not (closed and closed[0] <= day < closed[1])

    def check_ins_at(self, places, checkpoints, residents: Residents) -> None:
        rng = self.rng
        for place in places:
            rate = CHECK_INS_A_DAY.get(place.kind, 0)
            for day in self.days():
                if not rate or not self.open_on(place, day):
                    continue
                for _i in range(max(0, round(rate * self.scale * rng.uniform(.7, 1.3)))):
                    at = self.moment(day, range(7, 21))
                    if at is not None:
                        self.check_ins.append(CheckInRow(place.pk, None, place.region_id, residents.near(place.region_id),
                                                         at, "", "", False))
        for cp in checkpoints:
            if cp.kind != CheckpointKind.STATION or cp.status != CheckpointStatus.OPEN:
                continue
            for day in self.days():
                for _i in range(round(12 * self.scale)):
                    at = self.moment(day, range(7, 21))
                    if at is not None:
                        self.check_ins.append(CheckInRow(None, cp.pk, cp.region_id, residents.any(), at,
                                                         rng.choice(ORIGINS_IN)[0], "", False))

    def hygiene_logs(self, places, first_day: datetime.date) -> None:
        """Every open place logs each day (4 % of past days missed); today a quarter (and the first three) not yet."""
        rng = self.rng
        missing_today = {p.pk for p in [p for p in places if not p.is_closed][:3]}
        for place in places:
            worker = self.workers.for_region(place.region_id)
            day = first_day
            while day <= self.today:
                skip = (not self.open_on(place, day) or (day < self.today and rng.random() < .04)
                        or (day == self.today and (place.pk in missing_today or rng.random() < .25)))
                at = min(local(day, rng.randrange(8, 18), rng.randrange(60)), self.now - MINUTE)
                if not skip and timezone.localdate(at) == day:
                    flawed = rng.random() < .03
                    item = rng.randrange(3)
                    self.hygiene.append(HygieneRow(place.pk, place.region_id, day, not (flawed and item == 0),
                                                   not (flawed and item == 1), not (flawed and item == 2),
                                                   rng.choice(HYGIENE_NOTES) if flawed else "",
                                                   worker.pk if worker else None, at))
                day += datetime.timedelta(days=1)

    # Saving the linked rows ----------------------------------------------------------------------------

    def save_linked(self) -> None:
        """Key persons, then the risk passages pointing at them, then the tasks pointing at both."""
        KeyPerson.objects.bulk_create(self.key_persons, batch_size=500)
        for passage in self.linked:
            kp = getattr(passage, "demo_key_person", None)
            passage.key_person_id = kp.pk if kp else None
        self.linked.sort(key=lambda p: p.passed_at)
        Passage.objects.bulk_create(self.linked, batch_size=500)
        for passage in self.linked:
            kp = getattr(passage, "demo_key_person", None)
            if kp is None:
                continue
            self.events.append(event_row(kp.pk, "registered", registration_text(kp), at=kp.created_at,
                                         actor_id=passage.recorded_by_id))
            task = ArrivalTask(kind=TaskKind.ARRIVAL, region_id=kp.region_id, person_id=kp.person_id, passage=passage,
                               key_person=kp, opened_at=passage.passed_at)
            worker = self.workers.for_region(kp.region_id)
            if passage.passed_at < self.now - 20 * HOUR and worker is not None:
                task.status, task.closed_by, task.note = TaskStatus.DONE, worker, self.rng.choice(TASK_NOTES)
                task.closed_at = min(passage.passed_at + self.rng.randrange(120, 1080) * MINUTE, self.now - MINUTE)
            self.tasks.append(task)
        ArrivalTask.objects.bulk_create(self.tasks, batch_size=1000)
