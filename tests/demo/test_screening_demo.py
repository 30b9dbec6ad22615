"""The screening demo at a small scale: the ledger, the sweeps and the daily checks on the demo days, with
counters equal to a recomputation."""

import datetime

from django.db.models import F, Max, Min

from fangkong.analytics import counters
from fangkong.core.health import fever_threshold
from fangkong.core.region_codes import within
from fangkong.demo import screening as screening_demo
from fangkong.people.models import Household, Person
from fangkong.screening.models import DailyCheck, HouseholdVisit, KeyPerson, KeyPersonEvent, Status, Sweep

DAY = datetime.timedelta(days=1)


def test_about_three_percent_are_on_the_ledger_mostly_returnees_from_wuhan(demo):
    clock = demo.clock
    # the sweeps', the checkpoints' and the demo accounts' villages' entries; the outbreak's cases and the contacts
    # its investigations traced are tests/demo/test_tracing_demo.py's
    ledger = KeyPerson.objects.filter(person__cases=None, person__contacts=None)
    persons = Person.objects.count()
    assert ledger.count() >= round(persons * screening_demo.SHARE_ON_LEDGER)
    returnees = ledger.filter(category="returnee")
    assert returnees.count() > ledger.count() * .7
    assert returnees.filter(origin__contains="武汉").count() > returnees.count() * .7
    arrivals = returnees.aggregate(first=Min("arrival_date"), last=Max("arrival_date"))
    assert clock.day(screening_demo.FIRST_ARRIVAL) <= arrivals["first"] and arrivals["last"] <= clock.today
    assert not returnees.filter(departure_date__gt=F("arrival_date")).exists()
    registered = ledger.aggregate(first=Min("registered_on"), last=Max("registered_on"))
    assert (registered["first"], registered["last"]) == (clock.first_day, clock.today)
    assert ledger.filter(status=Status.RELEASED).exists()
    assert ledger.filter(category__in=["close_contact", "fever"]).exists()
    assert "screening:" in demo.log


def test_entries_leave_management_after_registration_and_not_after_today(demo):
    ended = KeyPerson.objects.exclude(status=Status.UNDER_MANAGEMENT)
    assert ended.exists() and not ended.filter(ended_on=None).exists()
    assert not ended.filter(ended_on__lte=F("registered_on")).exists()
    assert not ended.filter(ended_on__gt=demo.clock.today).exists()
    assert not KeyPerson.objects.filter(status=Status.UNDER_MANAGEMENT).exclude(ended_on=None).exists()
    # a returnee is released fourteen days after arrival
    for kp in ended.filter(category="returnee", status=Status.RELEASED):
        assert kp.ended_on == kp.arrival_date + 14 * DAY, kp.pk


def test_every_key_person_under_management_is_checked_every_day_but_a_few(demo):
    clock = demo.clock
    span = DailyCheck.objects.aggregate(first=Min("checked_on"), last=Max("checked_on"))
    assert (span["first"], span["last"]) == (clock.first_day, clock.today)
    assert not DailyCheck.objects.filter(checked_on__lt=F("key_person__registered_on")).exists()
    assert not DailyCheck.objects.filter(checked_on__gte=F("key_person__ended_on")).exists()
    assert not DailyCheck.objects.filter(created_at__gt=clock.now).exists()
    assert not DailyCheck.objects.filter(created_at__lt=F("key_person__created_at")).exists()
    possible = sum((min(kp.ended_on - DAY if kp.ended_on else clock.today, clock.today)
                    - max(kp.registered_on, clock.first_day)).days + 1 for kp in KeyPerson.objects.all())
    assert .9 * possible < DailyCheck.objects.count() < possible  # some days missed
    threshold = fever_threshold()
    fevers = DailyCheck.objects.filter(temperature__gte=threshold)
    assert fevers.exists() and fevers.count() < .1 * DailyCheck.objects.count()
    assert not DailyCheck.objects.filter(temperature__lt="35.0").exists()
    # the village's own checks have their line each; a fever another register found (a pharmacy's) is the day's
    # check with the register's fever_found line instead, as core.health.fever_found writes it (a follow-up's
    # fever in isolation: with the follow-up's own alert line)
    own = DailyCheck.objects.filter(source="")
    checks_and_events = KeyPersonEvent.objects.filter(kind__in=["check", "fever_check"]).count()
    assert checks_and_events == own.count()
    assert KeyPersonEvent.objects.filter(kind="fever_check").count() == own.filter(temperature__gte=threshold).count()
    for check in DailyCheck.objects.exclude(source=""):
        line = "quarantine.alert" if check.source == "follow_up" else "fever_found"
        assert KeyPersonEvent.objects.filter(key_person_id=check.key_person_id, kind=line).exists()
    assert KeyPersonEvent.objects.filter(kind="registered").count() == KeyPerson.objects.count()


def test_the_first_sweep_covers_most_households_and_the_second_goes_on_today(demo):
    clock = demo.clock
    first, second = Sweep.objects.order_by("start_date", "pk")
    assert (first.start_date, second.end_date) == (clock.first_day, clock.today + 4 * DAY)
    assert first.end_date == second.start_date < clock.today
    visited = HouseholdVisit.objects.filter(sweep=first).count()
    assert .85 * Household.objects.count() < visited <= Household.objects.count()
    for sweep in (first, second):
        outside = HouseholdVisit.objects.filter(sweep=sweep).exclude(visited_on__range=(sweep.start_date,
                                                                                        sweep.end_date))
        assert not outside.exists()
    assert HouseholdVisit.objects.filter(sweep=second, visited_on=clock.today).exists()
    assert HouseholdVisit.objects.filter(sweep=second).count() < .8 * Household.objects.count()
    assert not HouseholdVisit.objects.filter(created_at__gt=clock.now).exists()


def test_village_workers_answer_for_their_villages(demo):
    for username, code in (("village1", "420921001201"), ("village2", "420921001202")):
        entries = KeyPerson.objects.filter(within(code)).exclude(region_id="420921001201001")
        assert entries.exists()
        assert set(entries.values_list("responsible__username", flat=True)) == {username}
    assert set(KeyPerson.objects.filter(region_id="420921001201001")
               .values_list("responsible__username", flat=True)) <= {"grid1"}
    assert not KeyPerson.objects.filter(responsible=None).exists()  # every village has its cadre


def test_counters_equal_a_recomputation(demo):
    clock = demo.clock
    for day in clock.days():
        assert counters.differences(day) == {}, day
    figures = counters.figures(["420921000000"], clock.today)["420921000000"]
    assert figures["checks_done"] == DailyCheck.objects.filter(checked_on=clock.today).count()
    assert figures["households_visited"] == HouseholdVisit.objects.filter(visited_on=clock.today).count()
