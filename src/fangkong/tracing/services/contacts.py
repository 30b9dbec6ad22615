"""密接: confirming a case's contacts and what follows from it — the ledger, isolation, the hand-over of those
outside the county, and a contact who becomes a case.

The rules, decided here and nowhere else:

* **Who.** Whoever may investigate (permissions.can_investigate), for a case in their scope; a person they
  may trace (their scope, or anyone for headquarters and investigation teams of a county or above:
  permissions.traces_across_county).
* **Nobody listed twice.** One contact per case and person (the table's constraint): a candidate confirmed
  or dismissed once stays so; confirming someone already confirmed for the case is refused. A person already
  a contact of another case gets a contact of this case too (the chain needs it) but is not put on the ledger
  again: their open ledger entry of the category is linked (one open entry per category), and their order
  under way is linked, its end moved later when this exposure ends later.
* **The ledger.** A close contact goes on their village's ledger (their region, a village or grid) as
  `close_contact`, a secondary contact (次密接, exposed through a close contact of the case: `via`) as
  `secondary_contact`; registered today, on the county's behalf (screening's entry functions: the village's
  own counters, timeline and audit). Someone whose village is unknown (registered at a township or above)
  becomes an arrival task of kind `contact` for that region to find them instead. A close contact who was a
  secondary contact is re-classified: the secondary entry ends (已转出) and its order ends handed over to the
  close contact's; a returnee's or transient's entry ends the same way, so the village lists the person once.
  A secondary contact who is already a close contact stays a close contact. The village
  worker sees the person on their ledger and today's list as what they are, and nothing of the case.
* **Isolation.** The order follows the category's policy (quarantine's start_for_contact): for close
  contacts by default centralised medical observation, 14 days from the last exposure (00:00 of that day).
  The cadre, doctor and site are those given, else the nearest: the village's worker (or the township's,
  the county's staff), a doctor of the village, township or county (else one in the investigator's scope),
  an active site serving the village. When the policy's days since the last exposure are over, no order is
  started. Another order of the person under way (home isolation as a returnee, say) ends handed over to
  the contact's.
* **Outside the county.** A person registered outside the case's county, or known only by what the
  investigator typed (`add_outside_contact`), is a contact with the `outside_*` fields and no ledger entry or
  order: they are handed over (协查函) to their county, whose list is exported as .xlsx and .docx with the
  exporter's name and time in the file, logged as an export, marking `handed_over_at`.
* **A contact becomes a case** (`contact_became_case`, called by the case report): the person's own contacts
  — the secondary contacts recorded through them — become close contacts of the new case (the ledger and the
  order follow, as above).

Every write is one transaction, audited (numbers left out), with a message per field.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role, User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.actors import user_of
from fangkong.core.days import day_start
from fangkong.core.region_codes import covers
from fangkong.core.validation import as_date, choice, is_id, name_text, raise_if, text
from fangkong.people import identity
from fangkong.people import services as people_services
from fangkong.people.models import Person
from fangkong.people.services import find_or_record_person
from fangkong.quarantine import permissions as quarantine_permissions
from fangkong.quarantine.models import (
    CountsFrom,
    Kind,
    ObservationSite,
    Quarantine,
    QuarantinePolicy,
    QuarantineStatus,
)
from fangkong.quarantine.schedule import policy_end
from fangkong.quarantine.services import orders
from fangkong.regions.models import Region
from fangkong.screening.models import Category, KeyPerson, Status, TaskKind
from fangkong.screening.services import arrival_tasks
from fangkong.screening.services import key_persons as ledger

from .. import handover, permissions, rollup
from ..models import Case, Classification, Contact, ContactKind, ContactLevel, ContactSource, ContactStatus
from ..selectors import contacts as contact_selectors
from ..selectors.candidates import KIND_OF_SOURCE
from ..selectors.investigations import itinerary_window

CONTACT_FIELDS = ["case", "person", "region", "kind", "level", "status", "source", "via", "last_exposure_date",
                  "key_person", "quarantine", "outside_county", "handed_over_at", "note"]
CATEGORY_OF_LEVEL = {ContactLevel.CLOSE: Category.CLOSE_CONTACT, ContactLevel.SECONDARY: Category.SECONDARY_CONTACT}
# categories whose orders a contact's order replaces (a case's are never touched here)
REPLACEABLE = {Category.RETURNEE, Category.FEVER, Category.TRANSIENT, Category.SECONDARY_CONTACT}
# ledger entries a contact's entry takes over, so the village lists and checks the person once, as a contact
# (a fever entry stays: it follows the fever clinic's transfer)
SUPERSEDED = {Category.RETURNEE, Category.TRANSIENT}
LEDGER_LEVELS = {codes.VILLAGE, codes.GRID}


@dataclass
class Outcome:
    """What confirming a contact did, for the page's message: ledger created / linked / reclassified / task /
    outside / case; isolation started / extended / kept / over / none."""
    ledger: str = ""
    isolation: str = ""


def require_investigator(actor, case: Case) -> None:
    if not permissions.can_investigate(actor):
        raise PermissionDenied(_("您的角色不能判定密切接触者"))
    if not covers(actor, case.region_id):
        raise PermissionDenied(_("该病例不在您的管辖范围内"))


def county_of(code: str) -> str:
    """The county code of a region code (itself when it is a county or above)."""
    return next((c for c in [code, *codes.ancestor_codes(code)] if codes.level_of(c) == codes.COUNTY), code)


def _person(actor, value) -> Person:
    pk = value.pk if isinstance(value, Person) else value
    person = Person.objects.select_related("region").filter(pk=pk).first() if is_id(pk) else None
    if person is None or not (permissions.traces_across_county(actor) or covers(actor, person.region_id)):
        raise ValidationError({"person": _("人员 %(value)s 不存在或不在您的管辖范围内") % {"value": value}})
    return person


def _via(case: Case, value, errors: dict) -> Contact | None:
    if value in (None, ""):
        errors.setdefault("via", _("次密接须选择经由的密切接触者"))
        return None
    pk = value.pk if isinstance(value, Contact) else value
    via = Contact.objects.filter(pk=pk, case=case, status=ContactStatus.CONFIRMED, level=ContactLevel.CLOSE).first() \
        if is_id(pk) else None
    if via is None:
        errors.setdefault("via", _("经由的密切接触者 %(value)s 不是该病例已确认的密切接触者") % {"value": value})
    return via


def _common(case: Case, raw: dict, errors: dict) -> dict:
    """kind, level, last exposure day, source, note and the close contact of a secondary one."""
    found = {
        "kind": choice(raw.get("kind"), ContactKind, "kind", _("接触方式"), errors),
        "level": choice(raw.get("level") or ContactLevel.CLOSE, ContactLevel, "level", _("判定"), errors),
        "source": choice(raw.get("source") or ContactSource.MANUAL, ContactSource, "source", _("来源"), errors),
        "note": text(raw.get("note"), "note", _("备注"), 300, errors),
        "last_exposure_date": as_date(raw.get("last_exposure_date"), "last_exposure_date", _("末次接触日期"), errors,
                                      allow_future=False),
    }
    day = found["last_exposure_date"]
    if day is None and "last_exposure_date" not in errors:
        errors["last_exposure_date"] = _("请填写末次接触日期")
    low, _high = itinerary_window(case)
    if day is not None and day < timezone.localdate(low):
        errors.setdefault("last_exposure_date", _("末次接触日期 %(day)s 早于病例发病前14天（%(low)s）") % {
            "day": day, "low": timezone.localdate(low)})
    found["via"] = _via(case, raw.get("via"), errors) if found["level"] == ContactLevel.SECONDARY else None
    return found


def _snapshot(contact: Contact) -> dict:
    data = audit.snapshot(contact, CONTACT_FIELDS)
    if contact.outside_id_number:
        data["outside_id_number"] = identity.mask_id(contact.outside_id_number)
    return data


def _open_case(person: Person) -> Case | None:
    return (Case.objects.filter(person=person, outcome="").exclude(classification=Classification.EXCLUDED)
            .only("id", "number").first())


# Confirming ----------------------------------------------------------------------------------------------

@transaction.atomic
def confirm_contact(actor, case: Case, *, person, kind, last_exposure_date, level=ContactLevel.CLOSE,
                    source=ContactSource.MANUAL, via=None, note: str = "", cadre=None, doctor=None, site=None,
                    room=None) -> Contact:
    """确认密接: the person (a registered one, e.g. a candidate) as a contact of the case, then the ledger and
    isolation (see the module docstring). `contact.outcome` says what followed."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_investigator(actor, case)
    errors: dict = {}
    found = _common(case, {"kind": kind, "level": level, "source": source, "note": note, "via": via,
                           "last_exposure_date": last_exposure_date}, errors)
    try:
        who = _person(actor, person)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        who = None
    if who is not None and who.pk == case.person_id:
        errors.setdefault("person", _("不能把病例本人列为其密切接触者"))
    raise_if(errors)
    return _confirm(actor, case, who, found, isolation={"cadre": cadre, "doctor": doctor, "site": site, "room": room})


