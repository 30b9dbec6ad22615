"""The audit page reads a bounded stretch of the trail whatever its size: newest first along the time index, no
count, a fixed number of queries, a page that stops after looking through SCAN_LIMIT entries and says where, and
the labels of a page's payload keys built once, not once per key."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit import labels, selectors
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from tests import factories
from tests.pager import every_cursor_page


@pytest.fixture
def boss(tree):
    return factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)


def _entries(n: int, region: str, label: str = "e", **fields) -> None:
    AuditEntry.objects.bulk_create(AuditEntry(actor_name="x", action="test.write", object_type="thing",
                                              object_id=f"{label}-{i}", object_repr=f"{label}-{i}", region_id=region,
                                              **fields) for i in range(n))


def _labels(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<span class="muted">([a-z]+-\d+)</span>', response.content.decode())


def _trail_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "audit_auditentry"' in q["sql"] and q["sql"].startswith("SELECT")]


def test_the_page_asks_a_fixed_number_of_queries_and_counts_nothing(boss, login):
    client = login(boss)
    client.get("/audit/")
    sizes = []
    for n in (3, 120):
        _entries(n, factories.VILLAGE_A1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        sizes.append(len(ctx.captured_queries))
        reads = _trail_reads(ctx.captured_queries)
        assert reads and all("COUNT(" not in sql.upper() for sql in reads)
        assert all(" LIMIT " in sql for sql in reads), reads  # every read of the trail is bounded
    assert sizes[0] == sizes[1]


def test_a_page_that_matches_little_stops_after_the_scan_limit_and_goes_on_from_there(tree, login, monkeypatch):
    monkeypatch.setattr(selectors, "FIRST_WINDOW", 2)
    monkeypatch.setattr(selectors, "SCAN_LIMIT", 6)
    town_admin = factories.user("town", Role.HQ_ADMIN, factories.TOWN_A)
    _entries(1, factories.VILLAGE_A1, "mine")
    _entries(10, factories.VILLAGE_B1, "other")  # newer, and outside the township: looked through, not shown
    client = login(town_admin)

    first = client.get("/audit/")
    html = first.content.decode()
    assert _labels(first) == [] and 'id="searched-to"' in html
    link = re.search(r'class="pager"><a href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    second = client.get(f"/audit/?{link}")
    assert _labels(second) == ["mine-0"]
    assert 'class="pager"' not in second.content.decode()  # the start of the trail


def test_pages_follow_the_time_of_the_entries_and_never_repeat_one(boss):
    now = timezone.now()
    for i in range(7):  # written out of time order, two at the same moment
        entry = audit.record(boss, "test.write", object_type="thing", object_id=f"e-{i}", region=factories.VILLAGE_A1)
        AuditEntry.objects.filter(pk=entry.pk).update(at=now - datetime.timedelta(minutes=(i * 3) % 7 // 2))
    expected = list(AuditEntry.objects.order_by("-at", "-id").values_list("object_id", flat=True))
    def fetch(after):
        page = selectors.page_for(boss, after=after, limit=2)
        return [e.object_id for e in page.entries], page.next_after

    assert every_cursor_page(fetch) == expected


def test_the_date_filters_are_a_range_of_the_time_index(boss, login):
    tz = timezone.get_current_timezone()
    inside = audit.record(boss, "test.write", object_type="thing", object_id="in-1", object_repr="in-1",
                          region=factories.VILLAGE_A1)
    AuditEntry.objects.filter(pk=inside.pk).update(at=datetime.datetime(2020, 1, 23, 0, 30, tzinfo=tz))
    with CaptureQueriesContext(connection) as ctx:
        response = login(boss).get("/audit/", {"date_from": "2020-01-23", "date_to": "2020-01-23"})
    assert _labels(response) == ["in-1"]
    for sql in _trail_reads(ctx.captured_queries):
        assert '"audit_auditentry"."at" >=' in sql and '"audit_auditentry"."at" <' in sql, sql
        assert "django_datetime_cast_date" not in sql and "::date" not in sql  # no function of the column


def _plans(queries) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's few rows: ask which index could serve it
        for sql in _trail_reads(queries):
            if "ORDER BY" in sql and '"region_id" >=' in sql:  # the page's read of the viewer's scope
                cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql)
                found.append("\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))
    return found


def test_the_scoped_read_walks_the_time_index_in_order_rather_than_sorting_the_scope(tree, login):
    town_admin = factories.user("town", Role.HQ_ADMIN, factories.TOWN_A)
    _entries(5, factories.VILLAGE_A1)
    client = login(town_admin)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/audit/", {"action": "test"}).status_code == 200
    plans = _plans(ctx.captured_queries)
    assert plans
    for plan in plans:
        if connection.vendor == "sqlite":
            assert "USING INDEX audit_at" in plan and "TEMP B-TREE" not in plan, plan
        else:
            assert re.search(r"Index Cond: \(\(at [<>]=", plan), plan


def test_a_page_builds_the_payload_labels_other_apps_provide_once(boss, login, monkeypatch):
    calls = []

    def figures():
        calls.append(1)
        return {f"figure_{i}": f"数字{i}" for i in range(40)}

    monkeypatch.setattr(labels, "_field_sources", [figures])
    for _ in range(5):
        audit.record(boss, "report_submitted", object_type="thing", region=factories.VILLAGE_A1,
                     after={"figures": {f"figure_{i}": i for i in range(40)}})
    html = login(boss).get("/audit/").content.decode()
    assert "数字39：39" in html
    assert len(calls) == 1
