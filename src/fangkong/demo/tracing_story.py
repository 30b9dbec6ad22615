"""The demo's outbreak as a story told in days of the response: day 1 is the first demo day, day 14 today
(a shorter demo squeezes the same story into its days); day 0 and before are the days before the response
began, when the first cases came home from Wuhan.

Three imported cases start it. I1 came home by train two days before the response, went to the market the
day before and to a wedding banquet at 花园饭店 on the eve of it; her family and seven of the guests fell ill
or tested positive (the household cluster and the banquet cluster), and the guests passed it on at home and at
work. I2 drove home from Wuhan, shopped at 丰山购物广场 and infected the cashier, who infected her family and a
customer. I3 came by coach and infected a fellow passenger. U1, of unknown source, works at the county's
government service centre. Thirty cases are confirmed (one of them first reported asymptomatic), two stay
asymptomatic, six suspected cases are excluded after two negative tests but for today's, still waiting.
The curve by onset rises to day 6 and falls; the cases after the first days are found among the contacts
already in centralised observation (a fever at the evening follow-up, or the contacts' nucleic acid tests).

How each case is found (`route`), and when, decides its dates:

* clinic / checkpoint: seen at the fever clinic on the day found (a checkpoint's fever sent there), sampled,
  diagnosed and admitted that afternoon, reported within the hour (a late one hours later);
* follow_up: a close contact in observation has a fever at the evening follow-up of the onset day, is taken to
  the fever clinic and sampled that evening, diagnosed, admitted and reported the next morning;
* screening: a contact's routine sample is positive the day found: diagnosed, admitted and reported that
  afternoon (no onset: an asymptomatic infection);
* suspect: seen at the fever clinic, reported suspected, excluded the next afternoon after two negative tests.

Each case's contacts are traced four hours after it is reported (confirmed): its household, those it
infected, and the groups listed in GROUPS; the household members of a close contact who later fell ill are
traced as secondary contacts half an hour later, and become close contacts when that contact is reported.
"""

import datetime
from dataclasses import dataclass, field

from fangkong.core.days import local_day
from fangkong.places.models import PlaceKind
from fangkong.tracing.models import (
    Classification,
    ContactKind,
    ContactSource,
    LinkConfidence,
    Severity,
    StopKind,
)

from .clock import Clock

STORY_DAYS = 14

CLINIC, CHECKPOINT, FOLLOW_UP, SCREENING, SUSPECT = "clinic", "checkpoint", "follow_up", "screening", "suspect"
CONFIRMED, ASYMPTOMATIC, SUSPECTED = Classification.CONFIRMED, Classification.ASYMPTOMATIC, Classification.SUSPECTED
CONTACTS_AFTER = datetime.timedelta(hours=4)  # a case's contacts are traced that evening
SECONDARIES_AFTER = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Home:
    """A household of its own: in the `village`-th village of the `township`-th township (the last one when the
    build has fewer), with at least `members` people, the case included."""
    township: int
    village: int
    members: int = 1


@dataclass(frozen=True)
class CaseStory:
    key: str
    route: str
    onset: int | None = None  # day of onset; none for an asymptomatic infection
    found: int | None = None  # day a clinic, checkpoint, screening or suspect route finds it
    infector: str | None = None
    exposed: int | None = None  # day the infector exposed them (else the household: when they were separated)
    kind: str = ContactKind.HOUSEHOLD  # how the infector exposed them
    confidence: str = LinkConfidence.PROBABLE
    home: Home | None = None
    lives_with: str | None = None  # a member of that case's household
    classification: str = CONFIRMED
    severity: str = Severity.MILD
    elderly: bool = False
    late: bool = False
    imported: bool = False  # came home from Wuhan infected
    # later in its course: (what, day, hour, minute); what: confirmed / critical / discharged / died / excluded
    later: tuple = ()

    @property
    def found_day(self) -> int:
        return self.onset if self.route == FOLLOW_UP else self.found


H, W, S, T, P = (ContactKind.HOUSEHOLD, ContactKind.WORK, ContactKind.SOCIAL, ContactKind.TRANSPORT,
                 ContactKind.SAME_PLACE)
