"""The audit trail, shared by every app: services call `record` inside their transaction."""

import contextlib
import contextvars
import datetime
import decimal
import uuid

from django.db import models, transaction

from fangkong.core import actors
from fangkong.core.exports import workbook_bytes
from fangkong.core.rows import insert

from .models import AuditEntry, Source

_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default=Source.SYSTEM)


@contextlib.contextmanager
def source(value: str):
    """Mark writes made inside the block as coming from a page, the API, an import or the CLI."""
    token = _source.set(value)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """Field values of `obj` as JSON-ready data, for before/after."""
    return {name: _plain(getattr(obj, name if not obj._meta.get_field(name).is_relation else f"{name}_id"))
            for name in fields}


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, so the trail says what happened, not everything."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(actor, action: str, obj: models.Model | None = None, *, region=None, before=None, after=None,
           object_type: str | None = None, object_id: str | None = None, object_repr: str | None = None) -> AuditEntry:
    """One entry of the trail. `actor`: the user, or core.actors.SYSTEM (named "system"); None is refused."""
    region_code = region if isinstance(region, str) or region is None else region.code
    return insert(AuditEntry(
        actor=actors.user_of(actor),
        actor_name=actors.name_of(actor),
        action=action,
        object_type=object_type if object_type is not None else (obj._meta.model_name if obj is not None else ""),
        object_id=object_id if object_id is not None else (str(obj.pk) if obj is not None else ""),
        object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
        region_id=region_code,
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        source=current_source(),
    ))


def record_export(actor, what: str, *, region, rows: int, filters: dict | None = None) -> AuditEntry:
    """Every export is logged: what, where, how many rows, with which filters."""
    return record(
        actor, "export", object_type=what, object_id="", object_repr=what, region=region,
        after={"rows": rows, "filters": filters or {}},
    )


def export_workbook(actor, what: str, sheets, *, region, filters: dict | None = None) -> tuple[bytes, int]:
    """An export as .xlsx: the sheets written with the exporter and time in the file
    (core.exports.workbook_bytes) and logged as `what` with its rows and filters (record_export).
    Returns (file bytes, data rows)."""
    content, rows = workbook_bytes(sheets, actor)
    with transaction.atomic():
        record_export(actor, what, region=region, rows=rows, filters=filters)
    return content, rows
