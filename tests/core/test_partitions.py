"""Monthly partitions of the large registers (PostgreSQL) and their retention (both databases): rows land in
their month, a month made late takes its rows from the default partition, expired months go with what points
at them cleared and every counter unchanged, a key sent again in another month is still one registration."""

import datetime
import io
import json
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client

from fangkong.analytics import counters
from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.models import Passage
from fangkong.checkpoints.services import passages as passage_services
from fangkong.core import partitions, periodic
from fangkong.places.models import CheckIn
from fangkong.places.selectors.check_ins import active_code_by_token
from fangkong.places.services import check_ins
from fangkong.screening.models import ArrivalTask, TaskKind
from fangkong.settings import retention_setting
from tests import factories
from tests.checkpoints.builders import checkpoint as roadside
from tests.checkpoints.builders import passage
from tests.concurrency import at_once
from tests.places.builders import code, fresh_cache, place  # noqa: F401

ON_POSTGRES = connection.vendor == "postgresql"


def postgres(test):
    return pytest.mark.postgres_only(pytest.mark.skipif(not ON_POSTGRES, reason="partitions are PostgreSQL's")(test))


LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
REGISTERS = {"audit": "audit_auditentry", "check_ins": "checkpoints_checkin", "follow_ups": "quarantine_followup",
             "passages": "checkpoints_passage"}


def _local(y, m, d, h=10) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=LOCAL)


def _entry(at: datetime.datetime) -> AuditEntry:
    return AuditEntry.objects.create(at=at, action="test.partition", actor_name="测试")