@transaction.atomic
def add_contact(actor, case: Case, *, name: str, id_type: str = identity.RESIDENT_ID, id_number: str, phone: str = "",
                address: str = "", region_code: str, kind, last_exposure_date, level=ContactLevel.CLOSE, via=None,
                note: str = "", cadre=None, doctor=None, site=None, room=None) -> Contact:
    """A contact the data did not propose: the person found by ID number or registered (people's rule), then
    confirmed as `confirm_contact` does."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_investigator(actor, case)
    errors: dict = {}
    found = _common(case, {"kind": kind, "level": level, "note": note, "via": via,
                           "last_exposure_date": last_exposure_date}, errors)
    who = None
    try:
        who, _created = find_or_record_person(actor, name=name, id_type=id_type, id_number=id_number,
                                              region_code=region_code, phone=phone, address=address)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    raise_if(errors)
    if who is None:  # registered outside the actor's scope: people's review holds the registration
        raise ValidationError({"id_number": _("该人员的登记待上级单位核实，核实后再列为密接；或按外县人员添加")})
    if who.pk == case.person_id:
        raise ValidationError({"id_number": _("不能把病例本人列为其密切接触者")})
    return _confirm(actor, case, who, found, isolation={"cadre": cadre, "doctor": doctor, "site": site, "room": room})


@transaction.atomic
def add_outside_contact(actor, case: Case, *, name: str, county: str, kind, last_exposure_date, phone: str = "",
                        id_number: str = "", address: str = "", level=ContactLevel.CLOSE, via=None,
                        note: str = "") -> Contact:
    """A contact who lives outside the county and is not registered here: kept with what the other county
    needs, for the hand-over (协查函)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_investigator(actor, case)
    errors: dict = {}
    found = _common(case, {"kind": kind, "level": level, "note": note, "via": via,
                           "last_exposure_date": last_exposure_date}, errors)
    outside = {
        "outside_name": name_text(name, "name", _("姓名"), 50, errors, required=True),
        "outside_county": name_text(county, "county", _("所在县（市、区）"), 100, errors, required=True),
        "outside_phone": name_text(phone, "phone", _("联系电话"), 20, errors),
        "outside_id_number": name_text(id_number, "id_number", _("证件号码"), 40, errors).upper(),
        "outside_address": name_text(address, "address", _("住址"), 200, errors),
    }
    if not outside["outside_phone"] and not outside["outside_id_number"] and "phone" not in errors:
        errors["phone"] = _("请至少填写联系电话或证件号码，以便对方查找")
    if outside["outside_name"]:
        twice = Contact.objects.filter(case=case, person=None, outside_name=outside["outside_name"])
        if outside["outside_id_number"] and twice.filter(outside_id_number=outside["outside_id_number"]).exists() \
                or outside["outside_phone"] and twice.filter(outside_phone=outside["outside_phone"]).exists():
            errors.setdefault("name", _("%(name)s 已列为该病例的密接") % {"name": outside["outside_name"]})
    raise_if(errors)
    contact = Contact(case=case, status=ContactStatus.CONFIRMED, confirmed_at=timezone.now(),
                      confirmed_by=user_of(actor), **found, **outside)
    contact.save()
    contact.outcome = Outcome(ledger="outside")
    counters.track_change([], rollup.contact_contributions(contact))
    _record(actor, "contact.confirm", contact, None)
    return contact


