"""The OpenAPI document and the interactive API docs, served by the app itself, to signed-in users only
unless FANGKONG_PUBLIC_API_DOCS opens them."""

import json
import re

import pytest
from django.test import Client

from fangkong.accounts import services as account_services
from fangkong.accounts.models import Role
from tests import factories


@pytest.fixture
def signed_in(db, login):
    return login(factories.user("viewer", Role.VIEWER, factories.COUNTY))


def test_openapi_document_lists_the_endpoints(signed_in):
    response = signed_in.get("/api/openapi.json")

    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["info"]["title"] == "Fangkong API"
    paths = doc["paths"]
    assert {"get"} <= set(paths["/api/me"])
    assert {"get"} <= set(paths["/api/regions"])
    assert {"get", "patch"} <= set(paths["/api/regions/{code}"])
    assert {"get", "post"} <= set(paths["/api/users"])
    assert {"get", "patch"} <= set(paths["/api/users/{user_id}"])
    assert {"post"} <= set(paths["/api/users/{user_id}/unlock"])


def test_openapi_document_declares_session_and_bearer_auth(signed_in):
    doc = json.loads(signed_in.get("/api/openapi.json").content)
    schemes = doc["components"]["securitySchemes"].values()
    assert {"type": "apiKey", "in": "cookie", "name": "sessionid"} in schemes
    assert {"type": "http", "scheme": "bearer"} in schemes


def test_api_docs_load_nothing_from_another_host(signed_in):
    # Government intranets have no internet: the Swagger page must not pull its scripts from a CDN.
    response = signed_in.get("/api/docs")
    html = response.content.decode()

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []
    # nor from a CDN named in a script (e.g. Swagger's default bundle URL); the page's random CSRF
    # token may contain the letters "cdn", so only URLs are looked at
    assert re.findall(r"(?:https?:)?//[^\s\"'<>]*cdn[^\s\"'<>]*", html, re.IGNORECASE) == []


def test_without_a_session_or_token_the_docs_send_to_the_login_page_and_the_document_is_401(db):
    docs = Client().get("/api/docs")
    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=/api/docs"
    document = Client().get("/api/openapi.json")
    assert document.status_code == 401 and "paths" not in document.json()
    wrong = Client().get("/api/openapi.json", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401


def test_a_script_reads_the_document_with_its_api_token(db):
    user = factories.user("script", Role.HQ_STAFF, factories.COUNTY)
    token = account_services.create_token(user, user, "ci")
    response = Client().get("/api/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and "/api/me" in response.json()["paths"]


def test_the_setting_opens_them_to_anyone(db, settings):
    settings.FANGKONG_PUBLIC_API_DOCS = True
    assert Client().get("/api/docs").status_code == 200
    assert "/api/me" in Client().get("/api/openapi.json").json()["paths"]
