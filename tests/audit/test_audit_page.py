"""The audit page: filters and keyset pagination, within the admin's subtree."""

import datetime
import re

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM
from tests import factories


@pytest.fixture
def boss(tree):
    return factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)


def _entry(actor, label: str, *, action="test.write", region=factories.VILLAGE_A1, source="page",
           at: datetime.datetime | None = None) -> AuditEntry:
    with audit.source(source):
        entry = audit.record(actor, action, object_type="thing", object_id=label, object_repr=label, region=region)
    if at is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def _labels(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<span class="muted">(e-[\w-]+)</span>', response.content.decode())


def test_lists_newest_first(boss, login):
    for n in range(3):
        _entry(boss, f"e-{n}")
    assert _labels(login(boss).get("/audit/")) == ["e-2", "e-1", "e-0"]


def test_filters_by_action_prefix(boss, login):
    _entry(boss, "e-user", action="user.create")
    _entry(boss, "e-region", action="region.rename")
    assert _labels(login(boss).get("/audit/", {"action": "user"})) == ["e-user"]


def test_filters_by_actor(boss, login):
    other = factories.user("other", Role.HQ_ADMIN, factories.COUNTY)
    _entry(boss, "e-boss")
    _entry(other, "e-other")
    assert _labels(login(boss).get("/audit/", {"actor": "other"})) == ["e-other"]


def test_filters_by_source(boss, login):
    _entry(boss, "e-page", source="page")
    _entry(boss, "e-api", source="api")
    _entry(boss, "e-cli", source="cli")
    assert _labels(login(boss).get("/audit/", {"source": "api"})) == ["e-api"]


def test_filters_by_region_subtree(boss, login):
    _entry(boss, "e-a1", region=factories.VILLAGE_A1)
    _entry(boss, "e-grid", region=factories.GRID_A1)
    _entry(boss, "e-a2", region=factories.VILLAGE_A2)
    _entry(boss, "e-b1", region=factories.VILLAGE_B1)
    client = login(boss)
    assert _labels(client.get("/audit/", {"region": factories.VILLAGE_A1})) == ["e-grid", "e-a1"]
    assert _labels(client.get("/audit/", {"region": factories.TOWN_A})) == ["e-a2", "e-grid", "e-a1"]


@pytest.mark.parametrize("bad", ["abc", "4209", "420921001201000", "４２０９２１００１２０１"])
def test_malformed_region_filter_is_an_error_not_a_crash(boss, login, bad):
    _entry(boss, "e-a1")
    response = login(boss).get("/audit/", {"region": bad})
    assert _labels(response) == []
    assert "区划代码" in response.content.decode()


def test_filters_by_dates_in_local_time(boss, login):
    tz = timezone.get_current_timezone()
    _entry(boss, "e-jan22", at=datetime.datetime(2020, 1, 22, 23, 30, tzinfo=tz))
    # 00:30 in Beijing is still 23 January in UTC's previous day: the filter must use local dates
    _entry(boss, "e-jan23", at=datetime.datetime(2020, 1, 23, 0, 30, tzinfo=tz))
    _entry(boss, "e-jan24", at=datetime.datetime(2020, 1, 24, 12, 0, tzinfo=tz))
    client = login(boss)

    assert _labels(client.get("/audit/", {"date_from": "2020-01-23"})) == ["e-jan24", "e-jan23"]
    assert _labels(client.get("/audit/", {"date_to": "2020-01-23"})) == ["e-jan23", "e-jan22"]
    assert _labels(client.get("/audit/", {"date_from": "2020-01-23", "date_to": "2020-01-23"})) == ["e-jan23"]


def test_unreadable_date_is_reported(boss, login):
    _entry(boss, "e-a1")
    response = login(boss).get("/audit/", {"date_from": "23/01/2020"})
    assert _labels(response) == []
    assert "日期格式错误：23/01/2020" in response.content.decode()


def test_keyset_pages_with_after(boss, login):
    for n in range(120):
        _entry(boss, f"e-{n:03d}", action="test.write" if n % 2 == 0 else "other.write")
    _entry(boss, "e-x", action="other.write")
    client = login(boss)

    first = client.get("/audit/", {"action": "test"})
    html = first.content.decode()
    next_link = re.search(r'href="\?([^"]+)"', html.split('class="pager"')[1]).group(1).replace("&amp;", "&")
    second = client.get(f"/audit/?{next_link}")

    assert _labels(first) == [f"e-{n:03d}" for n in range(118, 18, -2)]
    assert "action=test" in next_link  # the filters travel with the page link
    assert _labels(second) == [f"e-{n:03d}" for n in range(18, -1, -2)]
    assert 'class="pager"' not in second.content.decode()


def test_after_reads_only_older_entries(boss, login):
    entries = [_entry(boss, f"e-{n}") for n in range(3)]
    assert _labels(login(boss).get("/audit/", {"after": entries[2].pk})) == ["e-1", "e-0"]


def test_township_admin_does_not_see_region_less_entries(tree, login):
    county_admin = factories.user("county", Role.HQ_ADMIN, factories.COUNTY)
    town_admin = factories.user("town", Role.HQ_ADMIN, factories.TOWN_A)
    _entry(SYSTEM, "e-import", region=None)
    _entry(SYSTEM, "e-a1")
    assert _labels(login(town_admin).get("/audit/")) == ["e-a1"]
    # the county in the test tree has its province above it: county admins see only their subtree
    assert "e-import" not in _labels(login(county_admin).get("/audit/"))


def test_audit_menu_only_for_admins(tree, login):
    admin = login(factories.user("a", Role.HQ_ADMIN, factories.TOWN_A)).get("/").content.decode()
    staff = login(factories.user("s", Role.HQ_STAFF, factories.COUNTY)).get("/").content.decode()
    assert 'data-nav="audit:list"' in admin
    assert 'data-nav="audit:list"' not in staff


def test_a_payload_key_named_like_a_reverse_relation_reads_as_a_value(boss, login):
    # "closures" is also the name of Place's reverse relation to its closure orders: not a field of the place
    audit.record(boss, "place.update", object_type="place", object_id="1", object_repr="东岳农贸市场",
                 region=factories.VILLAGE_A1, before={"closures": 1}, after={"closures": 2})
    response = login(boss).get("/audit/")
    assert response.status_code == 200 and "东岳农贸市场" in response.content.decode()
