"""The chain's pages read counters and a bounded number of rows: their query count does not grow with the
number of reports or of counter rows."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.reports import services
from tests.factories import COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from .chain_county import DAY, at, visits


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_status_and_report_pages_do_not_grow_with_the_data(staff, login, fresh_user_each_request):
    client = login(staff["hq"])
    status_url, town_url = reverse("reports:chain"), reverse("reports:report", args=[TOWN_A, DAY.isoformat()])
    county_url = reverse("reports:report", args=[COUNTY, DAY.isoformat()])
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    services.submit_report(staff["town_a"], TOWN_A, DAY, "无", now=at(DAY, 11))
    before = [_count(client, status_url, {"date": DAY.isoformat()}), _count(client, town_url),
              _count(client, county_url)]

    for n in range(30):
        visits(VILLAGE_A2, 1, day=DAY - datetime.timedelta(days=n))
    services.submit_report(staff["v_a2"], VILLAGE_A2, DAY, "无", now=at(DAY, 10))
    services.submit_report(staff["v_b1"], VILLAGE_B1, DAY, "无", now=at(DAY, 10))
    services.return_report(staff["hq"], services.DailyReport.objects.get(region_id=TOWN_A), "补充")
    services.submit_report(staff["town_a"], TOWN_A, DAY, "已补充", now=at(DAY, 12))
    after = [_count(client, status_url, {"date": DAY.isoformat()}), _count(client, town_url),
             _count(client, county_url)]

    assert after == before
