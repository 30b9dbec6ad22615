"""The report page's tables come as finished rows (reports.report_table): every figure once per row, the
children's cells with their submitted and live values, texts escaped, and the page in another language."""

import re

from django.urls import reverse
from django.utils import translation

from fangkong.analytics.figures import FIGURES
from fangkong.regions.models import Region
from fangkong.reports import report_table, selectors, services
from tests.factories import COUNTY, TOWN_A, VILLAGE_A1, VILLAGE_A2

from .chain_county import DAY, at, visits


def _rows(html: str, table_id: str) -> list[str]:
    body = html.split(f'id="{table_id}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr .*?</tr>", body, flags=re.S)


def test_every_figure_has_one_row_and_the_village_its_cells(staff, login):
    visits(VILLAGE_A1, 4)
    visits(VILLAGE_A2, 2)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    visits(VILLAGE_A1, 1)

    page = login(staff["town_a"]).get(reverse("reports:report", args=[TOWN_A, DAY.isoformat()]))

    figures = _rows(page.text, "figures")
    assert [re.search(r'data-figure="(\w+)"', r).group(1) for r in figures] == [f.key for f in FIGURES]
    assert "frozen" not in page.text.split('id="figures"')[1].split("</table>")[0]  # the township has not submitted
    children = _rows(page.text, "children")
    a1 = next(r for r in children if f'data-region="{VILLAGE_A1}"' in r)
    assert a1.count("<td") == 2 + len(FIGURES)
    visited = FIGURES.index(next(f for f in FIGURES if f.key == "households_visited"))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", a1)
    assert cells[2 + visited].startswith("4<span") and "（5）" in cells[2 + visited]
    a2 = next(r for r in children if f'data-region="{VILLAGE_A2}"' in r)
    assert re.findall(r"<td[^>]*>(.*?)</td>", a2)[2 + visited] == "2"
    header = page.text.split('id="children"')[1].split("<tbody>")[0]
    assert header.count('<th class="num">') + header.count('rowspan="2" class="num"') == len(FIGURES)


def test_region_names_and_labels_are_escaped(staff, login):
    Region.objects.filter(code=VILLAGE_A1).update(name='<script>alert("x")</script>村')
    page = login(staff["town_a"]).get(reverse("reports:report", args=[TOWN_A, DAY.isoformat()]))
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;村" in page.text


def test_the_rows_follow_the_language(staff):
    """Headings are translated once per language and kept: a page in English never gets the Chinese ones."""
    view = selectors.report_view(staff["hq"], COUNTY, DAY)
    for language, heading in (("zh-hans", "走访户数"), ("en", "Households visited"), ("zh-hans", "走访户数")):
        with translation.override(language):
            row = report_table.figure_rows(view)[0]
            upper, _lower = report_table.children_header(view)
        assert f"<td>{heading}</td>" in row and f">{heading}</th>" in upper, language
