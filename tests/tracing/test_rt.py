"""Rt (Cori et al. 2013) against EpiEstim's published output on the same incidence data.

Reference: EpiEstim 3.0.0 (github.com/mrc-ide/EpiEstim), tests/testthat/_snaps/estimate_R.md, "Example 3 matches
saved output" (commit 2ca76bb6af94adb75ba0e57b459d9203b0659f88): estimate_R(Flu2009$incidence,
method = "parametric_si", config = list(t_start = 2:26, t_end = 8:32, mean_si = 2.6, std_si = 1.5)). The
snapshot prints the Flu2009 incidence ($I, 32 days) and for each window Mean(R), Std(R) and the quantiles; the
package vignette (vignettes/demo.Rmd, "Estimating R on sliding weekly windows, with a parametric serial interval")
prints the same first six rows, and `discr_si(0:20, mu = 2.6, sigma = 1.5)`. The numbers below are copied from
those printouts, never computed here.
"""

import math

import pytest

from fangkong.tracing import epi

FLU2009 = [1, 1, 0, 2, 5, 3, 3, 3, 6, 2, 5, 9, 13, 12, 13, 11, 12, 6, 6, 6, 3, 1, 0, 2, 0, 0, 0, 0, 2, 0, 2, 0]

# t_start 2 … 26 (t_end 8 … 32): Mean(R), Std(R), Quantile.0.025(R), Quantile.0.975(R)
PUBLISHED = [
    (1.7357977, 0.40913143, 1.02874370, 2.6247813),
    (1.7491678, 0.36472669, 1.10882231, 2.5331192),
    (1.5370581, 0.30741163, 0.99470299, 2.1955399),
    (1.4318389, 0.27059213, 0.95144658, 2.0088487),
    (1.4227247, 0.25150457, 0.97314263, 1.9563365),
    (1.6353733, 0.25234358, 1.17863324, 2.1657455),
    (1.6639845, 0.23300443, 1.23894574, 2.1507413),
    (1.6161467, 0.20692639, 1.23622420, 2.0461979),
    (1.4344239, 0.17656537, 1.10938331, 1.8005896),
    (1.4087217, 0.16159146, 1.10991245, 1.7426100),
    (1.2479472, 0.14221678, 0.98486038, 1.5417063),
    (1.0821477, 0.12579711, 0.84971868, 1.3422512),
    (0.9371671, 0.11449319, 0.72629165, 1.1745108),
    (0.8196564, 0.10762616, 0.62239946, 1.0436503),
    (0.6910352, 0.10188759, 0.50592464, 0.9045582),
    (0.5896765, 0.09967353, 0.41073132, 0.8004706),
    (0.4992206, 0.09984413, 0.32306927, 0.7130887),
    (0.4729631, 0.10850519, 0.28475471, 0.7081443),
    (0.4176319, 0.11583024, 0.22237137, 0.6734020),
    (0.2978682, 0.11258359, 0.11975846, 0.5557145),
    (0.2400880, 0.12004401, 0.06541591, 0.5262293),
    (0.4573477, 0.20453212, 0.14849956, 0.9367934),
    (0.6734382, 0.30117074, 0.21866356, 1.3794155),
    (0.8591897, 0.38424130, 0.27897655, 1.7598935),
    (0.9975352, 0.44611130, 0.32389696, 2.0432690),
]
# discr_si(0:20, mu = 2.6, sigma = 1.5), the vignette's printout (w_0 … w_9)
PUBLISHED_SI = [0.0, 2.331721e-01, 3.585794e-01, 1.981108e-01, 1.033427e-01, 5.290518e-02, 2.682146e-02,
                1.351620e-02, 6.783438e-03, 3.394351e-03]


def same_to_3_significant_digits(mine: float, published: float) -> bool:
    return f"{mine:.3g}" == f"{published:.3g}"


def test_discretised_serial_interval_is_epiestims():
    mine = epi.discrete_serial_interval(len(PUBLISHED_SI), 2.6, 1.5)
    for k, (value, published) in enumerate(zip(mine, PUBLISHED_SI, strict=True)):
        assert value == pytest.approx(published, rel=1e-5, abs=1e-12), k


def test_rt_of_flu2009_is_epiestims_to_three_significant_digits():
    found = epi.estimate(FLU2009, mean_si=2.6, std_si=1.5, all_quantiles=True)
    assert [(e.start + 1, e.end + 1) for e in found] == [(s, s + 6) for s in range(2, 27)]  # EpiEstim's 1-based t
    for window, (estimate, (mean, std, lower, upper)) in enumerate(zip(found, PUBLISHED, strict=True), start=1):
        for mine, published in [(estimate.mean, mean), (estimate.std, std), (estimate.lower, lower),
                                (estimate.upper, upper)]:
            assert same_to_3_significant_digits(mine, published), (window, mine, published)


def test_only_windows_with_enough_cases_get_an_interval():
    """EpiEstim's threshold, ceiling(1/cv_posterior² − a_prior) = ceiling(1/0.09 − 1) = 11 with its defaults."""
    assert epi.min_cases(1.0) == 11
    found = epi.estimate(FLU2009, mean_si=2.6, std_si=1.5)
    for e in found:
        assert e.enough == (e.cases >= 11)
        assert (e.lower is None) == (not e.enough)
    # the tail of the outbreak (4 cases a week) is shown without an interval, the peak with one
    assert not found[-1].enough and found[10].enough


def test_gamma_quantile_inverts_the_cdf():
    for shape in [0.3, 1.0, 2.5, 11.0, 80.0, 600.0]:
        for p in [0.001, 0.025, 0.5, 0.975, 0.999]:
            x = epi.gamma_quantile(p, shape, 2.0)
            assert epi.gamma_cdf(x, shape, 2.0) == pytest.approx(p, rel=1e-9), (shape, p)
    # closed form: shape 1 is the exponential distribution
    assert epi.gamma_quantile(0.975, 1.0, 5.0) == pytest.approx(-5 * math.log(0.025), rel=1e-10)


def test_settings_change_the_serial_interval():
    default = epi.estimate([3] * 40)
    longer = epi.estimate([3] * 40, mean_si=10.0, std_si=4.0)
    assert default[-1].mean != longer[-1].mean
    with pytest.raises(ValueError):
        epi.discrete_serial_interval(10, 1.0, 1.0)
