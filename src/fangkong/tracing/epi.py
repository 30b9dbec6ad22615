"""The time-varying reproduction number Rt by the method of Cori et al. (2013), as EpiEstim computes it with a
parametric serial interval ("parametric_si"). Plain arithmetic on a daily incidence series: no database here.

Cori A, Ferguson NM, Fraser C, Cauchemez S. A new framework and software to estimate time-varying reproduction
numbers during epidemics. Am J Epidemiol 2013;178(9):1505–12 (doi:10.1093/aje/kwt133), and its Web Appendix.

* The serial interval is a gamma distribution shifted by one day (mean `mean_si`, sd `std_si`), discretised as
  EpiEstim's `discr_si` does (the closed form of the Web Appendix 11, the doubly censored daily interval):
  w_k = k F(k) + (k−2) F(k−2) − 2(k−1) F(k−1) + a b [2 G(k−1) − G(k−2) − G(k)], F the gamma CDF of shape a,
  scale b (mean μ−1, sd σ) and G that of shape a+1; w_0 = 0. The series is cut at the length of the incidence.
* The total infectiousness of day t is Λ_t = Σ_{s≥1} I_{t−s} w_s.
* For a window of days [t−τ+1, t] (τ = 7 by default: sliding weekly windows, the first starting on day 2 as
  EpiEstim's default t_start = 2:(T−6)), with a gamma prior of shape `a_prior` and scale `b_prior` (EpiEstim's
  mean_prior = 5, std_prior = 5: shape 1, scale 5), the posterior of R is gamma with
  shape a_prior + Σ I and scale 1 / (1/b_prior + Σ Λ). Its mean is shape × scale; the 95% credible interval is
  its 2.5% and 97.5% quantiles.
* Enough cases: a window's posterior coefficient of variation is 1/√shape. EpiEstim warns ("estimating R too
  early in the epidemic to get the desired posterior CV") when a window holds fewer than
  ceiling(1/cv_posterior² − a_prior) cases, cv_posterior = 0.3: 11 cases with the default prior (EpiEstim
  3.0.0, R/estimate_R.R). Here a window with fewer cases than `min_cases` (that number) is not shown at all.

The gamma quantile is found by Newton–Halley iteration on the regularised incomplete gamma function (series
and Lentz continued fraction, with the Wilson–Hilferty first guess: Numerical Recipes, 3rd ed., §6.2 and §6.14),
so no statistics library is needed.
"""

import math
from dataclasses import dataclass

DEFAULT_MEAN_SI = 7.5  # days; settings FANGKONG_RT_MEAN_SI
DEFAULT_STD_SI = 3.4  # days; settings FANGKONG_RT_STD_SI
WINDOW = 7
MEAN_PRIOR = 5.0
STD_PRIOR = 5.0
CV_POSTERIOR = 0.3
_EPS = 1e-15
_TINY = 1e-300


# The regularised incomplete gamma function and its inverse ------------------------------------------------

def _lower_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    n = a
    for _ in range(10000):
        n += 1
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _upper_fraction(a: float, x: float) -> float:
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_p(a: float, x: float) -> float:
    """P(a, x): the CDF at x of a gamma distribution of shape a and scale 1."""
    if x <= 0:
        return 0.0
    if x < a + 1:
        return _lower_series(a, x)
    return 1.0 - _upper_fraction(a, x)


def gamma_cdf(x: float, shape: float, scale: float) -> float:
    return gamma_p(shape, x / scale) if x > 0 else 0.0


def gamma_p_inverse(p: float, a: float) -> float:
    """The x with P(a, x) = p (0 < p < 1)."""
    if not 0 < p < 1:
        raise ValueError("p must lie strictly between 0 and 1")
    a1 = a - 1
    log_gamma = math.lgamma(a)
    if a > 1:
        log_a1 = math.log(a1)
        factor = math.exp(a1 * (log_a1 - 1) - log_gamma)
        tail = p if p < 0.5 else 1 - p
        t = math.sqrt(-2 * math.log(tail))
        z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
        z = -z if p < 0.5 else z
        x = max(1e-3, a * (1 - 1 / (9 * a) - z / (3 * math.sqrt(a))) ** 3)
    else:
        t = 1 - a * (0.253 + a * 0.12)
        x = (p / t) ** (1 / a) if p < t else 1 - math.log(1 - (p - t) / (1 - t))
    for _ in range(100):
        if x <= 0:
            return 0.0
        error = gamma_p(a, x) - p
        if a > 1:
            density = factor * math.exp(-(x - a1) + a1 * (math.log(x) - log_a1))
        else:
            density = math.exp(-x + a1 * math.log(x) - log_gamma)
        u = error / density
        step = u / (1 - 0.5 * min(1.0, u * (a1 / x - 1)))
        x -= step
        if x <= 0:
            x = 0.5 * (x + step)
        if abs(step) < 1e-11 * x:
            break
    return x


