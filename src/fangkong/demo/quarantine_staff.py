"""Who answers for the demo's isolated people (包保), and the designated hotels with their rooms.

The demo accounts cover a few villages: village1 (its grid 001: grid1), village2, village3 as
cadres; doctor1 for village1 and doctor_town, the township hospital's doctor, for the other
villages of 花园镇. Every other village gets a cadre and a village doctor of its own
(`cadre_<township><village>`, `doctor_<township><village>`, the demo password), and each site a
doctor: doctor_town for the 花园镇 site, generated ones for the others.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from fangkong.accounts.models import Role, User
from fangkong.core import region_codes as codes
from fangkong.quarantine.models import Kind, ObservationSite, Room
from fangkong.regions.models import Region

from .clock import Clock

COUNTY = "420921000000"
TOWN1 = "420921001000"
VILLAGE1 = "420921001201"
DEMO_CADRES = {"420921001201001": "grid1", VILLAGE1: "village1", "420921001202": "village2",
               "420921002001": "village3"}


@dataclass(frozen=True)
class SiteSpec:
    name: str
    region: str
    address: str
    manager: str  # a demo account
    doctor: str  # username; made when it is not a demo account
    floors: range
    rooms_per_floor: int
    twin_rooms: int  # on the top floor, for families


SITES = [
    SiteSpec("孝昌县宾馆集中医学观察点", COUNTY, "孝昌县花园镇槐荫大道88号", "hq", "doctor_site_county", range(2, 8), 36, 12),
    SiteSpec("花园镇卫生院隔离观察点", TOWN1, "孝昌县花园镇建设路12号", "town1", "doctor_town", range(2, 5), 15, 0),
    SiteSpec("书院街道金色大酒店观察点", "420921002000", "孝昌县书院街道书院路36号", "town2", "doctor_site_002",
             range(3, 7), 12, 0),
]


class Staff:
    """The cadre and doctor answerable for a region's people, and each site's doctor (user ids)."""

    def __init__(self, by_username: dict[str, User], created: int):
        self.by_username = by_username
        self.created = created

    @classmethod
    def build(cls, rng: random.Random) -> "Staff":
        villages = list(Region.objects.filter(level=codes.VILLAGE, code__startswith=COUNTY[:6]).order_by("code"))
        existing = {u.username: u for u in User.objects.all()}
        # the demo accounts' password hash, reused: PBKDF2 is slow on purpose
        password = existing["village1"].password if "village1" in existing else make_password(None)
        new = []

        def add(username, role, region, display_name):
            if username not in existing:
                user = User(username=username, role=role, region_id=region, display_name=display_name,
                            password=password, phone=f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}")
                existing[username] = user
                new.append(user)

        for village in villages:
            if village.code not in DEMO_CADRES:
                add(cls.cadre_name(village.code), Role.VILLAGE_WORKER, village.code, f"{village.name}干部")
            if not village.code.startswith(TOWN1[:9]):
                add(cls.doctor_name(village.code), Role.DOCTOR, village.code, f"{village.name}医生")
        for spec in SITES:
            add(spec.doctor, Role.DOCTOR, spec.region, f"{spec.name}医生")
        User.objects.bulk_create(new, batch_size=500)
        return cls(existing, len(new))

    @staticmethod
    def cadre_name(village_code: str) -> str:
        return DEMO_CADRES.get(village_code) or f"cadre_{village_code[6:12]}"

    @staticmethod
    def doctor_name(village_code: str) -> str:
        if village_code.startswith(VILLAGE1):
            return "doctor1"
        if village_code.startswith(TOWN1[:9]):
            return "doctor_town"
        return f"doctor_{village_code[6:12]}"

    def user(self, username: str) -> User | None:
        return self.by_username.get(username)

    def cadre(self, region_code: str) -> User:
        """The village worker of the person's grid (grid1) or village."""
        found = self.by_username.get(DEMO_CADRES.get(region_code, ""))
        return found or self.by_username[self.cadre_name(region_code[:12])]

    def doctor(self, region_code: str) -> User:
        return self.by_username[self.doctor_name(region_code[:12])]


def build_sites(staff: Staff, clock: Clock) -> list[ObservationSite]:
    """The three designated hotels with single rooms (and a few twins), designated on the response's first
    morning; `site.demo_rooms` lists them."""
    sites = []
    for spec in SITES:
        site = ObservationSite.objects.create(name=spec.name, region_id=spec.region, address=spec.address,
                                              manager=staff.user(spec.manager),
                                              created_at=clock.clamp(clock.at(clock.day(1), 7)))
        rooms = [Room(site=site, name=f"{floor}{n:02d}", capacity=1)
                 for floor in spec.floors for n in range(1, spec.rooms_per_floor + 1)]
        top = spec.floors[-1] + 1
        rooms += [Room(site=site, name=f"{top}{n:02d}", capacity=2) for n in range(1, spec.twin_rooms + 1)]
        site.demo_rooms = Room.objects.bulk_create(rooms)
        site.demo_doctor = staff.user(spec.doctor)
        sites.append(site)
    return sites


def site_for(sites: list[ObservationSite], region_code: str) -> ObservationSite:
    """The township's own site when it has one, else the county's."""
    for site in sites:
        if site.region_id != COUNTY and region_code.startswith(site.region_id[:9]):
            return site
    return next(site for site in sites if site.region_id == COUNTY)


def place(plans, sites: list[ObservationSite]) -> int:
    """Give each centralised order its site, doctor and a room free for its whole stay (in order of start).

    A bed is free from the moment its last occupant's stay ends, so no room ever holds more people
    than its capacity. Returns the number of orders left without a room (the site is full).
    """
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    leaving: dict[int, list[datetime.datetime]] = {}  # room id → when its occupants leave
    unplaced = 0
    for plan in sorted((p for p in plans if p.order.kind == Kind.CENTRALISED), key=lambda p: p.order.start_at):
        q = plan.order
        site = site_for(sites, q.region_id)
        q.site, q.doctor = site, site.demo_doctor or q.doctor
        stay_end = q.ended_at or far
        for room in site.demo_rooms:
            occupants = [end for end in leaving.get(room.pk, []) if end > q.start_at]
            if len(occupants) < room.capacity:
                leaving[room.pk] = [*occupants, stay_end]
                plan.room = room
                if q.status == "active":
                    q.room = room  # the current room; an ended order has left it
                break
        else:
            unplaced += 1
    return unplaced
