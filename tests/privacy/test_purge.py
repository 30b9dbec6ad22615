"""The end of the response: `fangkong purge --region --before` erases the personal data of the people of a region and
period, and nothing else. A response is written through the services (a month ago in two townships, and today), every
figure is taken, the township is purged, and a dump of the whole database holds none of the values typed for its
purged people, every value of the others, and the same figures."""

import datetime
import io
import json
import subprocess

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.analytics.models import DailyCounter
from fangkong.audit.models import AuditEntry
from fangkong.briefing import brief_context
from fangkong.briefing.models import Brief
from fangkong.core import personal_data
from fangkong.people import selectors as people
from fangkong.people.models import Person
from fangkong.privacy import services
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.reports.models import DailyReport
from tests import factories as f

from .response import Response, clock_at, local

pytestmark = pytest.mark.django_db(transaction=True)


def _today() -> datetime.date:
    """Read when used: a run may cross local midnight."""
    return timezone.localdate()


OLD = _today() - datetime.timedelta(days=30)
BEFORE = _today() - datetime.timedelta(days=20)


@pytest.fixture
def response():
    install_default_policies(QuarantinePolicy)  # a flushing test removes the data migration's rows
    cache.clear()
    yield Response()
    cache.clear()


def build(r: Response) -> dict:
    """A month ago in 花园镇 (purged) and 丰山镇, and today; who must go and who must stay."""
    with clock_at(local(OLD, 9)):
        gone_1 = r.someone("清一", "欧阳清一", f.VILLAGE_A1)
        r.ledger_life(gone_1)
        r.check_in(gone_1, r.market)
        r.case(gone_1)
        r.review(gone_1, f.VILLAGE_A2)
        gone_2 = r.someone("清二", "欧阳清二", f.VILLAGE_A1)
        r.passage(gone_2)
        r.check_in(gone_2, r.market)
        r.pharmacy_purchase(gone_2)
        r.arrival_task(gone_2)
        visitor = r.someone("清三", "欧阳清三", f.VILLAGE_A1)  # typed at a check-in, never confirmed as anyone
        r.check_in(visitor, r.market, confirm=False)
        elsewhere = r.someone("留一", "司马留一", f.VILLAGE_B1)
        r.ledger_life(elsewhere)
        r.check_in(elsewhere, r.market_b)
        still_managed = r.someone("留二", "司马留二", f.VILLAGE_A1)
        r.ledger_life(still_managed, isolate=False)
        visitor_b = r.someone("留四", "司马留四", f.VILLAGE_B1)
        r.check_in(visitor_b, r.market_b, confirm=False)
    with clock_at(local(OLD, 20)):
        r.reports_of(OLD)
    r.later_check(still_managed)
    today = r.someone("留三", "司马留三", f.VILLAGE_A1)
    r.ledger_life(today, isolate=False)
    r.reports_of(_today())
    return {"gone": [gone_1, gone_2, visitor], "kept": [elsewhere, still_managed, visitor_b, today]}


def figures(hq, now: datetime.datetime) -> dict:
    """Every figure: the counters, the signed reports with their frozen figures, the briefs and their text (as of
    `now`: what is open or overdue now is part of today's brief)."""
    days = [OLD + datetime.timedelta(days=n) for n in range((_today() - OLD).days + 1)]
    return {
        "counters": sorted(DailyCounter.objects.values_list("region_id", "day", "metric", "value")),
        "reports": sorted(map(str, DailyReport.objects.values())),
        "briefs": sorted(map(str, Brief.objects.values())),
        "brief_text": [json.dumps(brief_context.build(hq, f.COUNTY, day, issue_number=1, now=now), sort_keys=True,
                                 default=str)
                       for day in (OLD, _today())],
        "rebuilt_differ": {day: counters.differences(day) for day in days if counters.differences(day)},
    }


