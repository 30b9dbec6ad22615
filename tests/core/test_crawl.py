"""Every page as every role, in Chinese and without internals: a small demo county (data for every page) is
crawled from the home page as one account of each role, following every link (tests/core/crawl.py), and each
page must answer without a server error, show no untranslated English word outside the allow-list and no
region code outside a code column, and no link shown may answer the user 403 or 404 (a page shows a link only
when its viewer may open it: core.links). The public check-in is crawled without an account; each menu entry's
page is titled by the entry's own words."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from fangkong.accounts.models import Role, User
from fangkong.audit import labels
from fangkong.audit.models import AuditEntry
from fangkong.core import navigation
from fangkong.demo import county
from fangkong.places.models import PlaceCode
from tests.deployments import this_pass

from .crawl import crawl, read_page, route_name

SMALL = {"residents": 300, "villages_per_township": 2, "grids_per_village": 1, "quiet_accounts": True}
# Links a page shows although they answer some viewer 403 or 404, each on purpose: {(username, url name): why}.
# None so far; an entry here needs its reason, and the crawl reports the page that showed the link.
DEAD_LINKS_ON_PURPOSE: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """One small demo county for the module, rolled back at its end (building it takes a while)."""
    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        call_command("demo-data", stdout=io.StringIO(), **SMALL)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_built, db):
    return None


def _accounts() -> list[str]:
    """One demo account of each role, and the grid worker (the narrowest scope)."""
    first: dict[str, str] = {}
    for account in county.demo_accounts():
        first.setdefault(account.role, account.username)
    return [*first.values(), "grid1"]


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _report(found: dict) -> str:
    return "\n".join(f"{url}: {sorted(what) if isinstance(what, set) else what}" for url, what in found.items())


@pytest.mark.parametrize("username", this_pass(_accounts()))
def test_every_page_of_every_role_is_chinese_without_codes_errors_or_dead_links(demo, username):
    found = crawl(_client(username))

    assert len(found.visited) > 10, found.visited
    assert found.server_errors == {}, _report(found.server_errors)
    assert found.english == {}, _report(found.english)
    assert found.codes == {}, _report(found.codes)
    dead = {url: what for url, what in found.dead_links.items()
            if (username, route_name(urlsplit(url).path)) not in DEAD_LINKS_ON_PURPOSE}
    assert dead == {}, "\n".join(f"{url}: {status}, shown on {page}" for url, (status, page) in dead.items())


def test_every_role_is_crawled():
    roles = {a.role for a in county.demo_accounts() if a.username in _accounts()}
    assert roles == set(Role.values)


def test_the_public_check_in_is_chinese_without_codes(demo):
    code = PlaceCode.objects.filter(is_active=True).first()
    found = crawl(Client(), start=f"/places/c/{code.token}/")

    assert found.visited and found.server_errors == {} and found.dead_links == {}
    assert found.english == {}, _report(found.english)
    assert found.codes == {}, _report(found.codes)


def _heading(html: str) -> str:
    pieces, _links = read_page(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(0))
    return "".join(text for text, _code in pieces)


@pytest.mark.parametrize("username", ["admin", "village1", "doctor1", "checkpoint1", "supervisor"])
def test_each_menu_entry_names_its_page_in_the_same_words(demo, username):
    client = _client(username)
    user = User.objects.get(username=username)
    differ = {}
    for entry in navigation.entries_for(user)[1:]:  # after 首页, whose page greets the user
        html = client.get(entry["url"]).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        label = str(entry["label"])
        if label not in _heading(html) or label not in title:
            differ[label] = (_heading(html).strip(), title.strip())
    assert differ == {}


def test_every_action_the_demo_recorded_has_a_label(demo):
    actions = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert actions and {a for a in actions if not labels.is_known(a)} == set()