def _confirm(actor, case: Case, who: Person, found: dict, *, isolation: dict, required: bool = True) -> Contact:
    """The contact row (new, or the dismissed one confirmed after all), then the ledger and isolation."""
    contact = Contact.objects.select_for_update().filter(case=case, person=who).first()
    if contact is not None and contact.status == ContactStatus.CONFIRMED:
        raise ValidationError({"person": _("%(name)s 已列为该病例的%(level)s") % {
            "name": who.name, "level": contact.get_level_display()}})
    before = _snapshot(contact) if contact is not None else None
    old = rollup.contact_contributions(contact) if contact is not None else []
    contact = contact or Contact(case=case, person=who)
    for field, value in found.items():
        setattr(contact, field, value)
    contact.status, contact.confirmed_at, contact.confirmed_by = ContactStatus.CONFIRMED, timezone.now(), user_of(actor)
    contact.updated_at = timezone.now()
    outcome = Outcome()
    if not codes.is_within(who.region_id, county_of(case.region_id)):
        _as_outside(contact, who)
        outcome.ledger = "outside"
    else:
        contact.region_id = who.region_id
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError({"person": _("%(name)s 已列为该病例的密接") % {"name": who.name}}) from None
    if outcome.ledger != "outside":
        _follow(actor, contact, who, outcome, isolation, required=required)
    contact.outcome = outcome
    counters.track_change(old, rollup.contact_contributions(contact))
    _record(actor, "contact.confirm", contact, before)
    return contact


