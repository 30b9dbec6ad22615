"""core.region_codes: the structure of the statistical division codes, and the subtree filter built on it."""

import pytest
from django.core.exceptions import ValidationError

from fangkong.core import region_codes as codes
from fangkong.regions.models import Region
from tests import factories


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
