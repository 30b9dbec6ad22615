"""The screening demo step at a small scale: a county in early February 2020 whose counters are right."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F, Max, Min

from fangkong.analytics import counters
from fangkong.core.region_codes import within
from fangkong.demo import screening as screening_demo
from fangkong.people.models import Household, Person
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Status, Sweep

SMALL = {"residents": 2000, "villages_per_township": 2, "grids_per_village": 2, "quiet_accounts": True}


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("demo-data", stdout=out, **SMALL)
    return out.getvalue()


def test_about_three_percent_are_on_the_ledger_mostly_returnees_from_wuhan(demo):
    ledger = KeyPerson.objects.filter(registered_on__year=2020)  # later demo steps also register people of today
    persons, key_persons = Person.objects.count(), ledger.count()
    assert key_persons == round(persons * screening_demo.SHARE_ON_LEDGER)
    returnees = ledger.filter(category="returnee")
    assert returnees.count() > key_persons * .7
    assert returnees.filter(origin="武汉").count() > returnees.count() * .7
    dates = returnees.aggregate(first=Min("arrival_date"), last=Max("arrival_date"))
    assert datetime.date(2020, 1, 10) <= dates["first"] and dates["last"] <= datetime.date(2020, 1, 31)
    assert not returnees.filter(departure_date__gt=F("arrival_date")).exists()
    assert not ledger.filter(registered_on__gt=screening_demo.LAST_DAY).exists()
    assert ledger.filter(status=Status.RELEASED).exists()
    assert ledger.filter(category__in=["close_contact", "fever"]).exists()
    assert "screening:" in demo


def test_two_weeks_of_checks_with_fevers_and_missed_days(demo):
    span = DailyCheck.objects.aggregate(first=Min("checked_on"), last=Max("checked_on"))
    assert (span["first"], span["last"]) == (screening_demo.FIRST_CHECK, screening_demo.LAST_DAY)
    assert DailyCheck.objects.filter(temperature__gte="37.3").exists()
    assert not DailyCheck.objects.filter(temperature__lt="34.0").exists()
    assert not DailyCheck.objects.filter(checked_on__lt=F("key_person__registered_on")).exists()
    assert not DailyCheck.objects.filter(checked_on__gte=F("key_person__ended_on")).exists()
    possible = sum((min(kp.ended_on - datetime.timedelta(days=1) if kp.ended_on else screening_demo.LAST_DAY,
                        screening_demo.LAST_DAY) - max(kp.registered_on, screening_demo.FIRST_CHECK)).days + 1
                   for kp in KeyPerson.objects.filter(registered_on__year=2020))
    assert .85 * possible < DailyCheck.objects.count() < possible   # some days missed
    checks_and_events = KeyPersonEvent.objects.filter(kind__in=["check", "fever_check"]).count()
    assert checks_and_events == DailyCheck.objects.count()
    assert KeyPersonEvent.objects.filter(kind="registered").count() == KeyPerson.objects.count()


def test_sweeps_cover_most_households(demo):
    first = Sweep.objects.get(name="第一轮全县地毯式摸排")
    households = HouseholdVisit.objects.filter(sweep=first).count()
    assert .85 * Household.objects.count() < households <= Household.objects.count()
    outside = HouseholdVisit.objects.filter(sweep=first).exclude(visited_on__range=(first.start_date, first.end_date))
    assert not outside.exists()


def test_village_workers_answer_for_their_villages(demo):
    for username, code in (("village1", "420921001201"), ("village2", "420921001202")):
        entries = KeyPerson.objects.filter(within(code)).exclude(region_id="420921001201001")
        assert entries.exists()
        assert set(entries.values_list("responsible__username", flat=True)) == {username}
    assert set(KeyPerson.objects.filter(region_id="420921001201001")
               .values_list("responsible__username", flat=True)) <= {"grid1"}


def test_counters_equal_a_recomputation(demo):
    day = datetime.date(2020, 1, 8)
    while day <= datetime.date(2020, 2, 8):
        assert counters.differences(day) == {}, day
        day += datetime.timedelta(days=1)
    figures = counters.figures(["420921000000"], screening_demo.LAST_DAY)["420921000000"]
    assert figures["checks_done"] == DailyCheck.objects.filter(checked_on=screening_demo.LAST_DAY).count()
    assert figures["households_visited"] == HouseholdVisit.objects.filter(visited_on=screening_demo.LAST_DAY).count()
