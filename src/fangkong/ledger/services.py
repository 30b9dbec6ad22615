"""Ledger import and export: the writes (and the audited export) behind the page, the API and the CLI.

`import_ledger` reads and checks the whole file first; then, in one transaction, it updates the
people already known (matched by ID digest) and their open ledger entries, creates the rest,
adds the timeline events, moves the roll-up counters once for the whole file and writes the
audit trail — all with bulk statements, because a county ledger has tens of thousands of rows.
Any error and nothing is written, unless the caller asked to keep the valid rows. A row's temperature
(and yes/no symptoms) is the day's check of its entry on the sheet's date, written in bulk like the rest:
checked cell by cell by the daily check's rule (core.health.parse_temperature), one check per entry and
day (a second replaces the first, as `record_daily_check` does), counted, on the timeline and audited.

The actor SYSTEM is the server's own command line run without --user: no scope applies and the
audit trail names "system".
"""

import datetime
import json
import operator
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry, Source
from fangkong.core import actors
from fangkong.core import region_codes as codes
from fangkong.core.actors import is_system
from fangkong.core.exports import Sheet, workbook_bytes
from fangkong.core.health import Fever, FeverSource, fever_found, is_fever
from fangkong.people import reviews
from fangkong.people.models import Person
from fangkong.people.services import apply_registration, audit_view
from fangkong.regions.models import Region
from fangkong.screening import rollup
from fangkong.screening.models import Category, CheckMethod, DailyCheck, KeyPerson, KeyPersonEvent, Status
from fangkong.screening.services.checks import check_text
from fangkong.screening.services.timeline import event_row

from . import bulk, cells, selectors
from .importing import ImportResult, Matches, match_existing, read_ledger
from .rows import DETAIL_FIELDS, LedgerRow, Regions

BATCH = 1000  # rows per bulk_update statement (updates: a re-import, not the bulk of the work)
ENTRY_FIELDS = ["region", "registered_on", *DETAIL_FIELDS]
PERSON_UPDATE_FIELDS = ["name", "id_type", "id_number", "id_digest", "sex", "birth_date", "phone", "phone_digest",
                 "region", "address", "workplace", "updated_at"]
PERSON_ATTNAMES = [Person._meta.get_field(name).attname for name in PERSON_UPDATE_FIELDS if name != "updated_at"]
# stored columns → the key of the (masked) audit view that shows them
VIEW_KEYS = {"id_digest": "id_number", "phone_digest": "phone", "region_id": "region"}
PERSON_VALUES = ("name", "id_type", "id_number", "id_digest", "sex", "birth_date", "phone", "phone_digest",
                 "address", "workplace")


def target_region(actor, code: str, *, for_import: bool = True) -> Region:
    """The region the file is imported into: it must exist and lie in the actor's scope (else 404)."""
    code = cells.compact(code)
    if not is_system(actor):
        allowed = permissions.can_work_ledger(actor) if for_import else permissions.can_view_ledger(actor)
        if not allowed:
            raise PermissionDenied(_("您的角色不能导入台账") if for_import else _("您的角色不能导出台账"))
        if not code or not actor.region.contains(code):
            raise Http404
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise Http404
    return region


def category_option(value) -> str:
    """The --category / form choice as a stored category ("" when the file's 类别 column decides)."""
    try:
        return cells.parse_category(value)
    except cells.CellError as exc:
        raise ValidationError({"category": str(exc)}) from None


