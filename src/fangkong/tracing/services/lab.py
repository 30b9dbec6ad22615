"""Lab tests (核酸/抗体检测): a sample, its result, what a positive result proposes, a lab's result list.

Decided here and nowhere else:

* Who: whoever may report a case (permissions.can_report_case), for persons of their scope; the system (a lab
  list imported on the command line without --user) anywhere.
* A sample belongs to the person's open case, if any (and to the case reported later, services.cases).
* A lab's own sample number is unique per lab: the same (lab, sample number) is the same test, so a result
  list imported again updates its rows instead of adding them.
* A positive result proposes, never decides: for a person with no open case (report one) or a suspected one
  (confirm it), the test's proposal is pending until the case is reported or reclassified (services.cases
  marks it accepted) or someone decides against it (`dismiss_proposal`). A person who is a confirmed or
  asymptomatic case already has nothing to decide.
* A nucleic acid result of a person in active isolation is also the isolation order's test
  (quarantine.services.record_lab_result): the policy's release rule reads the order's own tests only, so a
  person under isolation is released by the lab's result as by one typed on the order's page.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.audit.models import Source
from fangkong.core import actors
from fangkong.core.region_codes import covers
from fangkong.core.validation import as_moment, choice, fmt, is_id, name_text, not_future, raise_if, text
from fangkong.ledger import cells
from fangkong.people.models import Person
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.models import Quarantine, QuarantineStatus, TestResult
from fangkong.screening.services.timeline import record_event

from .. import permissions
from ..lab_import import MAX_SAMPLE_AGE, LabImportResult, LabRow, Reader, id_digests, match
from ..models import Case, Classification, LabResult, LabTest, Proposal, Specimen, TestKind
from . import cases as case_services

TEST_FIELDS = ["person", "region", "case", "kind", "specimen", "sample_number", "lab", "sampled_at", "result",
               "result_at", "proposal"]
RESULTS = (LabResult.NEGATIVE, LabResult.POSITIVE, LabResult.INCONCLUSIVE)


def require_recorder(actor) -> None:
    if not (actors.is_system(actor) or permissions.can_report_case(actor)):
        raise PermissionDenied(_("您的角色不能登记实验室检测"))


def _person(actor, value, id_number, errors: dict) -> Person | None:
    """The person by id, else by ID number (keyed digest), of the actor's scope: nobody else exists here."""
    if value in (None, "") and str(id_number or "").strip():
        try:
            digests, problem = id_digests(id_number)
        except cells.CellError as exc:
            digests, problem = [], str(exc)
        found = Person.objects.filter(id_digest__in=digests).order_by("id").first() if digests else None
        if found is None or not covers(actor, found.region_id):
            reason = _("未找到该证件号码登记的人员（请先登记人员）")
            errors.setdefault("id_number", f"{problem}；{reason}" if problem else reason)
            return None
        return found
    pk = value.pk if isinstance(value, Person) else value
    found = Person.objects.filter(pk=pk).first() if is_id(pk) else None
    if found is None or not covers(actor, found.region_id):
        errors.setdefault("person_id", _("人员 %(value)s 不存在或不在您的管辖范围内") % {"value": value or ""}
                          if value not in (None, "") else _("请填写证件号码"))
        return None
    return found


def _sampled_at(value, errors: dict) -> datetime.datetime | None:
    sampled = as_moment(value, "sampled_at", _("采样时间"), errors)
    if sampled is None:
        errors.setdefault("sampled_at", _("请填写采样时间"))
        return None
    not_future(sampled, "sampled_at", _("采样时间"), errors)
    if sampled < timezone.now() - MAX_SAMPLE_AGE:
        errors.setdefault("sampled_at", _("采样时间 %(at)s 早于%(days)s天前，请核实") % {
            "at": fmt(sampled), "days": MAX_SAMPLE_AGE.days})
    return sampled


def _result(value, result_at, sampled: datetime.datetime | None, errors: dict) -> tuple[str, datetime.datetime | None]:
    """(result, result time): a result other than pending has a time (default now), not before the sample."""
    result = choice(value, LabResult, "result", _("检测结果"), errors)
    if result == LabResult.PENDING or not result:
        if result_at not in (None, ""):
            errors.setdefault("result_at", _("尚未出结果，不能填写出结果时间"))
        return result, None
    moment = as_moment(result_at, "result_at", _("出结果时间"), errors, default=timezone.now())
    not_future(moment, "result_at", _("出结果时间"), errors)
    if moment is not None and sampled is not None and moment < sampled:
        errors.setdefault("result_at", _("出结果时间 %(at)s 早于采样时间 %(sampled)s") % {
            "at": fmt(moment), "sampled": fmt(sampled)})
    return result, moment


