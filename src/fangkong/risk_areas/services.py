"""Risk areas (风险地区): the list headquarters keeps, and the test every arrival goes through.

The list is one for the whole deployment: only headquarters admins of the deployment's region (or above)
add, change, end or delete areas (`_require_manager`).

A risk area is a code prefix of any Chinese region: 2 digits a province, 4 a city, 6 a county
(checked against python-stdnum's table of area codes, the one behind ID-number validation), or
the 9/12-digit code of a township or village held in the region table. An arrival is from a risk
area on day D when its origin code starts with the prefix of an area valid on D.

`is_risk_origin` runs on every passage and check-in, so the active areas are kept in a per-process
cache for `CACHE_SECONDS`; writes here clear it at once in their own process, other processes see
a change within that time.
"""

import datetime
import functools
import threading
import time
import unicodedata
from pathlib import Path

import stdnum
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.text import clean_name
from fangkong.core.validation import as_date, name_text
from fangkong.regions.models import Region

from . import permissions
from .models import RiskArea

CACHE_SECONDS = 30
_FIELDS = ["code", "name", "valid_from", "valid_until"]


# The area codes of China (stdnum's cn/loc table) ---------------------------------------------

@functools.cache
def known_codes() -> dict[str, str]:
    """{2-, 4- and 6-digit code: name} from stdnum's table (a city's name is unknown there: "")."""
    found: dict[str, str] = {}
    province = ""
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _sep, props = line.strip().partition(" ")
        name = props.partition('="')[2].rstrip('"')
        if "]" in name:
            name = name.rsplit("]", 1)[1]
        if not line.startswith(" "):
            province = code
            found[code] = name
        else:
            full = province + code
            found[full] = name
            found.setdefault(full[:4], "")
    return found


# the county-level lines of stdnum's table that are a group of counties, not a city one could come from (林区:
# Hubei's old group 4229 of 神农架林区, listed by its own code 429021)
_NO_CITY = {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "林区"}


def _current_name(props: str) -> str:
    """The name a line of stdnum's table gives now ("[-2009]襄樊市,[2010-]襄阳市" → 襄阳市), "" for a name
    whose last period has ended ("[-1994]沙市市")."""
    last = props.partition('="')[2].rstrip('"').split(",")[-1]
    if last.startswith("["):
        period, _sep, last = last[1:].partition("]")
        if not period.endswith("-"):
            return ""
    return last


@functools.cache
def places_to_pick() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Where a visitor can say they came from, as stdnum's table has it today: [(province code, name,
    [(city code, name)])], a city by its 4 digits; a municipality's districts by their 6 (it has no cities);
    and the county-level cities and counties a province administers directly (省直辖县级: 仙桃市 429004, whose
    city part is 90) by their 6, after the province's cities, unless a city of theirs bears the name (随州市,
    a city since, is listed once, as 4213)."""
    provinces: list[tuple[str, str, list]] = []
    districts: list[tuple[str, str]] = []
    direct: list[tuple[str, str]] = []
    path = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _sep, props = line.strip().partition(" ")
        name = _current_name(props)
        if not line.startswith(" "):
            _close_province(provinces, districts, direct)
            provinces.append((code, name, []))
            districts, direct = [], []
        elif name and code.endswith("00") and code != "0000" and name not in _NO_CITY:
            provinces[-1][2].append((provinces[-1][0] + code[:2], name))
        elif name and code[2:] != "00" and code[:2] == "01":
            districts.append((provinces[-1][0] + code, name))
        elif name and code[:2] == _DIRECTLY_ADMINISTERED and code[2:] != "00":
            direct.append((provinces[-1][0] + code, name))
    _close_province(provinces, districts, direct)
    return [(code, name, cities) for code, name, cities in provinces if name]


# the city part of the county-level units a province administers itself (省直辖县级行政单位)
_DIRECTLY_ADMINISTERED = "90"


def _close_province(provinces: list, districts: list, direct: list) -> None:
    """A province's list ends: a municipality's districts when it has no cities, and its directly
    administered county-level units whose names no city of it bears."""
    if not provinces:
        return
    cities = provinces[-1][2]
    if districts and not cities:
        cities.extend(districts)
    names = {name for _code, name in cities}
    cities.extend((code, name) for code, name in direct if name not in names)


def picked_place_name(code: str) -> str:
    """The name of a place from places_to_pick (湖北省武汉市), "" for a code it does not hold."""
    for province, name, cities in places_to_pick():
        if code == province:
            return name
        if code.startswith(province):
            return next((name + city for city_code, city in cities if city_code == code), "")
    return ""


def area_name(code: str) -> str:
    """The name stdnum (or the region table) knows for a code prefix, "" when none."""
    code = normalize_code(code)
    if len(code) in (2, 4, 6):
        name = known_codes().get(code, "")
        if name and len(code) == 6:
            return f"{known_codes().get(code[:2], '')}{name}"
        return name
    region = Region.objects.filter(code=code.ljust(12, "0")).first()
    return region.name if region else ""


def normalize_code(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def check_code(value) -> str:
    """A risk-area code prefix (2/4/6 digits known to stdnum, or 9/12 digits of a region held here)."""
    code = normalize_code(value)
    if not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValidationError({"code": _("区划代码应为2位（省）、4位（市）、6位（县）或9/12位数字：%(value)s") % {
            "value": value}})
    if len(code) in (2, 4, 6):
        if code not in known_codes():
            raise ValidationError({"code": _("没有这个区划代码：%(value)s") % {"value": code}})
    else:
        full = code.ljust(12, "0")
        if not Region.objects.filter(code=full).exists():
            raise ValidationError({"code": _("区划 %(value)s 不在区划表中") % {"value": full}})
        code = codes.prefix_of(full)
    return code


# The cache of active areas ------------------------------------------------------------------------

_cache: dict = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def active_prefixes(day: datetime.date) -> frozenset[str]:
    """The code prefixes of every risk area valid on `day` (cached for CACHE_SECONDS)."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(day)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    prefixes = frozenset(RiskArea.objects.active_on(day).values_list("code", flat=True))
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[day] = (now, prefixes)
    return prefixes