def import_ledger(actor, source, *, filename: str, region_code: str, category: str = "",
                  keep_valid: bool = False, today: datetime.date | None = None,
                  as_of: datetime.date | None = None) -> ImportResult:
    """Import a ledger file (a path or a binary file object named `filename`) into `region_code`.

    Every sheet is read as of `as_of` when given, else the date in its title rows, else `today` (the
    import's day, default the local date): the future, year-less dates and a new entry's registration
    count from there. Returns the result whether written or refused; raises Http404 / PermissionDenied
    when the actor may not import there and ValidationError for an unknown category option or an
    `as_of` in the future.
    """
    region = target_region(actor, region_code)
    default_category = category_option(category)
    today = today or timezone.localdate()
    if as_of is not None and as_of > today:
        raise ValidationError({"as_of": _("表格日期 %(day)s 是将来的日期") % {"day": as_of.isoformat()}})
    rows, result = read_ledger(source, filename, regions=Regions(region), today=today,
                               default_category=default_category, as_of=as_of)
    with audit.source(Source.IMPORT), transaction.atomic():
        _lock_imports()
        rows, matches = match_existing(actor, rows, result)
        result.sort_errors()
        if not rows and not matches.held and not result.errors:
            result.add_error({"sheet": filename, "row": 0, "column": "", "value": "",
                              "reason": _("文件中没有可导入的数据行")})
        if not (rows or matches.held) or (result.errors and not keep_valid):
            return result
        if rows:
            _write(actor, rows, matches, result, today=today, filename=filename)
        _hold_for_review(actor, matches.held, result)
        result.written = True
        audit.record(actor, "ledger.import", object_type="ledger", object_id="", object_repr=filename,
                     region=region.code, after={
                         "file": filename, "rows_read": result.rows_read, "created": result.created,
                         "updated": result.updated, "duplicates": result.duplicates, "pending": result.pending,
                         "errors": result.error_count, "keep_valid": keep_valid, "category": default_category,
                         "checks": result.checks, "as_of": as_of.isoformat() if as_of else None})
    return result


def _hold_for_review(actor, held, result: ImportResult) -> None:
    """Each row of a person the importer may not change becomes a ledger registration held for review, as
    the registration form's would (people.reviews): the import neither refuses it nor says why."""
    for row, person, entry in held:
        values = row.person
        submission = {"name": values["name"], "region_code": row.region, "category": row.category,
                      "phone": values.get("phone", ""), "address": values.get("address", ""),
                      "workplace": values.get("workplace", ""), "registered_on": row.registered_on, **row.details}
        reviews.submit_review(actor, kind="key_person", person=person, region_code=row.region, submission=submission,
                              also_covering=entry.region_id if entry is not None else "")
    result.pending = len(held)


