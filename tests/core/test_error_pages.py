"""Errors answer in Chinese on the site's own pages: 403 and 404 in the staff layout, 500 in the public layout
without the request or the database; under /api/ they stay JSON."""

from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver

from fangkong.accounts.models import Role
from fangkong.core import views
from tests import factories

ENGLISH = ("Not Found", "Forbidden", "Server Error", "The requested resource", "Bad Request")


def _chinese_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    for english in ENGLISH:
        assert english not in html
    return html


def test_a_missing_page_is_a_chinese_page_in_the_layout(tree, login):
    html = _chinese_page(login(factories.user("u", Role.HQ_STAFF)).get("/no-such-page/"), 404, "页面不存在")
    assert 'class="mainnav"' in html and "返回首页" in html


def test_a_missing_record_says_nothing_of_the_model(tree, login):
    html = _chinese_page(login(factories.user("u", Role.HQ_ADMIN)).get("/people/999999/"), 404, "页面不存在")
    assert "Person" not in html and "matches" not in html


def test_a_page_the_role_may_not_open_is_a_chinese_403_in_the_layout(tree, login):
    worker = factories.user("w", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    html = _chinese_page(login(worker).get("/audit/"), 403, "无权访问")
    assert 'class="mainnav"' in html


def test_a_refusal_with_a_reason_names_it(tree):
    request = RequestFactory().get("/somewhere/")
    request.user = factories.user("w", Role.VIEWER, factories.VILLAGE_A1)
    response = get_resolver().resolve_error_handler(403)(request, PermissionDenied("您的角色只能查看，不能修改"))
    assert "您的角色只能查看，不能修改" in _chinese_page(response, 403, "无权访问")


def test_the_server_error_page_needs_no_request_context_and_no_database():
    # no `db` fixture: a query here fails the test
    handler = get_resolver().resolve_error_handler(500)
    response = handler(RequestFactory().get("/somewhere/"))
    html = _chinese_page(response, 500, "服务器内部错误")
    assert 'class="mainnav"' not in html and "fangkong/site.css" in html


def test_an_unexpected_error_answers_with_that_page(tree, monkeypatch):
    def broken(request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.today, "duties_for", broken)
    user = factories.user("u", Role.HQ_STAFF)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    html = _chinese_page(client.get("/"), 500, "服务器内部错误")
    assert "boom" not in html


def test_errors_under_the_api_stay_json(tree, login):
    response = login(factories.user("u", Role.HQ_ADMIN)).get("/api/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
