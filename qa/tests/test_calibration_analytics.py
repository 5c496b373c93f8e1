"""Calibration figures over answer matrices: spread, agreement, distance, tendency, anchoring."""

import pytest

from qa.calibration import irr
from qa.calibration.analytics import (
    NA,
    Change,
    Scale,
    agreement_pct,
    anchoring,
    criterion_alpha,
    distance,
    session_units,
    spread,
    tendency,
)

YES_NO = Scale(is_points=False)
FIVE = Scale(is_points=True, scale_min=1, scale_max=5)


def test_spread_counts_each_option_and_names_who_departed_from_the_benchmark():
    result = spread(FIVE, {"ana": 5, "ben": 3, "cy": 5, "di": None, "ed": NA}, benchmark=5)
    assert result.counts == [(1, 0), (2, 0), (3, 1), (4, 0), (5, 2), (NA, 1)]
    assert result.answered == 4
    assert result.departed == ["ben", "ed"]
    assert result.range == pytest.approx(0.5)
    assert result.mean_fraction == pytest.approx((1 + 0.5 + 1) / 3)
    assert result.modal == 5


def test_spread_of_unanimous_yes_no_has_no_range():
    result = spread(YES_NO, {"a": 1, "b": 1}, benchmark=1)
    assert result.counts == [(1, 2), (0, 0)]
    assert result.range == 0 and result.stdev == 0 and result.departed == []


def test_criterion_alpha_is_ordinal_for_points_and_nominal_for_yes_no():
    units = [[1, 2, 1], [4, 5, 5], [3, 3, NA]]
    assert criterion_alpha(FIVE, units) == irr.alpha([[1, 2, 1], [4, 5, 5], [3, 3, None]], level=irr.ORDINAL)
    assert criterion_alpha(YES_NO, [[1, 0], [1, 1], [0, 0]]) == irr.alpha([[1, 0], [1, 1], [0, 0]])


def test_session_units_use_fractions_and_pick_the_level():
    units, level = session_units([(YES_NO, [1, 0]), (FIVE, [5, 3])])
    assert units == [[1.0, 0.0], [1.0, 0.5]]
    assert level == irr.ORDINAL
    assert session_units([(YES_NO, [1, NA])])[1] == irr.NOMINAL


def test_agreement_pct_counts_na_as_an_answer_and_skips_the_unanswered():
    benchmark = {"c1": 1, "c2": 0, "c3": NA, "c4": 5, "c5": None}
    assert agreement_pct({"c1": 1, "c2": 1, "c3": NA, "c4": 4, "c5": 1}, benchmark) == 50.0
    assert agreement_pct({}, benchmark) is None


def test_distance_and_tendency():
    assert distance(72.5, 80) == -7.5
    assert distance(None, 80) is None
    assert tendency(-7.5) == "strict"
    assert tendency(6) == "lenient"
    assert tendency(-4.9) == "aligned"
    assert tendency(None) == "unknown"


def test_anchoring_counts_moves_toward_the_benchmark_and_the_group():
    changes = [
        Change(scale=FIVE, before=2, after=4, benchmark=5, group_mean_fraction=0.75),
        Change(scale=YES_NO, before=1, after=0, benchmark=1, group_mean_fraction=0.2),
        Change(scale=YES_NO, before=NA, after=1, benchmark=1),
    ]
    result = anchoring(changes)
    assert result.changes == 3
    assert result.mean_shift == pytest.approx((0.5 + 1 + 1) / 3)
    assert result.toward_benchmark == 2
    assert result.toward_group == 2


def test_anchoring_of_nothing():
    result = anchoring([])
    assert (result.changes, result.mean_shift, result.toward_benchmark) == (0, None, 0)
