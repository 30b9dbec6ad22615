"""Cases (病例): report, reclassify, correct, record the outcome. Decided here and nowhere else:

* Who: whoever may report a case (permissions.can_report_case: headquarters, doctors, the CDC's investigation
  teams), for a person and a case of their scope.
* One open case per person. Reporting a person who has an open case (not excluded, no outcome) reclassifies
  that case instead of making a second: asymptomatic → confirmed is one case reclassified, counted once
  (tracing.rollup reads the history). Every change is a `CaseChange`, the report itself the first one.
* Dates: none in the future; onset ≤ first visit ≤ diagnosis ≤ report; diagnosis ≤ confirmation; admission ≤
  discharge; a case is discharged or dead, not both. Each wrong date is named by its field.
* The 2-hour direct-reporting rule (网络直报): `late_report` when reported_at − diagnosed_at is more than
  REPORT_WITHIN_HOURS, kept on the row so the list of late reports is an index read.
* `found_under_management`: the person was on the ledger under management, or in an active isolation order,
  when reported.
* The person joins the ledger (screening.KeyPerson) in the case's category on the ledger of their village: no
  second register. Their other open entries end (已转出: they are managed as a case now), a case-category entry
  of an earlier classification ends when the case is reclassified and a new one opens, and an excluded case
  ends its entry. A person in active isolation who becomes a case has the order ended (转为病例, or 已转送医院
  when admitted) by quarantine's service. The key person's timeline says each step.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.region_codes import covers
from fangkong.core.validation import (
    as_date,
    as_moment,
    choice,
    fmt,
    is_id,
    name_text,
    not_future,
    raise_if,
    text,
)
from fangkong.people.models import Person
from fangkong.people.services import find_or_record_person
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.models import Quarantine, QuarantineStatus
from fangkong.regions.models import Region
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as LedgerStatus
from fangkong.screening.services.key_persons import apply_changes, create_entry
from fangkong.screening.services.timeline import record_event

from .. import permissions, rollup
from ..models import (
    REPORT_WITHIN_HOURS,
    Case,
    CaseChange,
    Classification,
    FoundBy,
    LabTest,
    Outcome,
    Proposal,
    Severity,
)
from . import chains, contacts, notices

CASE_FIELDS = ["number", "person", "region", "key_person", "classification", "severity", "outcome", "found_by",
               "found_under_management", "reporting_unit", "onset_date", "first_visit_date", "diagnosed_at",
               "reported_at", "confirmed_at", "isolated_at", "admitted_at", "discharged_at", "died_at", "late_report",
               "note"]
# the case's dates: (field, label, a moment (True) or a day)
DATES = [("onset_date", _("发病日期"), False), ("first_visit_date", _("初诊日期"), False),
         ("diagnosed_at", _("诊断时间"), True), ("reported_at", _("报告时间"), True),
         ("confirmed_at", _("确诊时间"), True), ("isolated_at", _("隔离时间"), True),
         ("admitted_at", _("入院时间"), True), ("discharged_at", _("出院时间"), True),
         ("died_at", _("死亡时间"), True)]
LABELS = {name: label for name, label, _moment in DATES}
# An onset this long before the diagnosis is a typo, not an episode.
MAX_ONSET_BEFORE_DIAGNOSIS = datetime.timedelta(days=60)
UPDATABLE = {"onset_date", "first_visit_date", "diagnosed_at", "reported_at", "confirmed_at", "isolated_at",
             "admitted_at", "found_by", "reporting_unit", "note"}
CASE_CATEGORIES = {Classification.SUSPECTED: "suspected", Classification.CONFIRMED: "confirmed",
                   Classification.ASYMPTOMATIC: "asymptomatic"}  # the ledger's category of each classification
INFECTED = (Classification.CONFIRMED, Classification.ASYMPTOMATIC)  # what a positive result proposes
LEDGER_LEVELS = (codes.VILLAGE, codes.GRID)


def require_reporter(actor) -> None:
    if not permissions.can_report_case(actor):
        raise PermissionDenied(_("您的角色不能报告或订正病例"))


def is_late(diagnosed_at, reported_at) -> bool:
    """The 2-hour rule: reported more than REPORT_WITHIN_HOURS after the diagnosis."""
    return reported_at - diagnosed_at > datetime.timedelta(hours=REPORT_WITHIN_HOURS)


def _counted(case: Case) -> list[counters.Contribution]:
    """The case's contributions to the roll-up, from its history read afresh (tracing.rollup)."""
    fresh = Case.objects.prefetch_related("changes").get(pk=case.pk)
    return rollup.case_contributions(fresh)


