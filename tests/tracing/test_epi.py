"""The epidemic curve, Rt and the indicators: the curve from the counters equals a count over the case rows, Rt
is read from the counters, the indicators of a constructed outbreak, and each role sees its own region."""

import datetime
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.core import region_codes as codes
from fangkong.core.days import local_day
from fangkong.tracing import epi
from fangkong.tracing.models import Case
from fangkong.tracing.selectors import epi as selectors
from tests import factories as f

from . import outbreak

D0 = datetime.date(2020, 1, 20)
LAST = D0 + datetime.timedelta(days=29)
VILLAGES = [f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1]


@pytest.fixture
def epi_team(tree):
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


def _outbreak(seed: int = 7, n: int = 60) -> list[Case]:
    """Cases on random days of the month, some reclassified later (as the services count them)."""
    rng = random.Random(seed)
    cases = []
    for _i in range(n):
        onset = D0 + datetime.timedelta(days=rng.randrange(28))
        reported = outbreak.at(onset + datetime.timedelta(days=rng.randrange(3)), rng.randrange(8, 20))
        classification = rng.choice(["confirmed", "confirmed", "asymptomatic", "suspected"])
        case = outbreak.counted(outbreak.case(region=rng.choice(VILLAGES), classification=classification,
                                              reported_at=reported,
                                              onset_date=None if classification == "asymptomatic" else onset))
        if classification != "confirmed" and rng.random() < 0.4:
            outbreak.reclassified(case, "confirmed", severity="mild", when=reported + datetime.timedelta(days=1))
        cases.append(case)
    return cases


def _count(region: str, classification: str, day: datetime.date, basis: str) -> int:
    rows = Case.objects.filter(codes.within(region), classification=classification)
    if basis == "onset":
        return rows.filter(onset_date=day).count()
    return sum(1 for at in rows.values_list("reported_at", flat=True) if local_day(at) == day)


@pytest.mark.parametrize("basis", ["onset", "report"])
def test_curve_from_counters_equals_a_count_over_the_rows(epi_team, basis):
    _outbreak()
    for region in [f.COUNTY, f.TOWN_A, f.VILLAGE_B1]:
        curve = selectors.curve(epi_team, region, basis=basis, first=D0, last=LAST)
        assert curve.days[0] == D0 and curve.days[-1] == LAST
        for classification, values in curve.series.items():
            assert values == [_count(region, classification, d, basis) for d in curve.days], (region, classification)
    rows = Case.objects.exclude(classification="excluded")
    expected = rows.exclude(onset_date=None).count() if basis == "onset" else rows.count()
    assert sum(selectors.curve(epi_team, f.COUNTY, basis=basis, first=D0, last=LAST).totals) == expected


def test_curve_reads_counters_only_in_a_fixed_number_of_queries(epi_team):
    _outbreak(n=10)
    with CaptureQueriesContext(connection) as small:
        selectors.curve(epi_team, f.COUNTY, first=D0, last=LAST)
        selectors.rt(epi_team, f.COUNTY, first=D0, last=LAST)
    _outbreak(seed=8, n=80)
    with CaptureQueriesContext(connection) as large:
        selectors.curve(epi_team, f.COUNTY, first=D0, last=LAST)
        selectors.rt(epi_team, f.COUNTY, first=D0, last=LAST)
    assert len(small) == len(large) <= 6
    assert not any("tracing_case" in q["sql"] for q in large)


def test_rt_uses_the_confirmed_onset_curve(epi_team):
    _outbreak(n=120)
    found = selectors.rt(epi_team, f.COUNTY, first=D0 + datetime.timedelta(days=10), last=LAST)
    curve = selectors.curve(epi_team, f.COUNTY, first=D0 - datetime.timedelta(days=selectors.RT_LEAD_DAYS), last=LAST)
    expected = epi.estimate(curve.series["confirmed"], mean_si=7.5, std_si=3.4)
    by_end = {curve.days[e.end]: e for e in expected}
    assert found.rows and found.rows[0].end == D0 + datetime.timedelta(days=10)
    for row in found.rows:
        e = by_end[row.end]
        assert (row.cases, row.mean, row.enough) == (e.cases, pytest.approx(e.mean), e.enough)
        assert (row.lower is None) == (not row.enough)
    assert (found.mean_si, found.std_si, found.min_cases) == (7.5, 3.4, 11)


def test_serial_interval_settings(epi_team, settings):
    settings.FANGKONG_RT_MEAN_SI, settings.FANGKONG_RT_STD_SI = 5.0, 2.0
    assert selectors.serial_interval() == (5.0, 2.0)
    assert selectors.serial_interval("6.5", "3") == (6.5, 3.0)
    with pytest.raises(ValidationError) as bad:
        selectors.serial_interval("1", "x")
    assert set(bad.value.message_dict) == {"mean_si", "std_si"}