def _as_outside(contact: Contact, who: Person) -> None:
    """A registered person who lives outside the case's county: what the hand-over needs, from their record."""
    county = county_of(who.region_id)
    contact.region = None
    contact.outside_name, contact.outside_phone = who.name, who.phone
    contact.outside_id_number, contact.outside_address = who.id_number, who.address[:200]
    contact.outside_county = (Region.objects.filter(code=county).values_list("name", flat=True).first() or county)[:100]


def _record(actor, action: str, contact: Contact, before: dict | None) -> None:
    after = _snapshot(contact)
    if before is not None:
        before, after = audit.changes(before, after)
    audit.record(actor, action, contact, region=contact.region_id or contact.case.region_id, before=before, after=after)


# The ledger and isolation -------------------------------------------------------------------------------

def _follow(actor, contact: Contact, who: Person, outcome: Outcome, isolation: dict, *, required: bool) -> None:
    """Ledger entry (or the township's task) and isolation for a confirmed contact in the county."""
    if _open_case(who) is not None:  # a case is treated as a case, not watched as a contact
        outcome.ledger = outcome.isolation = "case"
        return
    category = CATEGORY_OF_LEVEL[contact.level]
    if codes.level_of(who.region_id) not in LEDGER_LEVELS:
        arrival_tasks.open_task(actor, kind=TaskKind.CONTACT, region_code=who.region_id, person=who)
        outcome.ledger, outcome.isolation = "task", "none"
        return
    entry = _ledger_entry(actor, contact, who, category, outcome)
    contact.key_person = entry
    if required:
        contact.quarantine = _isolate(actor, contact, entry, outcome, isolation)
    else:  # a case's report must not fail for want of a cadre: the township starts the order then
        try:
            with transaction.atomic():
                contact.quarantine = _isolate(actor, contact, entry, outcome, isolation)
        except (ValidationError, PermissionDenied):  # e.g. the contact lives outside the reporter's scope
            outcome.isolation = "pending"
    contact.save(update_fields=["key_person", "quarantine", "region"])


