"""The OpenAPI document and the interactive API docs, served by the app itself."""

import json
import re

from django.test import Client


def test_openapi_document_lists_the_endpoints(db):
    response = Client().get("/api/openapi.json")

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


def test_openapi_document_declares_session_and_bearer_auth(db):
    doc = json.loads(Client().get("/api/openapi.json").content)
    schemes = doc["components"]["securitySchemes"].values()
    assert {"type": "apiKey", "in": "cookie", "name": "sessionid"} in schemes
    assert {"type": "http", "scheme": "bearer"} in schemes


def test_api_docs_load_nothing_from_another_host(db):
    # Government intranets have no internet: the Swagger page must not pull its scripts from a CDN.
    response = Client().get("/api/docs")
    html = response.content.decode()

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []
    # nor from a CDN named in a script (e.g. Swagger's default bundle URL); the page's random CSRF
    # token may contain the letters "cdn", so only URLs are looked at
    assert re.findall(r"(?:https?:)?//[^\s\"'<>]*cdn[^\s\"'<>]*", html, re.IGNORECASE) == []
