"""JSON API of tracing, mounted at /api/tracing: the reconciliation (不漏一人) report and "run now", the
review that links a public check-in to a person, and the exposure search.

Thin: rows come from selectors (404 outside the caller's scope), every write is one service call (403 / 422).
Numbers are masked.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from fangkong.core import paging as core_paging
from fangkong.core.api import ErrorOut
from fangkong.core.days import Day, Moment
from fangkong.core.docx import DOCX_TYPE
from fangkong.core.exports import XLSX_TYPE
from fangkong.core.paging import PAGE_SIZE, page_limit
from fangkong.core.searches import IN_QUERY
from fangkong.people import services as people_services

from . import graphs, rows
from .models import LabResult
from .schemas import (
    CandidateDismissIn,
    CaseDetailOut,
    CaseIn,
    CaseListOut,
    CaseUpdateIn,
    CheckInReviewOut,
    ClusterCasesIn,
    ClusterDetailOut,
    ClusterDissolveIn,
    ClusterIn,
    ClusterListOut,
    ClusterMergeIn,
    ContactAddIn,
    ContactCandidatesOut,
    ContactConfirmIn,
    ContactRevealOut,
    CurveOut,
    DismissIn,
    ExposureOut,
    ExposureSearchIn,
    GraphOut,
    HandoverCountyOut,
    HandoverExportIn,
    IndicatorsOut,
    InvestigationIn,
    InvestigationListOut,
    InvestigationOut,
    InvestigationReopenIn,
    ItineraryStopIn,
    ItineraryStopOut,
    ItineraryStopPatchIn,
    LabImportOut,
    LabTestListOut,
    LabTestOut,
    LinkChangeIn,
    LinkIn,
    LinkOut,
    MatchIn,
    NoticeEditIn,
    NoticeListOut,
    NoticeOut,
    NoticeWithdrawIn,
    OutcomeIn,
    OutsideContactIn,
    PublicNoticesOut,
    ReclassifyIn,
    ReconciliationOut,
    ResultIn,
    RevealedOut,
    RtOut,
    RunIn,
    SampleIn,
    SummaryOut,
    TracedContactListOut,
    TracedContactOut,
)
from .selectors import candidates as candidate_selectors
from .selectors import cases as case_selectors
from .selectors import chains as chain_selectors
from .selectors import contacts as contact_selectors
from .selectors import epi as epi_selectors
from .selectors import exposure as exposure_selectors
from .selectors import investigations as investigation_selectors
from .selectors import lab as lab_selectors
from .selectors import matching as matching_selectors
from .selectors import notices as notice_selectors
from .selectors import reconciliation as selectors
from .services import cases as case_services
from .services import chains as chain_services
from .services import contacts as contact_services
from .services import exposure as exposure_services
from .services import investigations as investigation_services
from .services import lab as lab_services
from .services import matching as matching_services
from .services import notices as notice_services
from .services import reconciliation as services

router = Router(tags=["tracing"])
READ = {403: ErrorOut, 404: ErrorOut}


def _task_out(t) -> dict:
    return {"task_id": t.pk, "person_id": t.person_id, "name": t.subject.name, "id_number": t.subject.masked_id,
            "phone": t.subject.masked_phone, "origin": t.origin, "arrived_at": t.arrived_at, "via": t.via_kind,
            "via_name": t.via, "destination_text": t.destination_text, "opened_at": t.opened_at,
            "now_listed": t.now_listed}


@router.get("/reconciliation", response={200: ReconciliationOut, 403: ErrorOut, 404: ErrorOut})
def reconciliation_report(request, township: str = "", after: str = "", limit: int = selectors.PAGE_SIZE):
    """Open `unlisted` tasks of the caller's scope by destination village, with counts per township."""
    report = selectors.report(request.user, township=township, after=after, limit=limit)
    return {"hours": report.hours, "total": report.total,
            "townships": [vars(c) for c in report.townships],
            "groups": [{"region_code": g.region.code, "region_name": g.region.name,
                        "destination_unknown": g.destination_unknown, "tasks": [_task_out(t) for t in g.tasks]}
                       for g in report.groups],
            "next_after": report.next_after}


@router.post("/reconciliation/run", response={200: SummaryOut, 403: ErrorOut, 422: ErrorOut})
def run_reconciliation(request, payload: RunIn | None = None):
    """Run the reconciliation over the caller's subtree now (headquarters and township managers)."""
    hours = payload.hours if payload is not None else None
    return services.reconcile(request.user, hours=hours).as_dict()


