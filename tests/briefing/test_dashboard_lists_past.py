"""The dashboard of an earlier day: every figure links to the list of that day, holding exactly the items counted
then, though much has changed since (people released, orders ended, a checkpoint taken down, a place reopened,
transfers and tasks closed). The registers write through their services; what a service stamps with the present
moment (a transfer's or a task's opening, a check-in) is moved back to the day, and the day's counters rebuilt
from the rows, as `fangkong rollup rebuild` would.

Also: each day of the 14-day charts links to that day's list, and on the day itself a key person checked and
released on the same day does not hide another's missed check (漏查)."""

import datetime

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.briefing import dashboard
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.places.models import CheckIn, Place
from fangkong.places.selectors import check_ins as check_in_selectors
from fangkong.places.services import check_ins
from fangkong.places.services import places as place_services
from fangkong.quarantine import services as quarantine_services
from fangkong.quarantine.models import TransferRequest
from fangkong.screening.models import ArrivalTask
from fangkong.screening.services import arrival_tasks
from fangkong.tracing.services import reconciliation
from tests import factories as f
from tests.analytics import ledger
from tests.checkpoints.builders import ID_1, ID_2, WUHAN, passage, risk_area, valid_id
from tests.quarantine.helpers import key_person, local, start

from .test_dashboard_lists import _figures, _items

# the figures and alerts of an earlier day whose lists are compared (checkpoints_failing is today's only)
COMPARED = ["kp_under_management", "fevers_found", "passage_persons", "turned_back_persons", "passage_fevers",
            "transfers_open", "kp_new", "checks_missed", "q_under_home", "checkpoints_open", "places_closed",
            "places_missing_log", "arrival_tasks_open", "q_under_centralised", "unlisted_open", "fu_fevers"]


def _today():
    return timezone.localdate()


@pytest.fixture
def past(tree):
    """Three days ago (P), through the registers, and what changed after it.

    On P: 东岳村's ledger holds five returnees registered two days before (one checked, one with a fever, one
    checked and released that day, one with a fever and released that day, one not checked) and one registered
    on P (not checked); 花园镇's checkpoint, set up before P, registers a risk-area arrival with a fever bound
    for 桃园村 (a task), a local with a fever, one turned back; a home order and one at the county's hotel under
    way, the home one with a fever at its follow-up; two supermarkets, one closed on P, the other without a
    hygiene log; a visitor from the risk area scanned in there, on no ledger (the reconciliation's task).
    After P: the checked one released, the orders ended, the checkpoint taken down, the shop reopened, the
    transfers and tasks closed."""
    day = _today() - datetime.timedelta(days=3)
    before, after = day - datetime.timedelta(days=2), day + datetime.timedelta(days=1)
    worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    admin = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    kps = [ledger.key_person(worker, n, f.VILLAGE_A1, day=before) for n in range(1, 6)]
    newcomer = ledger.key_person(worker, 6, f.VILLAGE_A1, day=day)
    ledger.check(worker, kps[0], day=day)
    ledger.check(worker, kps[1], temperature="38.2", day=day)
    ledger.check(worker, kps[2], day=day)
    ledger.release(worker, kps[2], day=day)  # checked and released the same day
    ledger.check(worker, kps[3], temperature="38.6", day=day)
    ledger.release(worker, kps[3], status="transferred", day=day)  # a fever, sent on the same day
    ledger.release(worker, kps[0], day=after)
    risk_area("4201", "武汉市", days_back=30)
    cp = checkpoint_services.create_checkpoint(admin, name="花园高速出口", kind="highway_exit", region_code=f.TOWN_A,
                                               opened_on=before)
    staff = f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)
    noon = local(day, 12)
    passage(staff, cp, id_number=ID_2, temperature="38.5", outcome="fever_clinic", origin_code=WUHAN,
            destination=f.VILLAGE_A2, passed_at=noon)
    passage(staff, cp, id_number=ID_1, temperature="38.0", outcome="fever_clinic", destination=f.VILLAGE_B1,
            passed_at=noon)
    passage(staff, cp, id_number=valid_id("42092119900101003"), temperature="36.6", outcome="turned_back",
            passed_at=noon)
    checkpoint_services.close_checkpoint(admin, cp, day=after)
    doctor = f.user("doctor_a", Role.DOCTOR, f.TOWN_A)
    at_home = start(admin, key_person(arrival=before), cadre=worker, doctor=doctor, kind="home",
                    home_address="东岳村1组1号", start_at=local(before, 9))
    quarantine_services.record_follow_up(doctor, at_home, temperature="38.4", method="phone", at=local(day, 8))
    hotel = quarantine_services.create_site(admin, name="县宾馆", region_code=f.COUNTY, address="城关镇1号",
                                            rooms=[("305", 1)])
    at_hotel = start(admin, key_person(category="close_contact"), cadre=worker, doctor=doctor, kind="centralised",
                     room=hotel.rooms.get(), last_exposure=before, start_at=local(before, 10))
    for order in (at_home, at_hotel):
        quarantine_services.end_quarantine(admin, order, status="transferred_to_hospital", at=local(after, 9))
    shops = [place_services.create_place(admin, name=f"超市{n}", kind="supermarket", region_code=f.VILLAGE_A1)
             for n in (1, 2)]
    Place.objects.update(created_at=local(before, 8))
    token = place_services.code_for(admin, place=shops[1]).token
    place_services.close_place(admin, shops[0], reason="停业整顿", at=local(day, 9))
    place_services.reopen_place(admin, shops[0], at=local(after, 9))
    check_ins.check_in(check_in_selectors.active_code_by_token(token), phone="13912345678", name="王来访",
                       origin_code=WUHAN)
    CheckIn.objects.update(checked_in_at=local(day, 10))
    reconciliation.reconcile(admin, hours=0)
    # what the services stamped with the present moment happened on P; closed the day after
    TransferRequest.objects.update(opened_at=local(day, 13))
    ArrivalTask.objects.update(opened_at=local(day, 14))
    for task in ArrivalTask.objects.all():
        arrival_tasks.close_task(worker if task.region_id.startswith(f.VILLAGE_A1) else admin, task, note="已核实")
    ArrivalTask.objects.update(closed_at=local(after, 9))
    for transfer in TransferRequest.objects.exclude(status__in=["done", "cancelled"]):
        quarantine_services.close_transfer(admin, transfer, status="done")
    TransferRequest.objects.update(closed_at=local(after, 10))
    for n in range((_today() - before).days + 2):
        counters.rebuild(before - datetime.timedelta(days=1) + datetime.timedelta(days=n))
    assert newcomer.registered_on == day
    return day


