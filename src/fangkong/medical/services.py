"""Writes of the pharmacy register (药店购药登记): a purchase registered by staff or by its buyer, confirmed,
revealed. Decided here and nowhere else:

* What is asked: name, ID number (a resident ID on the public page; any document by staff), phone, the
  village where the buyer lives now (a village or grid of the pharmacy's county, or none: outside the
  county) and the address, the temperature taken at the counter (core.health.parse_temperature), the
  symptoms (the one list, screening.models.Symptom), at least one kind of medicine (models.Medicine) and
  optionally the medicines' names. Every bad field is named at once.
* A fever: the temperature at or above the threshold (core.health), or the symptom 发热 (the buyer says so,
  and may have taken a tablet already). It is found as by any register (core.health.fever_found with
  FeverSource.PHARMACY): the transfer to the fever clinic, the fever on the buyer's ledger entry (a new
  fever entry on their village's ledger when they have none), the day's check and the timeline line.
* The buyer. Registered by staff (`register_purchase`), who saw the ID card: found or recorded by the
  people app's rule of every register, as a sighting (a pharmacy keeps no one's record: a known person is
  not edited but for a missing phone; a new one is recorded in their village, else in the pharmacy's
  township), and a fever is found at once. Registered by the buyer on the pharmacy's public page
  (`register_public_purchase`): what they typed is kept on the purchase, as a public check-in keeps it,
  and nothing else: no person is created, changed or attached (anyone can type anyone's ID number), so no
  fever is found yet. Staff of the pharmacy's or the buyer's village see it on the register (a fever
  first, 待核实), call the buyer and confirm it (`confirm_purchase`): then the buyer is found or recorded
  as above and the fever found.
* When: now; staff may type in a purchase of the pharmacy's paper register later, up to BACKFILL_DAYS back,
  not in the future.
* Sent twice, stored once (core.idempotency): the same key at the same pharmacy, or the same buyer with the
  same facts there within the window, returns the stored purchase (`duplicate`) and writes nothing.
* The public page is rate-limited per client address as the public check-in is (FANGKONG_CHECK_IN_RATE a
  minute, counted apart from the check-ins).
* Reveal: a purchase's full numbers to a role that may reveal (accounts.permissions.can_reveal, the people
  app's rule) of a purchase in its scope, each reveal logged.
Every write is audited, ID number and phone masked (a digest prefix tells repeats apart).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import idempotency as duplicates
from fangkong.core import rate_limit
from fangkong.core import region_codes as codes
from fangkong.core.actors import SYSTEM
from fangkong.core.health import Fever, FeverSource, fever_found, is_fever, parse_temperature
from fangkong.core.locks import xact_lock
from fangkong.core.text import clean_name
from fangkong.core.validation import as_moment, fmt, name_text, raise_if
from fangkong.people import identity
from fangkong.people.cleaning import clean_person_fields
from fangkong.people.models import IdType
from fangkong.people.services import find_person, lock_person, record_person
from fangkong.places.models import Place, PlaceKind
from fangkong.regions.models import Region
from fangkong.screening.models import Symptom

from . import permissions
from .models import Channel, Medicine, PharmacyPurchase
from .rollup import purchase_contributions

BACKFILL_DAYS = 7
HOME_LEVELS = (codes.VILLAGE, codes.GRID)
MEDICINE_NAMES_MAX = 200
SEPARATORS = str.maketrans({"、": ",", "，": ",", ";": ",", "；": ",", " ": ","})


def rate_per_minute() -> int:
    return settings.FANGKONG_CHECK_IN_RATE


def allow_attempt(address: str, now: float | None = None) -> bool:
    """Count one public registration attempt of this client in the current minute; False once over the rate."""
    return rate_limit.allow("pharmacy_purchase", address, rate_per_minute(), now)


# What is asked --------------------------------------------------------------------------------------------

def _picked(value, choices, words: dict[str, str], field: str, unknown: str, errors: dict) -> list[str]:
    """Values of `choices` from a list or a text of values or words separated by commas or 、, in the list's
    order, each once; an unknown one is named."""
    items = value if isinstance(value, list | tuple) else str(value or "").translate(SEPARATORS).split(",")
    by_word = {word: key for key, word in words.items()}
    found, bad = set(), []
    for item in items:
        text = clean_name(item)
        if not text:
            continue
        key = text if text in choices.values else by_word.get(text)
        if key is None:
            bad.append(text)
        else:
            found.add(key)
    if bad:
        errors.setdefault(field, unknown % {"value": "、".join(bad)})
    return [key for key in choices.values if key in found]


def _words(choices) -> dict[str, str]:
    return {key: str(label) for key, label in choices.choices}


def _home_region(value, county: str, errors: dict) -> Region | None:
    """A village or grid of the county (the pharmacy's), or None when none is given (outside the county)."""
    code = "".join(str(value or "").split())
    if not code:
        return None
    region = Region.objects.filter(code=code).first() if code.isdigit() else None
    if region is None:
        errors.setdefault("home_region", _("现住村（社区）%(code)s 不存在") % {"code": code})
    elif not codes.is_within(region.code, county) or region.level not in HOME_LEVELS:
        errors.setdefault("home_region", _("现住村（社区）须为本县的村（社区）或网格：%(name)s") % {"name": region.name})
        return None
    return region


def clean_purchase(pharmacy: Place, *, name, id_number, phone, temperature, medicines, symptoms=(),
                   home_region="", address="", medicine_names="", id_type=IdType.RESIDENT_ID,
                   errors: dict | None = None) -> dict:
    """The purchase as registered, validated: every bad field named in one ValidationError({field: message})
    (or added to `errors` when given, for the caller to raise with its own)."""
    found: dict = {} if errors is None else errors
    out: dict = {}
    try:
        out["person"] = clean_person_fields(name=name, id_type=id_type, id_number=id_number, phone=phone,
                                            address=address)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            found.setdefault(field, messages[0])
    if "phone" not in found and not identity.normalize(phone or ""):
        found["phone"] = _("请填写联系电话")
    if not str(temperature or "").strip():
        found.setdefault("temperature", _("请填写体温（药店测温）"))
    else:
        try:
            out["temperature"] = parse_temperature(temperature)
        except ValidationError as exc:
            found.setdefault("temperature", exc.message_dict["temperature"][0])
    out["symptoms"] = _picked(symptoms, Symptom, Symptom.words() | _words(Symptom), "symptoms",
                              _("未知症状：%(value)s"), found)
    out["medicines"] = _picked(medicines, Medicine, _words(Medicine), "medicines", _("未知药品类别：%(value)s"), found)
    if not out["medicines"] and "medicines" not in found:
        found["medicines"] = _("请选择所购药品类别（退烧药、止咳药、抗病毒药、抗生素）")
    out["medicine_names"] = name_text(medicine_names, "medicine_names", _("药品名称"), MEDICINE_NAMES_MAX, found)
    out["home_region"] = _home_region(home_region, codes.prefix_of(pharmacy.region_id, codes.COUNTY).ljust(12, "0"),
                                      found)
    if errors is None:
        raise_if(found)
    return out


def is_fever_purchase(temperature, symptoms) -> bool:
    """A fever at the pharmacy: the temperature at or above the threshold, or the symptom 发热."""
    return is_fever(temperature) or Symptom.FEVER in symptoms


def _require_pharmacy(pharmacy: Place, errors: dict) -> None:
    if pharmacy.kind != PlaceKind.PHARMACY:
        errors.setdefault("pharmacy", _("%(name)s 不是药店") % {"name": pharmacy.name})
    elif pharmacy.is_closed:
        errors.setdefault("pharmacy", _("%(name)s 已关闭，不能登记购药") % {"name": pharmacy.name})


def _purchase(pharmacy: Place, data: dict, *, at, channel: str, actor, key: str) -> PharmacyPurchase:
    person = data["person"]
    return PharmacyPurchase(
        pharmacy=pharmacy, region_id=pharmacy.region_id, home_region=data["home_region"], address=person["address"],
        name=person["name"], id_type=person["id_type"], id_number=person["id_number"], id_digest=person["id_digest"],
        phone=person["phone"], phone_digest=person["phone_digest"], temperature=data["temperature"],
        symptoms=data["symptoms"], medicines=data["medicines"], medicine_names=data["medicine_names"],
        fever=is_fever_purchase(data["temperature"], data["symptoms"]), bought_at=at, channel=channel,
        recorded_by=None if actor is SYSTEM else actor, client_key=key)


# Sent twice, stored once ------------------------------------------------------------------------------------

_FACTS = ("name", "id_digest", "home_region_id", "address", "temperature", "symptoms", "medicines",
          "medicine_names")


def _earlier_same(row: PharmacyPurchase) -> PharmacyPurchase | None:
    """The stored purchase `row` (not yet written) repeats: its key at the pharmacy, or the same buyer (phone)
    with the same facts there within the duplicate window of its time (index purchase_phone)."""
    span = duplicates.window()
    candidates = PharmacyPurchase.objects.filter(
        phone_digest=row.phone_digest, bought_at__gte=row.bought_at - span, bought_at__lte=row.bought_at + span,
        pharmacy_id=row.pharmacy_id).order_by("id")[:20]
    facts = tuple(getattr(row, name) for name in _FACTS)
    for earlier in candidates:
        if (row.client_key and earlier.client_key == row.client_key) or (
                tuple(getattr(earlier, name) for name in _FACTS) == facts):
            return _again(earlier)
    return None


def _again(row: PharmacyPurchase) -> PharmacyPurchase:
    row.duplicate, row.transfer, row.person_created = True, None, False
    return row


def _by_client_key(pharmacy_id: int, key: str) -> PharmacyPurchase | None:
    found = PharmacyPurchase.objects.filter(pharmacy_id=pharmacy_id, client_key=key).first()
    return None if found is None else _again(found)


def _stored_once(write, pharmacy_id: int, key: str) -> PharmacyPurchase:
    """`write()` in a transaction; when its key was stored meanwhile (sent twice at once), the first one."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        earlier = _by_client_key(pharmacy_id, key) if key else None
        if earlier is None:
            raise
        return earlier


# The buyer and the fever ------------------------------------------------------------------------------------

def _township(code: str) -> str:
    return codes.prefix_of(code, codes.TOWNSHIP).ljust(12, "0") if len(code) >= 9 and code[6:9] != "000" else code


def _buyer(actor, row: PharmacyPurchase, fields: dict) -> bool:
    """Find or record the buyer (the people app's rule, as a sighting: see the module docstring) and set
    `row.person`; whether they were recorded now."""
    person = find_person(fields["id_digest"])
    region = row.home_region_id or _township(row.region_id)
    person, created = record_person(actor, person, fields, region, sighting=True)
    row.person = person
    return created


def _find_fever(actor, row: PharmacyPurchase, pharmacy_name: str, *, created: bool):
    """The fever found on the buyer (core.health.fever_found): located in their village when known, else where
    the people registry has them, else the pharmacy's township. Returns the transfer request."""
    region = row.home_region_id or (row.person.region_id if not created else _township(row.region_id))
    place = pharmacy_name if is_fever(row.temperature) else _("%(name)s，自述发热") % {"name": pharmacy_name}
    words = Symptom.words()
    return fever_found(actor, Fever(person=row.person, temperature=row.temperature, source=FeverSource.PHARMACY,
                                    at=row.bought_at, region_code=region, place=place,
                                    symptoms="、".join(words[s] for s in row.symptoms)))


def _audit_view(row: PharmacyPurchase) -> dict:
    return {"pharmacy": row.pharmacy_id, "person": row.person_id, "id_number": identity.mask_id(row.id_number),
            "phone": identity.mask_phone(row.phone), "buyer_ref": row.phone_digest[:8],
            "home_region": row.home_region_id or "", "temperature": row.temperature, "symptoms": row.symptoms,
            "medicines": row.medicines, "medicine_names": row.medicine_names, "fever": row.fever,
            "bought_at": row.bought_at, "channel": row.channel}


# Registered by staff ---------------------------------------------------------------------------------------

def require_registrar(actor, pharmacy: Place) -> None:
    if not permissions.can_register(actor):
        raise PermissionDenied(_("您的角色不能登记药店购药"))
    if not codes.covers(actor, pharmacy.region_id):
        raise PermissionDenied(_("该药店不在您的管辖范围内"))


def register_purchase(actor, pharmacy: Place, *, name: str, id_number: str, phone: str, temperature, medicines,
                      symptoms=(), home_region: str = "", address: str = "", medicine_names: str = "",
                      id_type: str = IdType.RESIDENT_ID, bought_at=None, client_key: str = "") -> PharmacyPurchase:
    """药店购药登记 by staff who saw the buyer's ID card: the buyer found or recorded, a fever found at once (see
    the module docstring). Returns the purchase; `transfer` is the transfer request a fever opened or joined,
    `person_created` whether the buyer was new, `duplicate` that it was stored before and nothing was written."""
    require_registrar(actor, pharmacy)
    errors: dict = {}
    try:
        key = duplicates.clean_key(client_key)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        key = ""
    _require_pharmacy(pharmacy, errors)
    data = clean_purchase(pharmacy, name=name, id_number=id_number, phone=phone, temperature=temperature,
                          medicines=medicines, symptoms=symptoms, home_region=home_region, address=address,
                          medicine_names=medicine_names, id_type=id_type, errors=errors)
    now = timezone.now()
    at = as_moment(bought_at, "bought_at", _("购药时间"), errors, default=now, allow_future=False)
    if at is not None and at < now - datetime.timedelta(days=BACKFILL_DAYS):
        errors.setdefault("bought_at", _("购药时间 %(at)s 早于%(days)s天前，不能补录") % {
            "at": fmt(at), "days": BACKFILL_DAYS})
    raise_if(errors)
    row = _purchase(pharmacy, data, at=at, channel=Channel.STAFF, actor=actor, key=key)

    def write() -> PharmacyPurchase:
        lock_person(row.id_digest, f"pharmacy_purchase:{pharmacy.pk}:{row.phone_digest}")
        earlier = _earlier_same(row)
        if earlier is not None:
            return earlier
        row.person_created = _buyer(actor, row, data["person"])
        row.save(force_insert=True)
        audit.record(actor, "pharmacy_purchase.register", row, region=row.region_id, object_repr=row.name,
                     after={**_audit_view(row), "person_created": row.person_created})
        counters.track_change(new=purchase_contributions(row))
        row.transfer, row.duplicate = None, False
        if row.fever:
            row.transfer = _find_fever(actor, row, pharmacy.name, created=row.person_created)
        return row

    return _stored_once(write, pharmacy.pk, key)


# Registered by the buyer on the pharmacy's public page --------------------------------------------------

def register_public_purchase(pharmacy: Place, *, name: str, id_number: str, phone: str, temperature, medicines,
                             symptoms=(), home_region: str = "", address: str = "", medicine_names: str = "",
                             client_key: str = "", at=None) -> PharmacyPurchase:
    """药店购药登记 by the buyer, on the pharmacy's public page (no account): what they typed, and nothing else
    (see the module docstring). Returns the purchase, or the stored one it repeats (answered alike)."""
    errors: dict = {}
    try:
        key = duplicates.clean_key(client_key)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        key = ""
    _require_pharmacy(pharmacy, errors)
    data = clean_purchase(pharmacy, name=name, id_number=id_number, phone=phone, temperature=temperature,
                          medicines=medicines, symptoms=symptoms, home_region=home_region, address=address,
                          medicine_names=medicine_names, errors=errors)
    raise_if(errors)
    row = _purchase(pharmacy, data, at=at or timezone.now(), channel=Channel.PUBLIC, actor=SYSTEM, key=key)

    def write() -> PharmacyPurchase:
        xact_lock(f"pharmacy_purchase:{pharmacy.pk}:{row.phone_digest}")
        earlier = _earlier_same(row)
        if earlier is not None:
            return earlier
        row.save(force_insert=True)
        # the buyer has no account: the system records it
        audit.record(SYSTEM, "pharmacy_purchase.public", row, region=row.region_id, object_repr=row.name,
                     after=_audit_view(row))
        counters.track_change(new=purchase_contributions(row))
        row.transfer, row.duplicate, row.person_created = None, False, False
        return row

    return _stored_once(write, pharmacy.pk, key)


# Confirmed by staff --------------------------------------------------------------------------------------

def _locked_in_scope(actor, purchase: PharmacyPurchase) -> PharmacyPurchase:
    if not permissions.can_register(actor):
        raise PermissionDenied(_("您的角色不能核实药店购药登记"))
    row = PharmacyPurchase.objects.select_for_update().select_related("pharmacy").filter(pk=purchase.pk).first()
    if row is None or not permissions.covers_purchase(actor, row.region_id, row.home_region_id):
        raise PermissionDenied(_("该购药登记不在您的管辖范围内"))
    return row


@transaction.atomic
def confirm_purchase(actor, purchase: PharmacyPurchase, *, name: str | None = None, id_number: str | None = None,
                     phone: str | None = None, id_type: str | None = None) -> PharmacyPurchase:
    """核实: staff who spoke to the buyer of a purchase registered on the public page say who it was. The name,
    ID number and phone as typed, or as the staff correct them; the buyer found or recorded and a fever found
    (see the module docstring). Returns the purchase with `transfer` and `person_created`."""
    row = _locked_in_scope(actor, purchase)
    if row.person_id is not None:
        raise ValidationError({"purchase": _("该购药登记已核实为人员（编号 %(pk)s）") % {"pk": row.person_id}})
    given = {"name": row.name if name is None else name, "id_number": row.id_number if id_number is None else id_number,
             "phone": row.phone if phone is None else phone, "id_type": id_type or row.id_type}
    fields = clean_person_fields(**given, address=row.address)
    if not fields["phone"]:
        raise ValidationError({"phone": _("请填写联系电话")})
    before = {"person": None, "name": row.name, "id_number": identity.mask_id(row.id_number),
              "phone": identity.mask_phone(row.phone), "id_ref": row.id_digest[:8]}
    lock_person(fields["id_digest"])
    for key in ("name", "id_type", "id_number", "id_digest", "phone", "phone_digest"):
        setattr(row, key, fields[key])
    row.person_created = _buyer(actor, row, fields)
    row.confirmed_by, row.confirmed_at = actor, timezone.now()
    row.save(update_fields=["person", "name", "id_type", "id_number", "id_digest", "phone", "phone_digest",
                            "confirmed_by", "confirmed_at"])
    audit.record(actor, "pharmacy_purchase.confirm", row, region=row.region_id, object_repr=row.name, before=before,
                 after={"person": row.person_id, "person_created": row.person_created, "name": row.name,
                        "id_number": identity.mask_id(row.id_number), "phone": identity.mask_phone(row.phone),
                        "id_ref": row.id_digest[:8]})
    row.transfer = _find_fever(actor, row, row.pharmacy.name, created=row.person_created) if row.fever else None
    return row


# Revealed ----------------------------------------------------------------------------------------------

def reveal_purchase(actor, purchase: PharmacyPurchase) -> dict:
    """The purchase's full ID number and phone, for a role that may reveal, of a purchase in its scope; logged."""
    if not account_permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能查看完整证件号码和电话"))
    if not permissions.covers_purchase(actor, purchase.region_id, purchase.home_region_id):
        raise PermissionDenied(_("该购药登记不在您的管辖范围内"))
    audit.record(actor, "pharmacy_purchase.reveal", purchase, region=purchase.region_id, object_repr=purchase.name,
                 after={"fields": ["id_number", "phone"], "person": purchase.person_id})
    return {"id_number": purchase.id_number, "phone": purchase.phone}
