"""The public check-in (扫码登记): a visitor scans a place code and leaves phone, name and optionally
an ID number and where they came from in the last 14 days. No account, so:

- Strict validation: the phone with `identity.check_phone`, the (resident) ID number with
  `identity.check_resident_id`, the name 1–50 characters of Chinese, Latin letters, `·` and spaces,
  the origin code 2/4/6/9/12 digits, the optional temperature (体温) with `core.health.parse_temperature`.
- A fever at the door is not found here: the visitor is only what they typed, and a fever is found on a
  person (core.health.fever_found). The check-in keeps the temperature; tracing staff see it on the
  check-in's review page, and confirming the check-in to a person finds the fever (services.matching).
- Nothing about anyone is ever revealed: the answer is the same whether the person was known or
  not, and an error only ever names the visitor's own input.
- Who the visitor is (decided here): what they typed, kept on the check-in itself — name, phone and
  ID number, with their keyed digests as a person's are kept — and nothing else. A public check-in
  never writes into a person's record: it neither changes a person, nor creates one, nor attaches
  itself to one because the typed ID number or phone matches (anyone can type anyone's ID number).
  Its `person` stays empty until tracing staff confirm which person it was (services.matching),
  which is what the exposure search and the reconciliation read as that person's presence.
- Sent twice, stored once (services.duplicates): the same idempotency key at the same place, or the
  same visitor (phone, name and ID number as typed) with the same origin there within a minute,
  stores nothing more; the answer is the same as for a new check-in (it never says the visitor was
  here before).
- Rate limit per client address (core.clients: REMOTE_ADDR, or the forwarded client behind one of
  `FANGKONG_TRUSTED_PROXIES`): `FANGKONG_CHECK_IN_RATE` attempts per minute (default 10), counted in
  Django's cache (every attempt, valid or not).

The path is lean (DESIGN §5): the code read of the needed columns only and cached per process for a
few seconds (`selectors.check_ins`), the visitor's check-ins there within the duplicate window (one
index range), the check-in, one audit entry and one counters upsert; on PostgreSQL an advisory lock
on the visitor first (see `_lock_visitor`).
"""

import contextlib
import re
import threading

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import idempotency as duplicates
from fangkong.core import rate_limit
from fangkong.core.actors import SYSTEM
from fangkong.core.health import parse_temperature
from fangkong.core.locks import xact_lock
from fangkong.core.rows import insert, select
from fangkong.core.text import clean_name
from fangkong.core.validation import name_text
from fangkong.people import identity
from fangkong.people.models import IdType
from fangkong.risk_areas import services as risk_areas

from ..models import CheckIn
from ..rollup import check_in_contributions
from ..selectors.check_ins import ActiveCode

NAME_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z·•.\- ]{1,50}$")
ORIGIN_CODE_LENGTHS = (2, 4, 6, 9, 12)


def rate_per_minute() -> int:
    return settings.FANGKONG_CHECK_IN_RATE


def allow_attempt(address: str, now: float | None = None) -> bool:
    """Count one attempt of this client in the current minute; False once over the rate."""
    return rate_limit.allow("check_in", address, rate_per_minute(), now)


def _risky(origin_code: str, day) -> bool:
    """Whether the origin is in a risk area on that day."""
    return bool(origin_code) and risk_areas.is_risk_origin(origin_code, day)


def clean_check_in(*, phone: str, name: str, id_number: str = "", origin: str = "", origin_code: str = "",
                   temperature="") -> dict:
    """The visitor's input, validated; ValidationError({field: message}) naming every bad field."""
    errors: dict = {}
    out: dict = {}
    try:
        out["phone"] = identity.check_phone(phone or "")
    except ValidationError:
        errors["phone"] = _("请填写正确的手机号码（11位）或带区号的固定电话")
    name = clean_name(name)
    if not name:
        errors["name"] = _("请填写姓名")
    elif not NAME_RE.match(name):
        errors["name"] = _("姓名应为1至50个汉字或字母")
    out["name"] = name
    out["id_number"] = ""
    if identity.normalize(id_number or ""):
        try:
            out["id_number"] = identity.check_resident_id(id_number)
        except ValidationError:
            errors["id_number"] = _("身份证号码无效，请核对（18位）")
    out["origin"] = name_text(origin, "origin", _("来自何地"), 100, errors)
    origin_code = "".join(str(origin_code or "").split())
    if origin_code and not (origin_code.isdigit() and len(origin_code) in ORIGIN_CODE_LENGTHS):
        errors["origin_code"] = _("区划代码应为2、4、6、9或12位数字")
    out["origin_code"] = origin_code
    out["temperature"] = None
    if str(temperature or "").strip():
        try:
            out["temperature"] = parse_temperature(temperature)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return out


def _lock_visitor(row: CheckIn) -> None:
    """Locks on the visitor (the typed phone) and on the sender's key, so that the same check-in sent twice at
    once is stored once (core.locks: PostgreSQL; SQLite's write lock already serialises writers)."""
    site = f"{row.place_id}:{row.checkpoint_id}"
    xact_lock(f"check_in.visitor:{row.phone_digest}", *([f"check_in.key:{site}:{row.client_key}"] if row.client_key else []))


