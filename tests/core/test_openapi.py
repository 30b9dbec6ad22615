"""The OpenAPI document describes what the API does: one schema per name, every reference resolvable, and
generated requests (schemathesis) never get a 5xx nor a response that contradicts its documented schema."""

import collections
import json
import os
import re

import pydantic
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from fangkong.accounts import services as account_services
from fangkong.accounts.models import Role
from fangkong.api import api
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.tracing.models import Cluster
from fangkong.wsgi import application
from tests import factories as f
from tests.checkpoints import builders as checkpoints
from tests.deployments import this_pass
from tests.medical import builders as medical
from tests.places import builders as places
from tests.quarantine import helpers as quarantine
from tests.screening import helpers as screening
from tests.tracing import outbreak


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

# In process, through the WSGI application (no server), as every role: each role's token reaches the endpoints'
# own rules, so its 403s, 404s and 422s are answers to check against the document like its 200s. Per role and
# operation a few derandomized examples: valid requests on the scene's records, valid ones on generated ids
# (0, -1, 2**70, "AAA"), and invalid ones; about a minute of CPU per database pass for all roles together.
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
SCHEMA.app = application
# FANGKONG_FUZZ_EXAMPLES (examples of each kind, 1) and FANGKONG_FUZZ_PATHS (a path prefix) for a longer search
EXAMPLES = int(os.environ.get("FANGKONG_FUZZ_EXAMPLES") or 1)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()
              if result.ok().path.startswith(os.environ.get("FANGKONG_FUZZ_PATHS", ""))]
CHECKS = [not_a_server_error, response_schema_conformance]
# Per role and operation, one valid request on the scene's records and one invalid request; the widest role also
# one valid request on generated ids. Examples of a strategy are derandomized, so each role sends the same ones.
PLAN = [(GenerationMode.POSITIVE, True), (GenerationMode.NEGATIVE, True)]
WIDEST_PLAN = [*PLAN, (GenerationMode.POSITIVE, False)]
STRATEGIES = {(operation.label, mode): operation.as_strategy(mode) for operation in OPERATIONS for mode in GenerationMode}

# Each role with a user of the region it works in.
ROLE_REGIONS = {Role.HQ_ADMIN: f.COUNTY, Role.HQ_STAFF: f.COUNTY, Role.TOWNSHIP_STAFF: f.TOWN_A,
                Role.VILLAGE_WORKER: f.VILLAGE_A1, Role.CHECKPOINT_STAFF: f.TOWN_A, Role.DOCTOR: f.TOWN_A,
                Role.EPIDEMIOLOGIST: f.COUNTY, Role.SUPERVISOR: f.COUNTY, Role.VIEWER: f.COUNTY}


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
    """One record of each kind the paths name, so that requests address records that exist instead of
    answering 404: the ids by path parameter."""
    install_default_policies(QuarantinePolicy)
    boss = f.user("st_boss", Role.HQ_ADMIN)
    worker = f.user("st_worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    order = quarantine.start(boss, cadre=worker, doctor=f.user("st_doctor", Role.DOCTOR, f.VILLAGE_A1))
    kp = screening.key_person(worker)
    shop = places.place()
    case = outbreak.case(region=f.VILLAGE_A1)
    investigation = outbreak.investigation(case)
    stop = outbreak.stop(investigation, places.at(9))
    cluster = Cluster.objects.create(name="东岳村聚集性疫情", region_id=f.COUNTY, setting="household")
    return {"key_person_id": kp.pk, "person_id": kp.person_id, "check_id": screening.check(worker, kp)[0].pk,
            "household_id": screening.household(worker).pk, "sweep_id": screening.sweep(boss).pk,
            "order_id": order.pk, "follow_up_id": order.follow_ups.order_by("pk").first().pk,
            "checkpoint_id": places.checkpoint().pk, "place_id": shop.pk, "area_id": checkpoints.risk_area().pk,
            "check_in_id": places.visit(kp.person, shop, places.at(10)).pk, "user_id": worker.pk,
            "case_id": case.pk, "investigation_id": investigation.pk, "stop_id": stop.pk,
            "contact_id": outbreak.contact(case).pk, "cluster_id": cluster.pk,
            "purchase_id": medical.bought(boss, medical.pharmacy()).pk,
            "region": f.VILLAGE_A1, "code": f.VILLAGE_A1, "date": "2020-02-03"}


def test_every_role_is_fuzzed():
    assert set(ROLE_REGIONS) == set(Role)


def _fuzz(operation, headers: dict, ids: dict, plan) -> list[str]:
    """What the checks found for `operation`: the first failure of each part of the plan (no shrinking)."""
    found = []
    names = set(re.findall(r"{(\w+)}", operation.path))
    for mode, on_scene in plan:
        if not on_scene and not names:
            continue  # no ids to generate: the first part of the plan sent such a request already
        fixed = {name: ids[name] for name in names if name in ids} if on_scene else {}
        found += _examples(operation, mode, fixed, headers)
    return found


def _examples(operation, mode: GenerationMode, fixed: dict, headers: dict) -> list[str]:
    failed = []

    @given(case=STRATEGIES[operation.label, mode])
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        if failed:
            return  # one failure of the kind is enough: no more requests, no shrinking
        path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
        if fixed and (path is None or path.mode is GenerationMode.POSITIVE):  # an invalid id is kept as made
            case.path_parameters = {**case.path_parameters, **fixed}
        with transaction.atomic():  # each example on the scene as built: no write of another one seen
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, FailureGroup) as exc:  # noqa: BLE001 - every failure reported with its request
                failed.append(f"{operation.label} ({mode.value}): {str(exc).strip()[:1500]}\n"
                              f"  {case.as_curl_command()}")
            transaction.set_rollback(True)

    run()
    return failed


@pytest.mark.parametrize("role", this_pass(list(ROLE_REGIONS)))
def test_generated_requests_get_no_server_error_and_match_the_schema(role, scene, same_connection):
    who = f.user(f"st_as_{role}", role, ROLE_REGIONS[role])
    headers = {"Authorization": f"Bearer {account_services.create_token(who, who, 'schemathesis')}"}

    plan = WIDEST_PLAN if role == Role.HQ_ADMIN else PLAN
    found = [failure for operation in OPERATIONS for failure in _fuzz(operation, headers, scene, plan)]

    assert not found, f"{len(found)} failures as {role}:\n\n" + "\n\n".join(found)
