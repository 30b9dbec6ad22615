"""Villages run their own sweeps: the sweep list and /api/screening/sweeps come a keyset page at a time,
newest first, every sweep once, never another township's."""

import pytest
from django.http import Http404

from fangkong.core import paging
from fangkong.screening import selectors
from tests import factories, pager

from .helpers import days_ago, sweep


@pytest.fixture
def sweeps(hq):
    # several on one start date, so the page boundary falls inside a date
    made = [sweep(hq, factories.VILLAGE_A1, start=days_ago(n // 2), name=f"第{n}轮") for n in range(7)]
    sweep(hq, factories.VILLAGE_B1, name="别镇的摸排")
    return made


def _all_in_order(user) -> list[str]:
    return [s.name for s in selectors.sweeps_for(user).order_by("-start_date", "-pk")]


def test_pages_cover_every_sweep_once_newest_first(town, sweeps):
    seen = [s.name for s in pager.every_page(lambda after: selectors.sweep_page(town, after=after, limit=3), 3)]
    assert seen == _all_in_order(town) and len(seen) == 7
    assert "别镇的摸排" not in seen


def test_a_cursor_the_user_cannot_see_is_not_found(town, hq, sweeps):
    other = selectors.sweep_page(hq, limit=200)
    hidden = next(s for s in other if s.name == "别镇的摸排")
    with pytest.raises(Http404):
        selectors.sweep_page(town, after=hidden.pk)


def test_the_page_links_to_the_next_until_the_last(town, sweeps, login, monkeypatch):
    monkeypatch.setattr(paging, "PAGE_SIZE", 3)
    names, queries = pager.walk(login(town), "/screening/sweeps/", "", r'<a href="/screening/sweeps/\d+/">([^<]+)</a>')
    assert names == _all_in_order(town) and len(queries) == 2


def test_the_api_pages_with_after_and_limit(town, sweeps, login):
    client = login(town)
    first = client.get("/api/screening/sweeps", {"limit": 5}).json()
    rest = client.get("/api/screening/sweeps", {"limit": 5, "after": first[-1]["id"]}).json()
    assert [s["name"] for s in first + rest] == _all_in_order(town)