# Values ------------------------------------------------------------------------------------------------

def _classification_and_severity(classification, severity, errors: dict, *, reporting: bool) -> tuple[str, str]:
    classification = choice(classification, Classification, "classification", _("分类"), errors)
    severity = choice(severity, Severity, "severity", _("临床分型"), errors, blank=True)
    if reporting and classification == Classification.EXCLUDED:
        errors.setdefault("classification", _("新报告的病例不能是“已排除”；排除已报告的病例请用订正"))
    if severity and classification and classification != Classification.CONFIRMED:
        errors.setdefault("severity", _("只有确诊病例有临床分型"))
    return classification, severity


def _read_dates(raw: dict, errors: dict) -> dict:
    """Each given date read (a day or a moment), none in the future."""
    found = {}
    for name, label, moment in DATES:
        if name not in raw:
            continue
        value = as_moment(raw[name], name, label, errors) if moment else as_date(raw[name], name, label, errors)
        not_future(value, name, label, errors)
        found[name] = value
    return found


def _day(value) -> datetime.date | None:
    if value is None:
        return None
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _check_order(values: dict, errors: dict) -> None:
    """The dates of one case in their order, each wrong one named by its field (see the module docstring)."""
    def later(field: str, earlier: str) -> None:
        a, b = values.get(field), values.get(earlier)
        if a is None or b is None or field in errors:
            return
        moments = isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime)
        if (a < b) if moments else (_day(a) < _day(b)):
            shown = fmt(b) if isinstance(b, datetime.datetime) else b
            errors[field] = _("%(label)s %(value)s 早于%(other)s %(other_value)s") % {
                "label": LABELS[field], "value": fmt(a) if isinstance(a, datetime.datetime) else a,
                "other": LABELS[earlier], "other_value": shown}

    later("first_visit_date", "onset_date")
    later("diagnosed_at", "first_visit_date")
    later("diagnosed_at", "onset_date")
    later("reported_at", "diagnosed_at")
    later("confirmed_at", "diagnosed_at")
    later("discharged_at", "admitted_at")
    later("died_at", "onset_date")
    onset, diagnosed = values.get("onset_date"), values.get("diagnosed_at")
    if onset and diagnosed and "onset_date" not in errors \
            and _day(diagnosed) - onset > MAX_ONSET_BEFORE_DIAGNOSIS:
        errors["onset_date"] = _("发病日期 %(day)s 距诊断超过%(days)s天，请核实") % {
            "day": onset, "days": MAX_ONSET_BEFORE_DIAGNOSIS.days}
    if values.get("discharged_at") and values.get("died_at"):
        errors.setdefault("died_at", _("病例不能既出院又死亡"))


def _person(actor, person_id, fields: dict, errors: dict) -> Person | None:
    """The person by id (of the actor's scope), else found or recorded from `fields` by the people app's rule."""
    if person_id not in (None, ""):
        pk = person_id.pk if isinstance(person_id, Person) else person_id
        found = Person.objects.filter(pk=pk).first() if is_id(pk) else None
        if found is None or not covers(actor, found.region_id):
            errors.setdefault("person_id", _("人员 %(value)s 不存在或不在您的管辖范围内") % {"value": pk})
            return None
        return found
    if not any(fields.values()):
        errors.setdefault("person_id", _("请选择人员，或填写姓名、证件号码和所属区划"))
        return None
    try:
        found, _created = find_or_record_person(actor, **fields)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
        return None
    if found is None:  # registered outside the actor's scope: not theirs to report
        errors.setdefault("id_number", _("该证件号码的人员不在您的管辖范围内，请由其所在地报告病例"))
    return found


def _next_number(region_code: str, reported_at: datetime.datetime) -> str:
    """病例编号: the county's code, the year and a running number (420921-2020-00001)."""
    prefix = f"{region_code[:6]}-{timezone.localdate(reported_at).year}-"
    last = (Case.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
            .first())
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:05d}"


