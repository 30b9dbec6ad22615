"""Settings that bind a region and everything below it belong to that region: the quarantine policies and
the risk-area list (the county's: the deployment's region), the report deadline (the county's) and the
brief template (of the region it is uploaded for). For every settings endpoint and page, every role at
county, township and village level: a headquarters admin of the owner region or above changes it; every
other request is refused (403, or 404 where the owner lies outside the user's scope) and changes nothing.

Who may change what is written out here on purpose (not read from permissions.py): widening it means
arguing it in this file. A new settings route must be added to WRITES (or READ_ONLY_PAGES): the coverage
tests at the end compare them with the API's OpenAPI document and the URL patterns.
"""

import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fangkong.accounts.models import Role
from fangkong.api import api
from fangkong.audit.models import AuditEntry
from fangkong.briefing.models import BriefTemplate
from fangkong.briefing.rendering import DEFAULT_TEMPLATE
from fangkong.quarantine.defaults import install_default_policies
from fangkong.quarantine.models import QuarantinePolicy
from fangkong.reports.models import ReportSettings
from fangkong.risk_areas.models import RiskArea
from tests import factories as f

LEVELS = {"county": f.COUNTY, "township": f.TOWN_A, "village": f.VILLAGE_A1}
OWNERS = {f.COUNTY: "county", f.TOWN_A: "township"}
# Who changes a setting owned by the county, and one owned by township A (its brief template).
MAY_CHANGE = {
    f.COUNTY: {(Role.HQ_ADMIN, "county")},
    f.TOWN_A: {(Role.HQ_ADMIN, "county"), (Role.HQ_ADMIN, "township")},
}
EVERYONE = [(role, level) for role in Role for level in LEVELS]
TODAY = datetime.date.today()


@pytest.fixture
def world(tree):
    """The county's settings as a deployment has them: the policies, one risk area in force for ten days,
    an uploaded brief template of the county and one of township A."""
    install_default_policies(QuarantinePolicy)  # a flushing test elsewhere may have removed the migration's rows
    area = RiskArea.objects.create(code="4201", name="武汉市", valid_from=TODAY - datetime.timedelta(days=10))
    for code in (f.COUNTY, f.TOWN_A):
        BriefTemplate.objects.create(region_id=code, name="模板", content=DEFAULT_TEMPLATE.read_bytes())
    return {"area": area.pk}


def settings_state() -> tuple:
    """Every settings row and the number of audit entries: what a refused write must leave as it was."""
    return (
        list(QuarantinePolicy.objects.order_by("id").values_list(
            "category", "kind", "length_days", "counts_from", "follow_up_times", "fever_threshold",
            "release_needs_negative_tests")),
        list(RiskArea.objects.order_by("id").values_list("id", "code", "name", "valid_from", "valid_until")),
        list(ReportSettings.objects.order_by("region_id").values_list("region_id", "deadline", "issuer")),
        list(BriefTemplate.objects.order_by("id").values_list("id", "region_id", "name", "is_active")),
        AuditEntry.objects.count(),
    )


def _json(method: str, path: str, body: dict | None = None):
    def send(client, world):
        return getattr(client, method)(path.format(**world), json.dumps(body or {}), content_type="application/json")
    return send


def _post(path: str, data: dict | None = None):
    def send(client, world):
        return client.post(path.format(**world), data or {})
    return send


def _upload(region: str):
    def send(client, world):
        upload = io.BytesIO(DEFAULT_TEMPLATE.read_bytes())
        upload.name = "新模板.docx"
        return client.post("/reports/brief/template/upload/", {"region": region, "file": upload})
    return send


@dataclass(frozen=True)
class Write:
    route: str                   # "METHOD /api/path" as in the OpenAPI document, or the page's URL name
    owner: str                   # the region that owns the setting written
    send: Callable               # (client, world) -> response
    ok: int                      # the status of an allowed write
    what: str = ""               # which of a route's writes, where it has several

    def __str__(self) -> str:
        return f"{self.route}{f' {self.what}' if self.what else ''} of the {OWNERS[self.owner]}"


POLICY_FORM = {"kind": "centralised", "length_days": "21", "counts_from": "last_exposure",
               "follow_up_times": "08:00,18:00", "fever_threshold": "37.3"}