def test_indicators_of_a_constructed_outbreak(epi_team):
    day = D0 + datetime.timedelta(days=5)
    staff = outbreak.isolation_staff()
    # four cases reported that day: one found under management; onset → isolation 1, 2, 4 days; diagnosis → report
    # 1, 3, 0.5, 2 hours
    made = []
    for onset_days, hours, managed, classification in [(1, 1, True, "confirmed"), (2, 3, False, "confirmed"),
                                                       (4, 0.5, False, "asymptomatic"), (None, 2, False, "confirmed")]:
        reported = outbreak.at(day, 15)
        onset = day - datetime.timedelta(days=onset_days) if onset_days else None
        made.append(outbreak.counted(outbreak.case(
            classification=classification, reported_at=reported, onset_date=onset,
            diagnosed_at=reported - datetime.timedelta(hours=hours), found_under_management=managed,
            isolated_at=outbreak.at(day, 8) if onset_days else None)))
    # a suspected case that day counts in no share; an excluded one in no median
    outbreak.counted(outbreak.case(classification="suspected", reported_at=outbreak.at(day, 16),
                                   diagnosed_at=outbreak.at(day, 6), onset_date=None))
    # close contacts of the first case (confirmed that day at 15:00): quarantined after 10 h, 23 h, 30 h, never
    first = made[0]
    for delay in [10, 23, 30, None]:
        c = outbreak.contact(first, confirmed_at=outbreak.at(day, 18))
        if delay is not None:
            outbreak.quarantined(c, first.confirmed_at + datetime.timedelta(hours=delay), cadre=staff["cadre"])
    outbreak.contact(made[1], level="secondary", confirmed_at=outbreak.at(day, 18))
    outbreak.contact(made[1], status="proposed")

    found = selectors.indicators(epi_team, f.COUNTY, first=day, last=day)
    assert (found.new_cases, found.found_under_management) == (4, 1)
    assert found.share_found_under_management == 0.25
    assert (found.contacts_traced, found.contacts_per_case) == (5, 1.25)
    assert sorted(found.delays_onset_isolation) == [1, 2, 4] and found.median_onset_to_isolation_days == 2
    assert found.median_diagnosis_to_report_hours == pytest.approx(2.0)  # 0.5, 1, 2, 3 and the suspected 10 h
    assert (found.close_contacts, found.close_contacts_within_24h) == (4, 2)
    assert found.share_quarantined_within_24h == 0.5
    # another township's view of the same day holds none of them
    other = selectors.indicators(f.user("hq_b", Role.HQ_STAFF, f.TOWN_B), None, first=day, last=day)
    assert (other.new_cases, other.close_contacts, other.delays_diagnosis_report) == (0, 0, [])


def test_scope_per_role(tree, epi_team):
    county_hq = f.user("hq", Role.HQ_ADMIN, f.COUNTY)
    town_hq = f.user("town_hq", Role.HQ_STAFF, f.TOWN_A)
    outbreak.counted(outbreak.case(region=f.VILLAGE_A1, reported_at=outbreak.at(D0), onset_date=D0))
    outbreak.counted(outbreak.case(region=f.VILLAGE_B1, reported_at=outbreak.at(D0), onset_date=D0))
    for user, region, expected in [(county_hq, None, 2), (epi_team, f.COUNTY, 2), (epi_team, f.TOWN_B, 1),
                                   (town_hq, None, 1), (town_hq, f.VILLAGE_A1, 1)]:
        curve = selectors.curve(user, region, first=D0, last=D0)
        assert curve.totals == [expected], (user.username, region)
    assert selectors.curve(town_hq, None, first=D0, last=D0).region.code == f.TOWN_A
    for user, region in [(town_hq, f.COUNTY), (town_hq, f.TOWN_B), (epi_team, "999999999999")]:
        with pytest.raises(Http404):
            selectors.curve(user, region, first=D0, last=D0)
    for role in [Role.VILLAGE_WORKER, Role.CHECKPOINT_STAFF, Role.TOWNSHIP_STAFF]:
        with pytest.raises(PermissionDenied):
            selectors.curve(f.user(f"u_{role}", role, f.VILLAGE_A1 if role == Role.VILLAGE_WORKER else f.TOWN_A),
                            None, first=D0, last=D0)


def test_bad_period_and_basis_are_named(epi_team):
    with pytest.raises(ValidationError) as backwards:
        selectors.curve(epi_team, None, first=LAST, last=D0)
    assert "晚于" in backwards.value.message_dict["first"][0]
    with pytest.raises(ValidationError) as long:
        selectors.curve(epi_team, None, first=D0 - datetime.timedelta(days=400), last=D0)
    assert "366" in long.value.message_dict["first"][0]
    with pytest.raises(ValidationError) as basis:
        selectors.curve(epi_team, None, basis="symptoms", first=D0, last=D0)
    assert "symptoms" in basis.value.message_dict["basis"][0]
