"""Brief and BriefTemplate belong to the briefing app but live in the tables the reports app created: a
database holding briefs written under the reports app migrates without copying a row, and the briefing models
read (and keep numbering) what was there."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from fangkong.briefing.models import Brief, BriefTemplate

BEFORE_THE_MOVE = [("reports", "0001_initial")]
COUNTY = "420921000000"
DAY = datetime.date(2020, 2, 3)


def _migrate(targets) -> None:
    # a new executor each time: its loader reads which migrations are applied when it is made
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def before_the_move(transactional_db):
    """The database as it was before the move (no briefing app); migrated to the end again afterwards."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE_THE_MOVE)
    try:
        yield MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    finally:
        _migrate(latest)


def test_briefs_written_under_reports_are_read_by_briefing_after_migrating(before_the_move):
    old = before_the_move
    assert not {app for app, _name in MigrationRecorder(connection).applied_migrations()} & {"briefing"}
    with pytest.raises(LookupError):
        old.get_model("briefing", "Brief")
    region = old.get_model("regions", "Region").objects.create(code=COUNTY, name="孝昌县", level="county")
    old.get_model("reports", "BriefTemplate").objects.create(region=region, name="县模板", content=b"PK\x03\x04")
    old.get_model("reports", "Brief").objects.create(region=region, day=DAY, issue_number=7, next_steps="一是……")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    brief = Brief.objects.get()
    assert (brief.region_id, brief.day, brief.issue_number, brief.next_steps) == (COUNTY, DAY, 7, "一是……")
    template = BriefTemplate.objects.get()
    assert (template.region_id, template.name, bytes(template.content)) == (COUNTY, "县模板", b"PK\x03\x04")
    # the same table, its constraints and its id sequence: the next issue is stored beside the old one
    later = Brief.objects.create(region_id=COUNTY, day=DAY + datetime.timedelta(days=1), issue_number=8)
    assert later.pk != brief.pk and Brief.objects.count() == 2
    assert (Brief._meta.db_table, BriefTemplate._meta.db_table) == ("reports_brief", "reports_brieftemplate")
