"""Calibration figures as pure functions over answer matrices (no database), so they are easy to test.

An answer is a raw value on the criterion's scale (yes 1 / no 0, or a point), ``NA`` for not applicable,
or ``None`` when the participant gave none. A matrix maps participant → answer for one criterion of one
conversation. Fractions follow the scoring rule (docs/qa.md): yes 1, no 0, point p = (p − min) / (max − min).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import mean, pstdev

from qa.calibration import irr

NA = "na"
Answer = int | str | None

# A participant whose totals sit this many points (out of 100) under/over the benchmark on average is strict/lenient.
TENDENCY_THRESHOLD = 5.0


@dataclass(frozen=True)
class Scale:
    """What the figures need of a criterion: its scale and range."""

    is_points: bool
    scale_min: int = 0
    scale_max: int = 1

    @property
    def level(self) -> str:
        """Krippendorff's level of measurement: ordinal for point scales, nominal for yes/no."""
        return irr.ORDINAL if self.is_points else irr.NOMINAL

    def options(self) -> list[int]:
        if not self.is_points:
            return [1, 0]
        return list(range(self.scale_min, self.scale_max + 1))

    def fraction(self, answer: Answer) -> float | None:
        if answer is None or answer == NA:
            return None
        if not self.is_points:
            return 1.0 if answer else 0.0
        span = self.scale_max - self.scale_min
        return 1.0 if span <= 0 else (answer - self.scale_min) / span


@dataclass
class Spread:
    """How one criterion's answers spread over the scale, and who departed from the benchmark."""

    counts: list[tuple[Answer, int]]  # each option of the scale (then N/A), with how many chose it
    answered: int
    range: float | None  # max − min of the fractions
    stdev: float | None  # population standard deviation of the fractions
    mean_fraction: float | None
    benchmark: Answer
    departed: list = field(default_factory=list)  # participants whose answer differs from the benchmark
    modal: Answer = None


def spread(scale: Scale, answers: Mapping[object, Answer], *, benchmark: Answer = None) -> Spread:
    """The spread of `answers` (participant → answer) on one criterion, against `benchmark`."""
    given = {who: a for who, a in answers.items() if a is not None}
    tally = Counter(given.values())
    counts: list[tuple[Answer, int]] = [(option, tally.get(option, 0)) for option in scale.options()]
    if tally.get(NA):
        counts.append((NA, tally[NA]))
    fractions = [f for f in (scale.fraction(a) for a in given.values()) if f is not None]
    departed = [who for who, a in given.items() if benchmark is not None and a != benchmark]
    modal = max(tally.items(), key=lambda item: (item[1], str(item[0])))[0] if tally else None
    return Spread(
        counts=counts,
        answered=len(given),
        range=(max(fractions) - min(fractions)) if fractions else None,
        stdev=pstdev(fractions) if fractions else None,
        mean_fraction=mean(fractions) if fractions else None,
        benchmark=benchmark,
        departed=departed,
        modal=modal,
    )


def _value(answer: Answer) -> int | None:
    return None if answer is None or answer == NA else answer


def criterion_alpha(scale: Scale, units: Iterable[Sequence[Answer]]) -> float | None:
    """Alpha for one criterion over conversations (`units`: one row of participants' answers per conversation).

    N/A counts as missing: alpha measures agreement on the scale itself."""
    return irr.alpha([[_value(a) for a in row] for row in units], level=scale.level)


def session_units(rows: Iterable[tuple[Scale, Sequence[Answer]]]) -> tuple[list[list[float | None]], str]:
    """The session's reliability data: one unit per (conversation, criterion), each answer its fraction.

    Ordinal over the fractions when any criterion is a point scale, else nominal (for 0/1 data the two agree)."""
    units, any_points = [], False
    for scale, answers in rows:
        any_points = any_points or scale.is_points
        units.append([scale.fraction(a) for a in answers])
    return units, (irr.ORDINAL if any_points else irr.NOMINAL)


def agreement_pct(answers: Mapping[object, Answer], benchmark: Mapping[object, Answer]) -> float | None:
    """Percentage of the benchmark's answered criteria (key → answer) where `answers` gave the same answer.

    N/A is an answer here: N/A against a value is a disagreement."""
    keys = [key for key, b in benchmark.items() if b is not None and answers.get(key) is not None]
    if not keys:
        return None
    same = sum(1 for key in keys if answers[key] == benchmark[key])
    return 100.0 * same / len(keys)


def distance(score: float | None, benchmark_score: float | None) -> float | None:
    """A total's signed distance from the benchmark's total (negative: stricter)."""
    if score is None or benchmark_score is None:
        return None
    return float(score) - float(benchmark_score)


def tendency(mean_signed_distance: float | None, *, threshold: float = TENDENCY_THRESHOLD) -> str:
    """strict / lenient / aligned, from a mean signed distance from the benchmark in score points."""
    if mean_signed_distance is None:
        return "unknown"
    if mean_signed_distance <= -threshold:
        return "strict"
    if mean_signed_distance >= threshold:
        return "lenient"
    return "aligned"


@dataclass(frozen=True)
class Change:
    """One answer changed after the results opened: the blind answer, the new one, and the benchmark's."""

    scale: Scale
    before: Answer
    after: Answer
    benchmark: Answer
    group_mean_fraction: float | None = None  # the others' mean fraction the reviewer saw


@dataclass
class Anchoring:
    """How often and how far reviewers moved once they saw the others."""

    changes: int
    mean_shift: float | None  # mean |after − before| in fractions (N/A ↔ value counts as 1)
    toward_benchmark: int  # changes that moved closer to (or onto) the benchmark
    toward_group: int  # changes that moved closer to the others' mean


def _gap(scale: Scale, answer: Answer, target: Answer) -> float | None:
    a, t = scale.fraction(answer), scale.fraction(target)
    if a is None and t is None:
        return 0.0 if answer == target else None
    if a is None or t is None:
        return 1.0
    return abs(a - t)


def anchoring(changes: Sequence[Change]) -> Anchoring:
    shifts, toward_benchmark, toward_group = [], 0, 0
    for change in changes:
        shift = _gap(change.scale, change.before, change.after)
        if shift is not None:
            shifts.append(shift)
        before_gap = _gap(change.scale, change.before, change.benchmark)
        after_gap = _gap(change.scale, change.after, change.benchmark)
        if before_gap is not None and after_gap is not None and after_gap < before_gap:
            toward_benchmark += 1
        if change.group_mean_fraction is not None:
            b, a = change.scale.fraction(change.before), change.scale.fraction(change.after)
            if (
                b is not None
                and a is not None
                and abs(a - change.group_mean_fraction) < abs(b - change.group_mean_fraction)
            ):
                toward_group += 1
    return Anchoring(
        changes=len(changes),
        mean_shift=mean(shifts) if shifts else None,
        toward_benchmark=toward_benchmark,
        toward_group=toward_group,
    )