def dump() -> str:
    """The whole database as text: SQLite's iterdump, or pg_dump's plain SQL."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    db = connection.settings_dict
    env = {"PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"] or "",
           "PGPASSWORD": db["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["pg_dump", "--format=plain", "--no-owner", db["NAME"]], env=env, capture_output=True,
                          text=True, check=True).stdout


def found_in(text: str, value: str) -> bool:
    """The value as stored, or as JSON escapes it (SQLite keeps JSON fields with non-ASCII escaped)."""
    return value in text or json.dumps(value)[1:-1] in text


def rows_of_holders() -> dict[str, dict]:
    return {h.label: {row.pk: model_to_dict(row) for row in h.model._base_manager.all()}
            for h in personal_data.holders()}


def test_the_purge_erases_the_regions_people_of_the_period_and_keeps_every_figure(response, login):
    people_of = build(response)
    gone, kept = people_of["gone"], people_of["kept"]
    now = timezone.now()
    before_figures, before_rows = figures(response.hq, now), rows_of_holders()
    entries = AuditEntry.objects.count()
    text = dump()
    assert all(found_in(text, v) for who in gone + kept for v in who.values)  # the test's own premise

    out = io.StringIO()
    call_command("purge", "--region", f.TOWN_A, "--before", BEFORE.isoformat(), stdout=out)
    assert "dry run: nothing erased" in out.getvalue() and "people_person" in out.getvalue()
    assert rows_of_holders() == before_rows

    out = io.StringIO()
    call_command("purge", "--region", f.TOWN_A, "--before", BEFORE.isoformat(), "--yes", stdout=out)
    assert "erased: 2 person(s)" in out.getvalue()

    text = dump()
    leaks = {who.tag: sorted(v for v in who.values if found_in(text, v)) for who in gone}
    assert leaks == {who.tag: [] for who in gone}
    missing = {who.tag: sorted(v for v in who.values if not found_in(text, v)) for who in kept}
    assert missing == {who.tag: [] for who in kept}
    assert figures(response.hq, now) == before_figures
    assert services.plan_purge(f.TOWN_A, BEFORE).rows == {}  # erased once: nothing left to erase

    after_rows = rows_of_holders()
    for holder in personal_data.holders():
        for pk, row in after_rows[holder.label].items():
            changed = {k for k, v in row.items() if before_rows[holder.label][pk][k] != v}
            assert changed <= set(holder.erase), (holder.label, pk, changed)
    kept_ids = [who.person_id for who in kept if who.person_id]
    assert all(after_rows["people.Person"][pk] == before_rows["people.Person"][pk] for pk in kept_ids)

    hq = response.hq
    assert people.persons_for(hq, q=gone[0].id_number).items == []
    assert [p.pk for p in people.persons_for(hq, q=kept[0].id_number).items] == [kept[0].person_id]
    erased = Person.objects.get(pk=gone[0].person_id)
    assert (erased.name, erased.id_number, erased.id_digest, erased.phone, erased.region_id) == (
        "***", "", "", "", f.VILLAGE_A1)

    trail = AuditEntry.objects.filter(object_type="person", object_id=str(gone[0].person_id))
    assert trail.exists() and all(e.object_repr == "***" and e.actor_name == "hq_admin" for e in trail)
    assert AuditEntry.objects.count() == entries + 1
    purge_entry = AuditEntry.objects.get(action="privacy.purge")
    assert purge_entry.region_id == f.TOWN_A and purge_entry.after["erased"]["people.Person"] == 2

    # the audit page and the person's page read the erased records
    client = login(hq)
    page = client.get("/audit/?object_type=person").content.decode()
    assert "***" in page and kept[0].name in page and not any(who.name in page for who in gone)
    assert "清除个人信息" in client.get("/audit/").content.decode()
    assert client.get(f"/people/{gone[0].person_id}/").status_code == 200


def test_the_purge_needs_a_known_region_and_a_day_no_later_than_tomorrow(response):
    with pytest.raises(Exception, match="no region"):
        services.plan_purge("420921009000", BEFORE)
    with pytest.raises(Exception, match="after tomorrow"):
        services.plan_purge(f.TOWN_A, _today() + datetime.timedelta(days=2))
    assert services.plan_purge(f.TOWN_A, BEFORE).rows == {}
