"""Demo data, part 1: what stands in the county — risk areas, checkpoints with their staff, duty
shifts and five-haves inspections, key places with closures, and a place code for each.

All of it is set up on the morning of the response's first day (demo.clock), before the traffic
(checkpoint_traffic) begins. Everything here is a few hundred rows, saved with bulk_create.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.checkpoints.models import (
    FIVE_HAVES,
    Checkpoint,
    CheckpointKind,
    CheckpointStatus,
    DutyShift,
    FiveHavesInspection,
)
from fangkong.core import region_codes as codes
from fangkong.places.models import ClosureOrder, Place, PlaceCode, PlaceKind
from fangkong.regions.models import Region
from fangkong.risk_areas import services as risk_areas
from fangkong.risk_areas.models import RiskArea

from .clock import Clock

COUNTY = "420921000000"
# Day 1 from 06:00 the checkpoints open and the places are registered, closed and given their codes;
# the traffic starts at OPEN_HOUR.
SET_UP_HOUR, OPEN_HOUR = 6, 7


def risk_area_periods(clock: Clock) -> list[tuple[str, str, datetime.date, datetime.date | None]]:
    """(code, name, valid from, valid until): 武汉 from day 1 and 黄冈 from day 2 until further notice, 温州 from
    three days ago for five weeks."""
    return [("4201", "湖北省武汉市", clock.day(1), None), ("4211", "湖北省黄冈市", clock.day(2), None),
            ("3303", "浙江省温州市", clock.today - datetime.timedelta(days=3),
             clock.today + datetime.timedelta(days=32))]


def local(day: datetime.date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class CheckpointSpec:
    name: str
    kind: str
    township: int  # 1..10 (index into the demo's townships)
    village: int | None  # index of the township's villages for entrances and gates, else None
    location: str
    daily: int  # passages a day at full scale
    vehicles: float  # share of passages in a vehicle
    open_24h: bool = True
    closed_days_ago: int | None = None


CHECKPOINTS = [
    CheckpointSpec("G4京港澳高速孝昌出口", CheckpointKind.HIGHWAY_EXIT, 1, None, "花园镇G4高速收费站", 520, .95),
    CheckpointSpec("福银高速孝昌东出口", CheckpointKind.HIGHWAY_EXIT, 3, None, "丰山镇福银高速收费站", 380, .95),
    CheckpointSpec("麻竹高速小河出口", CheckpointKind.HIGHWAY_EXIT, 5, None, "小河镇麻竹高速收费站", 240, .95),
    CheckpointSpec("孝昌火车站", CheckpointKind.STATION, 1, None, "花园镇车站路1号", 300, 0),
    CheckpointSpec("孝昌汽车客运站", CheckpointKind.STATION, 2, None, "书院街道槐荫大道", 220, 0),
    CheckpointSpec("天河机场孝昌旅客接驳点", CheckpointKind.AIRPORT, 2, None, "书院街道县客运中心", 60, .3, False),
    CheckpointSpec("澴河花园码头", CheckpointKind.DOCK, 1, None, "花园镇澴河渡口", 40, 0, False, closed_days_ago=4),
    CheckpointSpec("孝昌—大悟县际公路卡点", CheckpointKind.BORDER_ROAD, 9, None, "邹岗镇107国道县界", 200, .85),
    CheckpointSpec("孝昌—孝南县际公路卡点", CheckpointKind.BORDER_ROAD, 4, None, "周巷镇316省道县界", 260, .85),
    CheckpointSpec("孝昌—安陆县际公路卡点", CheckpointKind.BORDER_ROAD, 7, None, "卫店镇县道县界", 150, .85),
    CheckpointSpec("{village}村口卡点", CheckpointKind.VILLAGE_ENTRANCE, 1, 0, "东岳村主路口", 50, .5),
    CheckpointSpec("{village}村口卡点", CheckpointKind.VILLAGE_ENTRANCE, 1, 1, "村委会路口", 40, .5, False),
    CheckpointSpec("{village}村口卡点", CheckpointKind.VILLAGE_ENTRANCE, 3, 0, "村西路口", 35, .5, False),
    CheckpointSpec("{village}东门", CheckpointKind.COMMUNITY_GATE, 2, 0, "小区东门", 90, .3),
    CheckpointSpec("{village}北门", CheckpointKind.COMMUNITY_GATE, 2, 1, "小区北门", 70, .3),
]

PLACE_KINDS_PER_TOWNSHIP = [(PlaceKind.MARKET, "农贸市场"), (PlaceKind.SUPERMARKET, "购物广场"),
                            (PlaceKind.SUPERMARKET, "平价超市"), (PlaceKind.RESTAURANT, "饭店"),
                            (PlaceKind.HOTEL, "宾馆"), (PlaceKind.SCHOOL, "中心小学")]
COUNTY_PLACES = [(PlaceKind.VENUE, "孝昌县博物馆"), (PlaceKind.VENUE, "孝昌县图书馆"), (PlaceKind.VENUE, "孝昌县文化馆"),
                 (PlaceKind.VENUE, "孝昌影剧院"), (PlaceKind.STATION, "孝昌汽车客运站候车厅"),
                 (PlaceKind.RELIGIOUS, "观音寺"), (PlaceKind.OTHER, "县政务服务中心")]
CLOSED_KINDS = (PlaceKind.SCHOOL, PlaceKind.VENUE, PlaceKind.RELIGIOUS)  # closed for the whole period
CLOSURE_REASON = "疫情防控期间暂停开放，恢复时间另行通知"


class Geography:
    """The demo county's townships and their villages (whatever the build's size)."""

    def __init__(self):
        self.townships = list(Region.objects.filter(level=codes.TOWNSHIP, code__startswith=COUNTY[:6]).order_by("code"))
        villages = Region.objects.filter(level=codes.VILLAGE, code__startswith=COUNTY[:6]).order_by("code")
        self.villages: dict[str, list[Region]] = {}
        for v in villages:
            self.villages.setdefault(v.code[:9] + "000", []).append(v)

    def township(self, n: int) -> Region:
        return self.townships[(n - 1) % len(self.townships)]

    def village(self, township: Region, n: int) -> Region:
        found = self.villages.get(township.code) or [township]
        return found[n % len(found)]


def install_risk_areas(admin, clock: Clock) -> list[RiskArea]:
    areas = RiskArea.objects.bulk_create([
        RiskArea(code=code, name=name, valid_from=since, valid_until=until, created_by=admin,
                 created_at=clock.clamp(local(since, SET_UP_HOUR - 1))) for code, name, since, until in risk_area_periods(clock)])
    risk_areas.clear_cache()
    return areas


def build_checkpoints(geo: Geography, clock: Clock) -> list[Checkpoint]:
    today = clock.today
    found = []
    for spec in CHECKPOINTS:
        township = geo.township(spec.township)
        region = geo.village(township, spec.village) if spec.village is not None else township
        name = spec.name.format(village=region.name)
        closed = spec.closed_days_ago is not None
        cp = Checkpoint(name=name, kind=spec.kind, region=region, location=spec.location, open_24h=spec.open_24h,
                        hours="" if spec.open_24h else "07:00-21:00",
                        status=CheckpointStatus.CLOSED if closed else CheckpointStatus.OPEN,
                        opened_on=clock.first_day,
                        closed_on=today - datetime.timedelta(days=spec.closed_days_ago) if closed else None,
                        created_at=local(clock.first_day, SET_UP_HOUR))
        cp.updated_at = cp.created_at
        cp.demo_spec = spec
        found.append(cp)
    Checkpoint.objects.bulk_create(found)
    return found


def build_staff(rng: random.Random, checkpoints: list[Checkpoint]) -> dict[int, list[User]]:
    """Four duty staff per checkpoint (`cpstaff_<n>_<k>`, the demo password); the demo accounts `checkpoint`
    (county) and `checkpoint1` (花园镇) join the crews of the checkpoints in their scope."""
    existing = {u.username: u for u in User.objects.filter(role=Role.CHECKPOINT_STAFF)}
    model = User.objects.filter(username="village1").first()
    password = model.password if model else make_password(None)
    new, crews = [], {}
    for n, cp in enumerate(checkpoints, start=1):
        crew = []
        for k in range(1, 5):
            username = f"cpstaff_{n:02d}_{k}"
            user = existing.get(username) or User(
                username=username, role=Role.CHECKPOINT_STAFF, region_id=cp.region_id,
                display_name=f"{cp.name}值守{k}", password=password,
                phone=f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}")
            if user.pk is None:
                new.append(user)
            crew.append(user)
        crews[cp.pk] = crew
    User.objects.bulk_create(new, batch_size=500)
    for username in ("checkpoint", "checkpoint1"):
        user = existing.get(username)
        if user is None:
            continue
        for cp in checkpoints:
            if codes.is_within(cp.region_id, user.region_id) and cp.kind == CheckpointKind.HIGHWAY_EXIT:
                crews[cp.pk].append(user)
    return crews


def build_shifts(checkpoints, crews, clock: Clock) -> list[DutyShift]:
    """Three eight-hour shifts a day (a day-time checkpoint: two) from yesterday to tomorrow."""
    today = clock.today
    rows = []
    for cp in checkpoints:
        if cp.status != CheckpointStatus.OPEN:
            continue
        crew = crews[cp.pk]
        hours = (0, 8, 16) if cp.open_24h else (7, 14)
        length = 8 if cp.open_24h else 7
        for d in (-1, 0, 1):
            day = today + datetime.timedelta(days=d)
            for i, hour in enumerate(hours):
                start = local(day, hour)
                staff = crew[((d + 1) * len(hours) + i) % 4]
                rows.append(DutyShift(checkpoint=cp, staff=staff, starts_at=start,
                                      ends_at=start + datetime.timedelta(hours=length),
                                      note="带班" if i == 0 else "", created_at=local(today - datetime.timedelta(days=2), 9)))
    # the demo accounts are on duty now, at their checkpoints
    for cp in checkpoints:
        for user in crews[cp.pk][4:]:
            start = timezone.localtime(clock.now).replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=2)
            rows.append(DutyShift(checkpoint=cp, staff=user, starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                                  note="演示账号", created_at=start))
    return DutyShift.objects.bulk_create(rows, batch_size=1000)


FAILING = {1: ("thermometer", "测温枪电池耗尽，已要求当日更换"), 8: ("disinfection", "消毒记录缺两天，喷雾器损坏")}


def build_inspections(rng: random.Random, checkpoints, clock: Clock) -> list[FiveHavesInspection]:
    """Two inspections of each open checkpoint, in the first days and two days ago; the latest of two of them
    fails one item."""
    inspectors = list(User.objects.filter(username__in=["supervisor", "hq"]).order_by("username"))
    rows, latest = [], {}
    days = (clock.day(max(2, clock.length - 10)), clock.today - datetime.timedelta(days=2))
    for n, cp in enumerate(checkpoints):
        if cp.status != CheckpointStatus.OPEN or not inspectors:
            continue
        for day in days:
            items = dict.fromkeys(FIVE_HAVES, True)
            note = ""
            if day == days[-1] and n in FAILING:
                item, note = FAILING[n]
                items[item] = False
            inspection = FiveHavesInspection(checkpoint=cp, inspector=rng.choice(inspectors), note=note,
                                             inspected_at=local(day, rng.randrange(9, 17), rng.randrange(60)), **items)
            rows.append(inspection)
            latest[cp.pk] = inspection
    FiveHavesInspection.objects.bulk_create(rows)
    for cp in checkpoints:
        if cp.pk in latest:
            cp.last_inspection = latest[cp.pk]
            cp.five_haves_ok = not latest[cp.pk].failing
    Checkpoint.objects.bulk_update(checkpoints, ["last_inspection", "five_haves_ok"])
    return rows


def build_places(rng: random.Random, geo: Geography, clock: Clock) -> list[Place]:
    created = local(clock.first_day, SET_UP_HOUR, 10)
    found = []
    for t_index, township in enumerate(geo.townships):
        stem = township.name[:-1] if township.name.endswith(("镇", "乡")) else township.name[:2]
        for k, (kind, suffix) in enumerate(PLACE_KINDS_PER_TOWNSHIP):
            village = geo.village(township, k + t_index)
            found.append(Place(name=f"{stem}{suffix}", kind=kind, region=village, address=f"{township.name}{village.name}",
                               operator=f"{stem}{suffix}经营部" if kind != PlaceKind.SCHOOL else f"{stem}中心小学",
                               operator_phone=f"0712-{rng.randrange(4000000, 4999999)}"))
    seat = geo.township(2)
    for k, (kind, name) in enumerate(COUNTY_PLACES):
        village = geo.village(seat, k)
        found.append(Place(name=name, kind=kind, region=village, address=f"{seat.name}{village.name}",
                           operator=name, operator_phone=f"0712-{rng.randrange(4000000, 4999999)}"))
    for place in found:
        place.created_at = place.updated_at = created
    return Place.objects.bulk_create(found)


def build_closures(places: list[Place], clock: Clock) -> list[ClosureOrder]:
    """Schools, the three halls and the cinema, religious sites: closed as the places are registered.
    One restaurant was closed for three days last week and reopened."""
    today = clock.today
    orderer = {u.username: u for u in User.objects.filter(username__in=["hq", "admin"])}
    hq = orderer.get("hq") or orderer.get("admin")
    rows = []
    for place in places:
        if place.kind in CLOSED_KINDS:
            place.is_closed = True
            rows.append(ClosureOrder(place=place, ordered_by=hq, reason=CLOSURE_REASON,
                                     closed_at=local(clock.first_day, SET_UP_HOUR, 20)))
    restaurant = next(p for p in places if p.kind == PlaceKind.RESTAURANT)
    rows.append(ClosureOrder(place=restaurant, ordered_by=hq, reason="未落实每日消毒，责令停业整改",
                             closed_at=local(today - datetime.timedelta(days=6), 15),
                             reopened_at=local(today - datetime.timedelta(days=3), 9), reopened_by=hq))
    restaurant.demo_closed = (today - datetime.timedelta(days=6), today - datetime.timedelta(days=3))
    Place.objects.bulk_update([p for p in places if p.is_closed], ["is_closed"])
    return ClosureOrder.objects.bulk_create(rows)


def build_codes(places, checkpoints, clock: Clock) -> list[PlaceCode]:
    created = local(clock.first_day, SET_UP_HOUR, 30)
    rows = [PlaceCode(place=p, created_at=created) for p in places]
    rows += [PlaceCode(checkpoint=cp, created_at=created, is_active=cp.status == CheckpointStatus.OPEN)
             for cp in checkpoints]
    return PlaceCode.objects.bulk_create(rows)
