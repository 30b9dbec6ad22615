"""The epidemic situation's figures (tracing.rollup) in the daily report chain: a village's, a township's and the
county's report show them live and frozen at submission, the children's rows carry them, the workbook has their
columns; registered once, nothing in reports names them."""

import datetime
import io
import re

from django.urls import reverse
from python_calamine import CalamineWorkbook

from fangkong.reports import selectors, services
from tests.factories import COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1
from tests.tracing import outbreak

from .chain_county import DAY, at

CASE_KEYS = ("cases_new_confirmed", "cases_confirmed_total", "cases_existing_confirmed", "cases_new_suspected",
             "cases_new_asymptomatic", "cases_asymptomatic_to_confirmed", "cases_new_discharged",
             "contacts_traced")


def _outbreak() -> None:
    """On the day: two confirmed cases and a suspected one in 东岳村, an asymptomatic one in 桃园村 turned confirmed,
    a confirmed one in 红旗村 (丰山镇), one traced contact; a case of 东岳村 reported the day before, discharged."""
    outbreak.counted(outbreak.case(region=VILLAGE_A1, reported_at=at(DAY, 8)))
    earlier = outbreak.counted(outbreak.case(region=VILLAGE_A1, reported_at=at(DAY, 7)))
    outbreak.counted(outbreak.case(region=VILLAGE_A1, classification="suspected", reported_at=at(DAY, 9)))
    turned = outbreak.counted(outbreak.case(region=VILLAGE_A2, classification="asymptomatic",
                                            reported_at=at(DAY, 6)))
    outbreak.reclassified(turned, "confirmed", severity="mild", when=at(DAY, 12))
    outbreak.counted(outbreak.case(region=VILLAGE_B1, reported_at=at(DAY, 10)))
    outbreak.contact(earlier, confirmed_at=at(DAY, 11))
    gone = outbreak.counted(outbreak.case(region=VILLAGE_A1, reported_at=at(DAY - datetime.timedelta(days=1), 7)))
    outbreak.ended(gone, "discharged", at(DAY, 15))


def _live(html: str, key: str) -> str:
    row = re.search(rf'<tr data-figure="{key}".*?</tr>', html, flags=re.S).group(0)
    return re.search(r'<td class="num live">(.*?)</td>', row).group(1)


def _frozen(html: str, key: str) -> str:
    row = re.search(rf'<tr data-figure="{key}".*?</tr>', html, flags=re.S).group(0)
    return re.search(r'<td class="num frozen">(.*?)</td>', row).group(1)


def test_village_township_and_county_reports_show_the_case_figures(staff, login):
    _outbreak()
    expected = {
        VILLAGE_A1: {"cases_new_confirmed": 2, "cases_confirmed_total": 3, "cases_existing_confirmed": 2,
                     "cases_new_suspected": 1, "cases_new_asymptomatic": 0, "cases_asymptomatic_to_confirmed": 0,
                     "cases_new_discharged": 1, "contacts_traced": 1},
        TOWN_A: {"cases_new_confirmed": 3, "cases_confirmed_total": 4, "cases_existing_confirmed": 3,
                 "cases_new_suspected": 1, "cases_new_asymptomatic": 1, "cases_asymptomatic_to_confirmed": 1,
                 "cases_new_discharged": 1, "contacts_traced": 1},
        COUNTY: {"cases_new_confirmed": 4, "cases_confirmed_total": 5, "cases_existing_confirmed": 4,
                 "cases_new_suspected": 1, "cases_new_asymptomatic": 1, "cases_asymptomatic_to_confirmed": 1,
                 "cases_new_discharged": 1, "contacts_traced": 1},
    }
    readers = {VILLAGE_A1: staff["v_a1"], TOWN_A: staff["town_a"], COUNTY: staff["hq"]}
    for code, figures in expected.items():
        view = selectors.report_view(readers[code], code, DAY)
        assert {key: view.live[key] for key in CASE_KEYS} == figures, code
        html = login(readers[code]).get(reverse("reports:report", args=[code, DAY.isoformat()])).content.decode()
        assert {key: int(_live(html, key)) for key in CASE_KEYS} == figures, code
        assert "疫情情况·新增确诊" in html

    # submitting freezes them; the township's page shows each village's submitted figure
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 16))
    outbreak.counted(outbreak.case(region=VILLAGE_A1, reported_at=at(DAY, 17)))  # after submission
    village = login(staff["v_a1"]).get(reverse("reports:report", args=[VILLAGE_A1, DAY.isoformat()])).content.decode()
    assert (_frozen(village, "cases_new_confirmed"), _live(village, "cases_new_confirmed")) == ("2", "3")
    town = selectors.report_view(staff["town_a"], TOWN_A, DAY)
    a1 = next(child for child in town.children if child.region.code == VILLAGE_A1)
    assert a1.frozen["cases_new_confirmed"] == 2
    county = selectors.report_view(staff["hq"], COUNTY, DAY)
    live = {child.region.code: child.live["cases_new_confirmed"] for child in county.children}
    assert (live[TOWN_A], live[TOWN_B]) == (4, 1)


def test_the_workbook_has_the_case_columns(staff):
    _outbreak()
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 16))
    content, _name = services.export_report(staff["admin"], VILLAGE_A1, DAY)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = book.get_sheet_by_name("每日一报").to_python()
    headers = rows[2]
    assert rows[3][headers.index("疫情情况·新增确诊")] == 2
    assert rows[3][headers.index("疫情情况·累计确诊")] == 3
    assert rows[3][headers.index("密切接触者追踪·新增追踪")] == 1