def _lock_imports() -> None:
    """Two imports of the same people at once must not both create them: SQLite already writes one
    transaction at a time (BEGIN IMMEDIATE); PostgreSQL takes a transaction-level advisory lock (no
    Django API for one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('fangkong.ledger.import'))")


@dataclass
class _Work:
    """What one import changes, gathered before the bulk statements run."""

    created: dict[str, dict] = field(default_factory=dict)                 # digest → new person's values
    matched: dict[str, tuple[Person, tuple, dict]] = field(default_factory=dict)  # digest → (person, values, view)
    new_entries: list[tuple[object, LedgerRow]] = field(default_factory=list)  # (person id or digest, row)
    changed_entries: list[tuple[KeyPerson, dict]] = field(default_factory=list)  # (entry, changed fields)
    old: list = field(default_factory=list)  # counter contributions before, of changed entries
    ledger: dict[str, list] = field(default_factory=dict)  # digest → ledger notes for a known person's audit entry
    # region → ids of the people and entries created there, for the import's audit entries
    created_ids: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    checks: list[tuple[int, str, LedgerRow]] = field(default_factory=list)  # (entry id, its region, row with a check)


def _write(actor, rows: list[LedgerRow], matches: Matches, result: ImportResult, *, today, filename: str) -> None:
    now = timezone.now()
    work = _Work()
    known, created, new_entries = matches.persons, work.created, work.new_entries
    for row in rows:
        values = row.person
        digest = values["id_digest"]
        person = known.get(digest) if known else None
        if person is None:
            first = created.get(digest)
            if first is None:  # the row's own values become the new person's (no copy: the row is done with)
                values["region"] = row.region
                created[digest] = values
            else:
                _merge_new_person(first, row)
            new_entries.append((digest, row))
            continue
        if digest not in work.matched:
            work.matched[digest] = (person, _values(person), audit_view(person))
        apply_registration(person, row.person, row.region)  # a registration's rule: given values replace
        entry = matches.open_entries.get((person.pk, row.category))
        if entry is None:
            new_entries.append((person.pk, row))
        else:
            _update_entry(entry, row, work, now)
            if row.check is not None:
                work.checks.append((entry.pk, entry.region_id, row))
    person_ids = _insert_people(work, now)
    changed_persons = _update_people(work, now)
    new_counts = _insert_entries(actor, work, person_ids, today, now)
    KeyPerson.objects.bulk_update([e for e, _c in work.changed_entries], [*ENTRY_FIELDS, "updated_at"],
                                  batch_size=BATCH)
    _update_events(actor, work, now)
    new = [(code, day, metric, amount * count) for (region, day, category), count in new_counts.items()
           for code, day, metric, amount in rollup.key_person_contributions(_NewEntry(region, day, category))]
    new.extend(c for e, _c in work.changed_entries for c in rollup.key_person_contributions(e))
    counters.track_change(work.old, new)
    _audit_people(actor, work, changed_persons, now, filename)
    result.checks = _write_checks(actor, work.checks, now, filename)
    result.created, result.updated = len(work.created), len(work.matched)


def _merge_new_person(values: dict, row: LedgerRow) -> None:
    """The same new person in a second category sheet: what the later row gives wins."""
    for name in PERSON_VALUES:
        if row.person.get(name) not in ("", None):
            values[name] = row.person[name]
    values["region"] = row.region


def _insert_people(work: _Work, now) -> dict[str, int]:
    ids = dict(zip(work.created, bulk.reserve_ids(Person, len(work.created)), strict=True))
    columns = [*PERSON_VALUES, "region"]
    pick = operator.itemgetter(*columns)
    bulk.insert(Person, ["id", *columns],
                ((ids[digest], *pick(values)) for digest, values in work.created.items()),
                constants={"created_at": now, "updated_at": now})
    for digest, values in work.created.items():
        work.created_ids.setdefault(values["region"], {"persons": [], "key_persons": []})["persons"].append(ids[digest])
    return ids


def _values(person: Person) -> tuple:
    return tuple(getattr(person, name) for name in PERSON_ATTNAMES)


def _update_people(work: _Work, now) -> list[Person]:
    # compared on the stored values: the masked audit view hides a change in the middle of a phone number
    changed = [p for p, values, _view in work.matched.values() if _values(p) != values]
    for person in changed:
        person.updated_at = now
    Person.objects.bulk_update(changed, PERSON_UPDATE_FIELDS, batch_size=BATCH)
    return changed


class _NewEntry:
    """Enough of a new KeyPerson for its roll-up contributions (rollup.key_person_contributions)."""

    __slots__ = ("region_id", "registered_on", "category")
    status = Status.UNDER_MANAGEMENT
    ended_on = None

    def __init__(self, region_id, registered_on, category):
        self.region_id, self.registered_on, self.category = region_id, registered_on, category


def _insert_entries(actor, work: _Work, person_ids: dict[str, int], today, now) -> Counter:
    """New ledger entries and their "registered" events; returns how many per (region, day, category),
    for the counters."""
    ids = bulk.reserve_ids(KeyPerson, len(work.new_entries))
    rows, counts = [], Counter()
    details = operator.itemgetter(*DETAIL_FIELDS)
    created_ids = work.created_ids
    for kp_id, (person, row) in zip(ids, work.new_entries, strict=True):
        day = row.registered_on or row.day or today
        if row.check is not None:
            work.checks.append((kp_id, row.region, row))
        if person.__class__ is str:  # a new person: listed in the import's audit entry of the region
            person_id = person_ids[person]
            created_ids.setdefault(row.region, {"persons": [], "key_persons": []})["key_persons"].append(kp_id)
        else:  # a known person: noted in the person's own audit entry
            person_id = person
            work.ledger.setdefault(row.person["id_digest"], []).append(
                {"category": row.category, "key_person": kp_id, "registered": True})
        rows.append((kp_id, person_id, row.category, row.region, day, *details(row.details)))
        counts[(row.region, day, row.category)] += 1
    bulk.insert(KeyPerson, ["id", "person", "category", "region", "registered_on", *DETAIL_FIELDS], rows,
                constants={"created_at": now, "updated_at": now})
    texts = {value: _("台账导入：登记为%(category)s") % {"category": label} for value, label in Category.choices}
    actor_id = actors.user_id_of(actor)
    _insert_events((event_row(row[0], "registered", texts[row[2]], at=now, actor_id=actor_id) for row in rows),
                   now, actor_id)
    return counts


def _write_checks(actor, checks: list[tuple[int, str, LedgerRow]], now, filename: str) -> int:
    """The day's checks of the rows: new ones inserted in bulk, an entry's check of that day already there
    replaced (as a second check of the day does); counters, timeline lines and one audit entry per region
    listing them. The village's check of its own ledger is taken to be its door-to-door one (上门)."""
    if not checks:
        return 0
    actor_id = actors.user_id_of(actor)
    existing: dict[tuple[int, datetime.date], DailyCheck] = {}
    days = {row.day for _kp, _region, row in checks}
    for chunk in _chunks([kp_id for kp_id, _region, _row in checks]):
        for check in DailyCheck.objects.filter(key_person_id__in=chunk, checked_on__in=days):
            existing[(check.key_person_id, check.checked_on)] = check
    new, corrected, old, events = [], [], [], []
    audited: dict[str, dict] = {}
    for kp_id, region, row in checks:
        temperature, symptoms, _title = row.check
        check = existing.get((kp_id, row.day))
        notes = audited.setdefault(region, {"file": filename, "daily_checks": [], "corrected_checks": []})
        was_corrected = check is not None
        if check is None:
            check = DailyCheck(key_person_id=kp_id, checked_on=row.day, method=CheckMethod.VISIT)
            new.append(check)
        else:
            old.extend(rollup.daily_check_contributions(check))
            corrected.append(check)
            notes["corrected_checks"].append({"daily_check": check.pk, "temperature": str(check.temperature),
                                              "symptoms": check.symptoms})
        check.region_id, check.temperature, check.symptoms, check.checked_by_id = (
            region, temperature, symptoms, actor_id)
        events.append((check, was_corrected))
    for check, pk in zip(new, bulk.reserve_ids(DailyCheck, len(new)), strict=True):
        check.pk = pk
    bulk.insert(DailyCheck, ["id", "key_person", "region", "checked_on", "temperature", "symptoms", "method",
                             "checked_by"],
                ((c.pk, c.key_person_id, c.region_id, c.checked_on, c.temperature, c.symptoms, c.method,
                  c.checked_by_id) for c in new), constants={"created_at": now})
    DailyCheck.objects.bulk_update(corrected, ["region", "temperature", "symptoms", "checked_by"], batch_size=BATCH)
    counters.track_change(old, [c for check in (*new, *corrected) for c in rollup.daily_check_contributions(check)])
    _insert_events((event_row(check.key_person_id, "fever_check" if is_fever(check.temperature) else "check",
                              check_text(check, was_corrected), at=now, actor_id=actor_id)
                    for check, was_corrected in events), now, actor_id)
    for check in new:
        audited[check.region_id]["daily_checks"].append(check.pk)
    _fevers_found(actor, [check for check, _corrected in events if is_fever(check.temperature)], now)
    bulk.insert(AuditEntry, ["region", "after"],
                ((code, json.dumps(notes, ensure_ascii=False)) for code, notes in audited.items()),
                constants={"at": now, "actor": actor_id, "actor_name": actors.name_of(actor),
                           "action": "daily_check.import", "object_type": "daily_check", "object_id": "",
                           "object_repr": filename[:200], "source": Source.IMPORT})
    return len(checks)


