"""The reconciliation's page, API and command: report by village with township counts, scope, run now."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.accounts.services import create_token
from fangkong.core.actors import SYSTEM
from fangkong.screening.models import ArrivalTask, TaskStatus
from fangkong.tracing.services import reconciliation
from tests import factories

from . import cases as h

HOUR = h.HOUR
URL = "/tracing/reconciliation/"
API = "/api/tracing/reconciliation"


@pytest.fixture
def arrivals(tree):
    """Three hidden arrivals (东岳村 ×2 by passage, 红旗村's township by check-in) and one on a ledger."""
    now = timezone.now()
    highway, market = h.checkpoint(factories.TOWN_A), h.place(factories.VILLAGE_B1)
    people = [h.person("王一"), h.person("王二"), h.person("王三"), h.person("王四")]
    h.passage(highway, people[0], now - 30 * HOUR, destination=factories.VILLAGE_A1)
    h.passage(highway, people[1], now - 30 * HOUR, destination=factories.GRID_A1)
    h.check_in(market, people[2], now - 30 * HOUR)
    h.passage(highway, people[3], now - 30 * HOUR, destination=factories.VILLAGE_A2)
    h.on_ledger(people[3], factories.VILLAGE_A2)
    return people


@pytest.fixture
def hq(tree):
    return factories.user("hq_f", Role.HQ_STAFF)


def test_page_lists_the_hidden_by_village_with_township_counts(arrivals, hq, login):
    reconciliation.reconcile(SYSTEM)
    page = login(hq).get(URL)
    html = page.content.decode()

    assert page.status_code == 200
    assert "王一" in html and "王二" in html and "王三" in html and "王四" not in html
    assert html.count('data-region="420921001201"') == 1 and 'data-region="420921002000"' in html
    assert "目的地不明" in html  # the check-in: the market's township
    assert 'data-township="420921001000"><td><a href="?township=420921001000">花园镇</a></td><td>2</td>' in html
    assert arrivals[0].id_number not in html and arrivals[0].masked_id in html
    assert "立即核对" in html


def test_a_row_put_on_a_ledger_since_is_marked(arrivals, hq, login):
    reconciliation.reconcile(SYSTEM)
    h.on_ledger(arrivals[0], factories.VILLAGE_A1)
    html = login(hq).get(URL).content.decode()
    assert html.count("已入台账，下次核对自动关闭") == 1


def test_run_now_opens_the_tasks_and_says_so(arrivals, login):
    town_a = factories.user("town_a", Role.TOWNSHIP_STAFF, factories.TOWN_A)
    response = login(town_a).post(reverse("tracing:reconciliation_run"), follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert "核对完成" in response.content.decode()
    # the township's own subtree only
    assert set(ArrivalTask.objects.values_list("region_id", flat=True)) == {factories.VILLAGE_A1}


@pytest.mark.parametrize("role", [Role.VILLAGE_WORKER, Role.VIEWER, Role.SUPERVISOR])
def test_run_now_is_for_managers(arrivals, login, role):
    user = factories.user("u", role, factories.VILLAGE_A1 if role == Role.VILLAGE_WORKER else factories.COUNTY)
    client = login(user)
    assert client.post(reverse("tracing:reconciliation_run")).status_code == 403
    assert "立即核对" not in client.get(URL).content.decode()
    assert not ArrivalTask.objects.exists()


def test_scope_of_the_report(arrivals, login):
    reconciliation.reconcile(SYSTEM)
    town_b = factories.user("town_b", Role.TOWNSHIP_STAFF, factories.TOWN_B)
    worker = factories.user("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    html_b = login(town_b).get(URL).content.decode()
    assert "王三" in html_b and "王一" not in html_b
    html_w = login(worker).get(URL).content.decode()
    assert "王一" in html_w and "王三" not in html_w
    # another township's filter: 404
    assert login(town_b).get(URL, {"township": factories.TOWN_A}).status_code == 404
    assert login(factories.user("cp", Role.CHECKPOINT_STAFF)).get(URL).status_code == 403
    assert login(town_b).get(URL).status_code == 200


def test_township_filter_and_paging(arrivals, hq, login):
    reconciliation.reconcile(SYSTEM)
    html = login(hq).get(URL, {"township": factories.TOWN_A}).content.decode()
    assert "王一" in html and "王三" not in html
    from fangkong.tracing.selectors import reconciliation as selectors
    first = selectors.report(hq, limit=2)
    assert [t.person.name for g in first.groups for t in g.tasks] == ["王一", "王二"] and first.next_after
    rest = selectors.report(hq, after=first.next_after, limit=2)
    assert [t.person.name for g in rest.groups for t in g.tasks] == ["王三"] and rest.next_after is None
    assert first.total == rest.total == 3


def test_report_queries_do_not_grow_with_rows(tree, hq):
    from fangkong.tracing.selectors import reconciliation as selectors
    highway, now = h.checkpoint(factories.TOWN_A), timezone.now()

    def add(n):
        for _ in range(n):
            h.passage(highway, h.person(), now - 30 * HOUR, destination=factories.VILLAGE_A1)
        reconciliation.reconcile(SYSTEM)

    add(2)
    with CaptureQueriesContext(connection) as few:
        selectors.report(hq)
    add(8)
    with CaptureQueriesContext(connection) as many:
        report = selectors.report(hq)
    assert report.total == 10 and len(few) == len(many)


def test_api_report_and_run(arrivals, hq, login):
    client = login(hq)
    run = client.post(f"{API}/run", data={"hours": 24}, content_type="application/json")
    assert run.status_code == 200 and run.json()["opened"] == 3 and run.json()["listed"] == 1

    body = client.get(API).json()
    assert body["total"] == 3 and {t["code"]: t["count"] for t in body["townships"]} == {
        factories.TOWN_A: 2, factories.TOWN_B: 1}
    groups = {g["region_code"]: g for g in body["groups"]}
    assert [t["name"] for t in groups[factories.VILLAGE_A1]["tasks"]] == ["王一", "王二"]
    assert groups[factories.TOWN_B]["destination_unknown"] is True
    assert groups[factories.TOWN_B]["tasks"][0]["via"] == "check_in"
    text = json.dumps(body, ensure_ascii=False)
    assert all(p.id_number not in text and p.phone not in text for p in arrivals)


def test_api_with_a_token_refuses_other_roles_and_bad_hours(arrivals, hq, client):
    worker = factories.user("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    as_worker = {"HTTP_AUTHORIZATION": f"Bearer {create_token(worker, worker, 't')}"}
    as_hq = {"HTTP_AUTHORIZATION": f"Bearer {create_token(hq, hq, 't')}"}
    assert client.post(f"{API}/run", content_type="application/json", **as_worker).status_code == 403
    bad = client.post(f"{API}/run", data={"hours": -3}, content_type="application/json", **as_hq)
    assert bad.status_code == 422 and "hours" in bad.json()["detail"]
    assert client.post(f"{API}/run", content_type="application/json", **as_hq).json()["opened"] == 3
    assert client.get(API, {"township": "420922001000"}, **as_hq).status_code == 404


def test_command_prints_a_json_summary(arrivals):
    out = io.StringIO()
    call_command("reconcile_arrivals", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["opened"], summary["unlisted"], summary["hours"]) == (3, 3, 24)

    out = io.StringIO()
    call_command("reconcile_arrivals", "--hours", "48", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["arrivals"] == 0
    assert ArrivalTask.objects.filter(status=TaskStatus.OPEN).count() == 3


def test_command_refuses_an_unknown_user_or_a_bad_role(arrivals):
    factories.user("viewer", Role.VIEWER)
    for name in ("nobody", "viewer"):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exc:
            call_command("reconcile_arrivals", "--user", name, stdout=out, stderr=err)
        assert exc.value.code == 1 and "error" in json.loads(out.getvalue().strip())
    assert not ArrivalTask.objects.exists()
