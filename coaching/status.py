"""Goal status rules: pure functions of the measured figures and the dates, so they can be tested at their edges.

A goal is measured over `window_days` ending on the measurement day (today, or the due date once it has passed):
- achieved: the current value meets the target (at or above it; at or below it for lower-is-better KPIs: AHT and,
  by default, CES). Checked first, so a goal met early is achieved.
- missed: the due date has passed (today > due date) and the value measured up to the due date does not meet the
  target, or there were no figures at all.
- on track / at risk, before or on the due date: progress is the share of the way from baseline to target covered
  (current − baseline) / (target − baseline), the same formula in both directions; elapsed is the share of the time
  from the goal's start to its due date gone by. The goal is on track while progress ≥ elapsed − GRACE, at risk
  below that. With no baseline, or a baseline already at the target, progress counts as 0 (on track during the
  first quarter, then at risk). With no current value (no figures in the window) the goal is at risk.
"""

from datetime import date

from django.db import models

from metrics import kpis

GRACE = 0.25  # how far behind the straight-line pace (as a share of the way) a goal may be and stay on track


class GoalStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"


def elapsed_share(*, start: date, due: date, today: date) -> float:
    if due <= start:
        return 1.0
    return min(max((today - start).days / (due - start).days, 0.0), 1.0)


def progress_share(*, kpi: str, baseline: float | None, target: float, current: float) -> float:
    """Share of the way from baseline to target covered (negative when the figure moved the wrong way)."""
    if baseline is None:
        return 0.0
    lower_is_better = kpis.get(kpi).lower_is_better
    gap = target - baseline
    if lower_is_better:
        gap = -gap
    if gap <= 0:  # baseline already at or beyond the target: nothing to scale by
        return 0.0
    moved = current - baseline
    if lower_is_better:
        moved = -moved
    return moved / gap


def goal_status(
    *, kpi: str, baseline: float | None, target: float, current: float | None, start: date, due: date, today: date
) -> str:
    if kpis.get(kpi).meets(current, target):
        return GoalStatus.ACHIEVED
    if today > due:
        return GoalStatus.MISSED
    if current is None:
        return GoalStatus.AT_RISK
    progress = progress_share(kpi=kpi, baseline=baseline, target=target, current=current)
    if progress >= elapsed_share(start=start, due=due, today=today) - GRACE - 1e-9:  # float noise at the edge
        return GoalStatus.ON_TRACK
    return GoalStatus.AT_RISK