def _ledger_entry(actor, contact: Contact, who: Person, category: str, outcome: Outcome):
    close = ledger.open_entry(who, Category.CLOSE_CONTACT)
    if category == Category.SECONDARY_CONTACT and close is not None:
        outcome.ledger = "linked"  # managed as a close contact already
        return close
    existing = ledger.open_entry(who, category)
    if existing is not None:
        outcome.ledger = "linked"
        return existing
    today = timezone.localdate()
    outcome.ledger = "created"
    if category == Category.CLOSE_CONTACT:
        secondary = ledger.open_entry(who, Category.SECONDARY_CONTACT)
        if secondary is not None:
            _end_secondary(actor, secondary, today)
            outcome.ledger = "reclassified"
    note = _("流调判定，末次接触日期 %(day)s") % {"day": contact.last_exposure_date}
    try:
        with transaction.atomic():
            entry = ledger.create_entry(actor, who, category, who.region, today, {"note": note})
    except IntegrityError:  # registered meanwhile
        outcome.ledger = "linked"
        return ledger.open_entry(who, category)
    for other in KeyPerson.objects.select_for_update().filter(person=who, status=Status.UNDER_MANAGEMENT,
                                                               category__in=SUPERSEDED):
        ledger.apply_changes(actor, other, {"status": Status.TRANSFERRED, "ended_on": max(today, other.registered_on),
                                            "note": _("判定为%(category)s") % {"category": entry.get_category_display()}},
                             kind="status", prefix=_("判定为%(category)s，") % {"category": entry.get_category_display()})
    return entry


def _end_secondary(actor, entry, today: datetime.date) -> None:
    """A secondary contact found to be close: the secondary entry ends; its order ends handed over when the close
    contact's starts (`_isolate`), so that nobody is left without one."""
    ledger.apply_changes(actor, entry, {"status": Status.TRANSFERRED, "ended_on": max(today, entry.registered_on),
                                        "note": _("改判为密切接触者")},
                         kind="status", prefix=_("改判为密切接触者，"))


def _isolate(actor, contact: Contact, entry, outcome: Outcome, isolation: dict) -> Quarantine | None:
    exposed = day_start(contact.last_exposure_date)
    current = Quarantine.objects.filter(key_person=entry, status=QuarantineStatus.ACTIVE).first()
    policy = QuarantinePolicy.objects.filter(category=entry.category).first()
    if policy is None:
        raise ValidationError(_("%(category)s 没有隔离政策，请指挥部管理员先设置") % {"category": entry.get_category_display()})
    end = policy_end(policy.counts_from, policy.length_days, start_at=timezone.now(), arrival=None,
                     last_exposure=exposed) if policy.counts_from == CountsFrom.LAST_EXPOSURE else None
    if current is not None:
        if end is not None and end > current.planned_end:
            outcome.isolation = "extended"
            return orders.extend_for_contact(actor, current, planned_end=end, reason=_(
                "再次判定为密接，末次接触日期 %(day)s") % {"day": contact.last_exposure_date})
        outcome.isolation = "kept"
        return current
    if end is not None and end <= timezone.now():
        outcome.isolation = "over"  # the policy's days since the last exposure are over
        return None
    chosen = _responsible(actor, entry, policy, isolation)
    for other in (Quarantine.objects.filter(key_person__person=entry.person_id, status=QuarantineStatus.ACTIVE,
                                            category__in=REPLACEABLE).exclude(key_person=entry)):
        orders.end_for_contact(actor, other, handover_to=_("判定为%(category)s，转%(category)s隔离观察") % {
            "category": entry.get_category_display()})
    outcome.isolation = "started"
    return orders.start_for_contact(actor, entry, last_exposure=exposed, **chosen)


def _nearest(user: User) -> tuple:
    """Closest to the person first (the village's before the township's before the county's), a village worker
    before other staff of the same region."""
    return -len(codes.prefix_of(user.region_id)), user.role != Role.VILLAGE_WORKER, user.username


