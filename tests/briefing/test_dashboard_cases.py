"""The dashboard's first section, the epidemic situation (疫情情况): new, cumulative and existing cases by
classification and severity, discharges and deaths, contacts traced, under observation and released, each
figure linking to the list that holds exactly the cases, contacts or ledger entries it counts."""

import pytest
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.briefing import dashboard
from fangkong.tracing.selectors import counted
from tests import factories as f

from . import case_county


@pytest.fixture
def county(tree):
    today = case_county.outbreak_county()
    assert counters.differences(today) == {}
    return today


def _case_figures(board) -> dict:
    return {t.key: t for group in board.cases for t in group.tiles}


def test_the_situation_comes_first_with_every_figure_of_cases_and_contacts(county, login):
    user = f.user("hq", Role.HQ_STAFF, f.COUNTY)
    board = dashboard.dashboard(user, f.COUNTY, county)
    assert [g.id for g in board.cases] == ["confirmed", "suspected", "asymptomatic", "outcomes", "contacts"]
    values = {key: t.value for key, t in _case_figures(board).items()}
    assert values == case_county.TODAY
    page = login(user).get(reverse("briefing:dashboard"), {"region": f.COUNTY, "date": county.isoformat()})
    html = page.content.decode()
    assert html.index('id="cases"') < html.index('id="key-figures"')
    assert 'data-figure="cases_new_confirmed"' in html
    body = login(user).get("/api/reports/dashboard", {"region": f.COUNTY, "date": county.isoformat()}).json()
    assert body["cases"][0]["figures"][0] == {**body["cases"][0]["figures"][0], "key": "cases_new_confirmed",
                                              "value": 2}


@pytest.mark.parametrize("offset", [0, 1])
@pytest.mark.parametrize("region", [f.COUNTY, f.TOWN_A])
def test_the_list_behind_each_figure_holds_what_it_counts(county, login, offset, region):
    user = f.user("hq", Role.HQ_STAFF, f.COUNTY)
    client = login(user)
    figures = _case_figures(dashboard.dashboard(user, region, case_county.day(offset)))
    assert len(figures) == 22
    for key, figure in figures.items():
        assert figure.url.startswith(reverse("tracing:counted")), key
        page = client.get(figure.url)
        assert page.status_code == 200, key
        assert len(page.context["items"]) == figure.value, (key, region, offset, figure.value)


def test_the_lists_behind_the_figures_are_for_those_who_read_cases(county, login):
    board = dashboard.dashboard(f.user("hq", Role.HQ_STAFF, f.COUNTY), f.COUNTY, county)
    url = _case_figures(board)["cases_new_confirmed"].url
    worker = f.user("worker_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    assert login(worker).get(url).status_code == 403
    town_b = f.user("town_b_hq", Role.HQ_STAFF, f.TOWN_B)
    assert login(town_b).get(url).status_code == 404  # the county is outside a township's scope
    assert login(town_b).get(url.replace(f.COUNTY, f.TOWN_B)).context["items"][0].region_id == f.VILLAGE_B1
    assert login(town_b).get(reverse("tracing:counted"), {"figure": "kp_new", "region": f.TOWN_B}).status_code == 404


def test_every_figure_of_the_epidemic_has_its_list(county, login):
    """Those the dashboard leaves out too (excluded, late reports, asymptomatic turned confirmed): the list of each
    registered figure of tracing.rollup holds what the roll-up counts."""
    user = f.user("hq", Role.HQ_STAFF, f.COUNTY)
    s = dashboard.series(user, f.COUNTY, county, days=1)
    keys = [figure.key for figure in s.figures if figure.key.startswith(("cases_", "contacts_"))]
    assert set(keys) == set(counted.figures()) and len(keys) >= 26
    for key in keys:
        found = counted.counted(user, key, f.COUNTY, county)
        assert len(found.items) == s.at(key), key
    assert len(counted.counted(user, "cases_asymptomatic_to_confirmed", f.COUNTY, county).items) == 1


def test_whoever_does_not_read_cases_sees_the_figures_without_their_lists(county, login):
    township = f.user("town_a_staff", Role.TOWNSHIP_STAFF, f.TOWN_A)
    board = dashboard.dashboard(township, f.TOWN_A, county)
    figures = _case_figures(board)
    assert figures["cases_new_confirmed"].value == 1 and not any(t.url for t in figures.values())
    html = login(township).get(reverse("briefing:dashboard"), {"region": f.TOWN_A}).content.decode()
    cases = html.split('id="cases"')[1].split("</section>")[0]
    assert 'data-figure="cases_new_confirmed"' in cases and reverse("tracing:counted") not in cases