def _visitor_out(row) -> dict:
    return {"id": row.pk, "name": row.name, "id_number": row.masked_id, "phone": row.masked_phone,
            "where": (row.place or row.checkpoint).name, "at": row.checked_in_at, "origin": row.origin,
            "from_risk_area": row.from_risk_area, "person_id": row.person_id}


def _review_out(user, row) -> dict:
    candidates = [] if row.person_id else matching_selectors.match_candidates(user, row)
    return {"check_in": _visitor_out(row), "candidates": [
        {"person_id": c.pk, "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone,
         "region_code": c.region_id, "region_name": c.region_name} for c in candidates]}


@router.get("/check-ins/{check_in_id}", response={200: CheckInReviewOut, 404: ErrorOut})
def check_in_review(request, check_in_id: int):
    """A check-in as its visitor described themselves, and the persons it may be linked to."""
    return _review_out(request.user, matching_selectors.check_in_for(request.user, check_in_id))


@router.post("/check-ins/{check_in_id}/match",
             response={200: CheckInReviewOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def match_check_in(request, check_in_id: int, payload: MatchIn):
    """Confirm which person the check-in was (one of the candidates): from now on it is their presence."""
    row = matching_services.match_check_in(request.user, matching_selectors.check_in_for(request.user, check_in_id), payload.person_id)
    return _review_out(request.user, matching_selectors.check_in_for(request.user, row.pk))


@router.post("/check-ins/{check_in_id}/unmatch", response={200: CheckInReviewOut, 403: ErrorOut, 404: ErrorOut})
def unmatch_check_in(request, check_in_id: int):
    """Undo a mistaken link: the check-in is its visitor's own again."""
    row = matching_services.unmatch_check_in(request.user, matching_selectors.check_in_for(request.user, check_in_id))
    return _review_out(request.user, matching_selectors.check_in_for(request.user, row.pk))


@router.post("/exposure", response={200: ExposureOut, **READ, 422: ErrorOut})
def exposure_search(request, payload: ExposureSearchIn):
    """Everyone at the same place or checkpoint within ±FANGKONG_EXPOSURE_WINDOW_MINUTES (inclusive) of the
    person's check-ins and passages in [start, end] (default: the last 14 days), in the caller's scope.
    The person by `person_id`, or by `number` (ID number or phone, which must match one person); a person
    outside the caller's reach is 404 like an unknown one. ID numbers and phones are masked; `reveal` (the
    subject's or one contact's person id) gives that one person's in `revealed`, for roles that may reveal
    persons of their scope (403 otherwise), logged as a reveal of that person. A contact with `confirmed`
    false is the visitor of a public check-in not linked to a person yet: what they typed, masked; no reveal
    reaches them (404) until the check-in is confirmed on its match page."""
    return _exposure(request.user, payload.person_id, payload.number, payload.start, payload.end, payload.reveal)


@router.get("/exposure", response={200: ExposureOut, **READ, 422: ErrorOut})
def exposure(request, person_id: int | None = None, start: Moment | None = None, end: Moment | None = None,
             reveal: int | None = None):
    """The exposure search of one person by `person_id` (see POST /exposure). By ID number or phone only with
    POST: a number in an address stays in proxies' logs and browsers' histories."""
    if "number" in request.GET:
        return Status(422, {"detail": {"number": [str(IN_QUERY)]}})
    return _exposure(request.user, person_id, "", start, end, reveal)


def _exposure(user, person_id, number: str, start, end, reveal):
    """The search's answer, whichever way it was asked."""
    if person_id is None and not number.strip():
        return Status(422, {"detail": {"person_id": [_("请填写 person_id，或用 POST 提交证件号码或手机号码")]}})
    subjects = exposure_selectors.subjects_for(user, person_id=person_id, number=number if not person_id else "")
    if len(subjects) > 1:
        return Status(422, {"detail": {"number": [_("该号码对应多名人员，请用 person_id 查询")]}})
    if not subjects:
        return Status(404, {"detail": _("未找到该人员")})
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(start, tz) if start and timezone.is_naive(start) else start
    end = timezone.make_aware(end, tz) if end and timezone.is_naive(end) else end
    result = exposure_selectors.exposure_search(user, subjects[0], start=start, end=end)
    exposure_services.record_exposure_search(user, result)
    revealed = None
    if reveal is not None:
        person = exposure_selectors.person_of_row(result, reveal)
        revealed = {"person_id": person.pk, **people_services.reveal_person(user, person)}
    contacts = [{"person_id": c.person_id, "confirmed": c.confirmed, "check_in_id": c.check_in_id,
                 "name": c.person.name if c.person else "",
                 "id_number": c.person.masked_id if c.person else "", "phone": c.person.masked_phone if c.person else "",
                 "kind": c.kind, "target_id": c.target_id, "where": c.where, "at": timezone.localtime(c.at), "source": c.source,
                 "subject_at": timezone.localtime(c.subject_at), "delta_minutes": c.delta_minutes} for c in result.contacts]
    return {"person_id": result.person.pk, "start": timezone.localtime(result.start), "end": timezone.localtime(result.end),
            "window_minutes": result.window, "presences": len(result.presences), "persons": result.persons,
            "truncated": result.truncated, "outside_presences": result.outside_presences,
            "outside_contacts": result.outside_contacts, "contacts": contacts, "revealed": revealed}


# The public itinerary notice (病例活动轨迹): staff read, draft, edit, publish, withdraw, download; the public reads
# what is published (no account). Every item is what selectors.notices lets leave: times, places, transport.

@router.get("/notices", response={200: NoticeListOut, **READ})
def list_notices(request, status: str = "", after: int | None = None, limit: int = notice_selectors.PAGE_SIZE):
    """Notices of the caller's scope, newest first; `status` draft / published / withdrawn, or all."""
    found = notice_selectors.notices_for(request.user, status=status, after=after, limit=limit)
    return {"notices": [rows.notice(n) for n in found],
            "next_after": found[-1].pk if len(found) == page_limit(limit) else None}


@router.post("/cases/{case_id}/notices", response={201: NoticeOut, **READ, 422: ErrorOut})
def draft_notice(request, case_id: int):
    """A draft of the case's notice from its investigation's stops marked public (investigators)."""
    case = notice_selectors.case_for_notice(request.user, pk=case_id)
    return Status(201, rows.notice(notice_services.draft_notice(request.user, case)))


@router.get("/notices/{notice_id}", response={200: NoticeOut, **READ})
def get_notice(request, notice_id: int):
    return rows.notice(notice_selectors.notice_for(request.user, notice_id))


@router.patch("/notices/{notice_id}", response={200: NoticeOut, **READ, 422: ErrorOut})
def edit_notice(request, notice_id: int, payload: NoticeEditIn):
    """The reviewed title, alias and items (what is not sent stays); not while published."""
    found = notice_selectors.notice_for(request.user, notice_id)
    notice_services.edit_notice(request.user, found, title=payload.title, alias=payload.alias, items=payload.items)
    return rows.notice(notice_selectors.notice_for(request.user, notice_id))


@router.post("/notices/{notice_id}/publish", response={200: NoticeOut, **READ, 422: ErrorOut})
def publish_notice(request, notice_id: int):
    found = notice_selectors.notice_for(request.user, notice_id)
    return rows.notice(notice_services.publish_notice(request.user, found))


@router.post("/notices/{notice_id}/withdraw", response={200: NoticeOut, **READ, 422: ErrorOut})
def withdraw_notice(request, notice_id: int, payload: NoticeWithdrawIn):
    found = notice_selectors.notice_for(request.user, notice_id)
    return rows.notice(notice_services.withdraw_notice(request.user, found, reason=payload.reason))


@router.get("/notices/{notice_id}/docx", response={200: None, **READ, 422: ErrorOut},
            openapi_extra={"responses": {200: {"description": "the notice (.docx)", "content": {DOCX_TYPE: {}}}}})
def notice_docx(request, notice_id: int):
    """The published notice as a Word file (audited as an export)."""
    content, name = notice_services.export_notice(request.user, notice_selectors.notice_for(request.user, notice_id))
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@router.get("/public/notices", auth=None, response={200: PublicNoticesOut, 404: ErrorOut})
def public_notices(request, region: str, after: int | None = None):
    """No account: the published notices of cases of the region's subtree (a county), newest first."""
    where = notice_selectors.public_region(region)
    found = notice_selectors.published_in(where, after=after)
    return {"region_code": where.code, "region_name": where.name,
            "notices": [{"id": n.pk, "title": n.title, "alias": n.alias, "published_at": rows.local(n.published_at),
                         "items": rows.notice_items(n.items)} for n in found],
            "next_after": found[-1].pk if len(found) == notice_selectors.PAGE_SIZE else None}


# Cases and lab tests: every read scoped like the pages (selectors.cases, selectors.lab: 403 without the role,
# 404 outside the scope), every write one service call (422 naming each bad field). Numbers are masked.

def _case_detail(user, pk) -> dict:
    return rows.case_detail(case_selectors.case_for(user, pk))


@router.get("/cases", response={200: CaseListOut, **READ})
def list_cases(request, classification: str = "", late: bool = False, after: int | None = None,
               limit: int = PAGE_SIZE):
    """Cases of the caller's scope, newest first; `late`: only those reported more than 2 hours after diagnosis."""
    found = case_selectors.cases_for(request.user, classification=classification, late=late, after=after,
                                     limit=limit)
    return {"cases": [rows.case(c) for c in found],
            "next_after": found[-1].pk if len(found) == page_limit(limit) else None}


@router.post("/cases", response={201: CaseDetailOut, **READ, 422: ErrorOut})
def report_case(request, payload: CaseIn):
    """Report a case. A person with an open case has that case reclassified (the same case is answered)."""
    case = case_services.report_case(request.user, **payload.dict())
    return Status(201, _case_detail(request.user, case.pk))


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **READ})
def get_case(request, case_id: int):
    """One case with its history (the report first), lab tests and the proposals of positive results."""
    return _case_detail(request.user, case_id)


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, **READ, 422: ErrorOut})
def update_case(request, case_id: int, payload: CaseUpdateIn):
    """Correct the dates, how the case was found, the reporting unit or the note."""
    case = case_selectors.case_for(request.user, case_id)
    case_services.update_case(request.user, case, **payload.dict(exclude_unset=True))
    return _case_detail(request.user, case.pk)


