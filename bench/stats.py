"""Percentiles of measured times, as every benchmark prints them."""

import math


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank q-th percentile: the smallest value with at least q % of the values at or below it (of 20
    values, p95 is the 19th, not the slowest); NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]