# Report ------------------------------------------------------------------------------------------------

@transaction.atomic
def report_case(actor, *, person_id=None, name: str = "", id_type: str = "resident_id", id_number: str = "",
                region_code: str = "", phone: str = "", address: str = "", workplace: str = "",
                classification: str, severity: str = "", found_by: str, reporting_unit: str, diagnosed_at,
                reported_at=None, onset_date=None, first_visit_date=None, confirmed_at=None, isolated_at=None,
                admitted_at=None, note: str = "") -> Case:
    """报告病例: a case of the person (`person_id`, or found or recorded from name, ID number and region).

    A person with an open case already has it reclassified (when the classification or severity differs)
    and its empty dates filled in: the same case is returned. Raises ValidationError naming each bad field.
    """
    require_reporter(actor)
    errors: dict = {}
    classification, severity = _classification_and_severity(classification, severity, errors, reporting=True)
    found_by = choice(found_by, FoundBy, "found_by", _("发现途径"), errors)
    reporting_unit = name_text(reporting_unit, "reporting_unit", _("报告单位"), 100, errors, required=True)
    note = text(note, "note", _("备注"), 300, errors)
    raw = {"onset_date": onset_date, "first_visit_date": first_visit_date, "diagnosed_at": diagnosed_at,
           "reported_at": reported_at if reported_at not in (None, "") else timezone.now(),
           "confirmed_at": confirmed_at, "isolated_at": isolated_at, "admitted_at": admitted_at}
    dates = _read_dates(raw, errors)
    if dates.get("diagnosed_at") is None:
        errors.setdefault("diagnosed_at", _("请填写诊断时间"))
    if classification == Classification.CONFIRMED and dates.get("confirmed_at") is None:
        dates["confirmed_at"] = dates.get("diagnosed_at")
    _check_order(dates, errors)
    person = _person(actor, person_id, {"name": name, "id_type": id_type, "id_number": id_number,
                                        "region_code": region_code, "phone": phone, "address": address,
                                        "workplace": workplace}, errors)
    raise_if(errors)
    person = Person.objects.select_for_update().get(pk=person.pk)  # two reports of one person: one case
    current = Case.objects.select_for_update().filter(person=person, outcome="").exclude(
        classification=Classification.EXCLUDED).first()
    if current is not None:
        return _report_again(actor, current, classification=classification, severity=severity, dates=dates)
    quarantine = _active_quarantine(person)
    under_management = quarantine is not None or KeyPerson.objects.filter(
        person=person, status=LedgerStatus.UNDER_MANAGEMENT).exists()
    if dates.get("isolated_at") is None and quarantine is not None:
        dates["isolated_at"] = quarantine.start_at  # isolated already: onset → isolation counts from there
    case = _create(actor, person, classification=classification, severity=severity, found_by=found_by,
                   reporting_unit=reporting_unit, note=note, dates=dates, under_management=under_management)
    counters.track_change([], _counted(case))
    audit.record(actor, "case.report", case, region=case.region_id, after=audit.snapshot(case, CASE_FIELDS))
    _join_ledger(actor, case, _("报告为%(what)s（病例编号 %(number)s，%(unit)s）") % {
        "what": _what(case), "number": case.number, "unit": case.reporting_unit})
    _end_isolation(actor, case)
    _take_lab_tests(actor, case)
    contacts.contact_became_case(actor, case)
    return case


def _create(actor, person: Person, *, classification, severity, found_by, reporting_unit, note, dates,
            under_management) -> Case:
    reported_at = dates["reported_at"]
    for _attempt in range(5):  # two reports at once may take the same number: the second takes the next
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    number=_next_number(person.region_id, reported_at), person=person, region_id=person.region_id,
                    classification=classification, severity=severity, found_by=found_by,
                    found_under_management=under_management, reporting_unit=reporting_unit, note=note,
                    late_report=is_late(dates["diagnosed_at"], reported_at), created_by=actor, **dates)
                break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("no free case number")
    CaseChange.objects.create(case=case, at=reported_at, from_classification="", to_classification=classification,
                              to_severity=severity, reason=_("报告"), actor=actor)
    return case


