"""Chinese by default, English on request (Django i18n), without a browser."""

import re

from django.test import Client


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def test_login_page_is_chinese_by_default(db):
    response = Client().get("/accounts/login/")
    html = response.content.decode()
    assert _lang(response) == "zh-hans"
    assert "<h1>登录</h1>" in html
    assert '<option value="zh-hans" selected>简体中文</option>' in html


def test_language_switch_to_english_and_back(db):
    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert switched.status_code == 302
    assert switched["Location"] == "/accounts/login/"
    english = client.get("/accounts/login/")
    assert _lang(english) == "en"
    # English comes from src/fangkong/locale/en (compiled by `make messages`, part of `make test`)
    assert "<h1>Log in</h1>" in english.content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert _lang(client.get("/accounts/login/")) == "zh-hans"


def test_unknown_language_keeps_chinese(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert _lang(client.get("/accounts/login/")) == "zh-hans"


def test_switch_does_not_redirect_to_another_site(db):
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