@pytest.fixture
def hq(tree):
    return f.user("hq", Role.HQ_STAFF, f.COUNTY)


@pytest.mark.parametrize("key", COMPARED)
def test_the_list_behind_a_figure_of_an_earlier_day_holds_what_it_counted(past, hq, login, key):
    figure = _figures(dashboard.dashboard(hq, f.COUNTY, past))[key]
    assert figure.value > 0 and figure.url, (key, figure)
    page = login(hq).get(figure.url)
    assert page.status_code == 200, figure.url
    assert len(_items(page.context)) == figure.value, (key, figure.url)


def test_the_figures_of_the_earlier_day(past, hq):
    figures = _figures(dashboard.dashboard(hq, f.COUNTY, past))
    value = {key: figures[key].value for key in COMPARED}
    # under management at the end of P: three of the five returnees (two left that day), the newcomer, the two
    # isolated and the two the checkpoint put on the ledgers that day (three new). Not checked: a returnee, the
    # newcomer and the one at the hotel (the two who were checked and left that day hide no one). The fevers:
    # two at the daily check (one of whom left that day), two at the checkpoint, one at the home follow-up
    assert (value["kp_under_management"], value["kp_new"], value["checks_missed"], value["fevers_found"]) == (
        8, 3, 3, 5)
    assert (value["passage_persons"], value["passage_fevers"], value["turned_back_persons"]) == (3, 2, 1)
    assert (value["q_under_home"], value["q_under_centralised"], value["checkpoints_open"]) == (1, 1, 1)
    assert (value["places_closed"], value["places_missing_log"]) == (1, 1)


def test_each_day_of_the_new_key_persons_chart_links_that_days_list(past, hq, login):
    board = dashboard.dashboard(hq, f.COUNTY, past)
    trend = next(t for t in board.trends if t.id == "kp_new")
    assert len(trend.day_urls) == len(board.days) == dashboard.TREND_DAYS
    totals = [sum(values[i] for _label, values in trend.lines) for i in range(len(board.days))]
    assert sorted(set(totals)) == [0, 3, 5]  # the newcomer and the two from the checkpoint on P, five before
    client = login(hq)
    for day, total, link in zip(board.days, totals, trend.day_urls, strict=True):
        assert day.isoformat() in link
        assert len(_items(client.get(link).context)) == total, (day, link)


def test_every_chart_links_each_of_its_days(past, hq):
    board = dashboard.dashboard(hq, f.COUNTY, past)
    for trend in board.trends:
        assert [d.isoformat() in link for d, link in zip(board.days, trend.day_urls, strict=True)] == [True] * len(
            board.days), trend.id


def test_the_chart_page_links_each_days_bar(past, hq, login):
    html = login(hq).get("/reports/dashboard/", {"region": f.COUNTY, "date": past.isoformat()}).content.decode()
    board = dashboard.dashboard(hq, f.COUNTY, past)
    trend = next(t for t in board.trends if t.id == "kp_new")
    for link in trend.day_urls:
        assert f'href="{link.replace("&", "&amp;")}"' in html


def test_the_overdue_follow_ups_of_a_region_on_an_earlier_day(past, hq, login):
    """A past day's 逾期未随访 of a township: the slots due in the days before it and still open; its list
    holds those, not today's overdue ones (the slots of P and after, missed too, are not counted there)."""
    row = next(r for r in dashboard.dashboard(hq, f.COUNTY, past).regions if r.region.code == f.TOWN_A)
    assert row.overdue > 0
    page = login(hq).get(row.overdue_url)
    assert page.status_code == 200 and len(page.context["rows"]) == page.context["count"] == row.overdue
    assert len(login(hq).get("/quarantine/overdue/", {"region": f.TOWN_A}).context["rows"]) > row.overdue


def test_the_api_gives_each_days_link_too(past, hq, login):
    body = login(hq).get("/api/reports/dashboard", {"region": f.COUNTY, "date": past.isoformat()}).json()
    trend = next(t for t in body["trends"] if t["id"] == "kp_new")
    assert len(trend["day_urls"]) == len(body["days"])
    assert all(day in link for day, link in zip(body["days"], trend["day_urls"], strict=True))
