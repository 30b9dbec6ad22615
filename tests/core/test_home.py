"""The home page, the role-dependent menu and the health check."""

import re

import pytest
from django.test import Client

from fangkong.accounts.models import Role
from tests import factories


def _menu(html: str) -> list[str]:
    return re.findall(r'data-nav="([^"]+)"', html)


def test_home_needs_a_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_home_shows_role_and_scope(tree, login):
    html = login(factories.user("lin", Role.VILLAGE_WORKER, factories.VILLAGE_A1, display_name="林网格员")).get(
        "/").content.decode()
    assert "您好，林网格员" in html
    assert "村（社区）网格员" in html
    assert f'href="/regions/{factories.VILLAGE_A1}/">东岳村</a>' in html


@pytest.mark.parametrize("role,admin_entries", [
    (Role.HQ_ADMIN, True), (Role.HQ_STAFF, False), (Role.VILLAGE_WORKER, False), (Role.VIEWER, False)])
def test_menu_depends_on_the_role(tree, login, role, admin_entries):
    menu = _menu(login(factories.user("u", role, factories.TOWN_A)).get("/").content.decode())
    assert menu[:2] == ["core:home", "regions:tree"]
    assert ("accounts:users" in menu) is admin_entries
    assert ("audit:list" in menu) is admin_entries


def test_pages_carry_no_external_assets(tree, login):
    html = login(factories.user("u", Role.HQ_ADMIN, factories.COUNTY)).get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/fangkong/site.css" in sources
    assert [s for s in sources if re.match(r"(https?:)?//", s)] == []


def test_pages_forbid_framing_and_sniffing(tree, login):
    response = login(factories.user("u", Role.VIEWER, factories.COUNTY)).get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_healthz_answers_without_a_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
