"""Candidate contacts of one case (places ±30 min, transport numbers, household) over --checkins check-ins and
a tenth of them in passages (the budget's: 10,000,000 and 1,000,000).

    python -m bench.candidates                               # SQLite (temporary file), 200,000 check-ins
    python -m bench.candidates --checkins 10000000           # the budget's scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.candidates --checkins 10000000

Loads bench.exposure's county (--places key places, --checkpoints checkpoints, --checkins check-ins over 14 days
by --checkins/20 persons, --checkins/10 passages; the subject checks in twice a day and passes a checkpoint
every other day), then, for the subject, a confirmed case reported at the end of the 14 days and its
investigation, as an investigator records it: STOPS of its own check-ins as stops at those key places, a train
and a coach trip; around it, households of four (a quarter of the persons), a ledger of returnees (one
person in ten; those of the case's train and day among them), the same train in the itineraries of other cases
and the coach's plate in the passages during the trip, and three confirmed close contacts with households.

Then it times, as the median wall time of --repeat calls (after one warm-up) as the county's epidemiologist:
  candidates  tracing.selectors.candidates.candidates_for(epi, investigation): every source (the exposure search
              of the case's presences, the stops' check-ins ±30 min, the trips, the household, the close contacts'
              households), names and masked numbers attached — what the investigation page and the API read
  exposure    its first source alone: the exposure search of the case's own presences over the itinerary's days
  floor       the bare index range read of one stop's check-ins at its place ±30 min (index checkin_place)
and prints both, their ratio, whether candidates is under 200 ms, the queries it runs and the indexes of its
check-in and passage reads. The database is temporary and dropped at the end.
"""

import datetime
import os
import random
import re

from bench import exposure

TARGET_MS = 200.0
STOPS = 6
TRAIN, COACH = "G1738", "鄂K35621"
EPI = 2


