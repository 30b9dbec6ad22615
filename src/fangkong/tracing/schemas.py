"""What the tracing API takes and answers."""

import datetime

from ninja import Field, Schema

from fangkong.core.days import Day, Moment
from fangkong.ledger.schemas import ErrorColumnOut, ImportErrorOut, SkippedSheetOut


class ContactOut(Schema):
    person_id: int | None = Field(description="none for a public check-in not linked to a person yet (services.matching)")
    confirmed: bool = Field(description="false: a visitor of a public check-in not confirmed as a person yet; name "
                                        "and numbers are what they typed, masked, and not revealable")
    check_in_id: int | None = Field(description="the unconfirmed visitor's check-in, to confirm it on "
                                                "/tracing/check-ins/{check_in_id}/match/; none for a person")
    name: str
    id_number: str = Field(description="masked, for every role (see `reveal`)")
    phone: str = Field(description="masked, for every role (see `reveal`)")
    kind: str = Field(description="place / checkpoint")
    target_id: int
    where: str
    at: datetime.datetime
    source: str = Field(description="check_in / passage")
    subject_at: datetime.datetime
    delta_minutes: float


class RevealedOut(Schema):
    person_id: int
    id_number: str
    phone: str


class ExposureSearchIn(Schema):
    person_id: int | None = Field(None, description="the person; or `number`")
    number: str = Field("", max_length=40, description="ID number or phone, which must match one person: in the "
                                                       "body, never in an address")
    start: Moment | None = Field(None, description="default: 14 days before `end`")
    end: Moment | None = Field(None, description="default: now")
    reveal: int | None = Field(None, description="the subject's or one contact's person id, shown in full")


class ExposureOut(Schema):
    person_id: int
    start: datetime.datetime
    end: datetime.datetime
    window_minutes: int
    presences: int
    persons: int
    truncated: bool
    outside_presences: int = Field(description="the person's presences outside the caller's scope: counted, not shown")
    outside_contacts: int = Field(description="presences of others around those: counted, not shown")
    contacts: list[ContactOut]
    revealed: RevealedOut | None = Field(None, description="the one person asked for with `reveal`, in full")


class TownshipCountOut(Schema):
    code: str
    name: str
    count: int


class UnlistedOut(Schema):
    task_id: int
    person_id: int | None = Field(description="none for the visitor of a check-in not linked to a person")
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    origin: str
    arrived_at: datetime.datetime
    via: str = Field(description="passage / check_in")
    via_name: str = Field(description="the checkpoint or place")
    destination_text: str
    opened_at: datetime.datetime
    now_listed: bool = Field(description="on a ledger since the task opened: the next run closes it")


class GroupOut(Schema):
    region_code: str
    region_name: str
    destination_unknown: bool
    tasks: list[UnlistedOut]


class ReconciliationOut(Schema):
    hours: int
    total: int
    townships: list[TownshipCountOut]
    groups: list[GroupOut]
    next_after: str | None = Field(description="pass as `after` for the next page")


class RunIn(Schema):
    hours: int | None = Field(None, description="default: setting FANGKONG_RECONCILE_HOURS (24)")


class SummaryOut(Schema):
    window_from: datetime.datetime
    window_to: datetime.datetime
    hours: int
    arrivals: int
    listed: int
    unlisted: int
    opened: int
    already_open: int
    dealt_with: int
    destination_unknown: int
    closed: int


class VisitorOut(Schema):
    id: int
    name: str = Field(description="as the visitor typed it")
    id_number: str = Field(description="as typed, masked")
    phone: str = Field(description="as typed, masked")
    where: str
    at: datetime.datetime
    origin: str
    from_risk_area: bool
    person_id: int | None = Field(description="the person it was confirmed to be; none until reviewed")


class CandidateOut(Schema):
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    region_code: str
    region_name: str


class CheckInReviewOut(Schema):
    check_in: VisitorOut
    candidates: list[CandidateOut] = Field(description="the persons it may be linked to (services.matching)")


class MatchIn(Schema):
    person_id: int


# The public itinerary notice (病例活动轨迹) ------------------------------------------------------------------

class NoticeItemOut(Schema):
    starts_at: str = Field(description="local time, ISO 8601 with offset")
    ends_at: str = Field(description="local time, ISO 8601 with offset; empty when open-ended")
    place: str
    transport: str = Field(description="mode, number and seat, e.g. 火车 G1234次（座位5车12F）")
    when: str = Field(description="as published: 2020年1月20日 10:00—11:30")
    where: str = Field(description="as published: 乘坐…，… / the place")


