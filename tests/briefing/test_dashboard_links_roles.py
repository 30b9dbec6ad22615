"""The dashboard shows every reader its figures, and links a figure, an alert, a chart's day or a region's row
only to a list the reader may open (core.links: the list's own app's rule): an epidemiologist reads the
figures of isolation without being sent to its lists, which are not theirs."""

import re

import pytest

from fangkong.accounts.models import Role
from fangkong.briefing import dashboard
from tests import factories as f

from .test_dashboard_lists import county  # noqa: F401  the day's registers, through the services

URL = "/reports/dashboard/"


def _links(html: str) -> set[str]:
    main = html.split("<main", 1)[1]
    return {href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"]+)"', main)}


@pytest.mark.parametrize("role", Role.values)
def test_every_link_on_the_dashboard_opens_for_its_reader(county, login, role):  # noqa: F811
    user = f.user(f"u_{role}", role, f.COUNTY)
    client = login(user)
    page = client.get(URL, {"region": f.COUNTY, "date": county.isoformat()})
    if page.status_code != 200:
        pytest.skip(f"{role} does not read the dashboard")
    dead = {href: status for href in sorted(_links(page.content.decode()))
            if (status := client.get(href).status_code) in (403, 404)}
    assert dead == {}


def test_a_figure_stays_when_its_list_is_not_the_readers(county):  # noqa: F811
    epi = f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY)
    tiles = {t.key: t for t in dashboard.dashboard(epi, f.COUNTY, county).tiles}
    assert tiles["q_under_home"].value == 1 and tiles["q_under_home"].url == ""
    assert tiles["kp_new"].url  # the ledger is theirs to read