@router.post("/cases/{case_id}/reclassify", response={200: CaseDetailOut, **READ, 422: ErrorOut})
def reclassify_case(request, case_id: int, payload: ReclassifyIn):
    """订正: the case's classification and/or severity, with the reason (kept in its history)."""
    case = case_selectors.case_for(request.user, case_id)
    case_services.reclassify(request.user, case, **payload.dict())
    return _case_detail(request.user, case.pk)


@router.post("/cases/{case_id}/outcome", response={200: CaseDetailOut, **READ, 422: ErrorOut})
def case_outcome(request, case_id: int, payload: OutcomeIn):
    """转归: discharged or died."""
    case = case_selectors.case_for(request.user, case_id)
    case_services.record_outcome(request.user, case, **payload.dict())
    return _case_detail(request.user, case.pk)


@router.post("/cases/{case_id}/reveal", response={200: RevealedOut, **READ})
def reveal_case_person(request, case_id: int):
    """The case's person's full ID number and phone, for roles that may reveal (logged as a reveal)."""
    case = case_selectors.case_for(request.user, case_id)
    return {"person_id": case.person_id, **people_services.reveal_person(request.user, case.person)}


@router.get("/lab-tests", response={200: LabTestListOut, **READ})
def list_lab_tests(request, result: str = LabResult.PENDING, after: int | None = None, limit: int = PAGE_SIZE):
    """Tests of the caller's scope with `result` (default pending, "" for any), oldest first, with their age."""
    found = lab_selectors.lab_tests_for(request.user, result=result, after=after, limit=limit)
    return {"lab_tests": [rows.lab_test(t) for t in found],
            "next_after": found[-1].pk if len(found) == page_limit(limit) else None}


