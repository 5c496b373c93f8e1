"""Krippendorff's alpha, the inter-rater reliability figure of calibration sessions, in plain Python.

Reliability data are given unit by unit: ``units[u]`` lists the values the coders gave unit ``u``, with
``None`` for a coder who gave none (a missing answer). Only units with at least two values are pairable.
Following Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":

    o_ck = Σ_u (number of c-k pairs in u) / (m_u − 1)      (the coincidence matrix)
    n_c  = Σ_k o_ck,   n = Σ_c n_c
    α    = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck

with δ² = 0/1 for nominal data, (Σ_{g=c..k} n_g − (n_c + n_k)/2)² between ranks for ordinal data and
(c − k)² for interval data. Alpha is undefined (``None``) when fewer than two pairable values exist or
every pairable value is the same (no expected disagreement).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

NOMINAL = "nominal"
ORDINAL = "ordinal"
INTERVAL = "interval"
LEVELS = (NOMINAL, ORDINAL, INTERVAL)

GOOD = 0.8
TENTATIVE = 0.667


@dataclass(frozen=True)
class Interval:
    """A bootstrap percentile interval around an alpha."""

    low: float
    high: float
    samples: int


def _unit_counts(units: Iterable[Sequence[Hashable | None]]) -> list[Counter]:
    """Per pairable unit, how often each value occurs (missing values dropped)."""
    counted = []
    for values in units:
        counts = Counter(value for value in values if value is not None)
        if sum(counts.values()) >= 2:
            counted.append(counts)
    return counted


def _coincidences(unit_counts: Sequence[Counter]) -> dict[tuple, float]:
    """The coincidence matrix o_ck, as {(c, k): weight}."""
    matrix: dict[tuple, float] = {}
    for counts in unit_counts:
        m_u = sum(counts.values())
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] = matrix.get((c, k), 0.0) + pairs / (m_u - 1)
    return matrix


def _delta_squared(level: str, marginals: dict) -> dict[tuple, float]:
    values = sorted(marginals) if level != NOMINAL else list(marginals)
    deltas: dict[tuple, float] = {}
    if level == NOMINAL:
        for c in values:
            for k in values:
                deltas[(c, k)] = 0.0 if c == k else 1.0
    elif level == ORDINAL:
        for i, c in enumerate(values):
            for j in range(i, len(values)):
                k = values[j]
                between = sum(marginals[values[g]] for g in range(i, j + 1))
                d = (between - (marginals[c] + marginals[k]) / 2) ** 2
                deltas[(c, k)] = deltas[(k, c)] = d
    else:
        for c in values:
            for k in values:
                deltas[(c, k)] = float(c - k) ** 2
    return deltas


def _alpha_from_counts(unit_counts: Sequence[Counter], level: str) -> float | None:
    matrix = _coincidences(unit_counts)
    marginals: dict = {}
    for (c, _k), weight in matrix.items():
        marginals[c] = marginals.get(c, 0.0) + weight
    n = sum(marginals.values())
    if n <= 1 or len(marginals) < 2:
        return None
    deltas = _delta_squared(level, marginals)
    observed = sum(weight * deltas[pair] for pair, weight in matrix.items())
    expected = sum(marginals[c] * marginals[k] * deltas[(c, k)] for c in marginals for k in marginals)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def alpha(units: Iterable[Sequence[Hashable | None]], *, level: str = NOMINAL) -> float | None:
    """Krippendorff's alpha of the reliability data `units` (one row per unit, None for a missing value)."""
    if level not in LEVELS:
        raise ValueError(f"Unknown level of measurement {level!r}; use one of {LEVELS}.")
    return _alpha_from_counts(_unit_counts(units), level)


def bootstrap_interval(
    units: Iterable[Sequence[Hashable | None]],
    *,
    level: str = NOMINAL,
    samples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval | None:
    """A percentile bootstrap interval for alpha, resampling units with replacement (reproducible by `seed`).

    Resamples where alpha is undefined (no variation drawn) are skipped; None when alpha itself is undefined.
    """
    unit_counts = _unit_counts(units)
    point = _alpha_from_counts(unit_counts, level)
    if point is None:
        return None
    rng = random.Random(seed)
    size = len(unit_counts)
    draws = []
    for _ in range(samples):
        resample = [unit_counts[rng.randrange(size)] for _ in range(size)]
        value = _alpha_from_counts(resample, level)
        if value is not None:
            draws.append(value)
    if not draws:
        return Interval(low=point, high=point, samples=0)
    draws.sort()
    tail = (1 - confidence) / 2
    low = draws[int(tail * (len(draws) - 1))]
    high = draws[int(round((1 - tail) * (len(draws) - 1)))]
    return Interval(low=low, high=high, samples=len(draws))


def reading(value: float | None) -> tuple[str, str]:
    """A plain-language reading of an alpha: (level, sentence) with level good / tentative / poor / undefined."""
    if value is None:
        return "undefined", "Not enough variation to measure: everyone gave the same answer, or too few answers."
    if value >= GOOD:
        return "good", "Good: reviewers agree well beyond chance; scores can be relied on."
    if value >= TENTATIVE:
        return "tentative", "Tentative: agreement is fair; conclusions drawn from these scores need care."
    return "poor", "Poor: reviewers read this differently; clarify the guidance and calibrate again."
