"""The headquarters dashboard: figures and change, trends, late and overdue regions, alerts, links, scope,
and a constant number of queries whatever the data size."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.briefing import dashboard
from fangkong.reports.models import DailyReport, ReportStatus
from tests import factories as f

from .known_county import BEFORE, DAY, add, hq, known_county

URL = "/reports/dashboard/"


def _tile(board, key):
    return next(t for t in board.tiles if t.key == key)


def test_key_figures_with_change_from_yesterday(tree):
    actor = hq()
    known_county(actor)
    board = dashboard.dashboard(actor, f.COUNTY, DAY)
    kp = _tile(board, "kp_under_management")
    assert (kp.value, kp.change) == (5, 4)  # 1 close contact yesterday, released today; 5 new today
    assert (_tile(board, "kp_new").value, _tile(board, "kp_new").change) == (5, 4)
    assert (_tile(board, "q_under_home").value, _tile(board, "q_under_home").change) == (4, 0)
    assert (_tile(board, "fevers_found").value, _tile(board, "fu_fevers").value) == (1, 1)


def test_trends_cover_fourteen_days(tree):
    actor = hq()
    add(f.VILLAGE_A1, "kp_new.returnee", 2, DAY - datetime.timedelta(days=13))
    add(f.VILLAGE_A1, "kp_new.returnee", 1, DAY)
    add(f.VILLAGE_A1, "kp_new.fever", 5, BEFORE)
    add(f.VILLAGE_A1, "kp_new.fever", 7, DAY - datetime.timedelta(days=14))  # outside the window
    add(f.VILLAGE_B1, "q_in.home", 3, DAY - datetime.timedelta(days=20))
    add(f.VILLAGE_B1, "q_out.home", 1, BEFORE)
    board = dashboard.dashboard(actor, f.COUNTY, DAY)
    assert len(board.days) == 14 and board.days[0] == DAY - datetime.timedelta(days=13) and board.days[-1] == DAY
    trends = {t.id: dict(t.lines) for t in board.trends}
    assert trends["kp_new"]["疫区返乡人员"] == [2] + [0] * 12 + [1]
    assert trends["kp_new"]["发热咳嗽人员"] == [0] * 12 + [5, 0]
    assert "密切接触者" not in trends["kp_new"]  # no new persons of that category in the window
    assert trends["isolation"]["居家隔离"] == [3] * 12 + [2, 2]
    assert trends["fevers"]["摸排发现"] == [0] * 14
    urls = {t.id: t.url for t in board.trends}
    assert urls["kp_new"] == f"/screening/?region={f.COUNTY}&registered={DAY}" and urls["isolation"].startswith("/quarantine/orders/")


def test_overdue_follow_ups_and_late_reports_by_region(tree):
    actor = hq()
    add(f.VILLAGE_A1, "fu_open", 2, BEFORE)
    add(f.VILLAGE_A1, "fu_open", 1, DAY - datetime.timedelta(days=5))
    add(f.VILLAGE_A1, "fu_open", 9, DAY)  # today's are not overdue yet
    DailyReport.objects.create(region_id=f.TOWN_B, day=DAY, status=ReportStatus.SUBMITTED, late=True)
    board = dashboard.dashboard(actor, f.COUNTY, DAY)
    rows = {r.region.code: r for r in board.regions}
    assert rows[f.TOWN_A].overdue == 3
    assert rows[f.TOWN_B].late >= 1
    assert f.TOWN_B in [r.region.code for r in board.late]


def test_alerts_only_when_there_is_something_open(tree):
    actor = hq()
    assert dashboard.dashboard(actor, f.COUNTY, DAY).alerts == []
    add(f.VILLAGE_A1, "tr_opened", 2, BEFORE)
    add(f.VILLAGE_A1, "fu_fever", 1)
    add(f.VILLAGE_A1, "task_opened.unlisted", 3, BEFORE)
    alerts = {a.key: a for a in dashboard.dashboard(actor, f.COUNTY, DAY).alerts}
    assert (alerts["transfers_open"].value, alerts["fu_fevers"].value, alerts["unlisted_open"].value) == (2, 1, 3)
    assert alerts["transfers_open"].url == f"/quarantine/transfers/?region={f.COUNTY}&open_on={DAY}"


def test_every_figure_links_to_the_list_behind_it(tree):
    board = dashboard.dashboard(hq(), f.COUNTY, DAY)
    links = {t.key: t.url for t in board.tiles}
    assert links["kp_under_management"] == f"/screening/?region={f.COUNTY}&under={DAY}"
    assert links["kp_new"] == f"/screening/?region={f.COUNTY}&registered={DAY}"
    assert links["q_under_home"].startswith("/quarantine/orders/?region=")
    assert links["fevers_found"] == f"/screening/today/?region={f.COUNTY}&day=2020-02-03&fever=1"
    assert all(links.values())
    assert dashboard.link_for("kp_new_close_contact", f.TOWN_A, DAY) == \
        f"/screening/?region={f.TOWN_A}&category=close_contact&registered={DAY}"
    assert dashboard.link_for("fu_open", f.TOWN_A, DAY) == f"/quarantine/overdue/?region={f.TOWN_A}"
    assert dashboard.url("no_such:page", region="x") == ""


def _many(villages: int, per_village: int) -> None:
    """Data of any size: counters on every day of the window in many regions."""
    for v in range(1, villages + 1):
        code = f"420921001{200 + v:03d}"
        f.region(code)
        for d in range(15):
            day = DAY - datetime.timedelta(days=d)
            add(code, "kp_new.returnee", per_village, day)
            add(code, "kp_in.returnee", per_village, day)
            add(code, "q_in.home", per_village, day)
            add(code, "fu_open", 1, day)


def _queries(user, code) -> int:
    with CaptureQueriesContext(connection) as ctx:
        dashboard.dashboard(user, code, DAY)
    return len(ctx.captured_queries)


def test_constant_number_of_queries_whatever_the_data_size(tree):
    actor = hq()
    _many(2, 1)
    small = _queries(actor, f.COUNTY), _queries(actor, f.TOWN_A)
    _many(12, 50)
    large = _queries(actor, f.COUNTY), _queries(actor, f.TOWN_A)
    assert small == large
    assert large[0] <= 8


def test_page_shows_figures_charts_and_links(tree, login):
    actor = hq()
    known_county(actor)
    add(f.VILLAGE_A1, "fu_open", 2, BEFORE)
    response = login(actor).get(URL, {"region": f.COUNTY, "date": DAY.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    tile = re.search(r'<li data-figure="kp_under_management">.*?</li>', html, re.S).group(0)
    assert f'href="/screening/?region={f.COUNTY}&amp;under={DAY}"' in tile
    assert '<span class="value">5</span>' in tile and "↑4" in tile
    assert html.count('<svg class="chart"') >= 3 and "<script" not in html.split("<main>")[1]
    assert 'data-trend="kp_new"' in html and "新增重点人员（按类别）" in html
    row = re.search(rf'<tr data-region="{f.TOWN_A}">.*?</tr>', html, re.S).group(0)
    # a past day: the slots due in the 14 days before it and still open
    assert f'href="/quarantine/overdue/?region={f.TOWN_A}&amp;due_from=2020-01-20&amp;due_to=2020-02-02">2</a>' in row
    assert 'href="/reports/brief/?region=' in html  # headquarters may write the brief


def test_a_township_sees_its_own_scope_only(tree, login):
    town = f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A)
    add(f.VILLAGE_A1, "households_visited", 2)
    client = login(town)
    response = client.get(URL, {"date": DAY.isoformat()})
    assert response.status_code == 200 and response.context["board"].region.code == f.TOWN_A
    assert "/reports/brief/" not in response.content.decode()  # not headquarters
    assert client.get(URL, {"region": f.TOWN_B}).status_code == 404
    assert client.get(URL, {"region": f.COUNTY}).status_code == 404


def test_anonymous_is_sent_to_log_in(tree, client):
    assert client.get(URL).status_code == 302


def test_checkpoint_figures_and_failing_five_haves(tree):
    from django.utils import timezone

    from fangkong.checkpoints.models import Checkpoint
    today = timezone.localdate()
    add(f.VILLAGE_A1, "task_opened.arrival", 2, today)
    Checkpoint.objects.create(name="京港澳高速孝昌出口", kind=Checkpoint._meta.get_field("kind").choices[0][0],
                              region_id=f.VILLAGE_A1, five_haves_ok=False)
    Checkpoint.objects.create(name="花园站", kind=Checkpoint._meta.get_field("kind").choices[0][0],
                              region_id=f.VILLAGE_B1, five_haves_ok=True)
    alerts = {a.key: a for a in dashboard.dashboard(hq(), f.COUNTY, today).alerts}
    assert alerts["checkpoints_failing"].value == 1 and alerts["checkpoints_failing"].url == \
        f"/checkpoints/five-haves/failing/?region={f.COUNTY}"
    assert alerts["arrival_tasks_open"].url == f"/screening/tasks/?region={f.COUNTY}&kind=arrival&open_on={today}"
    assert dashboard.dashboard(hq("hq_b", region=f.TOWN_B), f.TOWN_B, today).alerts == []
    assert dashboard.link_for("passage_persons", f.COUNTY, DAY) == f"/checkpoints/passages/?region={f.COUNTY}&date={DAY}"
    assert dashboard.link_for("places_closed", f.COUNTY, DAY) == f"/places/?region={f.COUNTY}&closed_on={DAY}"


def test_a_role_that_does_not_read_the_chain_still_sees_the_figures(tree, login):
    doctor = f.user("doctor", Role.DOCTOR, f.TOWN_A)
    add(f.VILLAGE_A1, "kp_new.returnee", 2)
    response = login(doctor).get(URL, {"date": DAY.isoformat()})
    assert response.status_code == 200
    board = response.context["board"]
    assert board.chain is None and [t.value for t in board.tiles if t.key == "kp_new"] == [2]
