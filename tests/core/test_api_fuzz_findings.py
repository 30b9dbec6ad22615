"""Requests the API fuzzing (test_openapi.py) found answered with a 500, now refused with what is wrong."""

import pytest

from fangkong.accounts.models import Role
from fangkong.core.validation import is_id
from fangkong.tracing.models import Cluster
from tests import factories as f
from tests.tracing import outbreak


@pytest.fixture
def epidemiologist(tree, login):
    return login(f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY))


@pytest.mark.parametrize("value", ["²", "٣", "9" * 30])
def test_a_case_named_by_no_possible_id_or_number_is_refused_by_name(epidemiologist, value):
    # a superscript or Arabic-Indic digit passes str.isdigit() yet is no id; 30 digits overflow the column
    outbreak.case(region=f.VILLAGE_A1)
    cluster = Cluster.objects.create(name="东岳村聚集性疫情", region_id=f.COUNTY, setting="household")

    response = epidemiologist.post(f"/api/tracing/clusters/{cluster.pk}/cases", {"cases": [value]},
                                   content_type="application/json")

    assert response.status_code == 422
    assert "不存在或不在您的管辖范围内" in response.json()["detail"]["cases"][0]


@pytest.mark.parametrize("body", ['{"cases": ["\\ud800"]}', '{"cases": ["a\\udfff"]}', '{"\\udbff": 1, "cases": []}'])
def test_half_a_surrogate_pair_in_a_json_body_is_refused_before_the_database(epidemiologist, body):
    cluster = Cluster.objects.create(name="东岳村聚集性疫情", region_id=f.COUNTY, setting="household")

    response = epidemiologist.post(f"/api/tracing/clusters/{cluster.pk}/cases", body, content_type="application/json")

    assert response.status_code == 400 and "代理项" in response.json()["detail"]


def test_a_whole_surrogate_pair_is_a_character_like_any_other(epidemiologist):
    cluster = Cluster.objects.create(name="东岳村聚集性疫情", region_id=f.COUNTY, setting="household")

    response = epidemiologist.post(f"/api/tracing/clusters/{cluster.pk}/cases", '{"cases": ["\\ud83d\\ude00"]}',
                                   content_type="application/json")

    assert response.status_code == 422 and "😀" in response.json()["detail"]["cases"][0]


@pytest.mark.parametrize(("value", "expected"), [("12", True), (12, True), ("²", False), ("٣", False), ("", False),
                                                 (None, False), ("-1", False), ("1.0", False)])
def test_an_id_is_ascii_digits(value, expected):
    # the services that take a row by id typed in a form (a person, a key place, a contact) ask this first
    assert is_id(value) is expected
