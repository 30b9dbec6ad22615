import datetime
import re

from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from tests import factories as f
from tests.audit.xlsx import sheet_rows

from .counts import BEFORE, DAY, add

URL = "/rollup/"


def _row_html(html: str, code: str) -> str:
    return re.search(rf'<tr[^>]*data-region="{code}".*?</tr>', html, re.S).group(0)


def test_township_page_lists_villages_with_totals_and_change(tree, login):
    user = f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A)
    add(f.VILLAGE_A1, "households_visited", 12)
    add(f.VILLAGE_A1, "households_visited", 3, BEFORE)
    add(f.VILLAGE_A2, "checks_done", 1)
    add(f.VILLAGE_A2, "checks_done", 4, BEFORE)
    response = login(user).get(URL, {"date": DAY.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "花园镇每日一报" in html
    village = _row_html(html, f.VILLAGE_A1)
    assert f'href="?region={f.VILLAGE_A1}&amp;date=2020-02-03"' in village  # drill-down keeps the day
    assert "东岳村" in village and ">12<" in village and "↑9" in village
    assert "↓3" in _row_html(html, f.VILLAGE_A2)
    total = _row_html(html, f.TOWN_A)
    assert "合计" in total and "↑9" in total
    assert "丰山镇" not in html  # the other township


def test_default_is_the_users_scope_and_today(tree, login):
    user = f.user("village", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    add(f.GRID_A1, "fevers_found", 2, timezone.localdate())
    html = login(user).get(URL).content.decode()
    assert "东岳村每日一报" in html
    assert "东岳村第1网格" in _row_html(html, f.GRID_A1)
    assert f'value="{timezone.localdate().isoformat()}"' in html


def test_bad_date_is_explained_and_today_shown(tree, login):
    user = f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A)
    response = login(user).get(URL, {"date": "2020-02-31"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert response.context["table"].day == timezone.localdate()


def test_a_township_cannot_open_another_townships_table(tree, login):
    client = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    assert client.get(URL, {"region": f.TOWN_B}).status_code == 404
    assert client.get(URL, {"region": f.VILLAGE_B1}).status_code == 404
    assert client.get(URL, {"region": f.COUNTY}).status_code == 404
    assert client.get(URL + "daily.xlsx", {"region": f.TOWN_B}).status_code == 404


def test_login_required(tree, client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_county_breadcrumb_and_menu(tree, login):
    client = login(f.user("hq", Role.HQ_STAFF, f.COUNTY))
    html = client.get(URL, {"region": f.VILLAGE_A1, "date": DAY.isoformat()}).content.decode()
    assert '<a href="?region=420921000000&amp;date=2020-02-03">孝昌县</a> › ' in html
    assert '<a href="?region=420921001000&amp;date=2020-02-03">花园镇</a> › ' in html
    assert 'data-nav="analytics:daily"' in html


def test_xlsx_download_is_the_same_table_and_audited(tree, login):
    user = f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A, display_name="王镇长")
    add(f.VILLAGE_A1, "households_visited", 12)
    add(f.VILLAGE_A2, "households_visited", 1, BEFORE)
    response = login(user).get(URL + "daily.xlsx", {"region": f.TOWN_A, "date": DAY.isoformat()})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="daily-report-{f.TOWN_A}-2020-02-03.xlsx"'
    rows = sheet_rows(response.content)
    assert rows[0][0] == "花园镇每日一报（2020-02-03）"
    assert "王镇长（town）" in rows[1][0]
    assert rows[2][:4] == ["区划代码", "区划名称", "走访户数", "重点人员合计·今日新增"]
    assert [r[:3] for r in rows[3:]] == [[f.TOWN_A, "花园镇合计", 12], [f.VILLAGE_A1, "东岳村", 12],
                                         [f.VILLAGE_A2, "桃园村", 0]]
    previous = sheet_rows(response.content, 1)
    assert previous[0][0] == "花园镇每日一报（2020-02-02）"
    assert [r[2] for r in previous[3:]] == [1, 0, 1]
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.object_type, entry.region_id, entry.source) == (user, "daily_report", f.TOWN_A, "page")
    assert entry.after == {"rows": 6, "filters": {"region": f.TOWN_A, "date": "2020-02-03"}}


def test_next_and_previous_day_links(tree, login):
    client = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    html = client.get(URL, {"region": f.TOWN_A, "date": DAY.isoformat()}).content.decode()
    after = (DAY + datetime.timedelta(days=1)).isoformat()
    assert f'href="?region={f.TOWN_A}&amp;date={BEFORE.isoformat()}" rel="prev"' in html
    assert f'href="?region={f.TOWN_A}&amp;date={after}" rel="next"' in html
