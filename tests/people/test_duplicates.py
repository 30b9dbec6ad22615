import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.people import identity, selectors, services
from fangkong.people.models import Person, PossibleDuplicate
from fangkong.people.selectors import DuplicateRule
from tests import factories
from tests.people import builders
from tests.people.ids import resident_id

BIRTH = datetime.date(1980, 1, 1)


@pytest.fixture
def hq(tree):
    return factories.user("hq", Role.HQ_ADMIN)


def pairs(user):
    return {(p.first.pk, p.second.pk): p.rules for p in selectors.duplicate_pairs_for(user)}


def test_same_id_digest(hq):
    number = resident_id()
    digest = identity.digest("resident_id", number)
    a = builders.raw_person(factories.VILLAGE_A1, "张三", id_number=number, id_digest=digest)
    b = builders.raw_person(factories.VILLAGE_B1, "张叁", id_number=number, id_digest=digest)
    builders.raw_person(factories.VILLAGE_A1, "王五", id_number=resident_id(seq="999"),
                        id_digest=identity.digest("resident_id", resident_id(seq="999")))
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.SAME_ID]}


def test_same_name_and_phone(hq):
    phone = identity.digest("phone", "13812345678")
    a = builders.raw_person(factories.VILLAGE_A1, "张三", phone="13812345678", phone_digest=phone)
    b = builders.raw_person(factories.VILLAGE_B1, "张三", phone="13812345678", phone_digest=phone)
    builders.raw_person(factories.VILLAGE_A1, "李四", phone="13812345678", phone_digest=phone)  # shared family phone
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_PHONE]}


def test_same_name_and_birth_date_in_one_village(hq):
    a = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH)
    b = builders.raw_person(factories.GRID_A1, "张三", birth_date=BIRTH)  # a grid of the same village
    builders.raw_person(factories.VILLAGE_A2, "张三", birth_date=BIRTH)  # another village: not listed
    builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=datetime.date(1981, 1, 1))
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_BIRTH_VILLAGE]}


def test_a_group_of_three_gives_two_pairs_and_rules_are_combined(hq):
    phone = identity.digest("phone", "13812345678")
    a, b, c = (builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH, phone="13812345678",
                                   phone_digest=phone) for _ in range(3))
    both = [DuplicateRule.NAME_PHONE, DuplicateRule.NAME_BIRTH_VILLAGE]
    assert pairs(hq) == {(a.pk, b.pk): both, (a.pk, c.pk): both}


def test_pairs_are_listed_only_inside_the_scope(hq):
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    number = resident_id()
    digest = identity.digest("resident_id", number)
    builders.raw_person(factories.VILLAGE_A1, "张三", id_number=number, id_digest=digest)
    builders.raw_person(factories.VILLAGE_B1, "张三", id_number=number, id_digest=digest)
    assert len(pairs(hq)) == 1
    assert pairs(worker) == {}


def test_distinct_people_are_not_listed(hq):
    builders.person(hq, factories.VILLAGE_A1, "张三", phone="13812345678")
    builders.person(hq, factories.VILLAGE_A1, "李四", phone="13912345678")
    assert pairs(hq) == {}


def test_duplicate_search_uses_a_fixed_number_of_queries(hq, django_assert_max_num_queries):
    for i in range(30):
        builders.raw_person(factories.VILLAGE_A1, f"人{i}", birth_date=BIRTH)
        builders.raw_person(factories.VILLAGE_A1, f"人{i}", birth_date=BIRTH)
    with django_assert_max_num_queries(6):
        found = selectors.duplicate_pairs_for(hq, limit=100)
    assert len(found) == 30


# The pairs are kept by the database as persons are written (PossibleDuplicate): the list reads them, bounded by
# what it shows, never a GROUP BY over every person of the scope.

def test_a_pair_goes_when_a_record_no_longer_matches(hq):
    number = resident_id()
    digest = identity.digest("resident_id", number)
    a = builders.raw_person(factories.VILLAGE_A1, "张三", id_number=number, id_digest=digest)
    b = builders.raw_person(factories.VILLAGE_B1, "张三", id_number=number, id_digest=digest)
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.SAME_ID]}
    Person.objects.filter(pk=b.pk).update(id_digest="corrected")  # written directly, as a bulk fix would
    assert pairs(hq) == {}
    Person.objects.filter(pk=b.pk).update(id_digest=digest)
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.SAME_ID]}


