from decimal import Decimal
from types import SimpleNamespace

import pytest

from qa.scoring import RawAnswer, answer_label, score_answers


def crit(pk, *, skill=1, weight=1, scale="yes_no", low=0, high=1, critical=False, allow_na=False, channels=()):
    c = SimpleNamespace(
        pk=pk,
        skill_id=skill,
        weight=Decimal(weight),
        scale=scale,
        scale_min=low,
        scale_max=high,
        critical=critical,
        allow_na=allow_na,
        channels=list(channels),
        text=f"criterion {pk}",
    )
    c.applies_to = lambda channel: not c.channels or channel in c.channels
    return c


def test_score_is_the_weighted_mean_of_fractions():
    criteria = [crit(1, weight=3), crit(2, weight=1)]
    result = score_answers(criteria=criteria, answers={1: RawAnswer(1), 2: RawAnswer(0)}, channel="phone")
    assert result.score == Decimal("75.00")
    assert result.auto_failed is False


def test_score_points_scale_maps_min_to_0_and_max_to_1():
    criteria = [crit(1, scale="points", low=1, high=5), crit(2, scale="points", low=1, high=4, weight=2)]
    # (3-1)/4 = 0.5 weight 1; (4-1)/3 = 1 weight 2 -> (0.5 + 2) / 3 = 83.33
    result = score_answers(criteria=criteria, answers={1: RawAnswer(3), 2: RawAnswer(4)}, channel="chat")
    assert result.score == Decimal("83.33")


def test_score_leaves_na_out_of_both_sums():
    criteria = [crit(1), crit(2, allow_na=True, weight=5)]
    result = score_answers(criteria=criteria, answers={1: RawAnswer(1), 2: RawAnswer(is_na=True)}, channel="phone")
    assert result.score == Decimal("100.00")
    assert result.applicable == 1


def test_score_ignores_na_where_na_is_not_allowed():
    criteria = [crit(1), crit(2)]
    result = score_answers(criteria=criteria, answers={1: RawAnswer(1), 2: RawAnswer(is_na=True)}, channel="phone")
    assert result.missing == [2]


def test_score_leaves_other_channels_criteria_out():
    criteria = [crit(1), crit(2, channels=["email"], weight=10)]
    result = score_answers(criteria=criteria, answers={1: RawAnswer(0), 2: RawAnswer(1)}, channel="phone")
    assert result.score == Decimal("0.00")
    email = score_answers(criteria=criteria, answers={1: RawAnswer(0), 2: RawAnswer(1)}, channel="email")
    assert email.score == Decimal("90.91")


@pytest.mark.parametrize(("scale", "value", "fails"), [("yes_no", 0, True), ("points", 2, True), ("points", 3, False)])
def test_critical_fail_sets_score_to_zero_with_the_reason(scale, value, fails):
    low, high = (0, 1) if scale == "yes_no" else (1, 5)  # on 1..5, 2 is 0.25 (< half), 3 is exactly half
    criteria = [crit(1, weight=9), crit(2, scale=scale, low=low, high=high, critical=True)]
    answers = {1: RawAnswer(1), 2: RawAnswer(value, comment="Read the full card number aloud")}
    result = score_answers(criteria=criteria, answers=answers, channel="phone")
    assert result.auto_failed is fails
    if fails:
        assert result.score == Decimal("0.00")
        assert result.auto_fail_reason == "criterion 2: Read the full card number aloud"
    else:
        assert result.score == Decimal("95.00")


def test_score_is_null_when_nothing_applies():
    criteria = [crit(1, channels=["email"]), crit(2, allow_na=True)]
    result = score_answers(criteria=criteria, answers={2: RawAnswer(is_na=True)}, channel="phone")
    assert result.score is None
    assert result.skill_scores == {1: None}


def test_skill_scores_use_each_skills_criteria_only():
    criteria = [crit(1, skill=1, weight=2), crit(2, skill=1), crit(3, skill=2), crit(4, skill=3, channels=["chat"])]
    answers = {1: RawAnswer(1), 2: RawAnswer(0), 3: RawAnswer(0)}
    result = score_answers(criteria=criteria, answers=answers, channel="phone")
    assert result.skill_scores == {1: Decimal("66.67"), 2: Decimal("0.00"), 3: None}
    assert result.score == Decimal("50.00")


@pytest.mark.parametrize(
    ("value", "is_na", "number", "of_scale", "of_scale_described", "described"),
    [
        (4, False, "4", "4 of 1–5", "4 of 1–5 — Workaround", "4 (Workaround)"),
        (2, False, "2", "2 of 1–5", "2 of 1–5", "2"),  # a point without a description
        (None, True, "N/A", "N/A", "N/A", "N/A"),
        (None, False, "—", "—", "—", "—"),
    ],
)
def test_answer_label_reads_a_point_the_way_each_page_shows_it(
    value, is_na, number, of_scale, of_scale_described, described
):
    criterion = crit(1, scale="points", low=1, high=5)
    criterion.points = [(1, "Guess"), (2, ""), (3, "Some"), (4, "Workaround"), (5, "Root cause")]
    shown = {
        style: answer_label(criterion, value, is_na=is_na, points=style)
        for style in ("number", "of_scale", "of_scale_described", "described")
    }
    assert shown == {
        "number": number,
        "of_scale": of_scale,
        "of_scale_described": of_scale_described,
        "described": described,
    }


def test_answer_label_reads_yes_no_the_same_everywhere_and_says_what_no_answer_is():
    yes_no = crit(1)
    for style in ("number", "of_scale", "of_scale_described", "described"):
        assert (answer_label(yes_no, 1, points=style), answer_label(yes_no, 0, points=style)) == ("Yes", "No")
    assert answer_label(yes_no, None, points="of_scale_described", unanswered="Not answered") == "Not answered"
    assert answer_label(None, 3, points="of_scale") == "3"  # its criterion is gone: the raw value
