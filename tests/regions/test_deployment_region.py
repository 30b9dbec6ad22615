"""The deployment's region: the owner of the settings that bind every region the deployment holds."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.regions.selectors import deployment_region
from tests import factories


def test_no_regions_no_owner(db):
    assert deployment_region() is None


def test_a_county_under_its_bare_province_and_city(tree):
    assert deployment_region().code == factories.COUNTY


def test_a_county_holding_one_township_so_far_is_still_the_county(db):
    factories.region(factories.VILLAGE_A1)
    assert deployment_region().code == factories.COUNTY


def test_a_city_of_several_counties(tree):
    factories.region("420922000000")
    assert deployment_region().code == "420900000000"


def test_a_province_of_several_cities(tree):
    factories.region("420100000000")
    assert deployment_region().code == "420000000000"


def test_several_provinces_have_no_single_owner(tree):
    factories.region("110000000000")
    assert deployment_region() is None


def test_a_few_queries_whatever_the_size_of_the_table(tree):
    with CaptureQueriesContext(connection) as queries:
        deployment_region()
    assert len(queries) == 3  # the top, then one look below each bare ancestor (province, city)
