"""A county has thousands of accounts: the user list and /api/users come a keyset page at a time, every user
once, in region and username order, never past the viewer's subtree."""

import pytest
from django.http import Http404

from fangkong.accounts import selectors
from fangkong.accounts.models import Role, User
from tests import factories, pager


@pytest.fixture
def town_admin(tree):
    admin = factories.user("town_admin", Role.HQ_ADMIN, factories.TOWN_A)
    for n in range(7):
        factories.user(f"worker{n}", Role.VILLAGE_WORKER, factories.VILLAGE_A1 if n % 2 else factories.GRID_A1)
    factories.user("outsider", Role.VILLAGE_WORKER, factories.VILLAGE_B1)
    return admin


def _expected(admin) -> list[str]:
    return list(selectors.users_for(admin).values_list("username", flat=True))


def test_pages_cover_every_user_once_in_order(town_admin):
    seen = [u.username for u in pager.every_page(lambda after: selectors.users_page(town_admin, after=after, limit=3), 3)]
    assert seen == _expected(town_admin) and len(seen) == 8  # the admin and 7 workers
    assert "outsider" not in seen


def test_pages_keep_the_filters(town_admin):
    first = selectors.users_page(town_admin, role=Role.VILLAGE_WORKER, limit=4)
    rest = selectors.users_page(town_admin, role=Role.VILLAGE_WORKER, after=first[-1].pk, limit=4)
    assert [u.username for u in first + rest] == sorted(
        [f"worker{n}" for n in range(7)], key=lambda name: (User.objects.get(username=name).region_id, name))


def test_a_cursor_outside_the_subtree_is_not_found(town_admin):
    outsider = User.objects.get(username="outsider")
    with pytest.raises(Http404):
        selectors.users_page(town_admin, after=outsider.pk)


def test_the_page_links_to_the_next_until_the_last(town_admin, login, monkeypatch):
    monkeypatch.setattr(selectors, "USER_PAGE", 3)
    names, queries = pager.walk(login(town_admin), "/accounts/users/", "role=",
                                r'<a href="/accounts/users/\d+/">([^<]+)</a>')
    assert names == _expected(town_admin)
    assert len(queries) == 2 and all("role=" in q for q in queries)  # the filter is kept


def test_the_api_pages_with_after_and_limit(town_admin, login):
    client = login(town_admin)
    first = client.get("/api/users", {"limit": 5}).json()
    rest = client.get("/api/users", {"limit": 5, "after": first[-1]["id"]}).json()
    assert [u["username"] for u in first + rest] == _expected(town_admin)
    outsider = User.objects.get(username="outsider")
    assert client.get("/api/users", {"after": outsider.pk}).status_code == 404
