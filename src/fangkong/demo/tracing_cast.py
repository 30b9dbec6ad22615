"""Who plays the demo's outbreak: residents the earlier steps left alone (on no ledger, with no arrival task),
so that everything that happens to them is the outbreak's.

Each case with a home of its own gets a household of its village (else of its township, else of the county)
large enough for the household members the story makes cases, its first adult the case (one over 65 for an
elderly case); a case that lives with another is a member of that household. Every member of a case's
household is traced through the services (`service_persons`); the other contacts are drawn from the remaining
residents, nearest first, those who checked in at the case's place at the time first.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from fangkong.people.models import Person
from fangkong.places.models import CheckIn, Place
from fangkong.screening.models import ArrivalTask, KeyPerson

from .clock import Clock
from .tracing_story import CASES, Home

COUNTY_PREFIX = "420921"
ADULT, ELDERLY = 18, 65


@dataclass(frozen=True)
class Resident:
    pk: int
    region_id: str
    household_id: int | None
    birth_date: datetime.date

    @property
    def township(self) -> str:
        return self.region_id[:9]


class Cast:
    def __init__(self, rng: random.Random, clock: Clock):
        self.rng, self.today = rng, clock.today
        busy = set(KeyPerson.objects.values_list("person_id", flat=True))
        busy |= set(ArrivalTask.objects.exclude(person=None).values_list("person_id", flat=True))
        self.households: dict[int, list[Resident]] = defaultdict(list)
        self.free: list[Resident] = []
        for pk, region, household, born in (Person.objects.filter(region__code__startswith=COUNTY_PREFIX)
                                            .values_list("pk", "region_id", "household_id", "birth_date")
                                            .order_by("pk")):
            resident = Resident(pk, region, household, born)
            if household is not None:
                self.households[household].append(resident)
            if pk not in busy:
                self.free.append(resident)
        free_ids = {r.pk for r in self.free}
        # a household whose members are all free may be a case's: nothing else happens to its people
        self.free_households = {h for h, members in self.households.items() if all(m.pk in free_ids for m in members)}
        self.used: set[int] = set()
        self.case_households: set[int] = set()
        self.cases: dict[str, Resident] = {}
        self.by_pk = {r.pk: r for r in self.free}

    def __len__(self) -> int:
        return len(self.free)

    def _age(self, r: Resident) -> int:
        return (self.today - r.birth_date).days // 365

    # The cases ---------------------------------------------------------------------------------------

    def cast_cases(self, townships: list[str], villages: dict[str, list[str]]) -> None:
        for story in CASES:
            if story.lives_with:
                self.cases[story.key] = self._member_of(self.cases[story.lives_with], story.key)
            else:
                self.cases[story.key] = self._head(story.home, story.elderly, townships, villages)

    def _head(self, home: Home, elderly: bool, townships: list[str], villages: dict[str, list[str]]) -> Resident:
        township = townships[min(home.township, len(townships)) - 1]
        own = villages[township]
        village = own[min(home.village, len(own)) - 1]
        for prefix in (village, township[:9], COUNTY_PREFIX):
            found = self._household(prefix, home.members, elderly)
            if found is not None:
                return found
        raise LookupError(f"no household of {home.members} free residents for the demo outbreak")

    def _household(self, prefix: str, members: int, elderly: bool) -> Resident | None:
        chosen = []
        for household in sorted(self.free_households - self.case_households):
            people = self.households[household]
            if len(people) < members or not people[0].region_id.startswith(prefix):
                continue
            if any(p.pk in self.used for p in people):
                continue
            heads = [p for p in people if (self._age(p) >= ELDERLY if elderly else ADULT <= self._age(p) < ELDERLY)]
            if heads:
                chosen.append(heads[0])
        if not chosen:
            return None
        head = self.rng.choice(chosen)
        self.case_households.add(head.household_id)
        self.used.update(p.pk for p in self.households[head.household_id])
        return head

    def _member_of(self, other: Resident, key: str) -> Resident:
        taken = {r.pk for r in self.cases.values()}
        for member in self.households[other.household_id]:
            if member.pk not in taken and self._age(member) >= 3:
                return member
        raise LookupError(f"no member left in the household of {key}'s case for the demo outbreak")

    def household(self, resident: Resident) -> list[Resident]:
        """The resident's household, the resident included."""
        return list(self.households.get(resident.household_id, [resident]))

    @property
    def service_persons(self) -> set[int]:
        """Everyone of the cases' households: what happens to them is written through the services."""
        return {p.pk for h in self.case_households for p in self.households[h]}

    # The other contacts --------------------------------------------------------------------------------

    def contacts(self, count: int, township: str | None, *, present: list[int] = ()) -> list[Resident]:
        """`count` free residents not in a case's household: those `present` (checked in there) first, then of
        the township (or the county), at random."""
        found = []
        for pk in present:
            r = self.by_pk.get(pk)
            if r is not None and self._available(r) and r not in found:
                found.append(r)
        found = found[:count]
        pool = [r for r in self.free if self._available(r) and (township is None or r.township == township[:9])]
        if len(pool) < count - len(found):
            pool = [r for r in self.free if self._available(r)]
        for r in self.rng.sample(pool, min(len(pool), 3 * count)):
            if len(found) >= count:
                break
            if r not in found:
                found.append(r)
        self.used.update(r.pk for r in found)
        return found

    def _available(self, r: Resident) -> bool:
        return r.pk not in self.used and r.household_id not in self.case_households

    def secondaries(self, contact: Resident, most: int = 2) -> list[Resident]:
        """Up to `most` free household members of a close contact, as their secondary contacts."""
        found = [m for m in self.households.get(contact.household_id, []) if m.pk != contact.pk and self._available(m)
                 and m.pk in self.by_pk][:most]
        self.used.update(r.pk for r in found)
        return found


def present_at(place_id: int, start: datetime.datetime, end: datetime.datetime) -> list[int]:
    """The persons who checked in at the place between `start` and `end` (confirmed check-ins)."""
    return list(CheckIn.objects.filter(place_id=place_id, checked_in_at__gte=start, checked_in_at__lte=end)
                .exclude(person=None).order_by("checked_in_at").values_list("person_id", flat=True))


def key_place(spec) -> Place | None:
    """A key place of the demo county: by name, or the first of a kind in the n-th township ((kind, n))."""
    if spec is None:
        return None
    if isinstance(spec, str):
        return Place.objects.filter(name=spec).order_by("pk").first()
    kind, township = spec
    return Place.objects.filter(kind=kind, region__code__startswith=f"{COUNTY_PREFIX}{township:03d}").order_by("pk").first()