def _report_again(actor, case: Case, *, classification, severity, dates: dict) -> Case:
    """The person's open case, reported again: reclassified when the report says otherwise, its empty
    dates filled in from the report."""
    if (classification, severity) != (case.classification, case.severity):
        case = _reclassify(actor, case, classification=classification, severity=severity,
                           reason=_("再次报告"), at=dates["reported_at"])
    blanks = {name: value for name, value in dates.items()
              if value is not None and getattr(case, name) is None and name != "reported_at"}
    if blanks:
        case = _update(actor, case, blanks)
    return case


def _active_quarantine(person: Person) -> Quarantine | None:
    return (Quarantine.objects.filter(key_person__person=person, status=QuarantineStatus.ACTIVE)
            .order_by("-start_at").first())


def _what(case: Case) -> str:
    """确诊病例（轻型）, 疑似病例: the classification as the timeline says it."""
    if case.severity:
        return f"{case.get_classification_display()}（{case.get_severity_display()}）"
    return str(case.get_classification_display())


# The ledger and isolation --------------------------------------------------------------------------------

def _ledger_region(case: Case) -> str | None:
    """Where the case's entry goes: the person's open entry's region, else their own village or grid."""
    entry = (KeyPerson.objects.filter(person_id=case.person_id, status=LedgerStatus.UNDER_MANAGEMENT)
             .order_by("-registered_on", "-pk").first())
    if entry is not None:
        return entry.region_id
    region = case.person.region_id
    return region if codes.level_of(region) in LEDGER_LEVELS else None


def _end_entry(actor, kp: KeyPerson, status: str, prefix: str) -> None:
    apply_changes(actor, kp, {"status": status, "ended_on": max(timezone.localdate(), kp.registered_on)},
                  kind="status", prefix=prefix)


def _join_ledger(actor, case: Case, line: str) -> None:
    """The case's person on the ledger in the case's category (none for an excluded case), the other open
    entries ended, and `line` on the timeline of the entry that holds the case now."""
    category = CASE_CATEGORIES.get(case.classification)
    region = _ledger_region(case)
    current = None
    for kp in KeyPerson.objects.select_for_update().filter(person_id=case.person_id,
                                                            status=LedgerStatus.UNDER_MANAGEMENT):
        if kp.category == category:
            current = kp
            continue
        if category is None:  # excluded: the case's own entry ends, the person's other entries stay
            if kp.pk == case.key_person_id:
                _end_entry(actor, kp, LedgerStatus.RELEASED, _("排除病例（%(number)s）：") % {"number": case.number})
            continue
        _end_entry(actor, kp, LedgerStatus.TRANSFERRED, _("转为%(what)s（%(number)s）：") % {
            "what": case.get_classification_display(), "number": case.number})
    if category is not None and current is None and region is not None:
        current = create_entry(actor, case.person, category, Region.objects.get(code=region), timezone.localdate(), {
            "note": _("病例编号 %(number)s") % {"number": case.number}})
    if current is not None:
        record_event(current, "case", line, actor)
    elif case.key_person_id:
        record_event(case.key_person_id, "case", line, actor)
    if current is not None and current.pk != case.key_person_id:
        case.key_person = current
        case.save(update_fields=["key_person"])


def _end_isolation(actor, case: Case) -> None:
    """An active isolation order of the person ends: 转为病例, or 已转送医院 when the case is admitted."""
    quarantine = _active_quarantine(case.person)
    if quarantine is None:
        return
    status = (QuarantineStatus.TRANSFERRED_TO_HOSPITAL if case.admitted_at else QuarantineStatus.BECAME_CASE)
    at = min(max(case.admitted_at or case.reported_at, quarantine.start_at), timezone.now())
    quarantine_services.end_for_case(actor, quarantine, status=status, at=at, reason=_(
        "报告为%(what)s（病例编号 %(number)s）") % {"what": case.get_classification_display(), "number": case.number})


