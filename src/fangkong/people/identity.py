"""ID numbers and phones: normalising, validating, keyed digests and masking.

Lookups and de-duplication never compare raw numbers: they compare an HMAC of the
normalised number, keyed with FANGKONG_DIGEST_KEY, so a copied table of digests reveals
nothing and the key can be kept apart from the database.
"""

import datetime
import functools
import hashlib
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric

from fangkong.core.text import strip_invisible

RESIDENT_ID = "resident_id"


def normalize(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces and invisible characters (a zero-width space pasted
    from a chat) removed, letters upper-cased."""
    text = str(text)
    if not text.isascii():  # NFKC leaves ASCII as it is: skip it for the common, already-ASCII case
        text = unicodedata.normalize("NFKC", strip_invisible(text))
    return "".join(text.split()).upper()


def check_resident_id(text: str, today: datetime.date | None = None) -> str:
    """A valid 18-digit resident ID from user input (15-digit legacy numbers are converted).

    Checked with python-stdnum: length, digits, GB 11643 check digit, a real and possible birth
    date, a known area code. Unlike `ric.validate`, the area code need not have existed in the
    birth year: the code is where the ID was issued, so everyone in 孝昌县 (created 1993) holds
    420921 whatever their age.
    """
    number = normalize(text)
    if len(number) == 15 and number.isdigit():
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位（或15位旧号）：%(value)s"), params={"value": text})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号格式错误：%(value)s"), params={"value": text})
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号校验位错误：%(value)s"), params={"value": text})
    # birth date and area code: a county's people share a few thousand of each, so both are memoised
    problem = _birth_problem(number[6:14], today or datetime.date.today())
    if problem == "invalid":
        raise ValidationError(_("身份证号中的出生日期无效：%(value)s"), params={"value": text})
    if problem == "impossible":
        raise ValidationError(_("身份证号中的出生日期不可能：%(value)s"), params={"value": text})
    if not _area_known(number[:6]):
        raise ValidationError(_("身份证号中的地区码无效：%(value)s"), params={"value": text})
    return number


def is_valid_resident_id(number: str, today: datetime.date) -> bool:
    """What `check_resident_id` accepts, for a number already normalised to 18 ASCII characters: the
    importer's fast path (any doubt, and the caller runs `check_resident_id` for the message)."""
    return (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
            and number[17] == ric.calc_check_digit(number)
            and not _birth_problem(number[6:14], today) and _area_known(number[:6]))


@functools.lru_cache(maxsize=65536)
def _birth_problem(digits: str, today: datetime.date) -> str:
    """"" for a possible birth date (YYYYMMDD of a resident ID), else "invalid" or "impossible"."""
    try:
        birth = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return "invalid"
    if birth > today or birth.year < today.year - 120:
        return "impossible"
    return ""


@functools.lru_cache(maxsize=8192)
def _area_known(code: str) -> bool:
    """The six-digit area code names a county (at any time) in stdnum's table."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def birth_date_of(number: str) -> datetime.date:
    """The birth date in a resident ID (ValueError if it is no date); what ric.get_birth_date does, faster."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    return "male" if int(number[16]) % 2 else "female"


def check_phone(text: str) -> str:
    """Mainland mobile (11 digits, 1[3-9]…) or a landline with area code; returns digits."""
    phone = normalize(text).replace("-", "").removeprefix("+86")
    if phone.isdigit() and ((len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789")
                            or (10 <= len(phone) <= 12 and phone[0] == "0")):
        return phone
    raise ValidationError(_("电话号码格式错误：%(value)s"), params={"value": text})


def digest(kind: str, number: str) -> str:
    """Keyed digest of a normalised number; `kind` keeps ID types (and phones) apart."""
    return digester()(kind, number)


def digester() -> Callable[[str, str], str]:
    """`digest` bound to the current key, for callers digesting many numbers in one go (the importer).

    HMAC-SHA256 (RFC 2104) from two SHA-256 states already fed the padded key: each digest copies
    them instead of setting the key up again, all in C (the importer digests two numbers per row).
    Keyed afresh whenever the setting changes (tests change it)."""
    inner_keyed, outer_keyed = _pads(settings.FANGKONG_DIGEST_KEY)

    def digest_with_key(kind: str, number: str) -> str:
        inner = inner_keyed.copy()
        inner.update(f"{kind}:{number}".encode())
        outer = outer_keyed.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:40]
    return digest_with_key


@functools.lru_cache(maxsize=4)
def _pads(key: str) -> tuple:
    raw = key.encode()
    if len(raw) > 64:  # SHA-256's block size
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in raw)), hashlib.sha256(bytes(b ^ 0x5C for b in raw)))


def mask_id(number: str) -> str:
    """`420921**********123X`: region and the last four stay, the birth date is hidden."""
    if not number:
        return ""
    if len(number) <= 8:
        return number[:1] + "*" * (len(number) - 1)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class MaskedNumbers:
    """`masked_id` and `masked_phone` of a record that holds an `id_number` and a `phone` (a person, what a
    visitor typed at a check-in): how they are shown to everyone who may not reveal them."""

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