CASES = [
    # the three imported cases and the one of unknown source
    CaseStory("I1", CLINIC, onset=1, found=2, home=Home(1, 2, 4), severity=Severity.MODERATE, imported=True,
              later=(("discharged", 13, 10, 0),)),
    CaseStory("I3", CHECKPOINT, onset=2, found=3, home=Home(2, 3, 2), imported=True,
              later=(("discharged", 14, 10, 0),)),
    CaseStory("I2", CLINIC, onset=3, found=4, home=Home(3, 1, 3), late=True, imported=True),
    CaseStory("U1", CLINIC, onset=5, found=6, home=Home(2, 2, 3), classification=SUSPECTED,
              severity=Severity.MODERATE, later=(("confirmed", 7, 9, 0),)),
    # I1's household cluster
    CaseStory("H2", FOLLOW_UP, onset=4, infector="I1", lives_with="I1", confidence=LinkConfidence.CONFIRMED),
    CaseStory("H3", FOLLOW_UP, onset=5, infector="I1", lives_with="I1", confidence=LinkConfidence.CONFIRMED),
    # the wedding banquet at 花园饭店 on day 0
    CaseStory("B1", FOLLOW_UP, onset=3, infector="I1", exposed=0, kind=S, home=Home(1, 1, 3),
              later=(("discharged", 14, 10, 30),)),
    CaseStory("B2", FOLLOW_UP, onset=4, infector="I1", exposed=0, kind=S, home=Home(1, 3, 1)),
    CaseStory("B3", FOLLOW_UP, onset=4, infector="I1", exposed=0, kind=S, home=Home(1, 4, 2)),
    CaseStory("A1", SCREENING, found=4, infector="I1", exposed=0, kind=S, home=Home(1, 7, 1),
              classification=ASYMPTOMATIC, severity=""),
    CaseStory("B4", FOLLOW_UP, onset=5, infector="I1", exposed=0, kind=S, home=Home(1, 5, 2)),
    CaseStory("B5", FOLLOW_UP, onset=5, infector="I1", exposed=0, kind=S, home=Home(1, 6, 2)),
    CaseStory("B6", FOLLOW_UP, onset=6, infector="I1", exposed=0, kind=S, home=Home(1, 2, 1), elderly=True,
              severity=Severity.SEVERE, later=(("critical", 8, 10, 0), ("died", 11, 4, 20))),
    # the guests' households and workmates
    CaseStory("B1h1", FOLLOW_UP, onset=6, infector="B1", lives_with="B1", confidence=LinkConfidence.CONFIRMED),
    CaseStory("B1h2", FOLLOW_UP, onset=7, infector="B1", lives_with="B1", confidence=LinkConfidence.CONFIRMED),
    CaseStory("B2w1", FOLLOW_UP, onset=7, infector="B2", exposed=2, kind=W, home=Home(1, 8, 2)),
    CaseStory("B3h1", FOLLOW_UP, onset=7, infector="B3", lives_with="B3"),
    CaseStory("B4h1", FOLLOW_UP, onset=8, infector="B4", lives_with="B4"),
    CaseStory("B5h1", FOLLOW_UP, onset=9, infector="B5", lives_with="B5"),
    CaseStory("B2w1h1", FOLLOW_UP, onset=11, infector="B2w1", lives_with="B2w1"),
    # I3's coach
    CaseStory("T1", FOLLOW_UP, onset=7, infector="I3", exposed=1, kind=T, home=Home(4, 1, 2),
              confidence=LinkConfidence.POSSIBLE),
    CaseStory("T1h1", FOLLOW_UP, onset=10, infector="T1", lives_with="T1"),
    # I2's household and 丰山购物广场
    CaseStory("I2h1", FOLLOW_UP, onset=6, infector="I2", lives_with="I2"),
    CaseStory("S1", FOLLOW_UP, onset=6, infector="I2", exposed=2, kind=P, home=Home(3, 2, 2)),
    CaseStory("I2h2", SCREENING, found=7, infector="I2", lives_with="I2", classification=ASYMPTOMATIC, severity="",
              later=(("confirmed", 9, 11, 0),)),
    CaseStory("S1h1", FOLLOW_UP, onset=8, infector="S1", lives_with="S1"),
    CaseStory("S1c1", FOLLOW_UP, onset=8, infector="S1", exposed=4, kind=P, home=Home(3, 3, 2)),
    CaseStory("A3", SCREENING, found=8, infector="S1", exposed=4, kind=P, home=Home(3, 4, 1),
              classification=ASYMPTOMATIC, severity=""),
    CaseStory("S1c1h1", FOLLOW_UP, onset=12, infector="S1c1", lives_with="S1c1"),
    # U1's household and workmate
    CaseStory("U1h1", SCREENING, onset=6, found=8, infector="U1", lives_with="U1"),
    CaseStory("U1w1", FOLLOW_UP, onset=9, infector="U1", exposed=5, kind=W, home=Home(2, 4, 1), late=True),
    CaseStory("U1h2", FOLLOW_UP, onset=10, infector="U1", lives_with="U1"),
    # fever-clinic patients reported suspected and excluded (today's still waiting for its test)
    *(CaseStory(f"X{n}", SUSPECT, onset=day, found=day, home=Home(township, 1, 1), classification=SUSPECTED,
                severity="", later=(("excluded", day + 1, 16, 0),) if day < STORY_DAYS else ())
      for n, (day, township) in enumerate([(1, 5), (4, 6), (7, 7), (11, 8), (13, 9), (14, 10)], start=1)),
]
BY_KEY = {c.key: c for c in CASES}