class NoticeOut(Schema):
    id: int
    case_id: int
    case_number: str
    region_code: str
    title: str
    alias: str = Field(description="how the case is named in public, e.g. 病例3")
    status: str = Field(description="draft / published / withdrawn")
    items: list[NoticeItemOut]
    published_at: datetime.datetime | None
    updated_at: datetime.datetime


class NoticeListOut(Schema):
    notices: list[NoticeOut]
    next_after: int | None = Field(description="pass as `after` for the next page")


class NoticeEditIn(Schema):
    title: str | None = None
    alias: str | None = None
    items: list[dict] | None = Field(None, description="each {starts_at, ends_at, place, transport}; any other key "
                                                       "is refused (422)")


class NoticeWithdrawIn(Schema):
    reason: str


class PublicNoticeOut(Schema):
    id: int
    title: str
    alias: str
    published_at: datetime.datetime
    items: list[NoticeItemOut]


class PublicNoticesOut(Schema):
    region_code: str
    region_name: str
    notices: list[PublicNoticeOut]
    next_after: int | None


# Cases and lab tests (api: /cases, /lab-tests) -----------------------------------------------------------

class CaseIn(Schema):
    """A case report: the person by `person_id`, or by name, ID number and region (found or registered)."""

    person_id: int | None = None
    name: str = ""
    id_type: str = "resident_id"
    id_number: str = ""
    region_code: str = Field("", description="the person's village or grid, when registered by this report")
    phone: str = ""
    address: str = ""
    workplace: str = ""
    classification: str = Field(description="suspected / confirmed / asymptomatic")
    severity: str = Field("", description="a confirmed case's: mild / moderate / severe / critical")
    found_by: str = Field(description="fever_clinic / checkpoint / key_person / contact_screening / "
                                      "active_screening / other")
    reporting_unit: str
    onset_date: Day | None = None
    first_visit_date: Day | None = None
    diagnosed_at: Moment | None = None
    reported_at: Moment | None = Field(None, description="default: now")
    confirmed_at: Moment | None = None
    isolated_at: Moment | None = Field(None, description="default: the start of the person's active isolation")
    admitted_at: Moment | None = None
    note: str = ""


class CaseUpdateIn(Schema):
    """Only the fields sent change; null clears an optional date."""

    found_by: str | None = None
    reporting_unit: str | None = None
    note: str | None = None
    onset_date: Day | None = None
    first_visit_date: Day | None = None
    diagnosed_at: Moment | None = None
    reported_at: Moment | None = None
    confirmed_at: Moment | None = None
    isolated_at: Moment | None = None
    admitted_at: Moment | None = None


class ReclassifyIn(Schema):
    classification: str = Field(description="suspected / confirmed / asymptomatic / excluded")
    severity: str = ""
    reason: str
    at: Moment | None = Field(None, description="default: now")


class OutcomeIn(Schema):
    outcome: str = Field(description="discharged / died")
    at: Moment | None = Field(None, description="default: now")
    note: str = ""


class CaseChangeOut(Schema):
    at: datetime.datetime
    from_classification: str
    to_classification: str
    from_severity: str
    to_severity: str
    reason: str
    actor: str


class LabTestOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    case_id: int | None
    kind: str
    specimen: str
    lab: str
    sample_number: str
    sampled_at: datetime.datetime
    result: str
    result_at: datetime.datetime | None
    age_hours: float | None = Field(description="hours since sampling, while the result is pending")
    proposal: str = Field(description="'' / pending (a positive result proposes a case or a confirmation) / "
                                      "accepted / dismissed")


class CaseOut(Schema):
    id: int
    number: str
    person_id: int
    name: str
    id_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    region_code: str
    region_name: str
    key_person_id: int | None = Field(description="the person's ledger entry of the case")
    classification: str
    severity: str
    outcome: str
    found_by: str
    found_under_management: bool
    reporting_unit: str
    onset_date: datetime.date | None
    first_visit_date: datetime.date | None
    diagnosed_at: datetime.datetime
    reported_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    isolated_at: datetime.datetime | None
    admitted_at: datetime.datetime | None
    discharged_at: datetime.datetime | None
    died_at: datetime.datetime | None
    late_report: bool = Field(description="reported more than 2 hours after diagnosis")
    note: str


class CaseDetailOut(CaseOut):
    changes: list[CaseChangeOut]
    lab_tests: list[LabTestOut]
    proposals: list[LabTestOut] = Field(description="positive results waiting for a decision")
    investigation_id: int | None


class CaseListOut(Schema):
    cases: list[CaseOut]
    next_after: int | None = Field(description="pass as `after` for the next page")


