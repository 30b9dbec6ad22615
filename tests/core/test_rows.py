"""core.rows: the prepared one-row statements of the hot write paths read and write what the ORM would."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.audit.models import AuditEntry, Source
from fangkong.core import rows
from tests import factories

pytestmark = pytest.mark.django_db

ALL = tuple(f.attname for f in AuditEntry._meta.concrete_fields)


def _entry(**extra) -> AuditEntry:
    factories.region(factories.VILLAGE_A1, "东岳村")
    return AuditEntry(actor_name="王芳", action="passage.register", object_type="passage", object_id="7",
                      region_id=factories.VILLAGE_A1, after={"温度": "37.5", "list": [1, 2], "none": None},
                      source=Source.API, **extra)


def test_insert_sets_the_id_and_writes_every_column_as_save_would():
    at = timezone.now().replace(microsecond=123456)
    entry = rows.insert(_entry(at=at))

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert entry.pk is not None and not entry._state.adding
    assert [getattr(stored, name) for name in ALL] == [getattr(entry, name) for name in ALL]
    assert stored.after == {"温度": "37.5", "list": [1, 2], "none": None} and stored.at == at


def test_select_converts_values_as_the_orm_does():
    entry = rows.insert(_entry())
    (found,) = rows.select(AuditEntry, ALL, "id = %s", [entry.pk])

    expected = AuditEntry.objects.get(pk=entry.pk)
    assert [getattr(found, name) for name in ALL] == [getattr(expected, name) for name in ALL]
    assert isinstance(found.at, datetime.datetime) and found.at.tzinfo is not None
    assert isinstance(found.after, dict)
    assert rows.select(AuditEntry, ALL, "id = %s", [entry.pk + 1000]) == []


def test_select_loads_only_the_named_columns_and_defers_the_rest():
    entry = rows.insert(_entry())
    (found,) = rows.select(AuditEntry, ("id", "action"), "id = %s", [entry.pk])
    assert found.get_deferred_fields() == set(ALL) - {"id", "action"}
    with CaptureQueriesContext(connection) as ctx:
        assert found.action == "passage.register"
    assert len(ctx.captured_queries) == 0


def test_update_writes_only_the_named_columns():
    entry = rows.insert(_entry())
    AuditEntry.objects.filter(pk=entry.pk).update(object_repr="elsewhere")  # not named below: kept
    entry.action, entry.after, entry.object_repr = "passage.correct", {"温度": "36.6"}, "stale"
    rows.update(entry, ("action", "after"))

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.action, stored.after, stored.object_repr) == ("passage.correct", {"温度": "36.6"}, "elsewhere")

