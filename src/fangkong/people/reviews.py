"""Registrations held for review (人员登记核实): the writes. Reads are in `selectors`.

Decided here and nowhere else:

* A registration whose ID number belongs to a person outside the submitter's scope (a person registered by
  `services.find_or_record_person`, a ledger entry by screening's `register_key_person`, a row of a ledger import)
  is neither refused with a message saying the number is registered elsewhere, nor stored as a second
  person, nor applied to that person. It becomes a `RegistrationReview` for the staff of the lowest region
  covering both the person's region and the region registered (the township for two of its villages, the
  county for two townships), and the submitter is answered `SUBMITTED`. Where the person is registered,
  under which name and in which category are never shown to the submitter.
* A ledger registration of a person in scope whose open entry in the category is held by a region outside
  the scope is held for review in the same way, with the same answer (screening.services.key_persons);
  so is an edit giving a person of the scope the ID number of a person registered outside it
  (`services.update_person`): accepted, the two are merged into the latter and the edit applied.
* Reviewers are those who may write (accounts.permissions.can_write) with the review region in their
  scope. Accepting runs the registration as submitted, with the reviewer as its actor (their scope covers
  both regions, so the usual rules apply and the person moves to the region registered); rejecting closes
  it with a note. Both are audited. The submitter sees their own submissions and how they were decided.
* What is left for a submitter to learn is that a number needed a review, not where or by whom it is
  registered; every such submission is audited and lands on a reviewer's list, so numbers cannot be
  probed silently.
* One open review per submitter, person and kind: submitting again replaces what the open one holds.

`kind` names the registration run on acceptance: each app registers its own (`register`) when its
AppConfig is ready, so this module imports no app above people.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts import permissions
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.text import clean_text
from fangkong.regions.models import Region

from . import identity
from .models import Person, RegistrationReview, ReviewStatus

# The one answer to a registration held for review, whatever the reason it was held.
SUBMITTED = gettext_lazy("已提交，待上级单位核实后生效")
NOTE_MAX = 300


@dataclass(frozen=True)
class Handler:
    label: str
    accept: Callable  # accept(actor, person, submission): runs the registration as the reviewer
    describe: Callable = lambda submission: ""  # what else the registration says, in a few words


HANDLERS: dict[str, Handler] = {}


def register(kind: str, label, accept: Callable, describe: Callable | None = None) -> None:
    """Name the registration a review of `kind` runs when accepted (called from an AppConfig.ready())."""
    HANDLERS[kind] = Handler(label, accept, *([describe] if describe else []))


def label_of(kind: str) -> str:
    handler = HANDLERS.get(kind)
    return str(handler.label) if handler else kind


def describe(review: RegistrationReview) -> str:
    """The review's registration in a few words, for the lists: what kind, and what else it says."""
    handler = HANDLERS.get(review.kind)
    extra = handler.describe(review.submission) if handler else ""
    return "：".join(part for part in (label_of(review.kind), str(extra)) if part)


def review_region_for(*region_codes: str) -> Region:
    """The lowest region of the database that covers every one of the codes."""
    first = region_codes[0]
    candidates = [first, *codes.ancestor_codes(first)]
    covering = [c for c in candidates if all(codes.is_within(other, c) for other in region_codes)]
    found = {r.code: r for r in Region.objects.filter(code__in=covering)}
    for code in covering:  # nearest first
        if code in found:
            return found[code]
    raise ValidationError(_("找不到同时管辖 %(codes)s 的区划") % {"codes": "、".join(region_codes)})


def _json_value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def audit_view(submission: dict) -> dict:
    """The submission as the audit trail may hold it: the phone masked."""
    view = dict(submission)
    if view.get("phone"):
        view["phone"] = identity.mask_phone(str(view["phone"]))
    return view


@transaction.atomic
def submit_review(actor, *, kind: str, person: Person, region_code: str, submission: dict,
                  also_covering: str = "") -> RegistrationReview:
    """Hold a registration for review (see the module docstring); the caller answers `SUBMITTED`.

    `also_covering`: one more region the reviewers must cover (the region of an entry held elsewhere)."""
    if kind not in HANDLERS:
        raise ValueError(f"no review handler registered for {kind!r}")
    review_region = review_region_for(*[c for c in (person.region_id, region_code, also_covering) if c])
    data = {key: _json_value(value) for key, value in submission.items() if key not in ("id_type", "id_number")}
    review = (RegistrationReview.objects.select_for_update()
              .filter(kind=kind, person=person, submitted_by=actor, status=ReviewStatus.OPEN).first())
    if review is None:
        review = RegistrationReview(kind=kind, person=person, submitted_by=actor)
    review.region_id, review.review_region, review.submission = region_code, review_region, data
    review.submitted_at = timezone.now()
    review.save()
    audit.record(actor, "registration_review.submit", review, region=review_region.code,
                 object_repr=label_of(kind), after={"person_id": person.pk, "region": region_code,
                                                    "submission": audit_view(data)})
    return review


def _decidable(actor, review: RegistrationReview) -> RegistrationReview:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色只能查看，不能核实登记"))
    locked = RegistrationReview.objects.select_for_update().filter(pk=review.pk).first()
    if locked is None or not actor.region.contains(locked.review_region_id):
        raise PermissionDenied(_("该登记不在您的核实范围内"))
    if locked.status != ReviewStatus.OPEN:
        raise ValidationError({"status": _("该登记已核实（%(status)s）") % {"status": locked.get_status_display()}})
    return locked


def _note(note: str, *, required: bool) -> str:
    note = clean_text(note)
    if required and not note:
        raise ValidationError({"note": _("请填写不予通过的理由")})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("核实意见不能超过%(limit)s个字") % {"limit": NOTE_MAX}})
    return note


def _close(actor, review: RegistrationReview, status: str, note: str, action: str) -> RegistrationReview:
    review.status, review.note, review.decided_by, review.decided_at = status, note, actor, timezone.now()
    review.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit.record(actor, action, review, region=review.review_region_id, object_repr=label_of(review.kind),
                 before={"status": ReviewStatus.OPEN}, after={"status": status, "note": note})
    return review


@transaction.atomic
def accept_review(actor, review: RegistrationReview, *, note: str = "") -> RegistrationReview:
    """Run the registration as submitted, as the reviewer; its own rules and audit apply."""
    review = _decidable(actor, review)
    note = _note(note, required=False)
    person = Person.objects.select_for_update().get(pk=review.person_id)
    HANDLERS[review.kind].accept(actor, person, dict(review.submission))
    return _close(actor, review, ReviewStatus.ACCEPTED, note, "registration_review.accept")


@transaction.atomic
def reject_review(actor, review: RegistrationReview, *, note: str) -> RegistrationReview:
    """Close the review unapplied; the note (required) is what the submitter reads."""
    review = _decidable(actor, review)
    return _close(actor, review, ReviewStatus.REJECTED, _note(note, required=True), "registration_review.reject")