def load(checkins: int, places: int, checkpoints: int, seed: int = 7) -> dict:
    """bench.exposure's county and traffic, then the case and everything its candidates are read from."""
    from django.db import connection, transaction

    from bench.rollup import fast_loading, insert, reset_sequences
    from fangkong.accounts.models import User
    from fangkong.checkpoints.models import Passage
    from fangkong.core.days import day_start
    from fangkong.people.models import Household, Person
    from fangkong.places.models import CheckIn
    from fangkong.screening.models import KeyPerson
    from fangkong.tracing.models import Case, Contact, Investigation, ItineraryStop
    counts = exposure.load(checkins, places, checkpoints)
    rng = random.Random(seed)
    moment = connection.ops.adapt_datetimefield_value  # as the ORM stores it (SQLite: naive UTC text)
    now = exposure._now()
    start = now - datetime.timedelta(days=exposure.DAYS)
    persons = counts["persons"]
    villages = exposure._villages()
    fast_loading(True)
    with transaction.atomic():
        insert(User, ["id", "username", "role", "region_id", "password"],
               [(EPI, "epi", "epidemiologist", exposure.COUNTY, "!")])
        # households of four: the first quarter of the persons, the subject's the first
        households = persons // 16
        insert(Household, ["id", "region_id", "address"],
               ((n + 1, villages[(4 * n) % len(villages)], f"户{n + 1}") for n in range(households)))
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Person._meta.db_table} SET household_id = (id - 1) / 4 + 1 WHERE id <= %s",
                           [4 * households])
        # a ledger of returnees: one person in ten, arrived on one of the 14 days by one of 300 trains (the case's
        # train and day among them: thirty on it)
        trip_day = (start + datetime.timedelta(days=3)).date()
        trains = [f"{rng.choice('GDK')}{n}" for n in range(100, 400)]

        def ledger_rows():
            for i in range(persons // 10):
                person = 2 + i * 10
                if i < 30:
                    number, day = TRAIN, trip_day
                else:
                    number, day = rng.choice(trains), (start + datetime.timedelta(days=rng.randrange(14))).date()
                yield (person, villages[person % len(villages)], "returnee", day, "under_management", "train",
                       number, day, moment(now), moment(now))
        counts["ledger"] = insert(KeyPerson, ["person_id", "region_id", "category", "registered_on", "status",
                                              "transport_mode", "transport_number", "arrival_date", "created_at",
                                              "updated_at"], ledger_rows())
        # the case: the subject, onset on the last day, reported at noon
        case = Case.objects.create(number="420921-2020-00001", person_id=exposure.SUBJECT, region_id=villages[0],
                                   classification="confirmed", severity="mild", found_by="fever_clinic",
                                   reporting_unit="县人民医院", onset_date=now.date(),
                                   diagnosed_at=now - datetime.timedelta(hours=1), reported_at=now, confirmed_at=now)
        inv = Investigation.objects.create(case=case, region_id=case.region_id, investigator_id=EPI, started_at=now)
        own = list(CheckIn.objects.filter(person_id=exposure.SUBJECT).order_by("checked_in_at")
                   .values_list("place_id", "checked_in_at"))
        stops = [ItineraryStop(investigation=inv, kind="place", key_place_id=place, place_name=f"场所{place}",
                               starts_at=at, ends_at=at + datetime.timedelta(minutes=40))
                 for place, at in rng.sample(own, min(STOPS, len(own)))]
        train_at = day_start(trip_day) + datetime.timedelta(hours=9)
        coach_at = day_start(trip_day) + datetime.timedelta(hours=13)
        stops += [ItineraryStop(investigation=inv, kind="transport", transport_mode="train", transport_number=TRAIN,
                                seat="05车12F", starts_at=train_at, ends_at=train_at + datetime.timedelta(hours=2)),
                  ItineraryStop(investigation=inv, kind="transport", transport_mode="bus", transport_number=COACH,
                                starts_at=coach_at, ends_at=coach_at + datetime.timedelta(hours=1))]
        ItineraryStop.objects.bulk_create(stops)
        # other cases with a train trip in their itineraries, one in ten on the case's train
        others = []
        for n in range(max(20, persons // 200)):
            person = 3 + n * 7
            other = Case(number=f"420921-2020-{n + 2:05d}", person_id=person, region_id=villages[person % len(villages)],
                         classification="confirmed", severity="mild", found_by="fever_clinic", reporting_unit="县人民医院",
                         onset_date=now.date(), diagnosed_at=now, reported_at=now, confirmed_at=now)
            others.append(other)
        Case.objects.bulk_create(others)
        investigations = Investigation.objects.bulk_create(
            [Investigation(case=c, region_id=c.region_id, started_at=now) for c in others])
        ItineraryStop.objects.bulk_create(
            [ItineraryStop(investigation=i, kind="transport", transport_mode="train",
                           transport_number=TRAIN if n % 10 == 0 else rng.choice(trains),
                           starts_at=day_start((start + datetime.timedelta(days=rng.randrange(14))).date())
                           + datetime.timedelta(hours=rng.randrange(6, 22)))
             for n, i in enumerate(investigations)])
        # the coach's plate at a checkpoint during the trip, the subject among its passengers
        passed = moment(coach_at + datetime.timedelta(minutes=30))
        plate_rows = [(1, "420921001000", exposure.SUBJECT, passed, "36.5", "pass", COACH)]
        plate_rows += [(1, "420921001000", 5 + 3 * n, passed, "36.4", "pass", COACH) for n in range(40)]
        insert(Passage, ["checkpoint_id", "region_id", "person_id", "passed_at", "temperature", "outcome",
                         "vehicle_plate"], plate_rows)
        # three confirmed close contacts, each with a household (their members: secondary candidates)
        Contact.objects.bulk_create([Contact(case=case, person_id=pk, region_id=villages[0], kind="social",
                                             level="close", status="confirmed", source="manual",
                                             last_exposure_date=now.date(), confirmed_at=now, proposed_at=now,
                                             confirmed_by_id=EPI) for pk in (21, 25, 29)])
        reset_sequences([User, Household, Case, Investigation, ItineraryStop, Contact, KeyPerson, Passage])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fast_loading(False)
    counts["stops"] = len(stops)
    counts["investigation"] = inv.pk
    counts["households"] = households
    return counts


def operations(investigation_id: int) -> dict:
    from fangkong.accounts.models import User
    from fangkong.places.models import CheckIn
    from fangkong.tracing.models import Investigation, ItineraryStop
    from fangkong.tracing.selectors import candidates
    from fangkong.tracing.selectors import exposure as exposure_selectors
    from fangkong.tracing.selectors.investigations import itinerary_window
    epi = User.objects.select_related("region").get(pk=EPI)
    inv = Investigation.objects.select_related("case").get(pk=investigation_id)
    stop = ItineraryStop.objects.filter(investigation=inv, kind="place").order_by("starts_at").first()
    window = datetime.timedelta(minutes=exposure_selectors.window_minutes())
    low, high = itinerary_window(inv.case)
    subject, = exposure_selectors.subjects_for(epi, person_id=inv.case.person_id)
    return {
        "candidates": lambda: candidates.candidates_for(epi, Investigation.objects.select_related("case")
                                                        .get(pk=investigation_id)),
        "exposure": lambda: exposure_selectors.exposure_search(epi, subject, start=low, end=high,
                                                               window=int(window.total_seconds() // 60),
                                                               with_details=False),
        "floor": lambda: list(CheckIn.objects.filter(place_id=stop.key_place_id,
                                                     checked_in_at__gte=stop.starts_at - window,
                                                     checked_in_at__lte=stop.ends_at + window)
                              .values_list("person_id", "checked_in_at")),
    }


def plan_indexes(op) -> tuple[int, str]:
    """(queries the call runs, the indexes and any full scans of its check-in and passage reads)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as ctx:
        op()
    indexes, scans = set(), set()
    for query in ctx.captured_queries:
        sql = query["sql"]
        if "checkpoints_checkin" not in sql and "checkpoints_passage" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
            lines = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
        for line in lines:
            indexes.update(re.findall(r"(?:Index Scan using|Index Only Scan using|Bitmap Index Scan on|"
                                      r"USING (?:COVERING )?INDEX) (\w+)", line))
            full = re.search(r"Seq Scan on (\w+)", line) or (re.search(r"\bSCAN (\w+)", line)
                                                               if "USING" not in line else None)
            if full:
                scans.add(full.group(1))
    return len(ctx.captured_queries), (", ".join(sorted(indexes)) + "; full scans: "
                                       + (", ".join(sorted(scans)) or "none"))


def main(argv=None) -> list[str]:
    args = exposure.arguments(argv, "python -m bench.candidates", __doc__.split("\n")[0],
                              "timed calls of each; the median is printed")
    measured = exposure.run(args, "fangkong_bench_candidates", load,
                            lambda counts: operations(counts["investigation"]), plan_indexes)
    engine, counts, loaded, found = (measured[k] for k in ("engine", "counts", "loaded", "result"))
    queries, indexes, times = measured["queries"], measured["indexes"], measured["times"]
    sources = {}
    for c in found:
        for source in c.sources:
            sources[source] = sources.get(source, 0) + 1
    met = "met" if times["candidates"] < TARGET_MS else "MISSED"
    return [
        f"{engine}: {counts['check-ins']:,} check-ins and {counts['passages']:,} passages over {exposure.DAYS} days, "
        f"{args.places:,} places, {counts['persons']:,} persons in {counts['households']:,} households and alone, "
        f"{counts['ledger']:,} ledger entries (loaded in {loaded:.0f}s)",
        f"candidates of one case ({counts['stops']} stops: {STOPS} key places, a train, a coach): median "
        f"{times['candidates']:.1f} ms over {args.repeat} calls ({len(found):,} candidates: "
        + ", ".join(f"{n} {source}" for source, n in sorted(sources.items()))
        + f"; {found.unconfirmed_visitors} unconfirmed visitors; {queries} queries) — target < {TARGET_MS:.0f} ms {met}",
        f"of which the exposure search of the case's own presences over the itinerary's days (its first source): "
        f"median {times['exposure']:.1f} ms",
        f"floor, one stop's check-ins at its place ±30 min by index: median {times['floor']:.2f} ms; "
        f"candidates ÷ floor = {times['candidates'] / times['floor']:.0f}×",
        f"indexes of the check-in and passage reads: {indexes}",
    ]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    for line in main():
        print(line)
