"""What the cases, investigations, contacts, notices and lab commands share: the acting user, the refusals said as the
command's error, and the rows as JSON (the API's fields, numbers masked). No rule lives here: every read is a
scoped selector, every write one service call.

Exit status: 2 for bad input (an unknown user, a bad value, a row that does not exist or lies outside the
user's scope: the two are not told apart), 1 when the user's role may not do it, 0 otherwise.
"""

import contextlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user

from ...models import LabResult
from ...selectors import investigations as investigation_selectors
from ...selectors import lab as lab_selectors
from ...selectors import notices as notice_selectors

BAD_INPUT = 2
REFUSED = 1


def user_of(username: str | None):
    """The --user account (the system when none): an unknown one is bad input."""
    try:
        return acting_user(username)
    except CommandError as exc:
        raise CommandError(str(exc), returncode=BAD_INPUT) from None


def _field_messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{field}: {'；'.join(messages)}" if field != "__all__" else "；".join(messages)
                        for field, messages in exc.message_dict.items())
    return "；".join(exc.messages)


@contextlib.contextmanager
def refusals(what: str, key):
    """A service's or selector's refusal as the command's error, audited writes marked as from the command line:
    a 404 names `what` and `key` (absent or outside the scope), a ValidationError each field and its message."""
    try:
        with audit.source("cli"):
            yield
    except Http404:
        raise CommandError(_("%(what)s不存在或不在管辖范围内：%(key)s") % {"what": what, "key": key},
                           returncode=BAD_INPUT) from None
    except ValidationError as exc:
        raise CommandError(_field_messages(exc), returncode=BAD_INPUT) from None
    except PermissionDenied as exc:
        raise CommandError(str(exc) or _("无权执行此操作"), returncode=REFUSED) from None


def dumps(found) -> str:
    return json.dumps(found, ensure_ascii=False, cls=DjangoJSONEncoder)


def _local(moment):
    return timezone.localtime(moment) if moment is not None else None


def case_out(c) -> dict:
    person = c.person
    return {"id": c.pk, "number": c.number, "person_id": person.pk, "name": person.name,
            "id_number": person.masked_id, "phone": person.masked_phone, "region_code": c.region_id,
            "region_name": c.region.name, "classification": c.classification, "severity": c.severity,
            "outcome": c.outcome, "found_by": c.found_by, "reporting_unit": c.reporting_unit,
            "onset_date": c.onset_date, "diagnosed_at": _local(c.diagnosed_at), "reported_at": _local(c.reported_at),
            "confirmed_at": _local(c.confirmed_at), "discharged_at": _local(c.discharged_at),
            "died_at": _local(c.died_at), "late_report": c.late_report, "note": c.note}


def case_detail(c, changes, investigation) -> dict:
    return {**case_out(c), "investigation_id": investigation.pk if investigation else None,
            "changes": [{"at": _local(ch.at), "from_classification": ch.from_classification,
                         "to_classification": ch.to_classification, "from_severity": ch.from_severity,
                         "to_severity": ch.to_severity, "reason": ch.reason, "actor": str(ch.actor or "")}
                        for ch in changes]}


def stop_out(s) -> dict:
    return {"id": s.pk, "kind": s.kind, "starts_at": _local(s.starts_at), "ends_at": _local(s.ends_at),
            "place_name": s.place_name, "key_place_id": s.key_place_id, "region_code": s.region_id,
            "transport_mode": s.transport_mode, "transport_number": s.transport_number, "seat": s.seat,
            "note": s.note, "public": s.public}


def investigation_out(inv) -> dict:
    low, high = investigation_selectors.itinerary_window(inv.case)
    return {"id": inv.pk, "case_id": inv.case_id, "case_number": inv.case.number, "status": inv.status,
            "exposure_kind": inv.exposure_kind, "exposure_note": inv.exposure_note, "summary": inv.summary,
            "investigator": str(inv.investigator or ""), "started_at": _local(inv.started_at),
            "completed_at": _local(inv.completed_at), "itinerary_from": _local(low), "itinerary_to": _local(high),
            "stops": [stop_out(s) for s in investigation_selectors.stops_of(inv)]}


def contact_out(c, outcome=None) -> dict:
    """A contact as shown (selectors.contacts.shown: name and masked numbers), with what its confirmation did."""
    q = c.quarantine
    return {"id": c.pk, "case_id": c.case_id, "case_number": c.case.number, "person_id": c.person_id,
            "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone, "region_code": c.region_id,
            "kind": c.kind, "level": c.level, "status": c.status, "source": c.source, "via_contact_id": c.via_id,
            "last_exposure_date": c.last_exposure_date,
            "ledger_category": c.key_person.category if c.key_person_id else "",
            "quarantine_id": c.quarantine_id, "quarantine_kind": q.kind if q else "",
            "outside_county": c.outside_county, "handed_over_at": _local(c.handed_over_at),
            "confirmed_at": _local(c.confirmed_at), "outcome": vars(outcome) if outcome is not None else None}


def candidate_out(c) -> dict:
    return {"person_id": c.person_id, "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone,
            "region_code": c.region_id, "region_name": c.region_name, "level": c.level, "kind": c.kind,
            "source": c.source, "sources": c.sources, "last_exposure_date": c.last_exposure,
            "via_contact_id": c.via.pk if c.via else None, "other_cases": c.other_cases,
            "reasons": [{"source": r.source, "label": r.label, "where": r.where,
                         "at": timezone.localtime(r.at).isoformat() if r.timed else r.at.isoformat()}
                        for r in c.reasons]}


def notice_out(n) -> dict:
    words = notice_selectors.words_of(n.items)
    return {"id": n.pk, "case_id": n.case_id, "case_number": n.case.number, "region_code": n.region_id,
            "title": n.title, "alias": n.alias, "status": n.status,
            "items": [{**item, "when": w.when, "where": w.where} for item, w in zip(n.items, words, strict=True)],
            "published_at": _local(n.published_at), "updated_at": _local(n.updated_at)}


def lab_test_out(t) -> dict:
    """A lab test as the API gives it (the person's number masked), with how long a pending one has waited."""
    return {"id": t.pk, "person_id": t.person_id, "name": t.person.name, "id_number": t.person.masked_id,
            "case_id": t.case_id, "kind": t.kind, "specimen": t.specimen, "lab": t.lab,
            "sample_number": t.sample_number, "sampled_at": _local(t.sampled_at), "result": t.result,
            "result_at": _local(t.result_at), "proposal": t.proposal,
            "age_hours": lab_selectors.age_hours(t) if t.result == LabResult.PENDING else None}
