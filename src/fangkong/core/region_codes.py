"""National statistical division codes (统计用区划代码) and their structure.

12 digits: province 2, city 2, county 2, township 3, village 3; a grid (网格) under a
village adds 3 more (15 digits). A code's level and parent follow from the code alone,
and "a region and everything below it" is every code that starts with its prefix.

Plain arithmetic on codes, with no table behind it, so every app can use it, down to the
audit trail on which the regions app itself records: the region table is fangkong.regions.
A user's scope is their region's subtree: `in_scope` (rows) and `covers` (one code) say it for every app.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .actors import is_system

PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE, GRID = "province", "city", "county", "township", "village", "grid"
# (level, end of its own segment) in order from the top
_SEGMENTS = [(PROVINCE, 2), (CITY, 4), (COUNTY, 6), (TOWNSHIP, 9), (VILLAGE, 12)]
PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12, GRID: 15}
MAX_LENGTH = 15


def check(code: str) -> str:
    """Return the code's level, or raise ValidationError saying what is wrong with it."""
    if not code.isascii() or not code.isdigit() or len(code) not in (12, 15):
        raise ValidationError(_("区划代码必须是12位数字（网格为15位）：%(code)s"), params={"code": code})
    if len(code) == 15:
        if code[12:] == "000":
            raise ValidationError(_("网格代码的最后3位不能是000：%(code)s"), params={"code": code})
        if check(code[:12]) != VILLAGE:
            raise ValidationError(_("网格必须属于一个村（社区）：%(code)s"), params={"code": code})
        return GRID
    if code[:2] == "00":
        raise ValidationError(_("省级代码不能是00：%(code)s"), params={"code": code})
    level = PROVINCE
    zero_seen = False
    for name, end in _SEGMENTS[1:]:
        start = end - (3 if name in (TOWNSHIP, VILLAGE) else 2)
        segment_is_zero = set(code[start:end]) == {"0"}
        if segment_is_zero:
            zero_seen = True
        elif zero_seen:
            raise ValidationError(
                _("区划代码的上级段为0而下级段不为0：%(code)s"), params={"code": code}
            )
        else:
            level = name
    return level


def level_of(code: str) -> str:
    return check(code)


def prefix_of(code: str, level: str | None = None) -> str:
    """The significant prefix: every code in the subtree starts with it."""
    return code[: PREFIX_LENGTH[level or level_of(code)]]


def parent_code_of(code: str, level: str | None = None) -> str | None:
    level = level or level_of(code)
    if level == PROVINCE:
        return None
    if level == GRID:
        return code[:12]
    parent_prefix_length = {CITY: 2, COUNTY: 4, TOWNSHIP: 6, VILLAGE: 9}[level]
    return code[:parent_prefix_length].ljust(12, "0")


def ancestor_codes(code: str) -> list[str]:
    """Codes from the parent up to the province, nearest first."""
    found = []
    parent = parent_code_of(code)
    while parent:
        found.append(parent)
        parent = parent_code_of(parent)
    return found


def subtree_bounds(code: str) -> tuple[str, str]:
    """Inclusive bounds of every code under `code` (itself included).

    Codes are digits of length 12 or 15, so `prefix <= c <= prefix + "9…"` is exactly
    "c starts with prefix", and a plain B-tree index answers it on SQLite and PostgreSQL.
    """
    prefix = prefix_of(code)
    return prefix, prefix + "9" * (MAX_LENGTH - len(prefix))


def is_within(code: str, scope_code: str) -> bool:
    return code.startswith(prefix_of(scope_code))


def within(region, field: str = "region") -> Q:
    """Q for rows whose `field` (a Region foreign key or code column) lies in the subtree of `region`
    (a Region or its code).

    The Region's code is its primary key, so a foreign key's column holds the code itself and the
    filter needs no join.
    """
    code = region if isinstance(region, str) else region.code
    column = field if field == "code" or field.endswith("_id") else f"{field}_id"
    low, high = subtree_bounds(code)
    # gte/lte rather than __range: foreign keys accept only the comparison lookups
    return Q(**{f"{column}__gte": low, f"{column}__lte": high})


# A user's scope: their region and everything under it. Decided here for every selector.

def in_scope(user, field: str = "region") -> Q:
    """Q for the rows `user` may see: `field` (as for `within`) in the subtree of the user's region. The
    system (core.actors.SYSTEM) sees every row; no user (None) is refused."""
    return Q() if is_system(user) else within(user.region_id, field)


def covers(user, code: str) -> bool:
    """`in_scope` for one region code: whether it lies in the user's scope."""
    return is_system(user) or is_within(code, user.region_id)