@dataclass(frozen=True)
class Group:
    """Contacts of a case the investigation traced besides its household and those it infected: `count` people
    (of the `township`-th township, else anywhere in the county), last exposed on day `exposed`; `outside` more
    who live in other counties (handed over); `secondaries`: the share of them whose household members are
    traced as secondary contacts. With a `place` (kind, township) and `at` (day, hour), the people who checked in
    there within the exposure window are taken first."""
    case: str
    kind: str
    source: str
    count: int
    exposed: int
    township: int | None = None
    outside: int = 0
    secondaries: float = .3
    place: tuple[str, int] | None = None
    at: tuple[int, int] | None = None
    note: str = ""


GROUPS = [
    Group("I1", S, ContactSource.MANUAL, 90, 0, township=1, note="花园饭店婚宴同桌及邻桌宾客"),
    Group("I1", P, ContactSource.SAME_PLACE, 20, -1, township=1, note="花园农贸市场同时段"),
    Group("I1", T, ContactSource.TRANSPORT, 9, -2, outside=4, note="同车厢旅客"),
    Group("I3", T, ContactSource.TRANSPORT, 36, 1, outside=3, note="同车旅客"),
    Group("I3", P, ContactSource.SAME_PLACE, 8, 1, township=2, note="客运站候车厅同时段"),
    Group("I2", S, ContactSource.MANUAL, 6, 1, township=3, note="来家中聚餐的亲属"),
    Group("I2", P, ContactSource.SAME_PLACE, 12, 2, township=3, note="丰山购物广场同时段顾客"),
    Group("S1", P, ContactSource.SAME_PLACE, 50, 4, township=3, place=(PlaceKind.SUPERMARKET, 3), at=(4, 12),
          note="收银台顾客"),
    Group("S1", W, ContactSource.MANUAL, 8, 4, township=3, note="同班组同事"),
    Group("U1", W, ContactSource.MANUAL, 24, 5, township=2, note="县政务服务中心同窗口同事"),
    Group("U1", P, ContactSource.SAME_PLACE, 6, 5, township=2, note="单位食堂同桌就餐"),
    Group("T1", W, ContactSource.MANUAL, 5, 3, township=4, note="同事"),
    Group("S1c1", S, ContactSource.MANUAL, 4, 6, township=3, note="牌友"),
    Group("U1w1", W, ContactSource.MANUAL, 4, 6, township=2, note="同事"),
    Group("A3", S, ContactSource.MANUAL, 3, 6, township=3, note="邻居"),
    *(Group(key, W, ContactSource.MANUAL, 6, 2, township=1, note="同事") for key in ("B1", "B2", "B3", "B4", "B5",
                                                                                   "A1")),
    *(Group(key, S, ContactSource.MANUAL, 3, 1, township=1, note="亲友") for key in ("B1", "B3", "B6", "H2")),
]


@dataclass(frozen=True)
class StopStory:
    """One stop of a case's itinerary: a key place (kind, township; or its name), a named place, a trip (its
    number: "{train}", "{coach}" and "{car}" stand for the numbers the build picks) or a gathering."""
    case: str
    kind: str
    day: int
    hour: float
    hours: float
    place_name: str = ""
    key_place: tuple | str | None = None
    mode: str = ""
    number: str = ""
    seat: str = ""
    public: bool = True


