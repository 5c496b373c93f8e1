"""Goal status rules at their edges (coaching.status)."""

from datetime import date

import pytest

from coaching.status import GoalStatus, elapsed_share, goal_status, progress_share

START, DUE = date(2026, 1, 1), date(2026, 1, 11)  # a 10-day period: each day is a tenth


def status(kpi="fcr", baseline=60.0, target=70.0, current=None, today=date(2026, 1, 6), due=DUE):
    return goal_status(kpi=kpi, baseline=baseline, target=target, current=current, start=START, due=due, today=today)


def test_elapsed_share_runs_from_zero_to_one_and_clamps():
    assert elapsed_share(start=START, due=DUE, today=date(2025, 12, 1)) == 0
    assert elapsed_share(start=START, due=DUE, today=date(2026, 1, 6)) == 0.5
    assert elapsed_share(start=START, due=DUE, today=date(2026, 3, 1)) == 1
    assert elapsed_share(start=START, due=START, today=START) == 1


def test_goal_is_achieved_exactly_at_the_target():
    assert status(current=70.0) == GoalStatus.ACHIEVED
    assert status(current=69.99) != GoalStatus.ACHIEVED


def test_lower_is_better_kpis_are_achieved_at_or_below_the_target():
    assert status(kpi="aht", baseline=600, target=480, current=480) == GoalStatus.ACHIEVED
    assert status(kpi="aht", baseline=600, target=480, current=481) != GoalStatus.ACHIEVED
    assert status(kpi="ces", baseline=4.0, target=3.0, current=2.9) == GoalStatus.ACHIEVED


def test_ces_direction_follows_the_setting(settings):
    settings.CES_LOWER_IS_BETTER = False
    assert status(kpi="ces", baseline=4.0, target=5.0, current=5.0) == GoalStatus.ACHIEVED
    assert status(kpi="ces", baseline=4.0, target=5.0, current=2.9, today=date(2026, 2, 1)) == GoalStatus.MISSED


def test_missed_only_after_the_due_date():
    assert status(current=65.0, today=DUE) != GoalStatus.MISSED  # the due date itself still counts
    assert status(current=65.0, today=date(2026, 1, 12)) == GoalStatus.MISSED
    assert status(current=None, today=date(2026, 1, 12)) == GoalStatus.MISSED


def test_met_target_after_the_due_date_is_achieved_not_missed():
    assert status(current=71.0, today=date(2026, 1, 20)) == GoalStatus.ACHIEVED


def test_on_track_edge_is_a_quarter_behind_the_straight_line():
    # Half the time gone (elapsed 0.5): on track down to progress 0.25 (= 62.5 on the way 60 → 70).
    assert status(current=62.5) == GoalStatus.ON_TRACK
    assert status(current=62.4) == GoalStatus.AT_RISK


def test_on_track_edge_for_a_lower_is_better_kpi():
    # AHT 600 → 500; half the time gone: on track down to a quarter of the way (575 s).
    assert status(kpi="aht", baseline=600, target=500, current=575) == GoalStatus.ON_TRACK
    assert status(kpi="aht", baseline=600, target=500, current=576) == GoalStatus.AT_RISK


def test_going_backwards_early_stays_on_track_within_the_grace():
    # One tenth gone: progress may be as low as -0.15.
    assert status(current=58.5, today=date(2026, 1, 2)) == GoalStatus.ON_TRACK
    assert status(current=58.4, today=date(2026, 1, 2)) == GoalStatus.AT_RISK


def test_no_figures_before_the_due_date_is_at_risk():
    assert status(current=None) == GoalStatus.AT_RISK


def test_without_baseline_progress_counts_as_zero():
    assert progress_share(kpi="fcr", baseline=None, target=70, current=69) == 0
    assert status(baseline=None, current=65, today=date(2026, 1, 3)) == GoalStatus.ON_TRACK  # elapsed 0.2
    assert status(baseline=None, current=65, today=date(2026, 1, 4)) == GoalStatus.AT_RISK  # elapsed 0.3


@pytest.mark.parametrize(
    ("kpi", "baseline", "target", "current", "expected"),
    [
        ("fcr", 60, 70, 65, 0.5),
        ("aht", 600, 500, 550, 0.5),
        ("fcr", 60, 70, 55, -0.5),
        ("fcr", 75, 70, 72, 0.0),  # baseline already beyond the target
    ],
)
def test_progress_share_is_direction_aware(kpi, baseline, target, current, expected):
    assert progress_share(kpi=kpi, baseline=baseline, target=target, current=current) == pytest.approx(expected)
