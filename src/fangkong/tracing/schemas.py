"""What the tracing API takes and answers."""

import datetime

from ninja import Field, Schema


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