def _responsible(actor, entry, policy: QuarantinePolicy, given: dict) -> dict:
    """The cadre, doctor and (centralised) site given, else the nearest ones (see the module docstring)."""
    code = entry.region_id
    around = [code, *codes.ancestor_codes(code)]
    errors: dict = {}
    chosen = {"cadre": given.get("cadre"), "doctor": given.get("doctor")}
    if chosen["cadre"] in (None, ""):
        cadres = sorted(User.objects.filter(is_active=True, role__in=quarantine_permissions.CADRES,
                                            region_id__in=around), key=_nearest)
        chosen["cadre"] = cadres[0] if cadres else None
        if not cadres:
            errors["cadre"] = _("没有可担任%(region)s包保干部的账号，请选择包保干部") % {"region": entry.region.name}
    if chosen["doctor"] in (None, ""):
        doctors = sorted(User.objects.filter(is_active=True, role=Role.DOCTOR, region_id__in=around), key=_nearest) \
            or list(User.objects.filter(codes.in_scope(actor), is_active=True, role=Role.DOCTOR).order_by("id")[:1])
        chosen["doctor"] = doctors[0] if doctors else None
        if not doctors:
            errors["doctor"] = _("没有可担任%(region)s包保医生的账号，请选择包保医生") % {"region": entry.region.name}
    if policy.kind == Kind.CENTRALISED:
        chosen["site"], chosen["room"] = given.get("site"), given.get("room")
        if chosen["site"] in (None, "") and chosen["room"] in (None, ""):
            visible = Q(region_id__in=codes.ancestor_codes(actor.region_id)) | codes.in_scope(actor)
            sites = sorted(ObservationSite.objects.filter(visible, is_active=True),
                           key=lambda s: (not codes.is_within(code, s.region_id), -len(codes.prefix_of(s.region_id)),
                                          s.pk))
            chosen["site"] = sites[0] if sites else None
            if not sites:
                errors["site"] = _("没有可用的集中医学观察点，请先设置观察点或选择观察点")
    raise_if(errors)
    return chosen


# Dismissing --------------------------------------------------------------------------------------------

@transaction.atomic
def dismiss_candidate(actor, case: Case, *, person, source=ContactSource.MANUAL, note: str = "") -> Contact:
    """排除: a proposed person is not a contact of the case; kept so that they are not proposed again."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_investigator(actor, case)
    errors: dict = {}
    source = choice(source or ContactSource.MANUAL, ContactSource, "source", _("来源"), errors)
    note = text(note, "note", _("排除理由"), 300, errors)
    try:
        who = _person(actor, person)
    except ValidationError as exc:
        errors.update(exc.error_dict)
        who = None
    raise_if(errors)
    contact = Contact.objects.select_for_update().filter(case=case, person=who).first()
    if contact is not None and contact.status == ContactStatus.CONFIRMED:
        raise ValidationError({"person": _("%(name)s 已确认为该病例的密接，不能排除") % {"name": who.name}})
    if contact is not None and contact.status == ContactStatus.DISMISSED:
        return contact
    contact = Contact(case=case, person=who, region_id=who.region_id, kind=KIND_OF_SOURCE.get(source, ContactKind.SAME_PLACE),
                      status=ContactStatus.DISMISSED, source=source, note=note)
    contact.save()
    _record(actor, "contact.dismiss", contact, None)
    return contact


# A contact becomes a case ------------------------------------------------------------------------------

@transaction.atomic
def contact_became_case(actor, case: Case) -> list[Contact]:
    """The case's person was a close contact of other cases: the secondary contacts recorded through them become
    close contacts of this case (their ledger category and order follow). Called by the case report after its
    own rules (who may report, the person in scope), so no investigator's role is asked; an order that cannot
    start (no cadre, doctor or site to be found) is left to the township, the rest stands. Returns the contacts
    made; one already a contact of this case is left as it is."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    through = Contact.objects.filter(person_id=case.person_id, status=ContactStatus.CONFIRMED,
                                     level=ContactLevel.CLOSE)
    made = []
    for secondary in (Contact.objects.filter(via__in=through, status=ContactStatus.CONFIRMED,
                                             level=ContactLevel.SECONDARY)
                      .select_related("person__region", "case").order_by("id")):
        if secondary.person_id == case.person_id:
            continue
        found = {"kind": secondary.kind, "level": ContactLevel.CLOSE, "source": ContactSource.CONTACT_OF_CONTACT,
                 "via": None, "last_exposure_date": secondary.last_exposure_date,
                 "note": _("原为病例%(number)s的次密接，经由的密接转为病例") % {"number": secondary.case.number}}
        if secondary.person_id is None:
            if Contact.objects.filter(case=case, person=None, outside_name=secondary.outside_name,
                                      outside_phone=secondary.outside_phone,
                                      outside_id_number=secondary.outside_id_number).exists():
                continue
            contact = Contact(case=case, status=ContactStatus.CONFIRMED, confirmed_at=timezone.now(),
                              confirmed_by=user_of(actor),
                              **found, **{f: getattr(secondary, f) for f in (
                                  "outside_name", "outside_phone", "outside_id_number", "outside_address",
                                  "outside_county")})
            contact.save()
            contact.outcome = Outcome(ledger="outside")
            counters.track_change([], rollup.contact_contributions(contact))
            _record(actor, "contact.confirm", contact, None)
        else:
            if Contact.objects.filter(case=case, person_id=secondary.person_id,
                                      status=ContactStatus.CONFIRMED).exists():
                continue
            contact = _confirm(actor, case, secondary.person, found, isolation={}, required=False)
        made.append(contact)
    return made


