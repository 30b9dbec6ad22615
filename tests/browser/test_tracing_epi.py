"""Headquarters on a laptop: the epidemic curve page draws its bars and Rt's line (nothing refused by the
Content-Security-Policy), the cluster list leads to a cluster drawn as a graph of case numbers, and a node of
the graph opens that case's chain."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.accounts.models import Role
from fangkong.tracing.models import TransmissionLink
from fangkong.tracing.services import chains
from tests import factories
from tests.browser.helpers import log_in, open_menu
from tests.tracing import outbreak

pytestmark = pytest.mark.browser


def _outbreak(hq):
    """Four cases a day over the last 20 days in 东岳村; the first three in a household cluster, a chain of two."""
    today = timezone.localdate()
    cases = []
    for back in range(20, 0, -1):
        day = today - datetime.timedelta(days=back)
        cases += [outbreak.counted(outbreak.case(region=factories.VILLAGE_A1, reported_at=outbreak.at(day, 10),
                                                 onset_date=day)) for _n in range(4)]
    first, second = cases[0], cases[1]
    TransmissionLink.objects.create(infector=first, infectee=second, confidence="confirmed")
    cluster = chains.create_cluster(hq, name="东岳村家庭聚集", setting="household", region=factories.TOWN_A,
                                    cases=[c.pk for c in cases[:3]])
    return cases, cluster


def test_headquarters_reads_the_curve_rt_and_a_clusters_graph(page, live_server):
    factories.county_tree()
    hq = factories.user("hq1", Role.HQ_STAFF, factories.COUNTY, display_name="县指挥部")
    cases, cluster = _outbreak(hq)
    log_in(page, live_server, "hq1", factories.PASSWORD)

    open_menu(page).get_by_role("link", name="疫情曲线与Rt").click()
    expect(page.locator("main h1")).to_contain_text("疫情曲线与Rt")
    bars = page.locator("#curve svg.chart rect[height]")
    assert bars.count() >= 20
    box = bars.nth(0).bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1
    expect(page.locator("#rt svg.chart polyline")).to_have_count(1)
    expect(page.locator("#indicator-table tbody tr")).to_have_count(5)

    open_menu(page).get_by_role("link", name="聚集性疫情").click()
    page.locator("#clusters").get_by_role("link", name="东岳村家庭聚集").click()
    graph = page.locator("#cluster-graph svg.graph")
    expect(graph).to_be_visible()
    for case in cases[:3]:
        expect(graph).to_contain_text(case.number)
    assert cases[0].person.name not in page.content()
    with page.expect_navigation():
        graph.locator("a", has_text=cases[1].number).click()
    expect(page.locator("main h1")).to_contain_text(f"病例 {cases[1].number} 的传播链")
    expect(page.locator("#links tbody tr")).to_have_count(1)
    assert cluster.pk
