"""QA's contribution to the KPI rollups: counted reviews (QA score) and their skill scores, per agent, team and day.

Registered with the metrics engine in QaConfig.ready(); the engine adds these rows to AgentDay and AgentSkillDay. A
review counts when it is released or later (COUNTED_STATUSES), not a calibration copy, scored, and drawn at random
(origin "sampled": targeted reviews and self-reviews would bias the QA score); it counts on its contact's day, for the
agent and team it was reviewed for.
"""

from datetime import date

from core.models import Contact
from metrics.registry import AgentDaySource, SkillDaySource
from qa.models import COUNTED_STATUSES, Review, ReviewSkillScore


def _counted(alias: str) -> str:
    statuses = ", ".join(f"'{status}'" for status in COUNTED_STATUSES)
    return (
        f"{alias}.status IN ({statuses}) AND NOT {alias}.is_calibration AND {alias}.score IS NOT NULL"
        f" AND {alias}.origin = '{Review.Origin.SAMPLED.value}'"
    )


def review_rows_sql() -> str:
    """Reviews and their score sum per (day, agent, team) of the days %s..%s."""
    return f"""
SELECT c.day, q.agent_id, q.team_id, COUNT(*) AS reviews, SUM(q.score) AS qa_score_sum
FROM {Review._meta.db_table} q JOIN {Contact._meta.db_table} c ON c.id = q.contact_id
WHERE c.day BETWEEN %s AND %s AND {_counted("q")}
GROUP BY c.day, q.agent_id, q.team_id
"""


def skill_rows_sql() -> str:
    """Reviews with a score on the skill and their skill-score sum per (day, agent, team, skill) of the days %s..%s."""
    return f"""
SELECT c.day, q.agent_id, q.team_id, s.skill_id, COUNT(*) AS reviews, SUM(s.score) AS score_sum
FROM {ReviewSkillScore._meta.db_table} s
JOIN {Review._meta.db_table} q ON q.id = s.review_id
JOIN {Contact._meta.db_table} c ON c.id = q.contact_id
WHERE c.day BETWEEN %s AND %s AND {_counted("q")} AND s.score IS NOT NULL
GROUP BY c.day, q.agent_id, q.team_id, s.skill_id
"""


def _days(start: date, end: date) -> list:
    return [start, end]


REVIEWS = AgentDaySource(name="qa.reviews", columns=("reviews", "qa_score_sum"), sql=review_rows_sql, params=_days)
SKILL_SCORES = SkillDaySource(name="qa.skill_scores", sql=skill_rows_sql, params=_days)
