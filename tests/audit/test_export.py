"""The audit export: an xlsx that names its exporter and time, and is itself logged."""

import datetime
import re

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from tests import factories
from tests.audit.xlsx import data_rows, sheet_rows


@pytest.fixture
def boss(tree):
    return factories.user("boss", Role.HQ_ADMIN, factories.TOWN_A, display_name="花园镇管理员")


def _entry(actor, label: str, action: str = "test.write", region: str = factories.VILLAGE_A1) -> AuditEntry:
    return audit.record(actor, action, object_type="thing", object_id=label, object_repr=label, region=region,
                        before={"name": "旧"}, after={"name": "新"})


def test_export_names_the_exporter_and_the_time(boss, login):
    _entry(boss, "e-1")

    response = login(boss).get("/audit/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="audit-\d{8}\.xlsx"', response["Content-Disposition"])
    rows = sheet_rows(response.content)
    assert rows[0][0] == "审计日志"
    stamp = re.fullmatch(r"导出人：花园镇管理员（boss）\s+导出时间：(.+)", rows[1][0])
    assert stamp, rows[1][0]
    made = datetime.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S")
    assert abs(timezone.localtime().replace(tzinfo=None) - made) < datetime.timedelta(minutes=1)
    assert rows[2][:3] == ["时间", "操作人", "操作"]
    assert rows[2][-1] == "登录名"


def test_export_rows_carry_the_entries(boss, login):
    entry = _entry(boss, "e-1")

    row = data_rows(login(boss).get("/audit/export.xlsx").content)[0]

    assert row[0] == timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    # names and labels as the page shows them; the region's code and the login name in columns of their own
    assert row[1:9] == ["花园镇管理员", "test.write", "thing", "e-1", "e-1", "东岳村", factories.VILLAGE_A1, "系统"]
    assert (row[9], row[10], row[11]) == ("名称：旧", "名称：新", "boss")


def test_export_reads_before_and_after_in_words_and_local_time(boss, login):
    at = datetime.datetime(2020, 2, 1, 2, 30, tzinfo=datetime.UTC)
    audit.record(boss, "user.lock", boss, region=factories.TOWN_A, before={"is_active": True, "locked_at": None},
                 after={"is_active": False, "locked_at": at})

    row = data_rows(login(boss).get("/audit/export.xlsx").content)[0]

    assert row[2:4] == ["锁定用户", "用户"]
    assert row[9] == "有效：是\n锁定时间：空"
    assert row[10] == "有效：否\n锁定时间：2020-02-01 10:30"


def test_export_is_itself_logged(boss, login):
    _entry(boss, "e-1")
    _entry(boss, "e-2", action="other.write")

    login(boss).get("/audit/export.xlsx", {"action": "test"})

    export = AuditEntry.objects.get(action="export")
    assert (export.actor_name, export.object_type, export.source, export.region_id) == (
        "boss", "audit", "page", factories.TOWN_A)
    assert export.after == {"rows": 1, "filters": {"action": "test"}}


def test_export_follows_the_filters_and_the_scope(boss, login):
    _entry(boss, "e-a1", region=factories.VILLAGE_A1)
    _entry(boss, "e-a2", region=factories.VILLAGE_A2)
    _entry(boss, "e-b1", region=factories.VILLAGE_B1)

    client = login(boss)
    everything = {row[4] for row in data_rows(client.get("/audit/export.xlsx").content)}
    one_village = {row[4] for row in data_rows(client.get("/audit/export.xlsx",
                                                          {"region": factories.VILLAGE_A2}).content)}

    assert everything == {"e-a1", "e-a2"}
    assert one_village == {"e-a2"}


def test_export_with_a_bad_filter_goes_back_to_the_list(boss, login):
    response = login(boss).get("/audit/export.xlsx", {"region": "abc"}, follow=True)
    assert response.redirect_chain == [("/audit/?region=abc", 302)]
    assert "区划代码必须是12位数字" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_link_carries_the_current_filters(boss, login):
    html = login(boss).get("/audit/", {"action": "user", "source": "api"}).content.decode()
    assert 'href="/audit/export.xlsx?action=user&amp;source=api"' in html


def test_an_export_past_the_limit_is_refused_with_a_message_not_cut_short(boss, login, monkeypatch):
    from fangkong.audit import views
    monkeypatch.setattr(views, "EXPORT_LIMIT", 3)
    for n in range(4):
        _entry(boss, f"e-{n}")
    response = login(boss).get("/audit/export.xlsx", {"action": "test.write"}, follow=True)
    assert response.redirect_chain == [("/audit/?action=test.write", 302)]
    assert "符合条件的记录超过 3 条，无法一次导出" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()
    AuditEntry.objects.filter(object_id="e-0").delete()
    exported = login(boss).get("/audit/export.xlsx", {"action": "test.write"})
    assert exported.status_code == 200 and len(data_rows(exported.content)) == 3
