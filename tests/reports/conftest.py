import pytest

from .chain_county import people


@pytest.fixture
def staff(db):
    """The county tree with its responsible people: staff["v_a1"], staff["town_a"], staff["admin"] …"""
    return people()