class SampleIn(Schema):
    person_id: int | None = None
    id_number: str = Field("", description="the person's, when no person_id")
    kind: str = "nucleic_acid"
    specimen: str = "throat_swab"
    lab: str
    sample_number: str = ""
    sampled_at: Moment | None = None
    result: str = Field("pending", description="pending / negative / positive / inconclusive")
    result_at: Moment | None = None


class ResultIn(Schema):
    result: str = Field(description="negative / positive / inconclusive")
    result_at: Moment | None = Field(None, description="default: now")


class DismissIn(Schema):
    reason: str


class LabTestListOut(Schema):
    lab_tests: list[LabTestOut]
    next_after: int | None


class LabImportOut(Schema):
    rows_read: int
    created: int
    updated: int
    unchanged: int = Field(description="rows whose test is stored with the same result (a list imported again)")
    proposals: int = Field(description="positive results that now propose a case or a confirmation")
    duplicates: int
    errors: list[ImportErrorOut] = Field(description="the first errors of each column (FANGKONG_IMPORT_ERRORS_SHOWN)")
    error_count: int = Field(description="every error found")
    error_columns: list[ErrorColumnOut]
    stopped: bool = Field(description="checking stopped early: most rows were wrong")
    ignored_columns: list[str] = Field(description="header texts of the columns not imported")
    skipped_sheets: list[SkippedSheetOut]
    written: bool


# Investigations and contacts (services.investigations, services.contacts) ---------------------------------

class ItineraryStopOut(Schema):
    id: int
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place_name: str
    key_place_id: int | None
    region_code: str | None
    transport_mode: str
    transport_number: str
    seat: str
    note: str
    public: bool


class ItineraryStopIn(Schema):
    kind: str
    starts_at: str | None = None
    ends_at: str | None = None
    place_name: str = ""
    key_place: int | None = None
    region_code: str = ""
    transport_mode: str = ""
    transport_number: str = ""
    seat: str = ""
    note: str = ""
    public: bool = True


class ItineraryStopPatchIn(Schema):
    kind: str | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    place_name: str | None = None
    key_place: int | None = None
    region_code: str | None = None
    transport_mode: str | None = None
    transport_number: str | None = None
    seat: str | None = None
    note: str | None = None
    public: bool | None = None


class InvestigationOut(Schema):
    id: int
    case_id: int
    case_number: str
    status: str
    exposure_kind: str
    exposure_note: str
    summary: str
    investigator: str
    started_at: datetime.datetime
    completed_at: datetime.datetime | None
    itinerary_from: datetime.datetime
    itinerary_to: datetime.datetime
    stops: list[ItineraryStopOut]
    created: bool = False


class InvestigationBriefOut(Schema):
    id: int
    case_id: int
    case_number: str
    classification: str
    status: str
    started_at: datetime.datetime
    completed_at: datetime.datetime | None


class InvestigationListOut(Schema):
    items: list[InvestigationBriefOut]
    next_after: int | None


class InvestigationIn(Schema):
    exposure_kind: str | None = None
    exposure_note: str | None = None
    summary: str | None = None


class InvestigationReopenIn(Schema):
    reason: str


class CandidateReasonOut(Schema):
    source: str
    label: str
    at: str
    where: str


class ContactCandidateOut(Schema):
    person_id: int
    name: str
    id_number: str
    phone: str
    region_code: str
    region_name: str
    level: str
    kind: str
    source: str
    sources: list[str]
    last_exposure_date: datetime.date
    via_contact_id: int | None
    other_cases: list[str]
    reasons: list[CandidateReasonOut]


class ContactCandidatesOut(Schema):
    candidates: list[ContactCandidateOut]
    unconfirmed_visitors: int
    truncated: bool


class ContactExposureIn(Schema):
    """How a contact was exposed, for every contact, inside the county or outside."""

    kind: str
    last_exposure_date: str
    level: str = "close"
    via: int | None = Field(None, description="a secondary contact's close contact (contact id)")
    note: str = ""


class ContactPlacementIn(ContactExposureIn):
    """A contact registered in the county is isolated too: the cadre, doctor, site and room are the nearest
    (services.contacts) unless given."""

    cadre: int | None = None
    doctor: int | None = None
    site: int | None = None
    room: int | None = None


class ContactConfirmIn(ContactPlacementIn):
    person_id: int
    source: str = "manual"


class CandidateDismissIn(Schema):
    person_id: int
    source: str = ""
    note: str = ""


class ContactAddIn(ContactPlacementIn):
    name: str
    id_type: str = "resident_id"
    id_number: str
    phone: str = ""
    address: str = ""
    region_code: str