WRITES = [
    # the API
    Write("PATCH /api/quarantine/policies/{category}", f.COUNTY,
          _json("patch", "/api/quarantine/policies/close_contact", {"length_days": 21}), 200),
    Write("POST /api/risk-areas", f.COUNTY,
          _json("post", "/api/risk-areas", {"code": "420102"}), 201),
    Write("PATCH /api/risk-areas/{area_id}", f.COUNTY,
          _json("patch", "/api/risk-areas/{area}", {"name": "武汉市（全域）"}), 200),
    Write("DELETE /api/risk-areas/{area_id}", f.COUNTY,
          _json("delete", "/api/risk-areas/{area}"), 204),
    Write("PUT /api/reports/settings", f.COUNTY,
          _json("put", f"/api/reports/settings?region={f.COUNTY}", {"deadline": "20:00"}), 200),
    # the pages
    Write("quarantine:policy_edit", f.COUNTY, _post("/quarantine/policies/close_contact/", POLICY_FORM), 302),
    Write("risk_areas:list", f.COUNTY,
          _post("/risk-areas/", {"code": "420102", "valid_from": TODAY.isoformat()}), 302),
    Write("risk_areas:end", f.COUNTY, _post("/risk-areas/{area}/end/"), 302, "end"),
    Write("risk_areas:end", f.COUNTY, _post("/risk-areas/{area}/end/", {"delete": "1"}), 302,
          "delete"),
    Write("reports:chain_settings", f.COUNTY, _post(f"/reports/settings/?region={f.COUNTY}", {"deadline": "20:00"}),
          302),
    Write("briefing:brief_template_upload", f.COUNTY, _upload(f.COUNTY), 302),
    Write("briefing:brief_template_upload", f.TOWN_A, _upload(f.TOWN_A), 302),
    Write("briefing:brief_template_revert", f.COUNTY, _post("/reports/brief/template/revert/", {"region": f.COUNTY}),
          302),
    Write("briefing:brief_template_revert", f.TOWN_A, _post("/reports/brief/template/revert/", {"region": f.TOWN_A}),
          302),
]


@pytest.mark.parametrize(("role", "level"), EVERYONE)
@pytest.mark.parametrize("write", WRITES, ids=str)
def test_only_admins_of_the_owner_or_above_change_a_setting(world, login, write, role, level):
    client = login(f.user(f"{role}_{level}", role, LEVELS[level]))
    before = settings_state()

    response = write.send(client, world)

    if (role, level) in MAY_CHANGE[write.owner]:
        assert response.status_code == write.ok, response.content
        assert settings_state() != before
    else:
        assert response.status_code in (403, 404), response.content
        assert settings_state() == before


# The pages do not offer a change to those who may not make it ----------------------------------------------

@dataclass(frozen=True)
class Offer:
    page: str                    # the page (GET) that offers the change
    owner: str
    marker: str                  # what the page shows only to who may change the setting

    def __str__(self) -> str:
        return f"{self.page} {self.marker}"


OFFERS = [
    Offer("/quarantine/policies/", f.COUNTY, 'href="/quarantine/policies/close_contact/"'),
    Offer("/risk-areas/", f.COUNTY, 'action="/risk-areas/{area}/end/"'),
    Offer("/risk-areas/", f.COUNTY, 'name="valid_from"'),
    Offer("/reports/", f.COUNTY, 'href="/reports/settings/'),
    Offer(f"/reports/brief/?region={f.COUNTY}", f.COUNTY, 'id="template-upload"'),
    Offer(f"/reports/brief/?region={f.TOWN_A}", f.TOWN_A, 'id="template-upload"'),
    Offer(f"/reports/brief/?region={f.TOWN_A}", f.TOWN_A, 'id="template-revert"'),
]


@pytest.mark.parametrize(("role", "level"), EVERYONE)
@pytest.mark.parametrize("offer", OFFERS, ids=str)
def test_a_page_offers_a_change_only_to_who_may_make_it(world, login, offer, role, level):
    client = login(f.user(f"{role}_{level}", role, LEVELS[level]))

    response = client.get(offer.page)

    shown = offer.marker.format(**world) in response.content.decode()
    assert shown == ((role, level) in MAY_CHANGE[offer.owner]), response.status_code


# Every settings route is in the table ---------------------------------------------------------------------

SETTINGS_API = ("/api/quarantine/policies", "/api/risk-areas", "/api/reports/settings", "template")
SETTINGS_PAGES = ("polic", "risk_area", "settings", "template")
READ_ONLY_PAGES = {"quarantine:policies", "briefing:brief_template"}  # the list; the template's download


def _page_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    found = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found |= _page_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name and namespace:
            found.add(f"{namespace}:{entry.name}")
    return found


def test_the_table_holds_every_settings_write_of_the_api():
    paths = api.get_openapi_schema()["paths"]
    writes = {f"{method.upper()} {path}" for path, operations in paths.items() for method in operations
              if method != "get" and any(part in path for part in SETTINGS_API)}
    assert writes == {w.route for w in WRITES if w.route.split(" ")[0].isupper() and " /api/" in w.route}


def test_the_table_holds_every_settings_page():
    names = {n for n in _page_names(get_resolver())
             if not n.startswith("api:") and any(part in n for part in SETTINGS_PAGES)}
    assert names == {w.route for w in WRITES if ":" in w.route and " " not in w.route} | READ_ONLY_PAGES
