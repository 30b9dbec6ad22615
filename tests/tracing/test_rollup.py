"""Cases and contacts in the daily roll-up: a reclassified case is counted once, the figures of the table follow
each write, and the counters equal a recomputation from the rows (`fangkong rollup check`)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from fangkong.analytics import counters, selectors
from fangkong.analytics.figures import FIGURES
from fangkong.core.actors import SYSTEM
from fangkong.tracing import rollup
from tests import factories as f

from . import outbreak

D1 = datetime.date(2020, 2, 1)
D2 = D1 + datetime.timedelta(days=1)
D3 = D1 + datetime.timedelta(days=2)


def _values(day: datetime.date, code: str = f.COUNTY) -> dict[str, int]:
    return selectors.daily_table(SYSTEM, code, day).totals.values


def _agree(*days: datetime.date) -> None:
    for day in days:
        assert counters.differences(day) == {}, day


CUMULATIVE = ["cases_confirmed_total", "cases_suspected_total", "cases_asymptomatic_total", "cases_excluded_total"]


def test_asymptomatic_reclassified_confirmed_is_counted_once(tree):
    case = outbreak.counted(outbreak.case(classification="asymptomatic", reported_at=outbreak.at(D1), onset_date=None))
    day1 = _values(D1)
    assert (day1["cases_new_asymptomatic"], day1["cases_asymptomatic_total"], day1["cases_existing_asymptomatic"],
            day1["cases_confirmed_total"]) == (1, 1, 1, 0)

    outbreak.reclassified(case, "confirmed", severity="moderate", when=outbreak.at(D3, 15))
    day3 = _values(D3)
    assert day3["cases_new_confirmed"] == 1
    assert day3["cases_asymptomatic_to_confirmed"] == 1
    assert day3["cases_new_asymptomatic"] == 0
    assert (day3["cases_confirmed_total"], day3["cases_asymptomatic_total"]) == (1, 0)
    assert (day3["cases_existing_confirmed"], day3["cases_existing_moderate"], day3["cases_existing_asymptomatic"]) \
        == (1, 1, 0)
    assert sum(day3[k] for k in CUMULATIVE) == 1  # one case, never two
    # the day it was reported keeps its own figures
    assert _values(D1)["cases_new_asymptomatic"] == 1
    # township and village rows too
    assert _values(D3, f.TOWN_A)["cases_confirmed_total"] == 1
    _agree(D1, D2, D3)


def test_severity_change_and_discharge_move_the_existing_figures(tree):
    case = outbreak.counted(outbreak.case(classification="confirmed", severity="mild", reported_at=outbreak.at(D1)))
    outbreak.reclassified(case, "confirmed", severity="severe", when=outbreak.at(D2))
    day2 = _values(D2)
    assert (day2["cases_new_confirmed"], day2["cases_existing_mild"], day2["cases_existing_severe"],
            day2["cases_existing_confirmed"], day2["cases_confirmed_total"]) == (0, 0, 1, 1, 1)

    outbreak.ended(case, "discharged", outbreak.at(D3, 10))
    day3 = _values(D3)
    assert (day3["cases_new_discharged"], day3["cases_discharged_total"], day3["cases_existing_confirmed"],
            day3["cases_existing_severe"], day3["cases_confirmed_total"]) == (1, 1, 0, 0, 1)
    _agree(D1, D2, D3)


def test_death_suspected_excluded_and_late_report(tree):
    dead = outbreak.counted(outbreak.case(classification="confirmed", severity="critical", reported_at=outbreak.at(D1)))
    outbreak.ended(dead, "died", outbreak.at(D2))
    suspect = outbreak.counted(outbreak.case(classification="suspected", reported_at=outbreak.at(D1),
                                             late_report=True))
    assert (_values(D1)["cases_new_suspected"], _values(D1)["cases_existing_suspected"], _values(D1)["cases_late"]) \
        == (1, 1, 1)
    outbreak.reclassified(suspect, "excluded", when=outbreak.at(D2))
    day2 = _values(D2)
    assert (day2["cases_new_deaths"], day2["cases_deaths_total"], day2["cases_existing_critical"]) == (1, 1, 0)
    assert (day2["cases_new_excluded"], day2["cases_excluded_total"], day2["cases_suspected_total"],
            day2["cases_existing_suspected"]) == (1, 1, 0, 0)
    _agree(D1, D2)


def test_a_change_recorded_at_the_report_itself_is_its_first_state(tree):
    """A service that also writes the report as a change (no from_classification) counts the same."""
    case = outbreak.case(classification="suspected", reported_at=outbreak.at(D1))
    case.changes.create(at=outbreak.at(D1), to_classification="suspected", reason="报告")
    outbreak.counted(case)
    outbreak.reclassified(case, "confirmed", severity="mild", when=outbreak.at(D2))
    assert [(s[1], s[2]) for s in rollup.history(case)] == [("suspected", ""), ("confirmed", "mild")]
    assert (_values(D2)["cases_new_confirmed"], _values(D2)["cases_suspected_total"]) == (1, 0)
    _agree(D1, D2)


def test_epi_curve_metrics_follow_the_classification_now(tree):
    case = outbreak.counted(outbreak.case(classification="suspected", reported_at=outbreak.at(D3),
                                          onset_date=D1, found_under_management=True))
    held = counters.figures([f.COUNTY], D1, ["onset.suspected", "onset.confirmed"])[f.COUNTY]
    assert held == {"onset.suspected": 1}
    outbreak.reclassified(case, "confirmed", severity="mild", when=outbreak.at(D3, 20))
    assert counters.figures([f.COUNTY], D1, ["onset.suspected", "onset.confirmed"])[f.COUNTY] \
        == {"onset.suspected": 0, "onset.confirmed": 1}
    assert counters.figures([f.COUNTY], D3, ["reported.confirmed", "reported_managed.confirmed"])[f.COUNTY] \
        == {"reported.confirmed": 1, "reported_managed.confirmed": 1}
    _agree(D1, D2, D3)


def test_contacts_traced_and_under_observation(tree):
    case = outbreak.counted(outbreak.case(reported_at=outbreak.at(D1)))
    outbreak.contact(case, confirmed_at=outbreak.at(D1, 20))
    outbreak.contact(case, level="secondary", confirmed_at=outbreak.at(D2))
    outbreak.contact(case, status="proposed")
    outside = outbreak.contact(case, outbreak.person(f.VILLAGE_B1), confirmed_at=outbreak.at(D2), region_id=None)
    assert outside.region_id is None
    assert (_values(D1)["contacts_traced"], _values(D2)["contacts_traced"], _values(D2)["contacts_traced_total"]) \
        == (1, 2, 3)
    # the one outside the county is counted where its case is
    assert _values(D2, f.VILLAGE_A1)["contacts_traced"] == 2
    _agree(D1, D2)


def test_contributions_are_metrics_the_figures_know(tree):
    """Every metric a case can add is read by some figure or by the epi curve: a typo would count nothing."""
    case = outbreak.case(classification="asymptomatic", reported_at=outbreak.at(D1), found_under_management=True,
                         late_report=True)
    outbreak.reclassified(case, "confirmed", when=outbreak.at(D2))
    outbreak.ended(case, "died", outbreak.at(D3))
    known = {m for fig in FIGURES for m in (*fig.flows, *fig.ins, *fig.outs)}
    for _code, _day, metric, _n in rollup.case_contributions(case):
        assert metric in known or metric.split(".")[0] in {"onset", "reported", "reported_managed",
                                                           "case_reclassified"}, metric


def test_rollup_check_and_rebuild_see_cases(tree, capsys):
    case = outbreak.case(classification="confirmed", reported_at=outbreak.at(D1))  # not counted: a forgotten write
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--date", D1.isoformat())
    assert "case_in.confirmed" in capsys.readouterr().out
    call_command("rollup", "rebuild", "--date", D1.isoformat())
    _agree(D1)
    assert _values(D1)["cases_new_confirmed"] == 1
    assert case.pk