@transaction.atomic
def record_sample(actor, *, person_id=None, id_number: str = "", lab: str, sampled_at, kind: str = TestKind.NUCLEIC_ACID,
                  specimen: str = Specimen.THROAT_SWAB, sample_number: str = "", result: str = LabResult.PENDING,
                  result_at=None) -> LabTest:
    """采样登记: one sample of the person (its result may come with it, as a lab's list gives both)."""
    require_recorder(actor)
    errors: dict = {}
    person = _person(actor, person_id, id_number, errors)
    lab = name_text(lab, "lab", _("检测机构"), 100, errors, required=True)
    kind = choice(kind, TestKind, "kind", _("检测类型"), errors)
    specimen = choice(specimen, Specimen, "specimen", _("标本类型"), errors)
    sample_number = name_text(sample_number, "sample_number", _("样本编号"), 40, errors).upper()
    sampled = _sampled_at(sampled_at, errors)
    result, result_moment = _result(result or LabResult.PENDING, result_at, sampled, errors)
    if lab and sample_number and LabTest.objects.filter(lab=lab, sample_number=sample_number).exists():
        errors.setdefault("sample_number", _("%(lab)s 的样本编号 %(number)s 已登记") % {"lab": lab, "number": sample_number})
    raise_if(errors)
    try:
        with transaction.atomic():
            test = _create(actor, person, kind=kind, specimen=specimen, sample_number=sample_number, lab=lab,
                           sampled_at=sampled)
    except IntegrityError:  # the same sample recorded at the same moment by someone else
        raise ValidationError({"sample_number": _("%(lab)s 的样本编号 %(number)s 已登记") % {
            "lab": lab, "number": sample_number}}) from None
    if result != LabResult.PENDING:
        _set_result(actor, test, result, result_moment)
    return test


def _create(actor, person: Person, **values) -> LabTest:
    test = LabTest.objects.create(person=person, region_id=person.region_id, case=case_services.open_case_of(person.pk),
                                  result=LabResult.PENDING, recorded_by=actors.user_of(actor), **values)
    audit.record(actor, "lab_test.sample", test, region=test.region_id,
                 after=audit.snapshot(test, TEST_FIELDS))
    return test


def _locked(actor, test: LabTest) -> LabTest:
    require_recorder(actor)
    locked = LabTest.objects.select_for_update().select_related("person").filter(pk=test.pk).first()
    if locked is None or not covers(actor, locked.region_id):
        raise PermissionDenied(_("该检测不在您的管辖范围内"))
    return locked


@transaction.atomic
def record_result(actor, test: LabTest, *, result: str, result_at=None) -> LabTest:
    """检测结果: negative, positive or inconclusive, at `result_at` (default now). A result recorded again with
    another value corrects it (the audit trail keeps both)."""
    test = _locked(actor, test)
    errors: dict = {}
    result, moment = _result(result, result_at, test.sampled_at, errors)
    if result == LabResult.PENDING:
        errors.setdefault("result", _("请选择检测结果"))
    raise_if(errors)
    if (result, moment) == (test.result, test.result_at):
        return test
    return _set_result(actor, test, result, moment)


def _set_result(actor, test: LabTest, result: str, moment: datetime.datetime) -> LabTest:
    before = audit.snapshot(test, ["result", "result_at", "proposal"])
    test.result, test.result_at, test.updated_at = result, moment, timezone.now()
    case = case_services.open_case_of(test.person_id)
    if case is not None and test.case_id is None:
        test.case = case
    if result == LabResult.POSITIVE and case_services.positive_proposes(case) and test.proposal != Proposal.DISMISSED:
        test.proposal = Proposal.PENDING
    elif result != LabResult.POSITIVE and test.proposal == Proposal.PENDING:
        test.proposal = Proposal.NONE  # a positive corrected: nothing to decide any more
    test.save()
    audit.record(actor, "lab_test.result", test, region=test.region_id, before=before,
                 after=audit.snapshot(test, ["result", "result_at", "proposal"]))
    _to_isolation_order(actor, test)
    _timeline(actor, test, case)
    return test


def _to_isolation_order(actor, test: LabTest) -> None:
    """A nucleic acid result of a person in active isolation is the order's test too: the policy's release rule
    (quarantine: a negative result before release) reads the order's own tests, not tracing's."""
    if test.kind != TestKind.NUCLEIC_ACID or test.result not in (LabResult.NEGATIVE, LabResult.POSITIVE):
        return
    order = (Quarantine.objects.filter(key_person__person_id=test.person_id, status=QuarantineStatus.ACTIVE)
             .order_by("-start_at").first())
    if order is None or test.sampled_at < min(order.start_at, order.counted_from):
        return  # a sample from before this isolation says nothing about its release
    quarantine_services.record_lab_result(actor, order, sampled_at=test.sampled_at, result={
        LabResult.NEGATIVE: TestResult.NEGATIVE, LabResult.POSITIVE: TestResult.POSITIVE}[test.result])


