"""A temperature (体温) taken at a public check-in: kept on the check-in as typed, and a fever is found on a person
(core.health.fever_found) only once tracing staff confirm who the visitor was."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.core.health import FeverSource
from fangkong.places.models import CheckIn
from fangkong.places.selectors import check_ins as selectors
from fangkong.places.services import check_ins
from fangkong.quarantine.models import TransferRequest
from fangkong.tracing.services import matching
from tests import factories

from .builders import code, fresh_cache, person, place, resident_id, staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def market(tree):
    return place(name="东岳农贸市场", region=factories.VILLAGE_A1)


@pytest.fixture
def known(tree):
    return person(name="王发热", seq=3, phone="13700000003")


def visit(where, **typed):
    active = selectors.active_code_by_token(code(where).token)
    return check_ins.check_in(active, **{"phone": "13912345678", "name": "王发热", "id_number": resident_id(3),
                                         **typed})


def test_the_temperature_is_kept_as_measured_and_a_fever_waits_for_the_visitor_to_be_confirmed(market, known):
    row = visit(market, temperature="３８．２")
    stored = CheckIn.objects.get(pk=row.pk)
    assert str(stored.temperature) == "38.2" and stored.person_id is None
    assert not TransferRequest.objects.exists()  # no person yet: nobody to transfer


def test_the_temperature_is_optional_and_checked_like_any_register(market):
    assert CheckIn.objects.get(pk=visit(market).pk).temperature is None
    with pytest.raises(ValidationError) as exc:
        visit(market, temperature="365")
    assert list(exc.value.message_dict) == ["temperature"]


def test_confirming_a_feverish_check_in_finds_the_fever_on_the_person(market, known):
    row = visit(market, temperature="38.5")
    tracer = staff("cdc", Role.HQ_STAFF, factories.COUNTY)
    matching.match_check_in(tracer, row, known.pk)
    transfer = TransferRequest.objects.get()
    assert (transfer.person_id, transfer.source, str(transfer.temperature)) == (known.pk, FeverSource.CHECK_IN, "38.5")


def test_confirming_a_normal_temperature_finds_no_fever(market, known):
    row = visit(market, temperature="36.6")
    matching.match_check_in(staff("cdc", Role.HQ_STAFF, factories.COUNTY), row, known.pk)
    assert not TransferRequest.objects.exists()


def test_the_api_and_the_page_take_the_temperature(market, known):
    api = Client().post(f"/api/places/c/{code(market).token}/check-in",
                        json.dumps({"phone": "13912345678", "name": "王发热", "temperature": "38.0"}),
                        content_type="application/json")
    assert api.status_code == 201
    bad = Client().post(f"/api/places/c/{code(market).token}/check-in",
                        json.dumps({"phone": "13912345678", "name": "王发热", "temperature": "abc"}),
                        content_type="application/json")
    assert bad.status_code == 422 and "temperature" in bad.json()["detail"]
    page = Client().get(f"/places/c/{code(market).token}/")
    assert 'name="temperature"' in page.content.decode()
    assert str(CheckIn.objects.get().temperature) == "38.0"


def test_the_review_page_shows_the_fever(market, known, login):
    row = visit(market, temperature="38.8")
    page = login(staff("cdc", Role.HQ_STAFF, factories.COUNTY)).get(f"/tracing/check-ins/{row.pk}/match/")
    assert page.status_code == 200 and "38.8°C" in page.content.decode() and page.context["fever"]
