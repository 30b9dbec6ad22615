"""The Content-Security-Policy: sent with every response, strict (this server only, nothing inline), and
no template left with an inline script, event handler or style that it would block."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from fangkong.accounts.models import Role
from tests import factories

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}
TEMPLATES = sorted(Path(settings.PACKAGE_DIR).rglob("templates/**/*.html"))


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/regions", "/no-such-page/", "/static/fangkong/site.css"])
def test_every_response_carries_the_strict_policy(db, path):
    response = Client().get(path)
    assert directives(response["Content-Security-Policy"]) == POLICY


def test_signed_in_pages_and_downloads_carry_it_too(tree, login):
    client = login(factories.user("hq", Role.HQ_ADMIN, factories.COUNTY))
    for path in ("/", "/people/", "/ledger/", "/audit/", "/api/docs", "/api/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert directives(response["Content-Security-Policy"]) == POLICY, path


def test_a_view_that_sets_its_own_policy_keeps_it(db, rf):
    from django.http import HttpResponse

    from fangkong.core.middleware import ContentSecurityPolicyMiddleware

    def own(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    assert ContentSecurityPolicyMiddleware(own)(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"


def test_the_templates_hold_nothing_the_policy_would_block():
    assert TEMPLATES
    found = []
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        # a <script> without src runs inline (a JSON data block does not run)
        found += [f"{template}: inline script" for tag in re.findall(r"<script\b[^>]*>", text)
                  if "src=" not in tag and "application/json" not in tag]
        found += [f"{template}: <style>" for _ in re.findall(r"<style\b", text)]
        found += [f"{template}: {m}" for m in re.findall(r"\s(on[a-z]+|style)\s*=", text)]
        found += [f"{template}: javascript: URL" for _ in re.findall(r"javascript:", text, re.IGNORECASE)]
    assert found == []


def test_a_csrf_failure_page_uses_the_site_stylesheet(db):
    # Django's own page styles itself inline, which the policy would refuse
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and "fangkong/site.css" in html and "<style" not in html
