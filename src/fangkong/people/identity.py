"""ID numbers and phones: normalising, validating, keyed digests and masking.

Lookups and de-duplication never compare raw numbers: they compare an HMAC of the
normalised number, keyed with FANGKONG_DIGEST_KEY, so a copied table of digests reveals
nothing and the key can be kept apart from the database.
"""

import datetime
import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

RESIDENT_ID = "resident_id"


def normalize(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces removed, letters upper-cased."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).upper()


def check_resident_id(text: str) -> str:
    """A valid 18-digit resident ID from user input (15-digit legacy numbers are converted)."""
    number = normalize(text)
    if len(number) == 15 and number.isdigit():
        body = number[:6] + "19" + number[6:]
        number = body + ric.calc_check_digit(body + "0")
    try:
        number = ric.validate(number)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("身份证号应为18位（或15位旧号）：%(value)s"), params={"value": text}) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(_("身份证号校验位错误：%(value)s"), params={"value": text}) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(_("身份证号中的出生日期或地区码无效：%(value)s"), params={"value": text}) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("身份证号格式错误：%(value)s"), params={"value": text}) from None
    birth = ric.get_birth_date(number)
    today = datetime.date.today()
    if birth > today or birth.year < today.year - 120:
        raise ValidationError(_("身份证号中的出生日期不可能：%(value)s"), params={"value": text})
    return number


def birth_date_of(number: str) -> datetime.date:
    return ric.get_birth_date(number)


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
    key = settings.FANGKONG_DIGEST_KEY.encode()
    return hmac.new(key, f"{kind}:{number}".encode(), hashlib.sha256).hexdigest()[:40]


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
