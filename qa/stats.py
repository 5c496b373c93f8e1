"""Honest numbers: a mean with its n and a 95% confidence interval, and how many reviews a margin needs."""

import math
from dataclasses import dataclass

# Two-sided 95% Student t critical values by degrees of freedom; 1.96 beyond the table.
_T95 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}
Z95 = 1.96


def t95(df: int) -> float:
    if df <= 0:
        return math.inf
    if df in _T95:
        return _T95[df]
    for bound in (40, 60, 120):
        if df < bound:
            return _T95[bound]  # conservative: the next tabulated df up is smaller, so use the one below
    return Z95


@dataclass(frozen=True)
class MeanCI:
    """A mean of n values with its 95% interval (t-based); low/high are None when n < 2."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    @property
    def margin(self) -> float | None:
        return None if self.low is None or self.mean is None else self.mean - self.low


def mean_ci(*, n: int, mean, sd) -> MeanCI:
    """From database aggregates (Count, Avg, sample StdDev): mean ± t(n−1)·sd/√n, clipped to 0..100."""
    if not n or mean is None:
        return MeanCI(n=n or 0, mean=None, low=None, high=None)
    mean = float(mean)
    if n < 2 or sd is None:
        return MeanCI(n=n, mean=mean, low=None, high=None)
    half = t95(n - 1) * float(sd) / math.sqrt(n)
    return MeanCI(n=n, mean=mean, low=max(0.0, mean - half), high=min(100.0, mean + half))


def sd_from_sums(*, n: int, total, total_sq) -> float | None:
    """Sample standard deviation from Count, Sum and Sum of squares (portable: SQLite's STDDEV fails for n < 2)."""
    if not n or n < 2 or total is None or total_sq is None:
        return None
    total, total_sq = float(total), float(total_sq)
    variance = (total_sq - total * total / n) / (n - 1)
    return math.sqrt(max(0.0, variance))


def mean_ci_from_sums(*, n: int, total, total_sq) -> MeanCI:
    if not n:
        return MeanCI(n=0, mean=None, low=None, high=None)
    return mean_ci(n=n, mean=float(total) / n, sd=sd_from_sums(n=n, total=total, total_sq=total_sq))


def reviews_needed(*, sd: float, margin: float) -> int:
    """Reviews per agent so the 95% interval is ± margin points: n = (1.96·sd / margin)², rounded up (at least 2)."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    return max(2, math.ceil((Z95 * sd / margin) ** 2))
