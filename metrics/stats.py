"""When is a change a change? A simple, documented significance rule.

Every comparison (this period against the previous one, a partner against in-house) is a z-test at the 95 % level
(|z| ≥ 1.96). Rates (FCR, CSAT top-2-box) use the two-proportion z-test with the pooled proportion. NPS uses the
per-answer score (+1 promoter, 0 passive, −1 detractor) and its variance p+ + p− − (p+ − p−)². Means of bounded
answers (CES, CSAT mean, QA score) have no stored variance in the rollups, so we use its upper bound for a mean m on a
scale a..b, (m − a)(b − m) (Bhatia–Davis): a conservative test, it never colours noise. AHT has no upper bound; we
assume a coefficient of variation of 1 (handle times are roughly exponential), i.e. standard deviation = mean.
Below `MIN_N` observations on either side nothing is coloured.

A figure against a fixed target (the dashboards' "below target" flags) is a one-sided test at p < 0.05: for a rate,
the one-proportion z-test with the target's variance p₀(1 − p₀)/n; for a bounded mean, the z-test with the
Bhatia–Davis bound at the target, (t − a)(b − t)/n (the largest variance a mean of t can have: conservative).
"""

import math
from dataclasses import dataclass

Z_CRITICAL = 1.96
MIN_N = 10
ALPHA_ONE_SIDED = 0.05


@dataclass(frozen=True)
class Change:
    """A figure's change against a reference: the difference, its z score and how to show it."""

    delta: float | None
    z: float | None
    significant: bool
    better: bool | None  # None when not significant or no direction

    @property
    def css(self) -> str:
        if not self.significant or self.better is None:
            return "text-body-secondary"
        return "text-success" if self.better else "text-danger"

    @property
    def label(self) -> str:
        if self.delta is None:
            return "no comparison"
        if not self.significant:
            return "within noise"
        return "better" if self.better else "worse"


NO_CHANGE = Change(delta=None, z=None, significant=False, better=None)


def _z(delta: float, variance: float) -> float | None:
    if variance <= 0:
        return None
    return delta / math.sqrt(variance)


def _result(delta: float, z: float | None, higher_is_better: bool | None) -> Change:
    significant = z is not None and abs(z) >= Z_CRITICAL
    better = None
    if significant and higher_is_better is not None:
        better = (delta > 0) == higher_is_better
    return Change(delta=delta, z=z, significant=significant, better=better)


def proportion_change(x1: int, n1: int, x0: int, n0: int, *, higher_is_better: bool = True) -> Change:
    """Rate x1/n1 against x0/n0, in percentage points, two-proportion z-test (pooled)."""
    if not n1 or not n0:
        return NO_CHANGE
    p1, p0 = x1 / n1, x0 / n0
    delta = 100 * (p1 - p0)
    if min(n1, n0) < MIN_N:
        return Change(delta=delta, z=None, significant=False, better=None)
    pooled = (x1 + x0) / (n1 + n0)
    z = _z(p1 - p0, pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return _result(delta, z, higher_is_better)


def nps_change(prom1: int, det1: int, n1: int, prom0: int, det0: int, n0: int) -> Change:
    """NPS against NPS (points), z-test on the per-answer score +1/0/−1."""
    if not n1 or not n0:
        return NO_CHANGE
    a1, b1, a0, b0 = prom1 / n1, det1 / n1, prom0 / n0, det0 / n0
    delta = 100 * ((a1 - b1) - (a0 - b0))
    if min(n1, n0) < MIN_N:
        return Change(delta=delta, z=None, significant=False, better=None)
    var1 = a1 + b1 - (a1 - b1) ** 2
    var0 = a0 + b0 - (a0 - b0) ** 2
    z = _z(delta / 100, var1 / n1 + var0 / n0)
    return _result(delta, z, True)


def bounded_mean_change(
    m1: float | None, n1: int, m0: float | None, n0: int, *, low: float, high: float, higher_is_better: bool
) -> Change:
    """Mean against mean for answers on low..high, with the Bhatia–Davis variance bound (m − low)(high − m)."""
    if m1 is None or m0 is None or not n1 or not n0:
        return NO_CHANGE
    delta = m1 - m0
    if min(n1, n0) < MIN_N:
        return Change(delta=delta, z=None, significant=False, better=None)
    var1 = max((m1 - low) * (high - m1), 0.0)
    var0 = max((m0 - low) * (high - m0), 0.0)
    return _result(delta, _z(delta, var1 / n1 + var0 / n0), higher_is_better)


def duration_change(m1: float | None, n1: int, m0: float | None, n0: int) -> Change:
    """Mean duration against mean duration, assuming standard deviation = mean; lower is better."""
    if m1 is None or m0 is None or not n1 or not n0:
        return NO_CHANGE
    delta = m1 - m0
    if min(n1, n0) < MIN_N:
        return Change(delta=delta, z=None, significant=False, better=None)
    return _result(delta, _z(delta, m1 * m1 / n1 + m0 * m0 / n0), False)


@dataclass(frozen=True)
class Shortfall:
    """A figure against a target: its z score in the good direction (negative: short of the target) and the one-sided
    p-value of being that far short by chance."""

    z: float | None
    p: float | None

    @property
    def significant(self) -> bool:
        return self.p is not None and self.z is not None and self.z < 0 and self.p < ALPHA_ONE_SIDED


def _lower_tail(z: float) -> float:
    """P(Z ≤ z) of the standard normal distribution."""
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _shortfall(delta: float, variance: float, n: int, higher_is_better: bool) -> Shortfall:
    if n <= 0 or variance <= 0:
        return Shortfall(z=None, p=None)
    z = delta / math.sqrt(variance / n)
    if not higher_is_better:
        z = -z
    return Shortfall(z=z, p=_lower_tail(z))


def proportion_short_of_target(x: int, n: int, *, target_pct: float, higher_is_better: bool = True) -> Shortfall:
    """Rate x/n against a target rate (in %), one-proportion z-test under the target: is it short beyond chance?"""
    if not n:
        return Shortfall(z=None, p=None)
    p0 = target_pct / 100
    return _shortfall(x / n - p0, p0 * (1 - p0), n, higher_is_better)


def mean_short_of_target(
    mean: float | None, n: int, *, target: float, low: float, high: float, higher_is_better: bool = True
) -> Shortfall:
    """A mean of answers on low..high against a target mean, with the Bhatia–Davis variance bound at the target."""
    if mean is None or not n:
        return Shortfall(z=None, p=None)
    return _shortfall(mean - target, (target - low) * (high - target), n, higher_is_better)


def duration_short_of_target(mean: float | None, n: int, *, target: float) -> Shortfall:
    """A mean duration against a target duration (lower is better), standard deviation taken equal to the target."""
    if mean is None or not n or target <= 0:
        return Shortfall(z=None, p=None)
    return _shortfall(mean - target, target * target, n, higher_is_better=False)