def is_risk_origin(origin_code: str, day: datetime.date) -> bool:
    """The origin (a region code of any length, "" when unknown) lies in a risk area valid on `day`."""
    code = normalize_code(origin_code)
    if not code:
        return False
    return any(code.startswith(prefix) for prefix in active_prefixes(day))


# Writes ---------------------------------------------------------------------------------------------

def _require_manager(actor) -> None:
    """The list binds every region of the deployment (accounts.permissions.can_change_setting)."""
    owner = permissions.risk_areas_owner()
    if not account_permissions.can_change_setting(actor, owner):
        raise PermissionDenied(_("风险地区名单适用于%(region)s全域，只有%(region)s或上级的指挥部管理员可以维护") % {
            "region": owner.name if owner else _("全部区划")})


def _clean(code, name, valid_from, valid_until) -> dict:
    errors: dict = {}
    try:
        code = check_code(code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    name = clean_name(name) or ("" if "code" in errors else area_name(code))
    name = name_text(name, "name", _("名称"), 100, errors, required=True)
    start = as_date(valid_from, "valid_from", _("起始日期"), errors)
    end = as_date(valid_until, "valid_until", _("截止日期"), errors)
    if start is None and "valid_from" not in errors:
        errors["valid_from"] = _("请填写起始日期")
    if start and end and end < start:
        errors.setdefault("valid_until", _("截止日期 %(end)s 早于起始日期 %(start)s") % {"end": end, "start": start})
    if errors:
        raise ValidationError(errors)
    return {"code": code, "name": name, "valid_from": start, "valid_until": end}


def _changed() -> None:
    clear_cache()
    transaction.on_commit(clear_cache)


@transaction.atomic
def create_risk_area(actor, *, code, name: str = "", valid_from=None, valid_until=None) -> RiskArea:
    """Add a risk area; `valid_from` defaults to today, `valid_until` empty means until further notice."""
    _require_manager(actor)
    data = _clean(code, name, valid_from or timezone.localdate(), valid_until)
    area = RiskArea.objects.create(created_by=actor, **data)
    audit.record(actor, "risk_area.create", area, region=actor.region_id, after=audit.snapshot(area, _FIELDS))
    _changed()
    return area


@transaction.atomic
def update_risk_area(actor, area: RiskArea, *, code=None, name=None, valid_from=None, valid_until="keep") -> RiskArea:
    """Change a risk area; arguments left out keep their value (`valid_until=None` makes it open-ended)."""
    _require_manager(actor)
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    data = _clean(area.code if code is None else code, area.name if name is None else name,
                  area.valid_from if valid_from is None else valid_from,
                  area.valid_until if valid_until == "keep" else valid_until)
    before = audit.snapshot(area, _FIELDS)
    for key, value in data.items():
        setattr(area, key, value)
    old, new = audit.changes(before, audit.snapshot(area, _FIELDS))
    if new:
        area.save()
        audit.record(actor, "risk_area.update", area, region=actor.region_id, before=old, after=new)
        _changed()
    return area


@transaction.atomic
def end_risk_area(actor, area: RiskArea, *, day=None) -> RiskArea:
    """解除: the area is no longer a risk area after `day` (default yesterday: not today either)."""
    _require_manager(actor)
    day = as_date(day, "valid_until", _("截止日期")) or timezone.localdate() - datetime.timedelta(days=1)
    if day < area.valid_from:
        raise ValidationError({"valid_until": _("%(name)s 自%(start)s起生效，不能在此之前解除；如系误录请删除") % {
            "name": area.name, "start": area.valid_from}})
    return update_risk_area(actor, area, valid_until=day)


@transaction.atomic
def delete_risk_area(actor, area: RiskArea) -> None:
    """Remove an area entered by mistake (the audit trail keeps it)."""
    _require_manager(actor)
    audit.record(actor, "risk_area.delete", area, region=actor.region_id, before=audit.snapshot(area, _FIELDS))
    area.delete()
    _changed()