def test_a_merged_or_removed_person_leaves_no_pair(hq):
    keep, other, third = (builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH) for _ in range(3))
    services.merge_persons(hq, keep, other)
    assert pairs(hq) == {(keep.pk, third.pk): [DuplicateRule.NAME_BIRTH_VILLAGE]}
    third.delete()
    assert pairs(hq) == {} and not PossibleDuplicate.objects.exists()


def test_moving_a_person_moves_the_pair_between_scopes(hq):
    worker = factories.user("village1", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    a = builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH, phone="13812345678",
                            phone_digest=identity.digest("phone", "13812345678"))
    b = builders.raw_person(factories.GRID_A1, "张三", birth_date=BIRTH, phone="13812345678",
                            phone_digest=identity.digest("phone", "13812345678"))
    assert pairs(worker) == {(a.pk, b.pk): [DuplicateRule.NAME_PHONE, DuplicateRule.NAME_BIRTH_VILLAGE]}
    Person.objects.filter(pk=b.pk).update(region_id=factories.VILLAGE_B1)
    assert pairs(worker) == {}
    assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_PHONE]}  # another village: no longer the same villager


def test_rows_written_in_bulk_are_paired_with_each_other(hq):
    twins = Person.objects.bulk_create(Person(name="张三", region_id=factories.VILLAGE_A1, birth_date=BIRTH)
                                       for _ in range(2))
    assert pairs(hq) == {(twins[0].pk, twins[1].pk): [DuplicateRule.NAME_BIRTH_VILLAGE]}


def test_pairs_are_paged_by_cursor(hq):
    made = [tuple(builders.raw_person(village, f"人{i}", birth_date=BIRTH).pk for _ in range(2))
            for i, village in enumerate([factories.VILLAGE_B1, factories.VILLAGE_A1, factories.GRID_A1])]
    first = selectors.duplicate_pairs_for(hq, limit=2)
    rest = selectors.duplicate_pairs_for(hq, limit=2, after=first[-1].cursor)
    # by the region where the pair meets, then by the older record
    assert [(p.first.pk, p.second.pk) for p in first + rest] == [made[1], made[2], made[0]]


def test_the_list_reads_the_kept_pairs_not_every_person(hq):
    for i in range(40):
        builders.raw_person(factories.VILLAGE_A1, f"人{i}", birth_date=BIRTH)
    a, b = (builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH) for _ in range(2))
    with CaptureQueriesContext(connection) as ctx:
        assert pairs(hq) == {(a.pk, b.pk): [DuplicateRule.NAME_BIRTH_VILLAGE]}
    assert len(ctx.captured_queries) == 2
    for query in ctx.captured_queries:
        assert "GROUP BY" not in query["sql"] and "COUNT(" not in query["sql"].upper(), query["sql"]
    persons = [q["sql"] for q in ctx.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert persons and all('"people_person"."id" IN' in sql for sql in persons)  # only the persons shown


def test_the_pairs_of_a_scope_are_an_index_range(hq):
    builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH)
    builders.raw_person(factories.VILLAGE_A1, "张三", birth_date=BIRTH)
    with CaptureQueriesContext(connection) as ctx:
        selectors.duplicate_pairs_for(factories.user("town", Role.HQ_ADMIN, factories.TOWN_A))
    sql = next(q["sql"] for q in ctx.captured_queries if 'FROM "people_possibleduplicate"' in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX possible_duplicate_region (region_id>? AND region_id<?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan
        else:
            # a test's few rows are sorted cheaper than read in order: ask whether the index can serve the order
            for setting in ("seqscan", "bitmapscan", "sort"):
                cursor.execute(f"SET LOCAL enable_{setting} = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Scan using possible_duplicate_region" in plan and "Sort" not in plan, plan


def test_the_database_keeps_the_pairs_with_triggers_on_the_persons_table(db):
    # a migration that rebuilds the persons' table (SQLite's way to alter it) drops them: it must make them again
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'people_person'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'people_person'::regclass "
                           "AND NOT tgisinternal")
        found = {row[0] for row in cursor.fetchall()}
    inserts = [f"insert_{rule}" for rule in DuplicateRule.values] if connection.vendor == "sqlite" else ["insert"]
    assert found == {f"people_possible_duplicates_{op}" for op in (*inserts, "update", "delete")}
