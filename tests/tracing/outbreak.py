"""Builders of an outbreak's rows made directly with the ORM (a constructed case: each row as the tracing
services would have stored it), shared by the tracing, briefing and reports tests. Each test makes what it
needs; add functions, never change what an existing one builds."""

import datetime
import itertools

from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.core.days import day_start
from fangkong.people.models import Person
from fangkong.quarantine.models import ObservationSite, Quarantine, Room
from fangkong.screening.models import KeyPerson
from fangkong.tracing import rollup
from fangkong.tracing.models import Case, CaseChange, Contact, Investigation, ItineraryStop
from tests import factories

_numbers = itertools.count(1)


def person(region: str = factories.VILLAGE_A1, **fields) -> Person:
    """A resident of `region`; every personal field filled (name, ID number, phone, address, workplace) unless given."""
    n = next(_numbers)
    values = {"name": f"病人{n}", "id_type": "resident_id", "id_number": f"42092119800101{n:04d}",
              "phone": f"1390000{n:04d}", "address": f"花园镇东岳村{n}组{n}号", "workplace": f"孝昌县第{n}机械厂"}
    values.update(fields)
    return Person.objects.create(region_id=region, **values)


def case(who: Person | None = None, *, region: str | None = None, classification: str = "confirmed",
         severity: str = "mild", reported_at: datetime.datetime | None = None, **fields) -> Case:
    """A reported case of `who` (a new person of `region` when none), diagnosed an hour before its report."""
    who = who or person(region or factories.VILLAGE_A1)
    reported_at = reported_at or timezone.now()
    values = {"number": f"C{next(_numbers):06d}", "found_by": "fever_clinic", "reporting_unit": "孝昌县人民医院",
              "diagnosed_at": reported_at - datetime.timedelta(hours=1), "reported_at": reported_at,
              "severity": severity if classification == "confirmed" else "",
              "onset_date": timezone.localdate(reported_at) - datetime.timedelta(days=3)}
    if classification == "confirmed":
        values["confirmed_at"] = reported_at
    values.update(fields)
    return Case.objects.create(person=who, region_id=region or who.region_id, classification=classification,
                               **values)


def investigation(of: Case, **fields) -> Investigation:
    return Investigation.objects.create(case=of, region_id=of.region_id, **fields)


def stop(of: Investigation, starts_at: datetime.datetime, *, kind: str = "place", place_name: str = "",
         hours: float = 1, **fields) -> ItineraryStop:
    """One stop of the itinerary, `hours` long (open-ended when 0)."""
    ends_at = starts_at + datetime.timedelta(hours=hours) if hours else None
    return ItineraryStop.objects.create(investigation=of, kind=kind, starts_at=starts_at, ends_at=ends_at,
                                        place_name=place_name, **fields)


# Counted rows: each write with the counters the tracing services keep (tracing.rollup) -------------------

def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A local moment of `day`."""
    return day_start(day) + datetime.timedelta(hours=hour, minutes=minute)


def counted(of: Case) -> Case:
    """`of`'s contributions added to the counters, as reporting it would have."""
    counters.track_change([], rollup.case_contributions(of))
    return of


def reclassified(of: Case, classification: str, *, severity: str = "", when: datetime.datetime | None = None,
                 reason: str = "订正") -> Case:
    """`of` reclassified in place (one CaseChange), its counters moved as the case services move them."""
    when = when or timezone.now()
    old = rollup.case_contributions(of)
    CaseChange.objects.create(case=of, at=when, from_classification=of.classification,
                              to_classification=classification, from_severity=of.severity, to_severity=severity,
                              reason=reason)
    of.classification, of.severity = classification, severity
    if classification == "confirmed" and not of.confirmed_at:
        of.confirmed_at = when
    of.save()
    counters.track_change(old, rollup.case_contributions(of))
    return of


def ended(of: Case, outcome: str, when: datetime.datetime) -> Case:
    """`of` discharged or dead at `when`, with its counters."""
    old = rollup.case_contributions(of)
    of.outcome = outcome
    setattr(of, "discharged_at" if outcome == "discharged" else "died_at", when)
    of.save()
    counters.track_change(old, rollup.case_contributions(of))
    return of


def contact(of: Case, who: Person | None = None, *, level: str = "close", kind: str = "household",
            confirmed_at: datetime.datetime | None = None, status: str = "confirmed", **fields):
    """A contact of `of` (a new person of the case's region when none), confirmed at `confirmed_at` (now), counted."""
    who = who or person(of.region_id)
    confirmed_at = confirmed_at or timezone.now()
    values = {"region_id": who.region_id, "last_exposure_date": timezone.localdate(confirmed_at)}
    values.update(fields)
    row = Contact.objects.create(case=of, person=who, kind=kind, level=level, status=status,
                                 confirmed_at=confirmed_at if status == "confirmed" else None, **values)
    counters.track_change([], rollup.contact_contributions(row))
    return row


# Who isolates a contact: the village's worker, a doctor, an observation site -------------------------------

def isolation_staff(village: str = factories.VILLAGE_A1, *, doctor_region: str | None = None,
                    site_region: str = factories.COUNTY) -> dict:
    """The village's worker (the nearest cadre), a doctor of its township and an active observation site of the
    county, as the contact services pick them by default (services.contacts._responsible)."""
    n = next(_numbers)
    township = village[:9] + "000"
    cadre = factories.user(f"cadre{n}", Role.VILLAGE_WORKER, village)
    doctor = factories.user(f"doctor{n}", Role.DOCTOR, doctor_region or township)
    site = ObservationSite.objects.create(name=f"县第{n}集中医学观察点", region_id=site_region, address=f"孝昌县{n}号")
    Room.objects.create(site=site, name="101", capacity=2)
    return {"cadre": cadre, "doctor": doctor, "site": site}


def quarantined(of: Contact, start_at: datetime.datetime, *, cadre, doctor=None):
    """`of`'s person on the ledger as a close contact and in centralised quarantine from `start_at` (rows only:
    no follow-up slots, no counters), linked to the contact."""
    kp = KeyPerson.objects.create(person=of.person, category="close_contact", region_id=of.region_id,
                                  registered_on=timezone.localdate(start_at))
    q = Quarantine.objects.create(key_person=kp, region_id=of.region_id, category="close_contact", kind="centralised",
                                  length_days=14, counts_from="last_exposure", counted_from=start_at,
                                  start_at=start_at, policy_end=start_at + datetime.timedelta(days=14),
                                  planned_end=start_at + datetime.timedelta(days=14), cadre=cadre,
                                  doctor=doctor or cadre)
    of.key_person, of.quarantine = kp, q
    of.save(update_fields=["key_person", "quarantine"])
    return q