def _partition_of(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _visit(c, at, phone="13912345678", key=""):
    return check_ins.check_in(active_code_by_token(c.token), phone=phone, name="李四", at=at, client_key=key)


# The shape ----------------------------------------------------------------------------------------------------

def test_the_four_registers_are_registered_with_their_time_column():
    assert {r.name: r.table for r in partitions.registers()} == REGISTERS
    assert {r.name: r.column for r in partitions.registers()} == {
        "audit": "at", "check_ins": "checked_in_at", "follow_ups": "due_at", "passages": "passed_at"}


@pytest.mark.django_db
@postgres
def test_on_postgres_each_is_partitioned_by_month_with_the_months_ahead_and_a_default():
    this_month = partitions.month_of(datetime.datetime.now(LOCAL))
    with connection.cursor() as cursor:
        for table in REGISTERS.values():
            assert partitions.is_partitioned(table)
            made = partitions.partitions(table)
            assert made[-1].month is None and made[-1].name == f"{table}_default"
            months = [p.month for p in made[:-1]]
            assert this_month in months and len([m for m in months if m > this_month]) >= partitions.AHEAD
            cursor.execute("SELECT count(*) FROM pg_constraint WHERE confrelid = %s::regclass", [table])
            assert cursor.fetchone()[0] == 0  # nothing may point at a partitioned table


# Rows in their months ----------------------------------------------------------------------------------------

@pytest.mark.django_db
@postgres
def test_a_row_lands_in_its_local_month_and_a_month_made_later_takes_its_waiting_rows():
    # 00:30 on the first of next month in China is still this month in UTC: the local month decides
    now = datetime.datetime.now(LOCAL)
    first = partitions.next_month(partitions.month_of(now))
    early = _entry(partitions.month_start(first) + datetime.timedelta(minutes=30))
    assert _partition_of("audit_auditentry", early.pk) == f"audit_auditentry_p{first:%Y%m}"
    old = [_entry(_local(2019, 5, 3)), _entry(_local(2019, 5, 30)), _entry(_local(2019, 7, 1))]
    assert {_partition_of("audit_auditentry", e.pk) for e in old} == {"audit_auditentry_default"}

    made = partitions.ensure_months(partitions.Register("audit", AuditEntry, "at"), now)
    assert made == ["audit_auditentry_p201905", "audit_auditentry_p201907"]
    assert [_partition_of("audit_auditentry", e.pk) for e in old] == [
        "audit_auditentry_p201905", "audit_auditentry_p201905", "audit_auditentry_p201907"]
    assert list(AuditEntry.objects.filter(pk__in=[e.pk for e in old]).order_by("pk").values_list("at", flat=True)) == \
        [e.at for e in old]
    # run again: nothing to make, nothing moves
    assert partitions.ensure_months(partitions.Register("audit", AuditEntry, "at"), now) == []


@pytest.mark.django_db
@postgres
def test_the_daily_job_makes_the_months_ahead_of_its_clock():
    clock = datetime.datetime.now(LOCAL) + datetime.timedelta(days=3650)  # months no run has made yet
    months = [partitions.month_of(clock)]
    for _step in range(partitions.AHEAD):
        months.append(partitions.next_month(months[-1]))
    summary = periodic.job("core.partitions").run(clock)
    for name, table in REGISTERS.items():
        assert summary[name]["made"] == [f"{table}_p{m:%Y%m}" for m in months]
        assert "expired" not in summary[name]  # keeping everything is the default


@pytest.mark.django_db
@postgres
def test_converting_back_and_forth_keeps_every_row_and_the_numbering():
    rows = [_entry(_local(2026, 12, 3)), _entry(_local(2025, 3, 3))]
    with connection.schema_editor() as editor:
        partitions.unpartition_table(editor, "audit_auditentry")
    assert not partitions.is_partitioned("audit_auditentry")
    after = _entry(_local(2026, 12, 4))
    assert after.pk > rows[-1].pk
    with connection.schema_editor() as editor:
        partitions.partition_table(editor, "audit_auditentry", "at")
    assert partitions.is_partitioned("audit_auditentry")
    assert _partition_of("audit_auditentry", rows[1].pk) == "audit_auditentry_p202503"  # its month was made
    assert _entry(_local(2026, 12, 5)).pk > after.pk
    assert list(AuditEntry.objects.filter(action="test.partition").order_by("pk").values_list("pk", "at")) == \
        [(e.pk, e.at) for e in [*rows, after]] + [(after.pk + 1, _local(2026, 12, 5))]


# Retention -------------------------------------------------------------------------------------------------------

@pytest.fixture
def spot(tree, fresh_cache):  # noqa: F811
    return code(place())


def _months_back(n: int) -> datetime.date:
    month = partitions.month_of(datetime.datetime.now(LOCAL))
    for _step in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


@pytest.mark.django_db
def test_retention_removes_older_months_clears_what_points_at_them_and_leaves_every_figure(spot, settings):
    old_month, expired_month, kept_month = _months_back(6), _months_back(3), _months_back(2)
    days = [m.replace(day=10) for m in (old_month, expired_month, kept_month)]
    old, expired, kept = [_visit(spot, _local(d.year, d.month, d.day)) for d in days]
    task = ArrivalTask.objects.create(kind=TaskKind.ARRIVAL, region_id=factories.VILLAGE_A1, check_in_id=old.pk)
    made = partitions.ensure_months(partitions.Register("check_ins", CheckIn, "checked_in_at"),
                                    partitions.month_start(old_month))
    figures = [counters.live(day) for day in days]
    assert all(fig[(factories.COUNTY, "check_in")] == 1 for fig in figures)

    settings.FANGKONG_RETENTION_MONTHS = {"check_ins": 3}  # this month and the two before
    out = io.StringIO()
    call_command("partitions", "--maintain", "--dry-run", stdout=out)
    assert f"将删除 {kept_month} 之前的 2 行" in out.getvalue()
    assert CheckIn.objects.count() == 3

    summary = periodic.job("core.partitions").run(datetime.datetime.now(LOCAL))["check_ins"]["expired"]
    assert summary["rows"] == 2
    if ON_POSTGRES:
        assert summary["partitions"] == [n for n in made if n < f"checkpoints_checkin_p{kept_month:%Y%m}"]
        assert len(summary["partitions"]) == 4 and not {p.name for p in partitions.partitions("checkpoints_checkin")
                                                        } & set(summary["partitions"])
    assert list(CheckIn.objects.values_list("pk", flat=True)) == [kept.pk]
    task.refresh_from_db()
    assert task.check_in_id is None and expired.pk not in set(CheckIn.objects.values_list("pk", flat=True))
    assert [counters.live(day) for day in days] == figures  # counters and reports are not the registers
    assert AuditEntry.objects.filter(action="check_in.create").count() == 3  # the trail keeps its own months


def test_the_retention_setting_is_checked(settings):
    assert retention_setting(" check_ins=24, audit=60 ") == {"check_ins": 24, "audit": 60}
    assert retention_setting("") == {}
    for bad in ("check_ins=2", "check_ins", "check_ins=ten", "audit=-5"):
        with pytest.raises(ImproperlyConfigured, match="FANGKONG_RETENTION_MONTHS"):
            retention_setting(bad)
    settings.FANGKONG_RETENTION_MONTHS = {"checkins": 12}
    with pytest.raises(ImproperlyConfigured, match="checkins: expected some of audit, check_ins, follow_ups, passages"):
        partitions.retention()


@pytest.mark.django_db
def test_the_command_lists_the_registers_and_their_months():
    out = io.StringIO()
    call_command("partitions", "--json", stdout=out)
    listed = {row["register"]: row for row in json.loads(out.getvalue())}
    assert set(listed) == set(REGISTERS)
    assert all(row["partitioned"] == ON_POSTGRES and row["retention_months"] is None for row in listed.values())
    assert bool(listed["audit"]["partitions"]) == ON_POSTGRES


# One registration per key, whatever the month ----------------------------------------------------------------

def _across_the_month() -> tuple[datetime.datetime, datetime.datetime]:
    """Ten seconds before this month began (the default partition: months before the migration are not made)
    and five minutes after (this month's partition), neither in the future."""
    now = datetime.datetime.now(LOCAL)
    start = partitions.month_start(partitions.month_of(now))
    return start - datetime.timedelta(seconds=10), min(start + datetime.timedelta(minutes=5), now)


@pytest.mark.django_db
def test_a_check_in_sent_again_in_the_next_month_with_its_key_is_the_one_stored(spot):
    before, after = _across_the_month()
    first = _visit(spot, before, key="k-1")
    again = _visit(spot, after, key="k-1")  # after the duplicate window too
    assert again.pk == first.pk and CheckIn.objects.count() == 1
    if ON_POSTGRES:
        assert _partition_of("checkpoints_checkin", first.pk) == "checkpoints_checkin_default"
        assert _partition_of("checkpoints_checkin", _visit(spot, after, key="k-2").pk) != "checkpoints_checkin_default"


@pytest.mark.django_db
def test_a_passage_sent_again_in_the_next_month_with_its_key_is_the_one_stored(tree, monkeypatch):
    monkeypatch.setattr(passage_services, "BACKFILL_DAYS", 40)  # typed in late, to span a month at any date
    before, after = _across_the_month()
    town = factories.user("town_a", "township_staff", factories.TOWN_A)
    staff = factories.user("kadian_a", "checkpoint_staff", factories.TOWN_A)
    cp = roadside(town, opened_on=before.date() - datetime.timedelta(days=1))
    first = passage(staff, cp, passed_at=before, client_key="k-2")
    again = passage(staff, cp, passed_at=after, client_key="k-2", temperature="36.9")
    assert again.pk == first.pk and again.duplicate and Passage.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (SQLite runs one writer at a time anyway)")
def test_one_key_sent_at_once_by_ten_phones_is_stored_once(transactional_db, settings):
    settings.FANGKONG_CHECK_IN_RATE = 100
    factories.county_tree()
    c = code(place())
    def send(i):
        return Client().post(f"/api/places/c/{c.token}/check-in", json.dumps(
            {"phone": f"1391234{i:04d}", "name": "李四"}), content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="same-key").status_code

    statuses = at_once(10, send)
    assert sorted(statuses) == [200] * 9 + [201] or statuses == [201] * 10
    assert CheckIn.objects.count() == 1


@postgres
def test_a_month_is_not_made_while_a_long_read_holds_the_table_and_nothing_is_left_half_made(transactional_db,
                                                                                          monkeypatch):
    from django.db import OperationalError, connections

    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "200ms")
    register = partitions.Register("audit", AuditEntry, "at")
    later = datetime.datetime.now(LOCAL) + datetime.timedelta(days=1825)  # a month not made yet
    reader = connections.create_connection("default")
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT count(*) FROM audit_auditentry")  # a report's read, still open
            with pytest.raises(OperationalError, match="lock timeout"):
                partitions.ensure_months(register, later)
            cursor.execute("ROLLBACK")
    finally:
        reader.close()
    name = f"audit_auditentry_p{partitions.month_of(later):%Y%m}"
    assert name not in {p.name for p in partitions.partitions("audit_auditentry")}
    assert name in partitions.ensure_months(register, later)  # once the read is over