# The hand-over (协查函) -----------------------------------------------------------------------------------

HANDOVER_FORMATS = ("xlsx", "docx")


@transaction.atomic
def export_handover(actor, *, county: str, file_format: str = "xlsx", include_sent: bool = False) -> tuple[bytes, int]:
    """The hand-over list of one receiving county as .xlsx or .docx (tracing.handover), with full numbers: the other
    county must find the people. Exported by whoever may investigate and reveal personal data; logged as an
    export, and the contacts not handed over yet are marked `handed_over_at` now. Returns (file, rows)."""
    if not permissions.can_investigate(actor) or not account_permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能导出协查函"))
    if file_format not in HANDOVER_FORMATS:
        raise ValidationError({"format": _("未知的文件格式：%(value)s（xlsx 或 docx）") % {"value": file_format}})
    county = name_text(county, "county", _("所在县（市、区）"), 100, required=True)
    rows = contact_selectors.handover_contacts(actor, county, include_sent=include_sent)
    if not rows:
        raise ValidationError({"county": _("%(county)s 没有待发协查函的密接") % {"county": county}})
    now = timezone.now()
    what = "tracing_handover"
    filters = {"county": county, "format": file_format, "include_sent": include_sent}
    if file_format == "xlsx":
        content, count = audit.export_workbook(actor, what, handover.sheets(county, rows), region=actor.region_id,
                                               filters=filters)
    else:
        sender = Region.objects.filter(code=county_of(actor.region_id)).values_list("name", flat=True).first() or ""
        content, count = handover.letter(county=county, sender=sender, contacts=rows, exporter=actor,
                                         exported_at=now), len(rows)
        audit.record_export(actor, what, region=actor.region_id, rows=count, filters=filters)
    marked = [c.pk for c in rows if c.handed_over_at is None]
    if marked:
        Contact.objects.filter(pk__in=marked).update(handed_over_at=now, updated_at=now)
        audit.record(actor, "contact.handover", object_type="contact", object_id="", object_repr=county,
                     region=actor.region_id, after={"county": county, "handed_over": marked, "handed_over_at": now})
    return content, count


@transaction.atomic
def reveal_contact(actor, contact: Contact) -> dict:
    """The full ID number and phone of a contact, logged: a registered person's through the people app's reveal
    (its rule: a revealing role, the person in scope); one known only from the investigation (outside the county)
    for a revealing role whose scope holds the case."""
    if contact.person_id is not None:
        return people_services.reveal_person(actor, contact.person)
    if not account_permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能查看完整证件号码和电话"))
    if not covers(actor, contact.case.region_id):
        raise PermissionDenied(_("该病例不在您的管辖范围内"))
    audit.record(actor, "contact.reveal", contact, region=contact.case.region_id,
                 after={"fields": ["outside_id_number", "outside_phone"]})
    return {"id_number": contact.outside_id_number, "phone": contact.outside_phone}
