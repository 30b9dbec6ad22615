import pytest

from fangkong.analytics import figures, reports, selectors
from fangkong.core.actors import SYSTEM
from tests import factories as f

from .counts import DAY, add


@pytest.fixture
def extra_figures(monkeypatch):
    """The registry as a later app would extend it, restored after the test."""
    monkeypatch.setattr(figures, "FIGURES", list(figures.FIGURES))
    monkeypatch.setattr(selectors, "FIGURES", figures.FIGURES)
    return figures.FIGURES


def test_a_declared_figure_appears_in_the_table_and_json(tree, extra_figures):
    figures.register(
        figures.flow("passages", "通行登记", "passages"),
        figures.stock("in_quarantine", "隔离中", ["quarantine_in"], ["quarantine_out"], group="隔离"),
        figures.derived("quarantine_gap", "差额", lambda row: row["in_quarantine"] - row["passages"], group="隔离"),
    )
    add(f.VILLAGE_A1, "passages", 2)
    add(f.VILLAGE_A1, "quarantine_in", 5)
    add(f.VILLAGE_A1, "quarantine_out", 1)
    table = selectors.daily_table(SYSTEM, f.TOWN_A, DAY)
    assert (table.totals.values["passages"], table.totals.values["in_quarantine"],
            table.totals.values["quarantine_gap"]) == (2, 4, 2)
    data = reports.as_json(table)
    assert data["children"][0]["in_quarantine"] == 4
    assert data["figures"][-1] == {"key": "quarantine_gap", "label": "差额", "group": "隔离"}
    top, bottom = reports.header_rows(table.figures)
    assert top[-1] == {"label": "隔离", "colspan": 2, "rowspan": 1}


@pytest.mark.parametrize("figure", [
    figures.flow("households_visited", "重复", "x"),
    figures.flow("not an identifier", "坏键", "x"),
    figures.Figure("nothing", "无来源"),
])
def test_bad_declarations_are_refused(extra_figures, figure):
    with pytest.raises(ValueError):
        figures.register(figure)


def test_ledger_figures_cover_every_category():
    keys = {figure.key for figure in figures.FIGURES}
    for category in ("returnee", "fever", "close_contact", "secondary_contact", "suspected", "confirmed",
                     "asymptomatic", "transient"):
        assert {f"kp_new_{category}", f"kp_under_management_{category}", f"kp_released_{category}"} <= keys
    assert {"households_visited", "kp_new", "kp_under_management", "kp_released", "checks_done",
            "checks_missed", "fevers_found"} <= keys


def test_header_rows_group_adjacent_figures():
    top, bottom = reports.header_rows(figures.FIGURES)
    assert top[0] == {"label": "走访户数", "colspan": 1, "rowspan": 2}
    assert top[1]["label"] == "重点人员合计" and top[1]["colspan"] == 3
    assert sum(h["colspan"] for h in top) == len(figures.FIGURES)
    assert len(bottom) == len([x for x in figures.FIGURES if x.group])
