"""The daily catch-up of possible duplicates (the worker's `people.pair_recent`, people.periodic): twins
written at the same moment by two PostgreSQL transactions are not paired by the triggers (neither sees the other's
uncommitted row); the job pairs the persons written since the day before yesterday again, and only those."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from fangkong.core import periodic
from fangkong.people.models import Person, PossibleDuplicate
from tests import factories
from tests.concurrency import at_once

ON_POSTGRES = connection.vendor == "postgresql"
BIRTH = datetime.date(1980, 1, 1)


def twin(name: str = "张三", **values) -> Person:
    return Person.objects.create(name=name, region_id=factories.VILLAGE_A1, birth_date=BIRTH, **values)


def pairs() -> set[tuple[int, int, str]]:
    return set(PossibleDuplicate.objects.values_list("older", "newer", "rule"))


@pytest.mark.django_db
def test_the_job_pairs_again_the_persons_written_since_the_day_before_yesterday_and_only_those(tree):
    recent = (twin(), twin())
    old = (twin("李四"), twin("李四"))
    Person.objects.filter(pk__in=[p.pk for p in old]).update(
        updated_at=timezone.now() - datetime.timedelta(days=4))
    kept = pairs()
    assert {(recent[0].pk, recent[1].pk, "name_birth_village"), (old[0].pk, old[1].pk, "name_birth_village")} <= kept
    PossibleDuplicate.objects.all().delete()  # as two transactions writing at once would leave them

    summary = periodic.job("people.pair_recent").run(timezone.now())

    assert pairs() == {(recent[0].pk, recent[1].pk, "name_birth_village")}
    assert summary["pairs_added"] == 1
    # run again: nothing missing, nothing doubled
    assert periodic.job("people.pair_recent").run(timezone.now())["pairs_added"] == 0
    assert PossibleDuplicate.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite runs one writer at a time: its triggers always see the twin")
def test_twins_written_at_the_same_moment_by_two_transactions_are_paired_by_the_job(transactional_db):
    factories.county_tree()
    inserted = threading.Barrier(2)

    def register(_i):
        with transaction.atomic():
            written = twin().pk
            inserted.wait(timeout=30)  # both rows written, neither committed: each trigger missed the other
        return written

    written = at_once(2, register)
    assert all(isinstance(pk, int) for pk in written), written
    assert pairs() == set()  # the gap the job is for

    periodic.job("people.pair_recent").run(timezone.now())

    assert pairs() == {(min(written), max(written), "name_birth_village")}