@router.get("/lab-tests/proposals", response={200: LabTestListOut, **READ})
def list_proposals(request):
    """Positive results whose proposal (report a case, confirm a suspected one) waits for a decision."""
    return {"lab_tests": [rows.lab_test(t) for t in lab_selectors.proposals_for(request.user)], "next_after": None}


@router.post("/lab-tests", response={201: LabTestOut, **READ, 422: ErrorOut})
def record_sample(request, payload: SampleIn):
    """采样登记 (with the result when known)."""
    test = lab_services.record_sample(request.user, **payload.dict())
    return Status(201, rows.lab_test(lab_selectors.lab_test_for(request.user, test.pk)))


@router.post("/lab-tests/import", response={200: LabImportOut, **READ, 422: LabImportOut | ErrorOut})
def import_lab_results(request, file: File[UploadedFile], lab: Form[str], keep_valid: Form[bool] = False):
    """A lab's result list (.xlsx/.xls/.ods/.csv, multipart `file`) as `lab`'s tests. 200 when written; 422 with
    the same body when refused (all-or-nothing unless `keep_valid`). Importing it again changes nothing."""
    result = lab_services.import_lab_results(request.user, file, filename=file.name or "upload", lab=lab,
                                             keep_valid=keep_valid)
    return Status(200 if result.written else 422, result.as_dict())


@router.get("/lab-tests/{test_id}", response={200: LabTestOut, **READ})
def get_lab_test(request, test_id: int):
    return rows.lab_test(lab_selectors.lab_test_for(request.user, test_id))


