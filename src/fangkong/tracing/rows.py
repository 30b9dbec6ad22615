"""Cases, lab tests, investigations, contacts, candidates and notices as the plain rows the API answers
(schemas.*Out) and the commands print as JSON: one shape each, decided here and nowhere else.

Each takes an object a scoped selector (or a service) gave the caller; what a row reads beyond it is the
object's own (a case's history and tests, an investigation's stops). Identities are masked (the reveal is its
own logged call) and moments are in the county's time, as the pages show them.
"""

from django.utils import timezone

from .models import LabResult
from .selectors import cases as case_selectors
from .selectors import investigations as investigation_selectors
from .selectors import lab as lab_selectors
from .selectors import notices as notice_selectors


def local(moment):
    return timezone.localtime(moment) if moment is not None else None


def case(c) -> dict:
    person = c.person
    return {"id": c.pk, "number": c.number, "person_id": person.pk, "name": person.name,
            "id_number": person.masked_id, "phone": person.masked_phone, "region_code": c.region_id,
            "region_name": c.region.name, "key_person_id": c.key_person_id, "classification": c.classification,
            "severity": c.severity, "outcome": c.outcome, "found_by": c.found_by,
            "found_under_management": c.found_under_management, "reporting_unit": c.reporting_unit,
            "onset_date": c.onset_date, "first_visit_date": c.first_visit_date, "diagnosed_at": local(c.diagnosed_at),
            "reported_at": local(c.reported_at), "confirmed_at": local(c.confirmed_at),
            "isolated_at": local(c.isolated_at), "admitted_at": local(c.admitted_at),
            "discharged_at": local(c.discharged_at), "died_at": local(c.died_at), "late_report": c.late_report,
            "note": c.note}


def case_detail(c) -> dict:
    """The case with its history (the report first), its lab tests, the proposals of positive results and its
    investigation's id."""
    investigation = case_selectors.investigation_of(c)
    return {**case(c), "investigation_id": investigation.pk if investigation else None,
            "changes": [{"at": local(ch.at), "from_classification": ch.from_classification,
                         "to_classification": ch.to_classification, "from_severity": ch.from_severity,
                         "to_severity": ch.to_severity, "reason": ch.reason, "actor": str(ch.actor or "")}
                        for ch in case_selectors.changes_of(c)],
            "lab_tests": [lab_test(t) for t in case_selectors.lab_tests_of(c)],
            "proposals": [lab_test(t) for t in case_selectors.proposals_of(c)]}


def lab_test(t) -> dict:
    """A lab test (the person's number masked), with how long a pending one has waited."""
    return {"id": t.pk, "person_id": t.person_id, "name": t.person.name, "id_number": t.person.masked_id,
            "case_id": t.case_id, "kind": t.kind, "specimen": t.specimen, "lab": t.lab,
            "sample_number": t.sample_number, "sampled_at": local(t.sampled_at), "result": t.result,
            "result_at": local(t.result_at), "proposal": t.proposal,
            "age_hours": lab_selectors.age_hours(t) if t.result == LabResult.PENDING else None}


def stop(s) -> dict:
    return {"id": s.pk, "kind": s.kind, "starts_at": local(s.starts_at), "ends_at": local(s.ends_at),
            "place_name": s.place_name, "key_place_id": s.key_place_id, "region_code": s.region_id,
            "transport_mode": s.transport_mode, "transport_number": s.transport_number, "seat": s.seat,
            "note": s.note, "public": s.public}


def investigation(inv, *, created: bool = False) -> dict:
    """An investigation with its itinerary and the window the stops lie in; `created` when this call opened it."""
    low, high = investigation_selectors.itinerary_window(inv.case)
    return {"id": inv.pk, "case_id": inv.case_id, "case_number": inv.case.number, "status": inv.status,
            "exposure_kind": inv.exposure_kind, "exposure_note": inv.exposure_note, "summary": inv.summary,
            "investigator": str(inv.investigator or ""), "started_at": local(inv.started_at),
            "completed_at": local(inv.completed_at), "itinerary_from": local(low), "itinerary_to": local(high),
            "stops": [stop(s) for s in investigation_selectors.stops_of(inv)], "created": created}


def contact(c, outcome=None) -> dict:
    """A contact as shown (selectors.contacts.shown: name and masked numbers), with what confirming it did
    (`outcome`, from the service that wrote it)."""
    q = c.quarantine
    return {"id": c.pk, "case_id": c.case_id, "case_number": c.case.number, "person_id": c.person_id,
            "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone, "region_code": c.region_id,
            "kind": c.kind, "level": c.level, "status": c.status, "source": c.source, "via_contact_id": c.via_id,
            "last_exposure_date": c.last_exposure_date, "key_person_id": c.key_person_id,
            "ledger_category": c.key_person.category if c.key_person_id else "",
            "quarantine_id": c.quarantine_id, "quarantine_kind": q.kind if q else "",
            "quarantine_planned_end": local(q.planned_end) if q else None, "outside_county": c.outside_county,
            "handed_over_at": local(c.handed_over_at), "confirmed_at": local(c.confirmed_at),
            "outcome": vars(outcome) if outcome is not None else None}


def candidate(c) -> dict:
    """A proposed contact (selectors.candidates), with each reason: a moment where it has a time, else a day."""
    return {"person_id": c.person_id, "name": c.name, "id_number": c.masked_id, "phone": c.masked_phone,
            "region_code": c.region_id, "region_name": c.region_name, "level": c.level, "kind": c.kind,
            "source": c.source, "sources": c.sources, "last_exposure_date": c.last_exposure,
            "via_contact_id": c.via.pk if c.via else None, "other_cases": c.other_cases,
            "reasons": [{"source": r.source, "label": r.label, "where": r.where,
                         "at": timezone.localtime(r.at).isoformat() if r.timed else r.at.isoformat()}
                        for r in c.reasons]}


def notice_items(items) -> list[dict]:
    """A notice's reviewed items with the words they are published in."""
    words = notice_selectors.words_of(items)
    return [{**item, "when": w.when, "where": w.where} for item, w in zip(items, words, strict=True)]


def notice(n) -> dict:
    return {"id": n.pk, "case_id": n.case_id, "case_number": n.case.number, "region_code": n.region_id,
            "title": n.title, "alias": n.alias, "status": n.status, "items": notice_items(n.items),
            "published_at": local(n.published_at), "updated_at": local(n.updated_at)}