def _fevers_found(actor, checks: list[DailyCheck], now) -> None:
    """A fever on an imported check reaches the fever clinic like one recorded on the page (core.health)."""
    entries = KeyPerson.objects.in_bulk([check.key_person_id for check in checks])
    for check in checks:
        entry = entries[check.key_person_id]
        fever_found(actor, Fever(person=entry.person_id, key_person=entry, temperature=check.temperature,
                                 source=FeverSource.DAILY_CHECK, at=now, region_code=entry.region_id,
                                 symptoms=check.symptoms, checked=True))


def _chunks(items: list, size: int = 2000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _update_events(actor, work: _Work, now) -> None:
    actor_id = actors.user_id_of(actor)
    events = []
    for kp, changed in work.changed_entries:
        fields = "、".join(str(KeyPerson._meta.get_field(name).verbose_name) for name in changed)
        events.append(event_row(kp.pk, "updated", _("台账导入更新：%(fields)s") % {"fields": fields}, at=now,
                                actor_id=actor_id))
    _insert_events(events, now, actor_id)


def _insert_events(events, at, actor_id) -> None:
    """Timeline rows as screening builds them (`timeline.event_row`), all of one time and actor, in bulk."""
    bulk.insert(KeyPersonEvent, ["key_person", "kind", "text"], ((e.key_person_id, e.kind, e.text) for e in events),
                constants={"at": at, "actor": actor_id})


def _update_entry(entry: KeyPerson, row: LedgerRow, work: _Work, now) -> None:
    before = audit.snapshot(entry, ENTRY_FIELDS)
    old = rollup.key_person_contributions(entry)
    for name, value in row.details.items():
        if value not in ("", None):
            setattr(entry, name, value)
    if not codes.is_within(entry.region_id, row.region):  # a village's name keeps its entries in their grids
        entry.region_id = row.region
    if row.registered_on:
        entry.registered_on = row.registered_on
    _old, changed = audit.changes(before, audit.snapshot(entry, ENTRY_FIELDS))
    note = {"category": row.category, "key_person": entry.pk}
    if changed:
        entry.updated_at = now
        work.changed_entries.append((entry, changed))
        work.old.extend(old)
        note["changed"] = changed
    work.ledger.setdefault(row.person["id_digest"], []).append(note)


def _person_changes(person: Person, values: tuple, view: dict) -> tuple[dict, dict]:
    """Before/after of the changed fields, masked; a number whose masked form did not change still shows."""
    old, new = audit.changes(view, audit_view(person))
    after = audit_view(person)
    for name, before_value in zip(PERSON_ATTNAMES, values, strict=True):
        if getattr(person, name) != before_value:
            key = VIEW_KEYS.get(name, name)
            old.setdefault(key, view.get(key))
            new.setdefault(key, after.get(key))
    return old, new


def _audit_people(actor, work: _Work, changed_persons: list[Person], now, filename: str) -> None:
    """The audit trail of the rows: a known person changed or given a new ledger entry gets an entry of
    their own (before/after of what changed, masked, and the ledger notes); the people and entries
    the file created are listed, by id, in one entry per region ("person.import"): who imported them,
    when and from which file — their values are the rows themselves, and any later change to them
    is audited with before/after."""
    rows = [("person.import", "", (_("%(file)s：新建%(persons)s人、台账%(entries)s条") % {
                 "file": filename, "persons": len(ids["persons"]), "entries": len(ids["key_persons"])})[:200],
             region_code, None, json.dumps({"file": filename, **ids}, ensure_ascii=False))
            for region_code, ids in work.created_ids.items()]
    changed = {p.id_digest for p in changed_persons}
    for digest, (person, values, view) in work.matched.items():
        ledger = work.ledger.get(digest, [])
        old, new = _person_changes(person, values, view) if digest in changed else ({}, {})
        if not new and not any("changed" in note or note.get("registered") for note in ledger):
            continue
        rows.append(("person.update", str(person.pk), person.name[:200], person.region_id,
                     json.dumps(old, ensure_ascii=False) if old else None,
                     json.dumps({**new, "ledger": ledger}, ensure_ascii=False)))
    bulk.insert(AuditEntry, ["action", "object_id", "object_repr", "region", "before", "after"], rows, constants={
        "at": now, "actor": actors.user_id_of(actor), "actor_name": actors.name_of(actor),
        "object_type": "person", "source": Source.IMPORT})


# Export --------------------------------------------------------------------------------------------

@transaction.atomic
def export_ledger(actor, *, region_code: str, day: datetime.date, reveal: bool = False) -> tuple[bytes, str, int]:
    """The standard ledger of a region subtree on `day` as .xlsx: (file bytes, file name, rows).

    ID numbers and phones are masked unless the actor may reveal them and asks to; the export
    is audited with its filters.
    """
    region = target_region(actor, region_code, for_import=False)
    if reveal and not is_system(actor) and not permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能导出完整证件号码和电话"))
    sheets = [Sheet(name=str(label), headers=[str(h) for h in selectors.LEDGER_HEADERS],
                    rows=selectors.ledger_rows(actor, region, day, category, reveal=reveal),
                    title=_("%(region)s%(category)s台账（%(day)s在管）") % {
                        "region": region.name, "category": label, "day": day.isoformat()})
              for category, label in Category.choices]
    content, rows = workbook_bytes(sheets, actor)
    audit.record_export(actor, "ledger", region=region.code, rows=rows,
                        filters={"date": day.isoformat(), "reveal": bool(reveal)})
    return content, f"ledger-{region.code}-{day.isoformat()}.xlsx", rows