def _take_lab_tests(actor, case: Case) -> None:
    """The person's tests of no case become this case's; a positive result's proposal is taken up when the case
    is now what it proposed (confirmed or asymptomatic)."""
    LabTest.objects.filter(person_id=case.person_id, case__isnull=True).update(case=case, updated_at=timezone.now())
    if case.classification not in INFECTED:
        return
    for test in LabTest.objects.select_for_update().filter(person_id=case.person_id, proposal=Proposal.PENDING):
        test.proposal, test.updated_at = Proposal.ACCEPTED, timezone.now()
        test.save(update_fields=["proposal", "updated_at"])
        audit.record(actor, "lab_test.proposal", test, region=test.region_id,
                     before={"proposal": Proposal.PENDING}, after={"proposal": Proposal.ACCEPTED, "case": case.pk})


# Reclassify, correct, outcome ------------------------------------------------------------------------------

def _locked(actor, case: Case) -> Case:
    require_reporter(actor)
    locked = Case.objects.select_for_update().select_related("person").filter(pk=case.pk).first()
    if locked is None or not covers(actor, locked.region_id):
        raise PermissionDenied(_("该病例不在您的管辖范围内"))
    return locked


def _require_open(case: Case) -> None:
    if case.outcome:
        raise ValidationError(_("病例 %(number)s 已%(outcome)s，不能再订正") % {
            "number": case.number, "outcome": case.get_outcome_display()})
    if case.classification == Classification.EXCLUDED:
        raise ValidationError({"classification": _("病例 %(number)s 已排除，不能再订正；如再次发现，请重新报告病例") % {
            "number": case.number}})


@transaction.atomic
def reclassify(actor, case: Case, *, classification: str, severity: str = "", reason: str, at=None) -> Case:
    """订正: the case's classification and/or severity change in place, kept as a CaseChange."""
    case = _locked(actor, case)
    _require_open(case)
    errors: dict = {}
    classification, severity = _classification_and_severity(classification, severity, errors, reporting=False)
    reason = text(reason, "reason", _("订正原因"), 200, errors, required=True)
    moment = as_moment(at, "at", _("订正时间"), errors, default=timezone.now())
    not_future(moment, "at", _("订正时间"), errors)
    raise_if(errors)
    return _reclassify(actor, case, classification=classification, severity=severity, reason=reason, at=moment)


def _reclassify(actor, case: Case, *, classification, severity, reason, at) -> Case:
    errors: dict = {}
    if (classification, severity) == (case.classification, case.severity):
        errors["classification"] = _("分类和临床分型均未改变（现为%(what)s）") % {"what": _what(case)}
    last = case.changes.order_by("-at", "-id").first()
    since = max(case.reported_at, last.at if last else case.reported_at)
    if at is not None and at < since:
        errors.setdefault("at", _("订正时间 %(at)s 早于上次报告或订正 %(since)s") % {"at": fmt(at), "since": fmt(since)})
    raise_if(errors)
    old = _counted(case)
    before = audit.snapshot(case, ["classification", "severity", "confirmed_at"])
    CaseChange.objects.create(case=case, at=at, from_classification=case.classification,
                              to_classification=classification, from_severity=case.severity,
                              to_severity=severity, reason=reason, actor=actor)
    was = _what(case)
    case.classification, case.severity, case.updated_at = classification, severity, timezone.now()
    if classification == Classification.CONFIRMED and case.confirmed_at is None:
        case.confirmed_at = at
    case.save()
    counters.track_change(old, _counted(case))
    audit.record(actor, "case.reclassify", case, region=case.region_id, before=before,
                 after={**audit.snapshot(case, ["classification", "severity", "confirmed_at"]), "reason": reason})
    _join_ledger(actor, case, _("病例 %(number)s 由%(was)s订正为%(what)s：%(reason)s") % {
        "number": case.number, "was": was, "what": _what(case), "reason": reason})
    if classification == Classification.EXCLUDED:
        notices.withdraw_for_excluded(actor, case)
    else:
        _end_isolation(actor, case)
        _take_lab_tests(actor, case)
        contacts.contact_became_case(actor, case)
    return case


