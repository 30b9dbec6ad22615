"""Validation of a person's fields, pure (no database): shared by the services and the ledger importer.

`clean_person_fields` takes raw user or spreadsheet input and returns the values to store,
with the digests already computed, or raises one ValidationError naming every bad field.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.validation import name_text

from . import identity
from .models import IdType, Sex

NAME_MAX = 50
ADDRESS_MAX = 200
WORKPLACE_MAX = 100
OTHER_ID = re.compile(r"^[0-9A-Z]{4,40}$")

# What people type in a 证件类型 column, mapped to the stored value.
ID_TYPE_SYNONYMS = {
    "": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "居民身份证": IdType.RESIDENT_ID,
    "身份证号": IdType.RESIDENT_ID,
    "护照": IdType.PASSPORT,
    "港澳通行证": IdType.HK_MACAU_PERMIT,
    "港澳居民来往内地通行证": IdType.HK_MACAU_PERMIT,
    "回乡证": IdType.HK_MACAU_PERMIT,
    "台胞证": IdType.TAIWAN_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT,
    "其他": IdType.OTHER,
    "其他证件": IdType.OTHER,
}
SEX_SYNONYMS = {"": "", "male": "male", "female": "female", "男": "male", "女": "female"}


ID_TYPES = frozenset(IdType.values)


def parse_id_type(text: str) -> str:
    """The stored id_type for a value (`passport`) or a Chinese label (`护照`); ValidationError if unknown."""
    value = "".join(str(text or "").split())
    if value.lower() in ID_TYPES:
        return value.lower()
    if value in ID_TYPE_SYNONYMS:
        return ID_TYPE_SYNONYMS[value]
    raise ValidationError(_("未知证件类型：%(value)s") % {"value": text})


def clean_id_number(id_type: str, text: str) -> str:
    """The normalised ID number for its type (resident IDs checked, 15-digit converted)."""
    if not identity.normalize(text or ""):
        raise ValidationError(_("证件号码不能为空"))
    if id_type == IdType.RESIDENT_ID:
        return identity.check_resident_id(text)
    number = identity.normalize(text).replace("-", "")
    if not OTHER_ID.match(number):
        raise ValidationError(_("证件号码应为4至40位字母或数字：%(value)s") % {"value": text})
    return number


def _clean_birth_date(value) -> datetime.date | None:
    # not core.validation.as_date: a birth date lies before the days an epidemic record may have
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(_("出生日期格式错误：%(value)s") % {"value": value}) from None
    if isinstance(value, datetime.datetime):
        value = value.date()
    today = datetime.date.today()
    if value > today or value.year < today.year - 120:
        raise ValidationError(_("出生日期不可能：%(value)s") % {"value": value.isoformat()})
    return value


def clean_person_fields(*, name: str, id_type: str, id_number: str, phone: str = "", address: str = "",
                        workplace: str = "", sex: str = "", birth_date=None) -> dict:
    """Validate raw input; return the model values (with id_digest and phone_digest) to store.

    For a resident ID, sex and birth date come from the number and the given ones are ignored;
    for other documents they are taken as given (both optional). Raises
    ValidationError({field: message}) naming every bad field at once.
    """
    errors: dict[str, str] = {}
    out: dict = {}
    out["name"] = name_text(name, "name", _("姓名"), NAME_MAX, errors)
    if not out["name"] and "name" not in errors:
        errors["name"] = _("姓名不能为空")
    try:
        out["id_type"] = parse_id_type(id_type)
    except ValidationError as exc:
        errors["id_type"] = exc.messages[0]
    if "id_type" in out:
        try:
            out["id_number"] = clean_id_number(out["id_type"], id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
    out["phone"] = ""
    if identity.normalize(phone or ""):
        try:
            out["phone"] = identity.check_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    out["address"] = name_text(address, "address", _("住址"), ADDRESS_MAX, errors)
    out["workplace"] = name_text(workplace, "workplace", _("工作单位"), WORKPLACE_MAX, errors)
    if out.get("id_type") == IdType.RESIDENT_ID:
        if "id_number" in out:
            out["sex"] = identity.sex_of(out["id_number"])
            out["birth_date"] = identity.birth_date_of(out["id_number"])
    else:
        sex_value = SEX_SYNONYMS.get(str(sex or "").strip())
        if sex_value is None:
            errors["sex"] = _("性别应为男或女：%(value)s") % {"value": sex}
        out["sex"] = sex_value or Sex.UNKNOWN
        try:
            out["birth_date"] = _clean_birth_date(birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    out["id_digest"] = identity.digest(out["id_type"], out["id_number"])
    out["phone_digest"] = identity.digest("phone", out["phone"]) if out["phone"] else ""
    return out