@router.post("/lab-tests/{test_id}/result", response={200: LabTestOut, **READ, 422: ErrorOut})
def record_result(request, test_id: int, payload: ResultIn):
    """The result of a sample; a positive one may propose a case or a confirmation (`proposal` pending)."""
    test = lab_services.record_result(request.user, lab_selectors.lab_test_for(request.user, test_id),
                                      **payload.dict())
    return rows.lab_test(lab_selectors.lab_test_for(request.user, test.pk))


@router.post("/lab-tests/{test_id}/proposal/accept", response={200: CaseDetailOut, **READ, 422: ErrorOut})
def accept_proposal(request, test_id: int):
    """采纳: the person's suspected case reclassified as confirmed (a person with no case is reported: POST /cases)."""
    case = lab_services.accept_proposal(request.user, lab_selectors.lab_test_for(request.user, test_id))
    return _case_detail(request.user, case.pk)


@router.post("/lab-tests/{test_id}/proposal/dismiss", response={200: LabTestOut, **READ, 422: ErrorOut})
def dismiss_proposal(request, test_id: int, payload: DismissIn):
    test = lab_services.dismiss_proposal(request.user, lab_selectors.lab_test_for(request.user, test_id),
                                         reason=payload.reason)
    return rows.lab_test(lab_selectors.lab_test_for(request.user, test.pk))


# Investigations (流调) and contacts (密接): investigators of the case's scope (headquarters, the CDC's teams);
# contacts read by whoever reads cases. A village worker gets none of it (403): they see the person on their
# ledger. Numbers masked; a reveal is its own logged call. --------------------------------------------------

WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _written_contact(user, contact) -> dict:
    """A contact just written, read back as the caller may see it (masked), with what followed."""
    return rows.contact(contact_selectors.contact_for(user, contact.pk), getattr(contact, "outcome", None))


@router.get("/investigations", response={200: InvestigationListOut, 403: ErrorOut})
def investigation_list(request, status: str = "", after: int | None = None, limit: int = core_paging.PAGE_SIZE):
    """Investigations of the caller's scope, latest first (keyset: `after` the last id); `status` open / completed."""
    items = investigation_selectors.investigations_for(request.user, status=status, after=after, limit=limit)
    return {"items": [{"id": i.pk, "case_id": i.case_id, "case_number": i.case.number,
                       "classification": i.case.classification, "status": i.status,
                       "started_at": rows.local(i.started_at), "completed_at": rows.local(i.completed_at)} for i in items],
            "next_after": items[-1].pk if len(items) == page_limit(limit) else None}


@router.get("/cases/{case_id}/investigation", response={200: InvestigationOut, **READ})
def investigation_of_case(request, case_id: int):
    """The case's investigation with its itinerary (404 when none is open yet)."""
    case = investigation_selectors.case_to_investigate(request.user, case_id)
    inv = investigation_selectors.investigation_of(case)
    if inv is None:
        return Status(404, {"detail": _("该病例尚未开始流调")})
    return rows.investigation(inv)


@router.post("/cases/{case_id}/investigation", response={200: InvestigationOut, **WRITE})
def investigation_open(request, case_id: int):
    """开始流调 (one per case: the one there is when opened already, `created` false)."""
    case = investigation_selectors.case_to_investigate(request.user, case_id)
    inv = investigation_services.open_investigation(request.user, case)
    return rows.investigation(investigation_selectors.investigation_for(request.user, inv.pk), created=inv.created)


@router.patch("/investigations/{investigation_id}", response={200: InvestigationOut, **WRITE})
def investigation_update(request, investigation_id: int, payload: InvestigationIn):
    """The exposure (exposure_kind, exposure_note) and the summary; fields left out stay as they are."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    investigation_services.update_investigation(request.user, inv, **payload.dict(exclude_none=True))
    return rows.investigation(investigation_selectors.investigation_for(request.user, investigation_id))


@router.post("/investigations/{investigation_id}/complete", response={200: InvestigationOut, **WRITE})
def investigation_complete(request, investigation_id: int, payload: InvestigationIn | None = None):
    """完成流调: needs the exposure kind and a summary (given here or before)."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    values = payload.dict(exclude_none=True) if payload is not None else {}
    investigation_services.complete_investigation(request.user, inv, **values)
    return rows.investigation(investigation_selectors.investigation_for(request.user, investigation_id))


