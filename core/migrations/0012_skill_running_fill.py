"""Fill AgentSkillRunning from the AgentSkillDay rows already there, so an existing installation's heatmap (and every
skill score of 28 days or more) is right as soon as it is migrated, without waiting for a full rollup.

The SQL is frozen here (the rollup's full rebuild of the skill totals as of this migration): one INSERT … SELECT
with window sums, on PostgreSQL and SQLite alike.
"""

from django.db import migrations

FILL = """
WITH per AS (
    SELECT a.agent_id, a.day, a.skill_id, CAST(SUM(a.reviews) AS INTEGER) AS reviews, SUM(a.score_sum) AS score_sum
    FROM skillhub_agentskillday a
    GROUP BY a.agent_id, a.day, a.skill_id
), grid AS (
    SELECT d.agent_id, d.day, s.skill_id
    FROM (SELECT DISTINCT agent_id, day FROM per) d
    JOIN (SELECT DISTINCT agent_id, skill_id FROM per) s ON s.agent_id = d.agent_id
)
INSERT INTO skillhub_agentskillrunning (agent_id, day, skill_id, reviews, score_sum)
SELECT agent_id, day, skill_id, reviews, score_sum FROM (
    SELECT g.agent_id, g.day, g.skill_id,
           SUM(COALESCE(p.reviews, 0)) OVER w AS reviews,
           SUM(COALESCE(p.score_sum, 0)) OVER w AS score_sum
    FROM grid g
    LEFT JOIN per p ON p.agent_id = g.agent_id AND p.day = g.day AND p.skill_id = g.skill_id
    WINDOW w AS (PARTITION BY g.agent_id, g.skill_id ORDER BY g.day)
) totals
WHERE reviews > 0
"""


def fill(apps, schema_editor):
    running = apps.get_model("skillhub", "AgentSkillRunning")
    if running.objects.exists():  # already built (e.g. by a rollup run between the two migrations)
        return
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [("skillhub", "0011_skill_running")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
