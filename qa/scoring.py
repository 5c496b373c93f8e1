"""The QA scoring rule (docs/qa.md), as pure functions over raw answers and a template version.

Each answer becomes a fraction: yes 1, no 0, point p on min..max = (p − min) / (max − min).
Score = 100 × Σ(weight × fraction) / Σ(weight) over the criteria that apply (N/A and other channels' criteria
leave both sums); 0 when a critical criterion fails (no, or a fraction below 0.5); null when nothing applies.
A skill score is the same sum over that skill's criteria (an auto-fail zeroes the review score only).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class RawAnswer:
    """What a reviewer chose for one criterion: a value, or N/A; the comment doubles as a critical fail's reason."""

    value: int | None = None
    is_na: bool = False
    comment: str = ""


@dataclass
class ScoreResult:
    score: Decimal | None
    auto_failed: bool
    auto_fail_reason: str
    skill_scores: dict[int, Decimal | None]
    applicable: int  # criteria that apply to the channel and are not N/A
    answered: int  # of those, answered
    missing: list[int] = field(default_factory=list)  # criterion ids that apply but have no answer
    failed_critical: list[int] = field(default_factory=list)


def fraction_of(criterion, value: int) -> Fraction:
    """The 0..1 fraction of a raw value on a criterion's scale."""
    if criterion.scale == "yes_no":
        return Fraction(1 if value else 0)
    span = criterion.scale_max - criterion.scale_min
    if span <= 0:
        return Fraction(1)
    return Fraction(value - criterion.scale_min, span)


def value_is_valid(criterion, value: int | None) -> bool:
    if value is None:
        return False
    if criterion.scale == "yes_no":
        return value in (0, 1)
    return criterion.scale_min <= value <= criterion.scale_max


PointStyle = Literal["number", "of_scale", "of_scale_described", "described"]


def answer_label(
    criterion, value: int | None, *, is_na: bool = False, points: PointStyle, unanswered: str = "—"
) -> str:
    """How an answer reads: 'N/A', `unanswered` when there is no value, Yes/No on a yes/no criterion, and a point as
    `points` says: "number" '4' (compact tables), "of_scale" '4 of 1–5' (history), "of_scale_described"
    '4 of 1–5 — Workaround' (the review page), "described" '4 (Workaround)' (calibration notes and logs).
    A point without a description reads as its number (or 'of scale'); no criterion (deleted) gives the number."""
    if is_na:
        return "N/A"
    if value is None:
        return unanswered
    if criterion is None:
        return str(value)
    if criterion.scale == "yes_no":
        return "Yes" if value else "No"
    if points == "number":
        return str(value)
    description = dict(criterion.points).get(value, "")
    if points == "described":
        return f"{value} ({description})" if description else str(value)
    of_scale = f"{value} of {criterion.scale_min}–{criterion.scale_max}"
    if points == "of_scale_described" and description:
        return f"{of_scale} — {description}"
    return of_scale


def _percent(numerator: Fraction, denominator: Fraction) -> Decimal | None:
    if denominator == 0:
        return None
    exact = numerator * 100 / denominator
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def score_answers(*, criteria: Iterable, answers: Mapping[int, RawAnswer], channel: str) -> ScoreResult:
    """Score `answers` (criterion id → RawAnswer) against `criteria` for a contact on `channel`.

    Unanswered criteria that apply are left out of the sums and listed in `missing` (a live, partial total);
    submitting requires none missing.
    """
    total_num = total_den = Fraction(0)
    per_skill: dict[int, list[Fraction]] = {}
    failed: list[int] = []
    reasons: list[str] = []
    missing: list[int] = []
    applicable = answered = 0
    for criterion in criteria:
        per_skill.setdefault(criterion.skill_id, [Fraction(0), Fraction(0)])
        if not criterion.applies_to(channel):
            continue
        answer = answers.get(criterion.pk)
        if answer is not None and answer.is_na and criterion.allow_na:
            continue
        applicable += 1
        if answer is None or not value_is_valid(criterion, answer.value):
            missing.append(criterion.pk)
            continue
        answered += 1
        weight = Fraction(criterion.weight)
        fraction = fraction_of(criterion, answer.value)
        total_num += weight * fraction
        total_den += weight
        sums = per_skill[criterion.skill_id]
        sums[0] += weight * fraction
        sums[1] += weight
        if criterion.critical and fraction < Fraction(1, 2):
            failed.append(criterion.pk)
            reason = answer.comment.strip()
            reasons.append(f"{criterion.text}: {reason}" if reason else criterion.text)
    score = _percent(total_num, total_den)
    auto_failed = bool(failed)
    if auto_failed:
        score = Decimal("0.00")
    return ScoreResult(
        score=score,
        auto_failed=auto_failed,
        auto_fail_reason="; ".join(reasons),
        skill_scores={skill_id: _percent(num, den) for skill_id, (num, den) in per_skill.items()},
        applicable=applicable,
        answered=answered,
        missing=missing,
        failed_critical=failed,
    )