@router.post("/investigations/{investigation_id}/reopen", response={200: InvestigationOut, **WRITE})
def investigation_reopen(request, investigation_id: int, payload: InvestigationReopenIn):
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    investigation_services.reopen_investigation(request.user, inv, reason=payload.reason)
    return rows.investigation(investigation_selectors.investigation_for(request.user, investigation_id))


@router.post("/investigations/{investigation_id}/stops", response={200: ItineraryStopOut, **WRITE})
def itinerary_add(request, investigation_id: int, payload: ItineraryStopIn):
    """添加行程: a place (place_name or key_place), a trip (transport_mode, transport_number, seat) or a gathering,
    within the 14 days before onset up to the report."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    return rows.stop(investigation_services.add_stop(request.user, inv, **payload.dict()))


@router.patch("/stops/{stop_id}", response={200: ItineraryStopOut, **WRITE})
def itinerary_update(request, stop_id: int, payload: ItineraryStopPatchIn):
    stop = investigation_selectors.stop_for(request.user, stop_id)
    return rows.stop(investigation_services.update_stop(request.user, stop, **payload.dict(exclude_unset=True)))


@router.delete("/stops/{stop_id}", response={204: None, **WRITE})
def itinerary_remove(request, stop_id: int):
    investigation_services.remove_stop(request.user, investigation_selectors.stop_for(request.user, stop_id))
    return Status(204, None)


@router.get("/investigations/{investigation_id}/candidates", response={200: ContactCandidatesOut, **READ})
def contact_candidates(request, investigation_id: int):
    """候选密接, computed now from check-ins, passages, the ledger's transport numbers, other itineraries and
    households (selectors.candidates), each with why and when; numbers masked."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    found = candidate_selectors.candidates_for(request.user, inv)
    return {"unconfirmed_visitors": found.unconfirmed_visitors, "truncated": found.truncated,
            "candidates": [rows.candidate(c) for c in found]}


@router.get("/investigations/{investigation_id}/contacts", response={200: list[TracedContactOut], **READ})
def contacts_of_investigation(request, investigation_id: int):
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    return [rows.contact(c) for c in contact_selectors.contacts_of_case(request.user, inv.case)]


@router.post("/investigations/{investigation_id}/contacts/confirm", response={200: TracedContactOut, **WRITE})
def contact_confirm(request, investigation_id: int, payload: ContactConfirmIn):
    """确认密接: a registered person (a candidate, say) as a close or secondary (`via` a close contact) contact; the
    ledger entry and isolation follow (`outcome`). Cadre, doctor and site: the nearest unless given."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    data = payload.dict()
    contact = contact_services.confirm_contact(request.user, inv.case, person=data.pop("person_id"), **data)
    return _written_contact(request.user, contact)


@router.post("/investigations/{investigation_id}/contacts/dismiss", response={200: TracedContactOut, **WRITE})
def contact_dismiss(request, investigation_id: int, payload: CandidateDismissIn):
    """排除 a candidate: kept as dismissed, not proposed again."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    contact = contact_services.dismiss_candidate(request.user, inv.case, person=payload.person_id,
                                                 source=payload.source, note=payload.note)
    return rows.contact(contact_selectors.shown([contact])[0])


@router.post("/investigations/{investigation_id}/contacts", response={200: TracedContactOut, **WRITE})
def contact_add(request, investigation_id: int, payload: ContactAddIn):
    """A contact the data did not propose: found by ID number or registered, then confirmed."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    return _written_contact(request.user, contact_services.add_contact(request.user, inv.case, **payload.dict()))


@router.post("/investigations/{investigation_id}/contacts/outside", response={200: TracedContactOut, **WRITE})
def contact_add_outside(request, investigation_id: int, payload: OutsideContactIn):
    """A contact living in another county, for the hand-over (协查函)."""
    inv = investigation_selectors.investigation_for(request.user, investigation_id)
    contact = contact_services.add_outside_contact(request.user, inv.case, **payload.dict())
    return _written_contact(request.user, contact)


@router.get("/contacts", response={200: TracedContactListOut, 403: ErrorOut})
def contact_list(request, level: str = "", outside: bool | None = None, after: int | None = None,
                 limit: int = core_paging.PAGE_SIZE):
    """Confirmed contacts of the caller's scope, latest first (keyset: `after` the last id)."""
    items = contact_selectors.contacts_for(request.user, level=level, outside=outside, after=after, limit=limit)
    return {"items": [rows.contact(c) for c in items],
            "next_after": items[-1].pk if len(items) == page_limit(limit) else None}


