import pytest
from django.core.exceptions import ValidationError

from fangkong.regions import codes


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