_sqlite_writer = threading.Lock()


@contextlib.contextmanager
def _write_transaction():
    """`transaction.atomic()`; on SQLite, a transaction of its own is also queued on this process's writer
    mutex. SQLite has one writer at a time (BEGIN IMMEDIATE), and a thread waiting for that lock in
    SQLite's busy handler sleeps 1, 2, 5, 10 … ms between tries, far longer than a check-in holds it;
    queued on the mutex, the next thread begins as soon as the last one has committed. Not inside
    a caller's transaction (it may hold SQLite's lock already: waiting for the mutex could deadlock)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with _sqlite_writer, transaction.atomic():
        yield


# Sent twice, stored once (services.duplicates) ----------------------------------------------------

def _site(row: CheckIn) -> tuple[str, int]:
    return ("place_id = %s", row.place_id) if row.place_id is not None else ("checkpoint_id = %s", row.checkpoint_id)


def _earlier_same(row: CheckIn) -> CheckIn | None:
    """The stored check-in that `row` (not yet written) repeats: the same idempotency key, or the same
    visitor (name and ID number as typed) with the same origin within the duplicate window of its time,
    at the same site (index checkin_phone: the typed phone)."""
    adapt, span = connection.ops.adapt_datetimefield_value, duplicates.window()
    where, site = _site(row)
    for earlier in select(CheckIn, ("id", "checked_in_at", "name", "id_digest", "origin", "origin_code", "client_key"),
                          f"phone_digest = %s AND checked_in_at >= %s AND checked_in_at <= %s AND {where}",
                          [row.phone_digest, adapt(row.checked_in_at - span), adapt(row.checked_in_at + span), site],
                          "ORDER BY id LIMIT 20"):
        if (row.client_key and earlier.client_key == row.client_key) or (
                (earlier.name, earlier.id_digest, earlier.origin, earlier.origin_code)
                == (row.name, row.id_digest, row.origin, row.origin_code)):
            return earlier
    return None


def _by_client_key(row: CheckIn) -> CheckIn | None:
    where, site = _site(row)
    found = select(CheckIn, ("id", "checked_in_at"), f"client_key = %s AND {where}", [row.client_key, site])
    return found[0] if found else None


def check_in(code: ActiveCode, *, phone: str, name: str, id_number: str = "", origin: str = "",
             origin_code: str = "", temperature="", at=None, client_key: str = "") -> CheckIn:
    """Store one check-in at the code's place or checkpoint (`selectors.check_ins.active_code_by_token`:
    the caller looked the active code up). Validation and the risk-area test come before the
    transaction; inside it: the visitor's check-ins there within the duplicate window, the check-in with
    the visitor's identity as typed (no person: see the module docstring), one audit entry and one
    counters upsert (last: the busy counter rows are held the shortest); nothing is read back.
    Returns the check-in as written (not read back), or the stored one it repeats (`client_key`: the
    sender's idempotency key; see services.duplicates), with only its id and time loaded, nothing written."""
    data = clean_check_in(phone=phone, name=name, id_number=id_number, origin=origin, origin_code=origin_code,
                          temperature=temperature)
    key = duplicates.clean_key(client_key)
    at = at or timezone.now()
    from_risk = _risky(data["origin_code"], timezone.localdate(at))
    row = CheckIn(place_id=code.place_id, checkpoint_id=code.checkpoint_id, region_id=code.region_id,
                  checked_in_at=at, origin=data["origin"], origin_code=data["origin_code"], from_risk_area=from_risk,
                  client_key=key, name=data["name"], phone=data["phone"], temperature=data["temperature"],
                  phone_digest=identity.digest("phone", data["phone"]), id_number=data["id_number"],
                  id_digest=identity.digest(IdType.RESIDENT_ID, data["id_number"]) if data["id_number"] else "")
    try:
        with _write_transaction():
            _lock_visitor(row)
            # the key looked up under its lock: on PostgreSQL no unique index can hold it (core.partitions)
            earlier = (_by_client_key(row) if key else None) or _earlier_same(row)
            if earlier is not None:
                return earlier
            insert(row)
            # the visitor has no account: the system records it. The numbers never enter the audit trail, not
            # even masked: a digest prefix tells repeats apart
            audit.record(SYSTEM, "check_in.create", row, region=code.region_id, object_repr=row.name, after={
                "place_id": code.place_id, "checkpoint_id": code.checkpoint_id, "visitor_ref": row.phone_digest[:8],
                "with_id_number": bool(row.id_number), "from_risk_area": from_risk, "origin_code": row.origin_code})
            counters.track_change(new=check_in_contributions(row))
    except IntegrityError:
        # the key was stored meanwhile (sent twice at once, or again after the window): stored once
        earlier = _by_client_key(row) if key else None
        if earlier is None:
            raise
        return earlier
    return row
