"""Demo data of cases and contact tracing (病例与流调): an outbreak on the demo's days (demo.clock), a step of
`fangkong demo-data` after the daily checks and the pharmacies, before the daily reports freeze the figures.

The story (demo.tracing_story): three cases imported from Wuhan and one of unknown source start several chains
of transmission, with a household cluster and a wedding-banquet cluster; thirty confirmed cases (one reported
asymptomatic first), two asymptomatic, six suspected cases excluded but for today's; about six hundred contacts
on the ledger and in isolation by the policy (those exposed before the response released already); the curve
by onset rising and falling, enough cases a week for Rt; two itinerary notices published and one drafted; two
reports late.

Written through the services where there are few writes (demo.tracing_replay: the cases and their lab tests,
investigations, links, clusters, notices, and the contacts among the cases' households, each at its moment of
the story), as rows where there are many (demo.tracing_rows: the other contacts with their ledger entries,
orders, follow-ups and tests, the daily checks), the counters with what the services would have tracked.
Who does it: the county CDC's investigation team (the demo account epi), the county hospital's doctor
(doctor_hospital, made here) reporting cases and taking samples, the village cadres and doctors, and the
county hotel's doctor, whose hotel opens more rooms for the close contacts.
"""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from fangkong.accounts.models import Role, User
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.actors import SYSTEM
from fangkong.quarantine.models import ObservationSite, Room
from fangkong.regions.models import Region
from fangkong.screening.models import KeyPerson
from fangkong.tracing.models import Cluster, Contact, ItineraryNotice, LabTest

from . import quarantine_staff
from .clock import clock_of
from .screening import Workers
from .tracing_cast import Cast
from .tracing_replay import Actors, Replay, outcome_counts
from .tracing_rows import ContactRows, daily_checks, record_follow_ups, service_orders
from .tracing_story import GROUPS, StoryClock

COUNTY = "420921000000"
# Fewer free residents than this leave no room for the outbreak's households and contacts (a test's tiny county)
FEWEST_RESIDENTS = 1500
HOSPITAL_DOCTOR = ("doctor_hospital", "孝昌县人民医院发热门诊医生")
ROOMS_PER_FLOOR, FLOORS, WINGS = 30, range(2, 10), ["东楼", "北楼", "西楼", "南楼"]


def tracing_demo(options, log):
    """The `fangkong demo-data` step of cases and contact tracing (in demo.steps.STEPS)."""
    clock = clock_of(options)
    rng = random.Random(2020_02_06)
    cast = Cast(rng, clock)
    if len(cast) < FEWEST_RESIDENTS:
        log(f"tracing: {len(cast)} residents free, too few for the demo outbreak (at least {FEWEST_RESIDENTS})")
        return
    story = StoryClock(clock)
    with transaction.atomic():
        townships, villages = _geography()
        cast.cast_cases(townships, villages)
        staff = quarantine_staff.Staff.build(random.Random(2020_01_21))
        actors = Actors(hospital=_hospital_doctor(), epi=User.objects.get(username="epi"),
                        site_doctor=staff.user(quarantine_staff.SITES[0].doctor), workers=Workers(), doctors=staff)
        site = ObservationSite.objects.get(name=quarantine_staff.SITES[0].name)
        kept = len(cast.service_persons) + 10
        rooms = _more_rooms(site, kept + sum(g.count for g in GROUPS) + 20)
        site.demo_rooms, site.demo_doctor = rooms[kept:], actors.site_doctor
        replay = Replay(story, cast, actors, site, rooms[:kept][::-1], _numbers(rng, story))
        replay.run()
        follow_ups = record_follow_ups(rng, service_orders(cast.service_persons), clock.now)
        bulk = ContactRows(rng, story, cast, replay.cases, epi=actors.epi, staff=staff, workers=actors.workers,
                           site=site)
        bulk.plan()
        written = bulk.write()
        persons = cast.service_persons | {kp.person_id for kp in bulk.key_persons}
        checks = daily_checks(rng, persons, clock)
        figures = {**outcome_counts(replay.cases), "traced_contacts": Contact.objects.count(),
                   "secondary_contacts": Contact.objects.filter(level="secondary").count(),
                   "handover_contacts": written["outside"], "released_contacts": written["released"],
                   "clusters": Cluster.objects.count(), "notices": ItineraryNotice.objects.count(),
                   "lab_tests": LabTest.objects.count(), "daily_checks": checks,
                   "follow_ups": follow_ups + written["follow_ups"]}
        audit.record(SYSTEM, "demo.tracing", object_type="demo", object_repr="病例与流调演示数据", region=COUNTY,
                     after=figures)
    log(f"tracing: {figures['cases']} cases ({figures['cases_confirmed']} confirmed, "
        f"{figures['cases_asymptomatic']} asymptomatic, {figures['cases_excluded']} excluded, "
        f"{figures['cases_suspected']} suspected; {figures['cases_late']} reported late), "
        f"{figures['traced_contacts']} contacts ({figures['secondary_contacts']} secondary, "
        f"{figures['handover_contacts']} of other counties, {figures['released_contacts']} released), "
        f"{figures['clusters']} clusters, {figures['lab_tests']} lab tests, {figures['notices']} itinerary notices")


def _geography() -> tuple[list[str], dict[str, list[str]]]:
    townships = list(Region.objects.filter(level=codes.TOWNSHIP, code__startswith=COUNTY[:6]).order_by("code")
                     .values_list("code", flat=True))
    villages: dict[str, list[str]] = {t: [] for t in townships}
    for code in (Region.objects.filter(level=codes.VILLAGE, code__startswith=COUNTY[:6]).order_by("code")
                 .values_list("code", flat=True)):
        villages[code[:9] + "000"].append(code)
    return townships, villages


def _hospital_doctor() -> User:
    """The county hospital's doctor who reports the cases (made with the demo accounts' password)."""
    username, name = HOSPITAL_DOCTOR
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    peer = User.objects.filter(username="village1").first()
    return User.objects.create(username=username, role=Role.DOCTOR, region_id=COUNTY, display_name=name,
                               password=peer.password if peer else make_password(None), phone="13907120120")


def _more_rooms(site: ObservationSite, count: int) -> list[Room]:
    """The county hotel's other wings, opened for the outbreak's close contacts: single rooms."""
    names = [f"{wing}{floor}{n:02d}" for wing in WINGS for floor in FLOORS for n in range(1, ROOMS_PER_FLOOR + 1)]
    return Room.objects.bulk_create([Room(site=site, name=name, capacity=1) for name in names[:count]])


def _numbers(rng: random.Random, story: StoryClock) -> dict[str, str]:
    """The train I1 came home on and the coach of I3 and T1: numbers of returnees on the ledger who came the same
    day by the same means, when there are any (so the investigation proposes them), and I2's car."""
    found = {}
    for key, mode, day, fallback in (("{train}", "train", -2, "G1738"), ("{coach}", "bus", 1, "鄂K35621")):
        number = (KeyPerson.objects.filter(transport_mode=mode, arrival_date=story.date(day))
                  .exclude(transport_number="").order_by("pk").values_list("transport_number", flat=True).first())
        found[key] = number or fallback
    found["{car}"] = f"鄂A{rng.randrange(10000, 99999)}"
    return found
