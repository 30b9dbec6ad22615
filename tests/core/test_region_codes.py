"""core.region_codes: the structure of the statistical division codes, the subtree filter built on it and a
user's scope."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

import fangkong
from fangkong.core import region_codes as codes
from fangkong.core.actors import SYSTEM
from fangkong.regions.models import Region
from tests import factories

SOURCE = Path(fangkong.__file__).parent
# a scope written by hand: rows by within(user.region_id …); one code by is_within(code, user.region_id) or
# user.region.contains(code)
USER_SCOPE = re.compile(r"\bwithin\(\w+\.region_id\b")
ROW_SCOPE = re.compile(r"is_within\([^()]*, (?:user|actor)\.region_id\)|\b(?:user|actor)\.region\.contains\(")


@pytest.mark.parametrize("code,level", [
    ("420000000000", "province"), ("420900000000", "city"), ("420921000000", "county"),
    ("420921001000", "township"), ("420921001201", "village"), ("420921001201003", "grid"),
])
def test_level_follows_from_the_code(code, level):
    assert codes.level_of(code) == level


@pytest.mark.parametrize("code", ["42092100100", "4209210010001", "42092100120A", "000000000000",
                                  "420921000201", "420900001000", "420921001201000", "420921001000001",
                                  "４２０９２１００１２０１"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(ValidationError):
        codes.check(code)


def test_parent_and_ancestors():
    assert codes.parent_code_of("420921001201003") == "420921001201"
    assert codes.parent_code_of("420921001201") == "420921001000"
    assert codes.parent_code_of("420921001000") == "420921000000"
    assert codes.parent_code_of("420000000000") is None
    assert codes.ancestor_codes("420921001201") == ["420921001000", "420921000000", "420900000000", "420000000000"]


def test_subtree_bounds_contain_exactly_the_prefix():
    low, high = codes.subtree_bounds("420921001000")
    inside = ["420921001000", "420921001201", "420921001201999"]
    outside = ["420921002000", "420921000000", "420920999999"]
    assert all(low <= c <= high for c in inside)
    assert not any(low <= c <= high for c in outside)


def test_is_within_follows_the_prefix():
    assert codes.is_within("420921001201003", "420921001000")
    assert codes.is_within("420921001000", "420921001000")
    assert not codes.is_within("420921002201", "420921001000")
    assert not codes.is_within("420921000000", "420921001000")


def test_within_selects_the_subtree_by_code_or_foreign_key(tree):
    town_a = {factories.TOWN_A, factories.VILLAGE_A1, factories.VILLAGE_A2, factories.GRID_A1}
    by_code = Region.objects.filter(codes.within(factories.TOWN_A, "code"))
    by_region = Region.objects.filter(codes.within(tree[factories.TOWN_A], "code"))
    by_parent = Region.objects.filter(codes.within(factories.TOWN_A, "parent"))
    assert set(by_code.values_list("code", flat=True)) == set(by_region.values_list("code", flat=True)) == town_a
    # the parent column: the regions whose parent lies in the subtree, i.e. everything below the township
    assert set(by_parent.values_list("code", flat=True)) == town_a - {factories.TOWN_A}


# A user's scope ------------------------------------------------------------------------------------------

def test_a_users_scope_is_their_regions_subtree_and_the_system_sees_everything(tree):
    town = factories.user("town", "township_staff", factories.TOWN_A)
    in_town = Region.objects.filter(codes.in_scope(town, "code"))
    assert set(in_town.values_list("code", flat=True)) == {
        factories.TOWN_A, factories.VILLAGE_A1, factories.VILLAGE_A2, factories.GRID_A1}
    assert codes.covers(town, factories.GRID_A1) and not codes.covers(town, factories.VILLAGE_B1)
    assert Region.objects.filter(codes.in_scope(SYSTEM, "code")).count() == Region.objects.count()
    assert codes.covers(SYSTEM, factories.VILLAGE_B1)
    with pytest.raises(TypeError):
        codes.in_scope(None)


def test_no_other_code_writes_a_users_scope():
    """The scope is written once, in core.region_codes: no module filters rows by a user's region code itself
    (in_scope), and no selector tests one code by hand (covers)."""
    found = []
    for path in SOURCE.rglob("*.py"):
        if path.name == "region_codes.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        found += [f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in USER_SCOPE.finditer(text)]
        if "selectors" in path.parts or path.name == "selectors.py":
            found += [f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in ROW_SCOPE.finditer(text)]
    assert found == []