class OutsideContactIn(ContactExposureIn):
    name: str
    county: str
    phone: str = ""
    id_number: str = ""
    address: str = ""


class ContactOutcomeOut(Schema):
    ledger: str
    isolation: str


class TracedContactOut(Schema):
    id: int
    case_id: int
    case_number: str
    person_id: int | None
    name: str
    id_number: str
    phone: str
    region_code: str | None
    kind: str
    level: str
    status: str
    source: str
    via_contact_id: int | None
    last_exposure_date: datetime.date | None
    key_person_id: int | None
    ledger_category: str
    quarantine_id: int | None
    quarantine_kind: str
    quarantine_planned_end: datetime.datetime | None
    outside_county: str
    handed_over_at: datetime.datetime | None
    confirmed_at: datetime.datetime | None
    outcome: ContactOutcomeOut | None = None


class TracedContactListOut(Schema):
    items: list[TracedContactOut]
    next_after: int | None


class ContactRevealOut(Schema):
    contact_id: int
    id_number: str
    phone: str


class HandoverCountyOut(Schema):
    county: str
    total: int
    pending: int


class HandoverExportIn(Schema):
    county: str
    format: str = "xlsx"
    include_sent: bool = False


# Chains, clusters, the epidemic curve, Rt and the indicators (services.chains, selectors.chains, selectors.epi)

class LinkIn(Schema):
    infector: str = Field(description="the infector: a case number or id")
    infectee: str = Field(description="the infectee: a case number or id")
    confidence: str = Field("probable", description="confirmed / probable / possible")
    note: str = ""


class LinkChangeIn(Schema):
    confidence: str
    note: str | None = None


class LinkOut(Schema):
    id: int
    infector_id: int
    infector_number: str
    infectee_id: int
    infectee_number: str
    confidence: str
    note: str


class ChainNodeOut(Schema):
    id: int
    number: str = Field(description="empty for a case outside the caller's scope")
    classification: str
    severity: str
    day: datetime.date | None = Field(description="onset, else report day")
    in_scope: bool


class ChainEdgeOut(Schema):
    id: int
    infector_id: int
    infectee_id: int
    confidence: str


class GraphOut(Schema):
    root_id: int | None
    nodes: list[ChainNodeOut]
    edges: list[ChainEdgeOut]
    truncated: bool = Field(description="the graph was cut at its depth or size limit")


class ClusterIn(Schema):
    name: str
    setting: str = Field(description="household / place / gathering")
    region: str = Field(description="the cluster's region code: its cases lie in it")
    cases: list[str] = Field(description="two or more case numbers or ids")
    note: str = ""


class ClusterOut(Schema):
    id: int
    name: str
    setting: str
    region_code: str
    region_name: str
    size: int
    first_case_date: datetime.date | None
    last_case_date: datetime.date | None
    note: str


class ClusterListOut(Schema):
    clusters: list[ClusterOut]
    next_after: str = Field(description="pass as `after` for the next page; empty on the last")


class ClusterDetailOut(Schema):
    cluster: ClusterOut
    graph: GraphOut


class ClusterCasesIn(Schema):
    cases: list[str]


class ClusterMergeIn(Schema):
    other: int = Field(description="the cluster whose cases join this one; it is removed")


class ClusterDissolveIn(Schema):
    reason: str


class CurveDayOut(Schema):
    day: datetime.date
    confirmed: int
    asymptomatic: int
    suspected: int
    total: int


class CurveOut(Schema):
    region_code: str
    region_name: str
    basis: str = Field(description="onset / report")
    days: list[CurveDayOut]


class RtRowOut(Schema):
    start: datetime.date
    end: datetime.date
    cases: int
    mean: float
    lower: float | None = Field(description="2.5% quantile; none when the window has too few cases")
    upper: float | None
    enough: bool = Field(description="at least `min_cases` cases in the window")


class RtOut(Schema):
    region_code: str
    basis: str
    mean_si: float
    std_si: float
    min_cases: int
    rows: list[RtRowOut]


class IndicatorsOut(Schema):
    region: str
    first: datetime.date
    last: datetime.date
    new_cases: int
    found_under_management: int
    share_found_under_management: float | None
    contacts_traced: int
    contacts_per_case: float | None
    median_onset_to_isolation_days: float | None
    cases_with_onset_and_isolation: int
    median_diagnosis_to_report_hours: float | None
    cases_reported: int
    close_contacts: int
    close_contacts_within_24h: int
    share_quarantined_within_24h: float | None