_BANQUET = dict(kind=StopKind.GATHERING, day=0, hour=17.5, hours=3.5, place_name="花园饭店（婚宴）",
                key_place=(PlaceKind.RESTAURANT, 1))
STOPS = [
    StopStory("I1", StopKind.TRANSPORT, -2, 8.5, 1.6, mode="train", number="{train}", seat="05车12F"),
    StopStory("I1", StopKind.PLACE, -2, 10.5, 0, place_name="家中", public=False),
    StopStory("I1", StopKind.PLACE, -1, 9, .7, key_place=(PlaceKind.MARKET, 1)),
    StopStory("I1", **_BANQUET),
    StopStory("I1", StopKind.PLACE, 1, 10, .5, key_place=(PlaceKind.SUPERMARKET, 1)),
    StopStory("I1", StopKind.PLACE, 2, 8.5, 1.5, place_name="花园镇卫生院发热门诊"),
    StopStory("I3", StopKind.TRANSPORT, 1, 9, 3.5, mode="bus", number="{coach}", seat="12号"),
    StopStory("I3", StopKind.PLACE, 1, 12.5, .5, key_place="孝昌汽车客运站候车厅"),
    StopStory("I3", StopKind.PLACE, 2, 8, .7, key_place=(PlaceKind.MARKET, 2)),
    StopStory("I2", StopKind.TRANSPORT, -1, 14, 2.5, mode="car", number="{car}"),
    StopStory("I2", StopKind.GATHERING, 1, 18, 2, place_name="家中（家庭聚餐）", public=False),
    StopStory("I2", StopKind.PLACE, 2, 15, .8, key_place=(PlaceKind.SUPERMARKET, 3)),
    *(StopStory("U1", StopKind.PLACE, day, 8.5, 9, key_place="县政务服务中心") for day in range(1, 6)),
    StopStory("U1", StopKind.PLACE, 4, 18, .5, key_place=(PlaceKind.SUPERMARKET, 2)),
    *(StopStory("S1", StopKind.PLACE, day, 8, 8, key_place=(PlaceKind.SUPERMARKET, 3)) for day in (2, 3, 4)),
    StopStory("S1c1", StopKind.PLACE, 4, 11.5, .6, key_place=(PlaceKind.SUPERMARKET, 3)),
    StopStory("A3", StopKind.PLACE, 4, 12, .5, key_place=(PlaceKind.SUPERMARKET, 3)),
    StopStory("T1", StopKind.TRANSPORT, 1, 9, 3.5, mode="bus", number="{coach}", seat="14号"),
    *(StopStory(key, **_BANQUET) for key in ("B1", "B2", "B3", "B4", "B5", "B6", "A1")),
]

# Itinerary notices published (the case, the day and hour its notice is drafted; published an hour later), and
# one drafted and left for review.
NOTICES = [("I1", 3, 9, True), ("I3", 4, 9, True), ("I2", 5, 10, True), ("S1", 8, 10, False)]

# Clusters: (name, setting, the township whose region it belongs to (0: the village of the first case), cases,
# each added on the evening it is reported (the cluster made once two are))
CLUSTERS = [
    ("{village}家庭聚集性疫情", "household", 0, ["I1", "H2", "H3"]),
    ("花园饭店婚宴聚集性疫情", "gathering", 1, ["B1", "A1", "B2", "B3", "B4", "B5", "B6"]),
]


@dataclass(frozen=True)
class StoryClock:
    """Story days and hours as moments of the demo's clock, never later than a minute before now."""
    clock: Clock
    leeway: datetime.timedelta = field(default=datetime.timedelta(minutes=1))

    @property
    def scale(self) -> float:
        return self.clock.length / STORY_DAYS

    def exact(self, day: float, hour: float = 0, minute: float = 0) -> datetime.datetime:
        hours = ((day - 1) * 24 + hour + minute / 60) * self.scale
        return self.clock.at(self.clock.first_day) + datetime.timedelta(hours=hours)

    def at(self, day: float, hour: float = 0, minute: float = 0) -> datetime.datetime:
        return self.clamp(self.exact(day, hour, minute))

    def clamp(self, moment: datetime.datetime) -> datetime.datetime:
        return min(moment, self.clock.now - self.leeway)

    def date(self, day: int) -> datetime.date:
        """The demo day of story day `day` (its noon's)."""
        return local_day(self.at(day, 12))