def gamma_quantile(p: float, shape: float, scale: float) -> float:
    return gamma_p_inverse(p, shape) * scale


# The serial interval ---------------------------------------------------------------------------------------

def discrete_serial_interval(length: int, mean: float, sd: float) -> list[float]:
    """w_0 … w_{length−1} of a gamma serial interval shifted by one day (EpiEstim's discr_si)."""
    if mean <= 1:
        raise ValueError("the mean serial interval must be more than 1 day")
    if sd <= 0:
        raise ValueError("the standard deviation of the serial interval must be positive")
    a = ((mean - 1) / sd) ** 2
    b = sd ** 2 / (mean - 1)

    def f(k, shape):
        return gamma_cdf(k, shape, b)

    found = []
    for k in range(length):
        if k > mean and sum(found) > 1 - 1e-13:  # the rest of the mass is below any printed digit
            found += [0.0] * (length - k)
            break
        w = k * f(k, a) + (k - 2) * f(k - 2, a) - 2 * (k - 1) * f(k - 1, a)
        w += a * b * (2 * f(k - 1, a + 1) - f(k - 2, a + 1) - f(k, a + 1))
        found.append(max(0.0, w))
    return found


def infectiousness(incidence: list[int], w: list[float]) -> list[float]:
    """Λ_t = Σ_{s=1}^{t} I_{t−s} w_s for each day t (0-based; Λ_0 = 0). Days without cases add nothing, and
    the serial interval's far tail (below 1e-12 of the whole) is left out: it changes no printed digit."""
    total = sum(w)
    last = len(w) - 1
    while last > 1 and w[last] < 1e-12 * total:
        last -= 1
    found = [0.0] * len(incidence)
    for day, cases in enumerate(incidence):
        if cases:
            for s in range(1, min(last, len(incidence) - 1 - day) + 1):
                found[day + s] += cases * w[s]
    return found


def min_cases(a_prior: float, cv_posterior: float = CV_POSTERIOR) -> int:
    """The fewest cases in a window for a posterior coefficient of variation of at most `cv_posterior`."""
    return max(1, math.ceil(1 / cv_posterior ** 2 - a_prior))


@dataclass(frozen=True)
class Estimate:
    """Rt of the window of days [start, end] (0-based indices of the series)."""

    start: int
    end: int
    cases: int
    mean: float
    std: float
    lower: float | None  # 2.5% quantile (None: not enough cases)
    upper: float | None  # 97.5% quantile
    enough: bool  # at least `min_cases` cases in the window


def estimate(incidence: list[int], *, mean_si: float = DEFAULT_MEAN_SI, std_si: float = DEFAULT_STD_SI,
             window: int = WINDOW, mean_prior: float = MEAN_PRIOR, std_prior: float = STD_PRIOR,
             cv_posterior: float = CV_POSTERIOR, all_quantiles: bool = False) -> list[Estimate]:
    """One estimate per sliding window ending on each day from day `window` (the first window starting on day 1,
    0-based: EpiEstim's t_start = 2 …) to the last. The credible interval of a window with too few cases is
    left out unless `all_quantiles`."""
    if window < 1:
        raise ValueError("the window must be at least one day")
    n = len(incidence)
    a_prior = (mean_prior / std_prior) ** 2
    b_prior = std_prior ** 2 / mean_prior
    least = min_cases(a_prior, cv_posterior)
    w = discrete_serial_interval(n + 1, mean_si, std_si)
    lam = infectiousness(incidence, w)
    found = []
    for start in range(1, n - window + 1):
        end = start + window - 1
        cases = sum(incidence[start:end + 1])
        shape = a_prior + cases
        rate = 1 / b_prior + sum(lam[start:end + 1])
        scale = 1 / rate
        enough = cases >= least
        found.append(Estimate(start=start, end=end, cases=cases, mean=shape * scale, std=math.sqrt(shape) * scale,
                              lower=gamma_quantile(0.025, shape, scale) if enough or all_quantiles else None,
                              upper=gamma_quantile(0.975, shape, scale) if enough or all_quantiles else None,
                              enough=enough))
    return found