@router.get("/contacts/{contact_id}", response={200: TracedContactOut, **READ})
def contact_detail(request, contact_id: int):
    return rows.contact(contact_selectors.contact_for(request.user, contact_id))


@router.post("/contacts/{contact_id}/reveal", response={200: ContactRevealOut, **READ})
def contact_reveal(request, contact_id: int):
    """The contact's full ID number and phone, for roles that may reveal (403 otherwise); logged."""
    contact = contact_selectors.contact_for(request.user, contact_id)
    return {"contact_id": contact.pk, **contact_services.reveal_contact(request.user, contact)}


@router.get("/handover", response={200: list[HandoverCountyOut], 403: ErrorOut})
def handover_counties(request):
    """协查函: the receiving counties of contacts living outside the county, with how many are not sent yet."""
    return [{"county": c.name, "total": c.total, "pending": c.pending}
            for c in contact_selectors.handover_counties(request.user)]


@router.post("/handover/export", response={200: None, **WRITE})
def handover_export(request, payload: HandoverExportIn):
    """One county's hand-over list as .xlsx or .docx (full numbers, exporter and time in the file, logged); the
    contacts not sent yet are marked handed over."""
    content, _rows = contact_services.export_handover(request.user, county=payload.county,
                                                      file_format=payload.format, include_sent=payload.include_sent)
    response = HttpResponse(content, content_type=XLSX_TYPE if payload.format == "xlsx" else DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"handover-{timezone.localtime():%Y%m%d-%H%M}.{payload.format}")
    return response


# Chains and clusters (services.chains, selectors.chains) and the epidemic curve, Rt and indicators
# (selectors.epi): read like the pages, every write one service call. No personal field: cases by number.

CHANGE = {**READ, 422: ErrorOut}


def _graph_out(graph) -> dict:
    return {"root_id": graph.root_id, "truncated": graph.truncated, "edges": [vars(e) for e in graph.edges],
            "nodes": [{"id": n.id, "number": n.number, "classification": n.classification, "severity": n.severity,
                       "day": n.day, "in_scope": n.in_scope} for n in graph.nodes.values()]}


def _svg(svg: str) -> HttpResponse:
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


SVG = {"responses": {200: {"description": "the graph (SVG)", "content": {"image/svg+xml": {}}}}}


@router.get("/cases/{case_id}/chain", response={200: GraphOut, **READ})
def case_chain(request, case_id: int):
    """The case's ancestors and descendants through the transmission links (bounded: `truncated`)."""
    return _graph_out(chain_selectors.chain(request.user, case_id))


@router.get("/cases/{case_id}/chain.svg", response={200: None, **READ}, openapi_extra=SVG)
def case_chain_svg(request, case_id: int):
    case = chain_selectors.case_in_scope(request.user, case_id)
    return _svg(graphs.to_svg(chain_selectors.chain(request.user, case_id),
                              title=_("病例 %(number)s 的传播链") % {"number": case.number}))


def _link_out(link) -> dict:
    return {"id": link.pk, "infector_id": link.infector_id, "infector_number": link.infector.number,
            "infectee_id": link.infectee_id, "infectee_number": link.infectee.number,
            "confidence": link.confidence, "note": link.note}


@router.post("/links", response={201: LinkOut, 403: ErrorOut, 422: ErrorOut})
def link_cases(request, payload: LinkIn):
    """传播关系: refused (422) to itself, twice, or when it would close a cycle."""
    return Status(201, _link_out(chain_services.link_cases(request.user, **payload.dict())))


@router.patch("/links/{link_id}", response={200: LinkOut, **CHANGE})
def change_link(request, link_id: int, payload: LinkChangeIn):
    return _link_out(chain_services.change_link(request.user, link_id, **payload.dict()))


@router.delete("/links/{link_id}", response={204: None, **CHANGE})
def remove_link(request, link_id: int):
    chain_services.remove_link(request.user, link_id)
    return Status(204, None)


def _cluster_out(c) -> dict:
    return {"id": c.pk, "name": c.name, "setting": c.setting, "region_code": c.region_id,
            "region_name": c.region.name, "size": c.size, "first_case_date": c.first_case_date,
            "last_case_date": c.last_case_date, "note": c.note}


@router.get("/clusters", response={200: ClusterListOut, **READ})
def clusters(request, after: str = "", limit: int = chain_selectors.CLUSTER_PAGE):
    """Clusters of the scope, the latest last case first, a keyset page at a time (Cluster rows only)."""
    page = chain_selectors.clusters_for(request.user, after=after, limit=limit)
    return {"clusters": [_cluster_out(c) for c in page.clusters], "next_after": page.next_after}