@transaction.atomic
def update_case(actor, case: Case, **changes) -> Case:
    """Correct the case's dates, how it was found, the reporting unit or the note (fields not passed stay)."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValidationError(_("不能修改的字段：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    case = _locked(actor, case)
    return _update(actor, case, changes)


def _update(actor, case: Case, changes: dict) -> Case:
    errors: dict = {}
    given = {}
    if "found_by" in changes:
        given["found_by"] = choice(changes["found_by"], FoundBy, "found_by", _("发现途径"), errors)
    if "reporting_unit" in changes:
        given["reporting_unit"] = name_text(changes["reporting_unit"], "reporting_unit", _("报告单位"), 100, errors,
                                            required=True)
    if "note" in changes:
        given["note"] = text(changes["note"], "note", _("备注"), 300, errors)
    dates = _read_dates({k: v for k, v in changes.items() if k in LABELS}, errors)
    for required in ("diagnosed_at", "reported_at"):
        if required in dates and dates[required] is None:
            errors.setdefault(required, _("请填写%(label)s") % {"label": LABELS[required]})
    merged = {name: getattr(case, name) for name in LABELS} | dates
    _check_order(merged, errors)
    raise_if(errors)
    old = _counted(case)
    before = audit.snapshot(case, CASE_FIELDS)
    for name, value in (given | dates).items():
        setattr(case, name, value)
    case.late_report = is_late(case.diagnosed_at, case.reported_at)
    old_audit, new_audit = audit.changes(before, audit.snapshot(case, CASE_FIELDS))
    if not new_audit:
        return case
    case.updated_at = timezone.now()
    case.save()
    counters.track_change(old, _counted(case))
    audit.record(actor, "case.update", case, region=case.region_id, before=old_audit, after=new_audit)
    if {"onset_date", "reported_at"} & set(new_audit):
        chains.case_dates_changed(case)
    if case.key_person_id:
        labels = "、".join(str(Case._meta.get_field(name).verbose_name) for name in new_audit)
        record_event(case.key_person_id, "case", _("病例 %(number)s 修改：%(fields)s") % {
            "number": case.number, "fields": labels}, actor)
    return case


@transaction.atomic
def record_outcome(actor, case: Case, *, outcome: str, at=None, note: str = "") -> Case:
    """转归: discharged (治愈出院) or died (死亡), at `at` (default now). A death ends the case's ledger entry;
    a discharged case stays on the ledger for the village's follow-up until they release them."""
    case = _locked(actor, case)
    _require_open(case)
    errors: dict = {}
    outcome = choice(outcome, Outcome, "outcome", _("转归"), errors)
    field = {Outcome.DISCHARGED: "discharged_at", Outcome.DIED: "died_at"}.get(outcome)
    note = text(note, "note", _("备注"), 300, errors)
    moment = as_moment(at, "at", _("转归时间"), errors, default=timezone.now())
    not_future(moment, "at", _("转归时间"), errors)
    raise_if(errors)
    merged = {name: getattr(case, name) for name in LABELS} | {field: moment}
    order_errors: dict = {}
    _check_order(merged, order_errors)
    if order_errors:
        raise ValidationError({"at": order_errors.get(field) or next(iter(order_errors.values()))})
    old = _counted(case)
    case.outcome, case.updated_at = outcome, timezone.now()
    setattr(case, field, moment)
    if note:
        case.note = note
    case.save()
    counters.track_change(old, _counted(case))
    audit.record(actor, f"case.{outcome}", case, region=case.region_id,
                 after={"outcome": outcome, field: moment, "note": note})
    line = _("病例 %(number)s %(outcome)s（%(at)s）") % {"number": case.number, "outcome": case.get_outcome_display(),
                                                      "at": fmt(moment)}
    kp = KeyPerson.objects.select_for_update().filter(pk=case.key_person_id).first() if case.key_person_id else None
    if kp is not None:
        record_event(kp, "case", line, actor)
        if outcome == Outcome.DIED and kp.status == LedgerStatus.UNDER_MANAGEMENT:
            _end_entry(actor, kp, LedgerStatus.TRANSFERRED, _("死亡："))
    return case


def positive_proposes(case: Case | None) -> bool:
    """A positive result proposes a change for the person: no open case, or a suspected one."""
    return case is None or case.classification == Classification.SUSPECTED


def open_case_of(person_id: int) -> Case | None:
    return (Case.objects.filter(person_id=person_id, outcome="").exclude(classification=Classification.EXCLUDED)
            .first())

