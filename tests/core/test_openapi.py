"""The OpenAPI document describes what the API does: one schema per name, every reference resolvable, and
generated requests (schemathesis) never get a 5xx nor a response that contradicts its documented schema."""

import collections
import itertools
import json
import re

import pydantic
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fangkong.accounts import services as account_services
from fangkong.accounts.models import Role
from fangkong.api import api
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.wsgi import application
from tests import factories as f
from tests.checkpoints import builders as checkpoints
from tests.places import builders as places
from tests.quarantine import helpers as quarantine
from tests.screening import helpers as screening


def _document() -> dict:
    """The document /api/openapi.json serves."""
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def _models(cls=pydantic.BaseModel):
    for sub in cls.__subclasses__():
        yield sub
        yield from _models(sub)


def test_no_two_schemas_of_the_api_share_a_name(db):
    # django-ninja names each component after its class and silently keeps one of two same-named classes:
    # the other endpoint is then documented with a shape it does not have
    api.get_openapi_schema()  # every router loaded
    modules = collections.defaultdict(set)
    for model in _models():
        if model.__module__.startswith("fangkong."):
            modules[model.__name__].add(model.__module__)

    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}


def test_every_referenced_schema_is_in_the_document(db):
    doc = _document()
    text = json.dumps(doc)
    referenced = set(re.findall(r'"#/components/schemas/([^"]+)"', text))

    assert referenced and referenced <= set(doc["components"]["schemas"])


def test_the_public_check_in_is_documented_with_its_own_fields(db):
    doc = _document()
    body = doc["paths"]["/api/places/c/{token}/check-in"]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    fields = doc["components"]["schemas"][name]["properties"]

    assert "room_id" not in fields and {"phone", "name"} <= set(fields)


# Generated requests ----------------------------------------------------------------------------------------

# In process, through the WSGI application (no server). Every operation is a test of its own; the examples are
# few and derandomized so that the run takes about a minute on either database and fails the same way twice.
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = application
# Probing every path with each method it lacks would double the run; the JSON 405 is test_api_errors' test.
SCHEMA.config.phases.coverage.unexpected_methods = set()


@pytest.fixture
def same_connection():
    """Requests through the WSGI application share the test's connection and transaction, as with Django's
    test client (which does the same): at the end of a request Django would close a connection found
    inside a transaction."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def scene(tree):
    """A county headquarters admin's token (the widest role, so requests reach the endpoints' own rules) and
    one record of each kind the paths name, so that half the generated requests address records that
    exist instead of answering 404."""
    install_default_policies(QuarantinePolicy)
    boss = f.user("st_boss", Role.HQ_ADMIN)
    worker = f.user("st_worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    order = quarantine.start(boss, cadre=worker, doctor=f.user("st_doctor", Role.DOCTOR, f.VILLAGE_A1))
    kp = screening.key_person(worker)
    shop = places.place()
    ids = {"key_person_id": kp.pk, "person_id": kp.person_id, "check_id": screening.check(worker, kp)[0].pk,
           "household_id": screening.household(worker).pk, "sweep_id": screening.sweep(boss).pk,
           "order_id": order.pk, "follow_up_id": order.follow_ups.order_by("pk").first().pk,
           "checkpoint_id": places.checkpoint().pk, "place_id": shop.pk, "area_id": checkpoints.risk_area().pk,
           "check_in_id": places.visit(kp.person, shop, places.at(10)).pk, "user_id": worker.pk,
           "region": f.VILLAGE_A1, "code": f.VILLAGE_A1, "date": "2020-02-03"}
    token = account_services.create_token(boss, boss, "schemathesis")
    return {"headers": {"Authorization": f"Bearer {token}"}, "ids": ids, "turn": itertools.count()}


@SCHEMA.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_generated_requests_get_no_server_error_and_match_the_schema(case, scene, same_connection):
    # every other example addresses the scene's records; the others keep the generated ids (0, -1, 2**70, "AAA")
    if case.path_parameters and next(scene["turn"]) % 2:
        case.path_parameters.update({k: v for k, v in scene["ids"].items() if k in case.path_parameters})
    case.call_and_validate(headers=scene["headers"], checks=[not_a_server_error, response_schema_conformance])
