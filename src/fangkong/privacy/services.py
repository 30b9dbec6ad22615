"""The end of the response (DESIGN §3): erase the personal data of a region and period, keep every figure.

Decided here and nowhere else, over the declarations of core.personal_data:
- A row lies in the purge when its region is in the region's subtree and its moment (a date, or a time in the
  deployment's time zone) is before the day given.
- A person is purged when their own record lies in the purge and so does every row about them in any register:
  someone still managed after the day, or seen elsewhere, keeps their data everywhere.
- A row of any other register is erased when it lies in the purge and every person it is about (if any) is purged.
- Erasing keeps the row with its region, day, state and numbers (core.personal_data says what each field becomes),
  so the counters, the daily reports, the briefs and the statistics stay exactly as they were.
- The audit trail keeps who did what to which record and when; its entries about erased records lose their
  personal values (the record's fields, the keys its app names, any value equal to one erased from the record,
  the object's name), and the other entries of the region and period lose any ID number, phone or digest of a
  purged record.
- Files of erased rows are deleted once the purge is committed.
- A row erased already (by an earlier purge of the region) is neither erased nor counted again.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from fangkong.core import personal_data, region_codes
from fangkong.core.days import day_start
from fangkong.core.locks import xact_lock
from fangkong.core.personal_data import ERASED, Holder
from fangkong.regions.models import Region

BATCH = 500
# erased values that identify a person wherever they appear (the safety net over the region's audit trail)
IDENTIFYING = ("id_number", "phone", "digest")


@dataclass
class Purge:
    region: str
    before: datetime.date
    rows: dict[str, int] = field(default_factory=dict)  # model label → rows erased (or to erase)
    audit_entries: int = 0
    files: int = 0
    done: bool = False

    @property
    def persons(self) -> int:
        return self.rows.get(personal_data.subject().label, 0)


def check_request(region_code: str, before: datetime.date) -> Region:
    """The region (it must exist) and a day no later than tomorrow (everything recorded until now), else
    ValidationError naming what is wrong."""
    code = "".join(str(region_code or "").split())
    region_codes.check(code)
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError({"region": f"no region {code}"})
    if before > timezone.localdate() + datetime.timedelta(days=1):
        raise ValidationError({"before": f"{before} is after tomorrow: the latest is tomorrow, which purges "
                                         "everything recorded until now"})
    return region


def plan_purge(region_code: str, before: datetime.date) -> Purge:
    """What `purge` would erase: rows per model, audit entries rewritten, files deleted. Writes nothing."""
    region = check_request(region_code, before)
    with transaction.atomic():
        return _run(region.code, before, write=False)


def purge(actor, region_code: str, before: datetime.date) -> Purge:
    """Erase the personal data of the region and period (the module's rules), in one transaction, audited."""
    region = check_request(region_code, before)
    with transaction.atomic():
        xact_lock("privacy.purge")  # one purge at a time: a second one reads what the first erased
        result = _run(region.code, before, write=True)
        audit.record(actor, "privacy.purge", object_type="purge", object_id="", region=region.code,
                     object_repr=f"{region.name} {before.isoformat()}",
                     after={"before_day": before.isoformat(), "erased": result.rows,
                            "audit_entries": result.audit_entries, "files": result.files})
    result.done = True
    return result


# Which rows ---------------------------------------------------------------------------------------------


def _final_field(model, lookup: str) -> models.Field:
    current, found = model, None
    for part in lookup.split("__"):
        found = current._meta.get_field(part)
        if found.is_relation and found.related_model is not None:
            current = found.related_model
    return found


def _in_purge(holder: Holder, code: str, before: datetime.date) -> Q:
    moment = _final_field(holder.model, holder.moment)
    bound = day_start(before) if isinstance(moment, models.DateTimeField) else before
    return region_codes.within(code, holder.region) & Q(**{f"{holder.moment}__lt": bound})


def purged_persons(code: str, before: datetime.date) -> set[int]:
    """The persons of the purge: their record and every row about them lie in it."""
    subject = personal_data.subject()
    candidates = subject.model._base_manager.filter(_in_purge(subject, code, before))
    found = set(candidates.values_list("pk", flat=True))
    for holder in personal_data.holders():
        if holder.subject:
            continue
        elsewhere = holder.model._base_manager.exclude(_in_purge(holder, code, before))
        for lookup in holder.persons:
            seen = elsewhere.filter(**{f"{lookup}__in": candidates.values("pk")})
            found -= set(seen.values_list(lookup, flat=True).distinct())
    return found


def _erased(holder: Holder) -> Q:
    """Rows whose fields are erased already (by an earlier purge): not erased, nor counted, again."""
    q = Q()
    for f in holder.fields():
        value = personal_data.erased_value(f)
        q &= Q(**{f"{f.name}__isnull": True}) if value is None else Q(**{f.name: value})
    return q


def _rows(holder: Holder, code: str, before: datetime.date, persons: set[int]) -> list[int]:
    """The rows of `holder` to erase, by primary key."""
    in_purge = holder.model._base_manager.filter(_in_purge(holder, code, before))
    if holder.subject:
        return sorted(persons - set(in_purge.filter(_erased(holder)).values_list("pk", flat=True)))
    rows = in_purge.exclude(_erased(holder))
    if not holder.persons:
        return sorted(rows.values_list("pk", flat=True))
    erase, current, keep = [], None, False
    # a row about several persons (or a household's members) comes once per combination: grouped by its key
    for pk, *about in rows.values_list("pk", *holder.persons).order_by("pk").iterator(chunk_size=5000):
        if pk != current:
            if current is not None and not keep:
                erase.append(current)
            current, keep = pk, False
        keep = keep or any(p is not None and p not in persons for p in about)
    if current is not None and not keep:
        erase.append(current)
    return erase


def _batches(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# Erasing ------------------------------------------------------------------------------------------------


@dataclass
class _Work:
    write: bool
    rows: dict[str, int] = field(default_factory=dict)
    entries: set[int] = field(default_factory=set)  # audit entries rewritten (or to rewrite)
    files: list[tuple] = field(default_factory=list)  # (storage, name)
    identifying: set[str] = field(default_factory=set)


def _run(code: str, before: datetime.date, *, write: bool) -> Purge:
    work = _Work(write)
    persons = purged_persons(code, before)
    for holder in personal_data.holders():
        ids = _rows(holder, code, before, persons)
        if ids:
            work.rows[holder.label] = len(ids)
            for batch in _batches(ids):
                _erase(holder, batch, work)
    _scan_trail(code, before, work)
    if write:
        files = list(work.files)
        transaction.on_commit(lambda: _delete_files(files))
    return Purge(code, before, work.rows, len(work.entries), len(work.files))


def _erase(holder: Holder, batch: list[int], work: _Work) -> None:
    fields = holder.fields()
    names = [f.name for f in fields]
    originals: dict[int, set[str]] = {}
    for pk, *values in holder.model._base_manager.filter(pk__in=batch).values_list("pk", *names):
        originals[pk] = {str(v) for v in values if isinstance(v, str) and v and v != ERASED}
        for f, value in zip(fields, values, strict=True):
            if isinstance(f, models.FileField) and value:
                work.files.append((f.storage, str(value)))
            if isinstance(value, str) and value and any(word in f.name for word in IDENTIFYING):
                work.identifying.add(value)
    if work.write and fields:
        holder.model._base_manager.filter(pk__in=batch).update(
            **{f.name: personal_data.erased_value(f) for f in fields})
    _erase_trail(holder, originals, work)


def _erase_trail(holder: Holder, originals: dict[int, set[str]], work: _Work) -> None:
    """The audit entries about the erased rows (and, for an alias, about the ids they name) lose personal values."""
    object_type = holder.model._meta.model_name
    keys = set(holder.erase) | set(holder.audit_keys)
    pending = {str(pk): values for pk, values in originals.items()}
    seen: set[str] = set()
    while pending:
        aliases: dict[str, set[str]] = {}
        entries = list(AuditEntry.objects.filter(object_type=object_type, object_id__in=list(pending)))
        for entry in entries:
            values = pending[entry.object_id]
            alias = entry.after.get(holder.audit_alias) if holder.audit_alias and isinstance(entry.after, dict) else None
            if alias is not None and str(alias) not in seen and str(alias) not in pending:
                aliases[str(alias)] = values
            entry.object_repr = ERASED
            entry.before = _scrubbed(entry.before, keys, values)
            entry.after = _scrubbed(entry.after, keys, values)
            work.entries.add(entry.pk)
        if work.write:
            AuditEntry.objects.bulk_update(entries, ["object_repr", "before", "after"], batch_size=BATCH)
        seen |= set(pending)
        pending = aliases


def _scrubbed(data, keys: set[str], values: set[str]):
    if isinstance(data, dict):
        return {k: None if k in keys and v not in (None, "", [], {}) else _scrubbed(v, keys, values)
                for k, v in data.items()}
    if isinstance(data, list):
        return [_scrubbed(v, keys, values) for v in data]
    if isinstance(data, str) and data in values:
        return None
    return data


def _scan_trail(code: str, before: datetime.date, work: _Work) -> None:
    """The rest of the region's trail in the period: any ID number, phone or digest of a purged record goes."""
    if not work.identifying:
        return
    entries = AuditEntry.objects.filter(region_codes.within(code), at__lt=day_start(before))
    changed = []
    for entry in entries.only("pk", "object_repr", "before", "after").iterator(chunk_size=2000):
        if entry.pk in work.entries:
            continue
        found = _leaves(entry.before) | _leaves(entry.after) | {entry.object_repr}
        if not found & work.identifying:
            continue
        if entry.object_repr in work.identifying:
            entry.object_repr = ERASED
        entry.before = _scrubbed(entry.before, set(), work.identifying)
        entry.after = _scrubbed(entry.after, set(), work.identifying)
        changed.append(entry)
        work.entries.add(entry.pk)
    if work.write:
        AuditEntry.objects.bulk_update(changed, ["object_repr", "before", "after"], batch_size=BATCH)


def _leaves(data) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(_leaves(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(_leaves(v) for v in data)) if data else set()
    return {data} if isinstance(data, str) else set()


def _delete_files(files: Iterable[tuple]) -> None:
    for storage, name in files:
        storage.delete(name)
