"""Candidate contacts of a case, proposed from each source with why and when: the same place ±30 minutes (the
case's own check-ins and passages, and the key places of the itinerary), the same transport number and day
(ledger entries, other cases' itineraries, a plate's passages), the same household, and the household of a close
contact (secondary); those already listed or dismissed are not proposed again; the reads do not grow with the
rows found."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.checkpoints.models import Passage
from fangkong.core.days import day_start
from fangkong.people.models import Household
from fangkong.places.models import CheckIn
from fangkong.screening.models import KeyPerson
from fangkong.tracing.selectors.candidates import candidates_for
from tests import factories
from tests.tracing import cases as presences
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=days)) + datetime.timedelta(hours=hour,
                                                                                                 minutes=minute)


def plated(passage, plate: str) -> None:
    Passage.objects.filter(pk=passage.pk).update(vehicle_plate=plate)


def sources_of(found, who) -> set[str]:
    candidate = found.get(who.pk)
    return set(candidate.sources) if candidate else set()


def outbreak_case():
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=2))
    return case, outbreak.investigation(case)


def test_people_at_the_same_place_within_30_minutes_of_the_case_or_of_a_key_place_stop(tracer):
    case, inv = outbreak_case()
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    presences.check_in(market, case.person, at(3, 9))
    near, far = outbreak.person(name="近者"), outbreak.person(name="远者")
    presences.check_in(market, near, at(3, 9, 30))
    presences.check_in(market, far, at(3, 9, 31))
    CheckIn.objects.create(place=market, region_id=market.region_id, checked_in_at=at(3, 9, 10), name="扫码者",
                           phone="13912345678")  # a visitor nobody has confirmed as a person yet
    shop = presences.place(factories.VILLAGE_A2, "桃园超市", "supermarket")
    outbreak.stop(inv, at(4, 10), key_place=shop, place_name="桃园超市", hours=1)
    after_stop, too_late = outbreak.person(name="停留后"), outbreak.person(name="太晚")
    presences.check_in(shop, after_stop, at(4, 11, 30))
    presences.check_in(shop, too_late, at(4, 11, 31))

    found = candidates_for(tracer, inv)

    assert sources_of(found, near) == {"same_place"} and sources_of(found, after_stop) == {"same_place"}
    assert far.pk not in {c.person_id for c in found} and too_late.pk not in {c.person_id for c in found}
    row = found.get(near.pk)
    assert row.reasons[0].where == "东岳农贸市场" and row.reasons[0].at == at(3, 9, 30)
    assert (row.kind, row.level, row.last_exposure) == ("same_place", "close", at(3, 9).date())
    assert row.masked_id != near.id_number and row.masked_id.startswith(near.id_number[:4])
    assert found.get(after_stop.pk).reasons[0].where == "桃园超市"
    assert found.unconfirmed_visitors == 1
    assert case.person.pk not in {c.person_id for c in found}


def test_people_on_the_same_train_flight_bus_or_car(tracer):
    case, inv = outbreak_case()
    outbreak.stop(inv, at(6, 8), kind="transport", transport_mode="train", transport_number="G1234",
                  place_name="武汉-孝感", hours=2)
    listed = outbreak.person(name="同车次台账")
    KeyPerson.objects.create(person=listed, category="returnee", region_id=factories.VILLAGE_A1,
                             registered_on=timezone.localdate(), transport_mode="train", transport_number="G1234",
                             arrival_date=at(6, 8).date())
    other_day = outbreak.person(name="另一天")
    KeyPerson.objects.create(person=other_day, category="returnee", region_id=factories.VILLAGE_A1,
                             registered_on=timezone.localdate(), transport_mode="train", transport_number="G1234",
                             arrival_date=at(7, 8).date())
    other_case = outbreak.case(onset_date=timezone.localdate())
    outbreak.stop(outbreak.investigation(other_case), at(6, 8), kind="transport", transport_mode="train",
                  transport_number="G1234", hours=2)
    outbreak.stop(inv, at(5, 14), kind="transport", transport_mode="car", transport_number="鄂K12345", hours=2)
    exit_ = presences.checkpoint(factories.TOWN_A, "孝昌高速出口")
    same_car = outbreak.person(name="同车")
    plated(presences.passage(exit_, same_car, at(5, 15)), "鄂K12345")
    # the case's own passage in a car: who passed in the same car at that checkpoint
    station = presences.checkpoint(factories.TOWN_B, "丰山卡点")
    plated(presences.passage(station, case.person, at(4, 20)), "鄂A00001")
    passenger = outbreak.person(name="乘客")
    plated(presences.passage(station, passenger, at(4, 20, 5)), "鄂A00001")

    found = candidates_for(tracer, inv)

    assert sources_of(found, listed) == {"transport"}
    assert found.get(listed.pk).reasons[0].where == "G1234"
    assert other_day.pk not in {c.person_id for c in found}
    assert sources_of(found, other_case.person) == {"transport"}
    assert sources_of(found, same_car) == {"transport"}
    assert sources_of(found, passenger) == {"transport", "same_place"}
    assert found.get(passenger.pk).kind == "transport"


def test_the_household_and_the_household_of_a_close_contact(tracer):
    case, inv = outbreak_case()
    home = Household.objects.create(region_id=factories.VILLAGE_A1, address="东岳村1组1号")
    case.person.household = home
    case.person.save()
    spouse = outbreak.person(name="配偶", household=home)
    colleague = outbreak.person(name="同事")
    close = outbreak.contact(case, colleague, kind="work", last_exposure_date=timezone.localdate())
    their_home = Household.objects.create(region_id=factories.VILLAGE_A2, address="桃园村2组2号")
    colleague.household = their_home
    colleague.save()
    child = outbreak.person(factories.VILLAGE_A2, name="同事之子", household=their_home)

    found = candidates_for(tracer, inv)

    assert sources_of(found, spouse) == {"household"}
    assert found.get(spouse.pk).kind == "household" and found.get(spouse.pk).reasons[0].where == "东岳村1组1号"
    row = found.get(child.pk)
    assert (row.level, row.via, row.source) == ("secondary", close, "contact_of_contact")
    assert colleague.pk not in {c.person_id for c in found}  # confirmed already
    assert [c.level for c in found] == ["close", "secondary"]


def test_those_listed_or_dismissed_are_not_proposed_and_a_contact_of_another_case_is_marked(tracer):
    case, inv = outbreak_case()
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    presences.check_in(market, case.person, at(3, 9))
    dismissed, elsewhere = outbreak.person(name="已排除"), outbreak.person(name="他案密接")
    for who in (dismissed, elsewhere):
        presences.check_in(market, who, at(3, 9, 5))
    outbreak.contact(case, dismissed, status="dismissed")
    other = outbreak.case()
    outbreak.contact(other, elsewhere)

    found = candidates_for(tracer, inv)

    assert [c.person_id for c in found] == [elsewhere.pk]
    assert found.get(elsewhere.pk).other_cases == [other.number]


def test_the_reads_do_not_grow_with_the_people_found(tracer):
    case, inv = outbreak_case()
    market = presences.place(factories.VILLAGE_A1, "东岳农贸市场", "market")
    shop = presences.place(factories.VILLAGE_A2, "桃园超市", "supermarket")
    station = presences.checkpoint(factories.TOWN_B, "丰山卡点")
    outbreak.stop(inv, at(4, 10), key_place=shop, place_name="桃园超市", hours=1)
    outbreak.stop(inv, at(6, 8), kind="transport", transport_mode="bus", transport_number="鄂K12345", hours=2)
    home = Household.objects.create(region_id=factories.VILLAGE_A1, address="东岳村1组1号")
    case.person.household = home
    case.person.save()
    presences.check_in(market, case.person, at(3, 9))
    presences.passage(station, case.person, at(2, 9))

    def add_people(n: int) -> None:
        for _ in range(n):
            for where in (market, shop):
                presences.check_in(where, outbreak.person(), at(3 if where == market else 4, 10))
            presences.passage(station, outbreak.person(), at(2, 9, 10))
            outbreak.person(household=home)
            KeyPerson.objects.create(person=outbreak.person(), category="returnee", region_id=factories.VILLAGE_A1,
                                     registered_on=timezone.localdate(), transport_number="鄂K12345",
                                     arrival_date=at(6, 8).date())

    def reads() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = candidates_for(tracer, inv)
        return len(queries), len(found)

    add_people(1)
    few, found_few = reads()
    add_people(5)
    many, found_many = reads()
    assert found_many > found_few
    assert many == few, f"{few} reads for {found_few} candidates, {many} for {found_many}"
