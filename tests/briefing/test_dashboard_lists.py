"""Every figure on the dashboard links to a list holding exactly the items it counts: for each figure and alert
written here through the registers, the link is followed and its list counted."""

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.briefing import dashboard
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.places.selectors import check_ins as check_in_selectors
from fangkong.places.services import check_ins
from fangkong.places.services import places as place_services
from fangkong.quarantine import services as quarantine_services
from fangkong.tracing.services import reconciliation
from tests import factories as f
from tests.analytics import ledger
from tests.checkpoints.builders import ID_1, ID_2, WUHAN, checkpoint, passage, risk_area, valid_id
from tests.quarantine.helpers import days_ago, key_person, start

# the figures and alerts whose lists are compared here
COMPARED = ["kp_under_management", "fevers_found", "passage_persons", "turned_back_persons", "passage_fevers",
            "transfers_open", "kp_new", "checks_missed", "q_under_home", "checkpoints_open", "places_closed",
            "places_missing_log", "arrival_tasks_open", "q_under_centralised", "checkpoints_failing",
            "unlisted_open", "fu_fevers"]


@pytest.fixture
def county(tree):
    """Today, through the registers: two returnees on 东岳村's ledger, one checked with a fever (and a third checked
    and released); at 花园镇's
    checkpoint a feverish local bound for 红旗村 (on its ledger as a fever person, a transfer), a risk-area
    arrival with a fever, one turned back and one passing."""
    day = timezone.localdate()
    worker = f.user("worker_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    a1 = [ledger.key_person(worker, n, f.VILLAGE_A1, day=day) for n in (1, 2, 3)]
    ledger.check(worker, a1[0], temperature="38.2", day=day)
    ledger.check(worker, a1[1], day=day)
    ledger.check(worker, a1[2], day=day)
    ledger.release(worker, a1[2], day=day)  # checked and released the same day: no check of anyone still listed
    risk_area("4201", "武汉市")
    admin = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY)
    cp = checkpoint(admin)
    staff = f.user("kadian_a", Role.CHECKPOINT_STAFF, f.TOWN_A)
    passage(staff, cp, id_number=ID_1, temperature="38.0", outcome="fever_clinic", destination=f.VILLAGE_B1)
    passage(staff, cp, id_number=ID_2, temperature="38.5", outcome="fever_clinic", origin_code=WUHAN,
            destination=f.VILLAGE_A2)
    passage(staff, cp, id_number=valid_id("42092119900101003"), temperature="36.6", outcome="turned_back")
    passage(staff, cp, id_number=valid_id("42092119900101004"), temperature="36.4")
    # a returnee at home under isolation; two supermarkets, one closed, the other without today's hygiene log
    doctor = f.user("doctor_a", Role.DOCTOR, f.TOWN_A)
    at_home = start(admin, cadre=worker, doctor=doctor, kind="home", home_address="东岳村1组1号")
    quarantine_services.record_follow_up(doctor, at_home, temperature="38.4", method="phone")
    # a close contact at the county's hotel; the checkpoint found without a thermometer
    hotel = quarantine_services.create_site(admin, name="县宾馆", region_code=f.COUNTY, address="城关镇1号",
                                            rooms=[("305", 1)])
    start(admin, key_person(category="close_contact"), cadre=worker, doctor=doctor, kind="centralised",
          room=hotel.rooms.get(), last_exposure=days_ago(2))
    checkpoint_services.record_inspection(admin, cp, barrier=True, staff_on_duty=True, register=True,
                                          thermometer=False, disinfection=True)
    shop = [place_services.create_place(admin, name=f"超市{n}", kind="supermarket", region_code=f.VILLAGE_A1)
            for n in (1, 2)]
    place_services.close_place(admin, shop[0], reason="停业整顿")
    # a visitor from the risk area scanned in at the open one, on no ledger: the reconciliation's task
    check_ins.check_in(check_in_selectors.active_code_by_token(place_services.code_for(admin, place=shop[1]).token),
                       phone="13912345678", name="王来访", origin_code=WUHAN)
    reconciliation.reconcile(admin, hours=0)
    return day


def _figures(board) -> dict:
    return {t.key: t for t in [*board.tiles, *board.alerts]}


@pytest.mark.parametrize("key", COMPARED)
def test_the_list_behind_a_figure_holds_what_it_counts(county, login, key):
    user = f.user("hq", Role.HQ_STAFF, f.COUNTY)
    figure = _figures(dashboard.dashboard(user, f.COUNTY, county))[key]
    assert figure.value > 0 and figure.url
    page = login(user).get(figure.url)
    assert page.status_code == 200
    assert len(_items(page.context)) == figure.value, (key, figure.url)


def _items(context) -> list:
    """The rows a list page shows: `items`, the places list's `places`, the compliance page's `c.places`."""
    for name in ("items", "places"):
        if name in context:
            return context[name]
    return context["c"].places


def test_the_figures_here_are_the_registers_own(county):
    figures = _figures(dashboard.dashboard(f.user("hq", Role.HQ_STAFF, f.COUNTY), f.COUNTY, county))
    # a fever at the daily check, two at the checkpoint and one at an isolation follow-up: four fevers on the
    # ledgers, four transfers
    assert (figures["fevers_found"].value, figures["passage_fevers"].value, figures["transfers_open"].value,
            figures["fu_fevers"].value) == (4, 2, 4, 1)
    assert (figures["passage_persons"].value, figures["turned_back_persons"].value) == (4, 1)