def _timeline(actor, test: LabTest, case: Case | None) -> None:
    """The result on the timeline of the person's ledger entry of their case (an isolation order's test writes
    its own line on the order's entry)."""
    if case is None or not case.key_person_id:
        return
    record_event(case.key_person_id, "lab_test", _("%(kind)s（%(at)s 采样，%(lab)s）：%(result)s") % {
        "kind": test.get_kind_display(), "at": fmt(test.sampled_at), "lab": test.lab,
        "result": test.get_result_display()}, actor)


@transaction.atomic
def dismiss_proposal(actor, test: LabTest, *, reason: str) -> LabTest:
    """不采纳: the positive result's proposal is decided against (a reason is required)."""
    test = _locked(actor, test)
    errors: dict = {}
    reason = text(reason, "reason", _("理由"), 200, errors, required=True)
    if test.proposal != Proposal.PENDING:
        errors.setdefault("proposal", _("该检测没有待决定的分类建议"))
    raise_if(errors)
    test.proposal, test.updated_at = Proposal.DISMISSED, timezone.now()
    test.save(update_fields=["proposal", "updated_at"])
    audit.record(actor, "lab_test.proposal", test, region=test.region_id,
                 before={"proposal": Proposal.PENDING}, after={"proposal": Proposal.DISMISSED, "reason": reason})
    return test


@transaction.atomic
def accept_proposal(actor, test: LabTest, *, severity: str = "") -> Case:
    """采纳 (one click): the person's suspected case reclassified as confirmed by the positive result. A person
    with no open case is reported on the report form (the proposal is taken up by the report)."""
    test = _locked(actor, test)
    if test.proposal != Proposal.PENDING:
        raise ValidationError({"proposal": _("该检测没有待决定的分类建议")})
    case = case_services.open_case_of(test.person_id)
    if case is None or case.classification != Classification.SUSPECTED:
        raise ValidationError({"proposal": _("该人员尚无疑似病例，请报告病例")})
    return case_services.reclassify(actor, case, classification=Classification.CONFIRMED, severity=severity,
                                    reason=_("%(kind)s阳性（%(lab)s，样本 %(number)s）") % {
                                        "kind": test.get_kind_display(), "lab": test.lab,
                                        "number": test.sample_number or test.pk})


# A lab's result list ---------------------------------------------------------------------------------------

def import_lab_results(actor, source, *, filename: str, lab: str, keep_valid: bool = False,
                       today: datetime.date | None = None) -> LabImportResult:
    """Import a lab's result list (a path or a binary file object named `filename`) as `lab`'s tests.

    Every row is checked first (lab_import: every bad cell named); then, in one transaction, a new sample is
    recorded with its result, a stored one (same lab and sample number) gets its new result or is left as it
    is. Any error and nothing is written, unless `keep_valid`. Returns the report whether written or refused.
    """
    require_recorder(actor)
    lab = name_text(lab, "lab", _("检测机构"), 100, required=True)
    result = LabImportResult()
    reader = Reader(result, today or timezone.localdate())
    completed = reader.read(source, filename)
    with audit.source(Source.IMPORT), transaction.atomic():
        rows = match(actor, reader.rows, lab, reader) if completed else []
        result.sort_errors()
        if not rows and not result.errors:
            result.add_error({"sheet": filename, "row": 0, "column": "", "value": "",
                              "reason": _("文件中没有可导入的数据行")})
        if not rows or (result.errors and not keep_valid):
            return result
        for row in rows:
            _write_row(actor, row, lab, result)
        result.written = True
        audit.record(actor, "lab_test.import", object_type="lab_results", object_id="", object_repr=filename,
                     region=None if actors.is_system(actor) else actor.region_id, after={
                         "file": filename, "lab": lab, "rows_read": result.rows_read, "created": result.created,
                         "updated": result.updated, "unchanged": result.unchanged, "proposals": result.proposals,
                         "errors": result.error_count, "keep_valid": keep_valid})
    return result


def _write_row(actor, row: LabRow, lab: str, result: LabImportResult) -> None:
    test = row.existing
    if test is None:
        test = _create(actor, row.person, kind=row.kind, specimen=row.specimen, sample_number=row.sample_number,
                       lab=lab, sampled_at=row.sampled_at)
        result.created += 1
    elif row.result == LabResult.PENDING or (
            row.result == test.result and row.result_at in (None, test.result_at)):
        result.unchanged += 1  # the same list again, or a list of samples whose results are known already
        return
    else:
        test = LabTest.objects.select_for_update().get(pk=test.pk)
        result.updated += 1
    if row.result != LabResult.PENDING:
        was = test.proposal
        _set_result(actor, test, row.result, row.result_at or timezone.now())
        if test.proposal == Proposal.PENDING and was != Proposal.PENDING:
            result.proposals += 1
