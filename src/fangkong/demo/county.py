"""The demo county: a synthetic county under a real code (湖北省孝感市孝昌县, 420921).

Township and village names are made up; ID numbers are valid and born in the county.
Built with bulk inserts so 100,000 residents take seconds, not minutes.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker
from stdnum.cn import ric

from fangkong.accounts.models import Role, User
from fangkong.core import region_codes as codes
from fangkong.people import identity
from fangkong.people.models import Household, Person
from fangkong.regions.models import Region

PROVINCE = ("420000000000", "湖北省")
CITY = ("420900000000", "孝感市")
COUNTY = ("420921000000", "孝昌县")
TOWNSHIPS = ["花园镇", "书院街道", "丰山镇", "周巷镇", "小河镇", "王店镇", "卫店镇", "白沙镇", "邹岗镇", "陡山乡"]
VILLAGE_STEMS = ["东岳", "桃园", "红旗", "新河", "柳林", "石桥", "杨店", "观音", "双峰", "黄塘", "大塘", "清水",
                 "凤凰", "团山", "枫树", "金盆", "高庙", "青石", "竹林", "五里", "白果", "新民", "胜利", "太平"]
DEMO_PASSWORD = "Fangkong@2020"


@dataclass
class DemoAccount:
    username: str
    role: str
    region_code: str
    display_name: str


def village_code(t: int, v: int) -> str:
    """The code of the v-th village (community) of the t-th township (both from 1)."""
    return f"420921{t:03d}" + (f"{v:03d}" if TOWNSHIPS[t - 1].endswith("街道") else f"{200 + v:03d}")


def village_name(t: int, v: int) -> str:
    stem = VILLAGE_STEMS[(t * 7 + v) % len(VILLAGE_STEMS)]
    return f"{stem}社区" if TOWNSHIPS[t - 1].endswith("街道") else f"{stem}{'村' if v % 3 else '湾村'}"


def place_name(code: str) -> str:
    """The name build_regions gives a region of the county, with its township (花园镇观音村第1网格)."""
    if code == COUNTY[0]:
        return COUNTY[1]
    t = int(code[6:9])
    if code[9:12] == "000":
        return TOWNSHIPS[t - 1]
    v = int(code[9:12]) - (0 if TOWNSHIPS[t - 1].endswith("街道") else 200)
    grid = f"第{int(code[12:])}网格" if len(code) == 15 else ""
    return f"{TOWNSHIPS[t - 1]}{village_name(t, v)}{grid}"


def build_regions(villages_per_township: int = 15, grids_per_village: int = 3) -> list[Region]:
    """Province, city, county, townships, villages/communities and grids; returns the villages."""
    rows = [Region(code=PROVINCE[0], name=PROVINCE[1], level=codes.PROVINCE),
            Region(code=CITY[0], name=CITY[1], level=codes.CITY, parent_id=PROVINCE[0]),
            Region(code=COUNTY[0], name=COUNTY[1], level=codes.COUNTY, parent_id=CITY[0])]
    villages = []
    for t, township in enumerate(TOWNSHIPS, start=1):
        t_code = f"420921{t:03d}000"
        rows.append(Region(code=t_code, name=township, level=codes.TOWNSHIP, parent_id=COUNTY[0]))
        for v in range(1, villages_per_township + 1):
            v_code, name = village_code(t, v), village_name(t, v)
            village = Region(code=v_code, name=name, level=codes.VILLAGE, parent_id=t_code)
            villages.append(village)
            rows.append(village)
            for g in range(1, grids_per_village + 1):
                rows.append(Region(code=f"{v_code}{g:03d}", name=f"{name}第{g}网格", level=codes.GRID,
                                   parent_id=v_code))
    Region.objects.bulk_create(rows, batch_size=1000)
    return villages


def demo_accounts() -> list[DemoAccount]:
    """One account per role and level; each name says where it works, by the names build_regions gives."""
    t1, t2 = "420921001000", "420921002000"
    v1, v2, v3 = village_code(1, 1), village_code(1, 2), village_code(2, 1)
    county = COUNTY[1]
    return [
        DemoAccount("admin", Role.HQ_ADMIN, COUNTY[0], f"{county}指挥部管理员"),
        DemoAccount("hq", Role.HQ_STAFF, COUNTY[0], f"{county}指挥部值班员"),
        DemoAccount("town_admin", Role.HQ_ADMIN, t1, f"{place_name(t1)}管理员"),
        DemoAccount("town1", Role.TOWNSHIP_STAFF, t1, f"{place_name(t1)}工作人员"),
        DemoAccount("town2", Role.TOWNSHIP_STAFF, t2, f"{place_name(t2)}工作人员"),
        DemoAccount("village1", Role.VILLAGE_WORKER, v1, f"网格员（{place_name(v1)}）"),
        DemoAccount("village2", Role.VILLAGE_WORKER, v2, f"网格员（{place_name(v2)}）"),
        DemoAccount("village3", Role.VILLAGE_WORKER, v3, f"网格员（{place_name(v3)}）"),
        DemoAccount("grid1", Role.VILLAGE_WORKER, v1 + "001", f"网格员（{place_name(v1 + '001')}）"),
        DemoAccount("checkpoint", Role.CHECKPOINT_STAFF, COUNTY[0], f"{county}卡点值守人员"),
        DemoAccount("checkpoint1", Role.CHECKPOINT_STAFF, t1, f"{place_name(t1)}卡点值守人员"),
        DemoAccount("doctor1", Role.DOCTOR, v1, f"村医（{place_name(v1)}）"),
        DemoAccount("doctor_town", Role.DOCTOR, t1, f"{place_name(t1)}卫生院医生"),
        DemoAccount("epi", Role.EPIDEMIOLOGIST, COUNTY[0], f"{county}疾控中心流调队员"),
        DemoAccount("supervisor", Role.SUPERVISOR, COUNTY[0], f"{county}督查组"),
        DemoAccount("viewer", Role.VIEWER, COUNTY[0], f"{county}领导（只读）"),
    ]


def build_accounts(password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    accounts = demo_accounts()
    hashed = make_password(password)  # one hash for all: PBKDF2 is slow on purpose
    fake = Faker("zh_CN")
    fake.seed_instance(7)
    User.objects.bulk_create([
        User(username=a.username, role=a.role, region_id=a.region_code, display_name=a.display_name,
             password=hashed, phone=fake.phone_number()) for a in accounts
    ])
    return accounts


# The area code a resident's number starts with is the one in force when it was first issued,
# and numbers never change: 孝昌县 (420921) was carved out of 孝感市 (422201, before 1983 孝感县
# 422221) in 1993. A 1970 birth under 420921 is a number that cannot exist (stdnum refuses it).
AREA_CODES = [(1993, "420921"), (1983, "422201"), (0, "422221")]


def area_code_for(birth: datetime.date) -> str:
    return next(code for since, code in AREA_CODES if birth.year >= since)


def _resident_id(rng: random.Random, birth: datetime.date, sex: str) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "male" else (0, 2, 4, 6, 8))
    body = f"{area_code_for(birth)}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def build_residents(villages: list[Region], total: int, seed: int = 2020, *, today: datetime.date) -> int:
    """About `total` residents in households of 1–6 across the villages' grids, 1 to 90 years old `today`."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    last_names = [fake.last_name() for _ in range(400)]
    first_names = [fake.first_name() for _ in range(3000)]
    phone_prefixes = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "158", "159", "177",
                      "180", "186", "187", "188", "189"]
    grids_of = {}
    for code in Region.objects.filter(level=codes.GRID, parent__in=villages).values_list("code", flat=True):
        grids_of.setdefault(code[:12], []).append(code)
    per_village = max(1, -(-total // max(1, len(villages))))  # ceiling: at least `total`
    seen_ids: set[str] = set()
    created = 0
    for village in villages:
        households, members = [], []
        made = 0
        house_no = 0
        while made < per_village:
            house_no += 1
            grid = rng.choice(grids_of.get(village.code, [village.code]))
            family = rng.choice(last_names)
            size = min(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)), per_village - made)
            address = f"湖北省孝感市孝昌县{village.parent.name}{village.name}{house_no}号"
            household = Household(region_id=grid, address=address)
            people = []
            for i in range(size):
                sex = rng.choice(("male", "female"))
                birth = today - datetime.timedelta(days=rng.randrange(365 * 1, 365 * 90))
                number = _resident_id(rng, birth, sex)
                while number in seen_ids:
                    number = _resident_id(rng, birth, sex)
                seen_ids.add(number)
                phone = rng.choice(phone_prefixes) + f"{rng.randrange(10**8):08d}" if birth.year < 2008 else ""
                name = (family if i == 0 or rng.random() < .7 else rng.choice(last_names)) + rng.choice(first_names)
                people.append(Person(
                    name=name, id_type=identity.RESIDENT_ID, id_number=number,
                    id_digest=identity.digest(identity.RESIDENT_ID, number), sex=sex, birth_date=birth,
                    phone=phone, phone_digest=identity.digest("phone", phone) if phone else "",
                    region_id=grid, address=address,
                ))
            household.head_name = people[0].name
            households.append(household)
            members.append(people)
            made += size
        with transaction.atomic():
            Household.objects.bulk_create(households, batch_size=2000)
            flat = []
            for household, people in zip(households, members, strict=True):
                for person in people:
                    person.household_id = household.pk
                    flat.append(person)
            Person.objects.bulk_create(flat, batch_size=2000)
        created += made
    return created


def county_exists() -> bool:
    return Region.objects.filter(code=COUNTY[0]).exists()