def _cluster_detail(user, pk) -> dict:
    cluster = chain_selectors.cluster_for(user, pk)
    return {"cluster": _cluster_out(cluster), "graph": _graph_out(chain_selectors.cluster_graph(user, cluster))}


@router.post("/clusters", response={201: ClusterDetailOut, 403: ErrorOut, 422: ErrorOut})
def create_cluster(request, payload: ClusterIn):
    cluster = chain_services.create_cluster(request.user, **payload.dict())
    return Status(201, _cluster_detail(request.user, cluster.pk))


@router.get("/clusters/{cluster_id}", response={200: ClusterDetailOut, **READ})
def cluster(request, cluster_id: int):
    return _cluster_detail(request.user, cluster_id)


@router.get("/clusters/{cluster_id}/graph.svg", response={200: None, **READ}, openapi_extra=SVG)
def cluster_svg(request, cluster_id: int):
    found = chain_selectors.cluster_for(request.user, cluster_id)
    return _svg(graphs.to_svg(chain_selectors.cluster_graph(request.user, found), title=found.name))


@router.post("/clusters/{cluster_id}/cases", response={200: ClusterDetailOut, **CHANGE})
def cluster_add_cases(request, cluster_id: int, payload: ClusterCasesIn):
    chain_selectors.cluster_for(request.user, cluster_id)
    chain_services.add_cases(request.user, cluster_id, payload.cases)
    return _cluster_detail(request.user, cluster_id)


@router.delete("/clusters/{cluster_id}/cases/{case_id}", response={200: ClusterDetailOut, **CHANGE})
def cluster_remove_case(request, cluster_id: int, case_id: int):
    chain_selectors.cluster_for(request.user, cluster_id)
    chain_services.remove_case(request.user, cluster_id, case_id)
    return _cluster_detail(request.user, cluster_id)


@router.post("/clusters/{cluster_id}/merge", response={200: ClusterDetailOut, **CHANGE})
def cluster_merge(request, cluster_id: int, payload: ClusterMergeIn):
    """`other`'s cases join this cluster and `other` goes."""
    chain_selectors.cluster_for(request.user, cluster_id)
    chain_selectors.cluster_for(request.user, payload.other)
    chain_services.merge_clusters(request.user, cluster_id, payload.other)
    return _cluster_detail(request.user, cluster_id)


@router.post("/clusters/{cluster_id}/dissolve", response={204: None, **CHANGE})
def cluster_dissolve(request, cluster_id: int, payload: ClusterDissolveIn):
    chain_selectors.cluster_for(request.user, cluster_id)
    chain_services.dissolve_cluster(request.user, cluster_id, reason=payload.reason)
    return Status(204, None)


@router.get("/epi/curve", response={200: CurveOut, **READ, 422: ErrorOut})
def epi_curve(request, region: str = "", basis: str = "onset", first: Day | None = None, last: Day | None = None):
    """Cases per day by onset (`basis=onset`) or report date, by classification now, from the counters
    (default: the 60 days ending today; at most 366)."""
    found = epi_selectors.curve(request.user, region or None, basis=basis, first=first, last=last)
    return {"region_code": found.region.code, "region_name": found.region.name, "basis": found.basis,
            "days": [{"day": d, **{c: found.series[c][i] for c in found.series}, "total": found.totals[i]}
                     for i, d in enumerate(found.days)]}


@router.get("/epi/rt", response={200: RtOut, **READ, 422: ErrorOut})
def epi_rt(request, region: str = "", basis: str = "onset", first: Day | None = None, last: Day | None = None,
           mean_si: float | None = None, std_si: float | None = None):
    """Rt (Cori et al. 2013) of the confirmed cases, one row per 7-day window ending on each day; the credible
    interval only where the window has at least `min_cases` cases."""
    found = epi_selectors.rt(request.user, region or None, basis=basis, first=first, last=last, mean_si=mean_si,
                             std_si=std_si)
    return {"region_code": found.region.code, "basis": found.basis, "mean_si": found.mean_si,
            "std_si": found.std_si, "min_cases": found.min_cases, "rows": [vars(r) for r in found.rows]}


@router.get("/epi/indicators", response={200: IndicatorsOut, **READ, 422: ErrorOut})
def epi_indicators(request, region: str = "", first: Day | None = None, last: Day | None = None):
    """The headquarters' indicators of the cases reported from `first` to `last` (default: today)."""
    last = last or timezone.localdate()
    return epi_selectors.indicators(request.user, region or None, first=first or last, last=last).as_dict()
