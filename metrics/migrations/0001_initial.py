# The rollup tables, taken over from the core app (skillhub) with their tables, rows, indexes and constraints as they
# are: state only, nothing in the database changes. A new database gets them from the core's migrations 0005–0011.

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["agentday", "agentrunning", "agentskillday", "agentskillrunning", "runningdirty", "teamday", "teamrunning"]


def content_types_follow(apps, schema_editor):
    """Move the models' content types (and so their permissions) to the new app instead of leaving them stale."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="skillhub", model__in=MOVED).update(
        app_label="metrics"
    )


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(app_label="metrics", model__in=MOVED).update(
        app_label="skillhub"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("skillhub", "0013_rollups_to_metrics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RunningDirty",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                help_text="agent_id, team_id or skills (AgentSkillRunning, by agent): which running table.",
                                max_length=8,
                            ),
                        ),
                        ("key_id", models.BigIntegerField(help_text="The agent's or team's id.")),
                        ("first_day", models.DateField()),
                    ],
                    options={
                        "db_table": "skillhub_runningdirty",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "key_id"), name="running_dirty_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AgentDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("contacts", models.PositiveIntegerField(default=0)),
                        (
                            "cases",
                            models.PositiveIntegerField(
                                default=0, help_text="Cases whose first contact was this agent's, this day."
                            ),
                        ),
                        ("fcr_cases", models.PositiveIntegerField(default=0)),
                        ("csat_responses", models.PositiveIntegerField(default=0)),
                        ("csat_satisfied", models.PositiveIntegerField(default=0, help_text="CSAT answers of 4 or 5.")),
                        ("csat_sum", models.PositiveIntegerField(default=0)),
                        ("ces_responses", models.PositiveIntegerField(default=0)),
                        ("ces_sum", models.PositiveIntegerField(default=0)),
                        ("nps_responses", models.PositiveIntegerField(default=0)),
                        ("promoters", models.PositiveIntegerField(default=0)),
                        ("detractors", models.PositiveIntegerField(default=0)),
                        ("handle_seconds", models.BigIntegerField(default=0)),
                        ("after_seconds", models.BigIntegerField(default=0)),
                        (
                            "reviews",
                            models.PositiveIntegerField(
                                default=0, help_text="Counted QA reviews of this day's contacts."
                            ),
                        ),
                        ("qa_score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        (
                            "agent",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agent_days",
                                to="skillhub.agent",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agent_days",
                                to="skillhub.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_agentday",
                        "indexes": [
                            models.Index(fields=["agent", "day"], name="agent_day_agent_day_idx"),
                            models.Index(fields=["team", "day"], name="agent_day_team_day_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("day", "agent", "team"), name="agent_day_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AgentRunning",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("contacts", models.BigIntegerField(default=0)),
                        ("cases", models.BigIntegerField(default=0)),
                        ("fcr_cases", models.BigIntegerField(default=0)),
                        ("csat_responses", models.BigIntegerField(default=0)),
                        ("csat_satisfied", models.BigIntegerField(default=0)),
                        ("csat_sum", models.BigIntegerField(default=0)),
                        ("ces_responses", models.BigIntegerField(default=0)),
                        ("ces_sum", models.BigIntegerField(default=0)),
                        ("nps_responses", models.BigIntegerField(default=0)),
                        ("promoters", models.BigIntegerField(default=0)),
                        ("detractors", models.BigIntegerField(default=0)),
                        ("handle_seconds", models.BigIntegerField(default=0)),
                        ("after_seconds", models.BigIntegerField(default=0)),
                        ("reviews", models.BigIntegerField(default=0)),
                        ("qa_score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                        (
                            "agent",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="running",
                                to="skillhub.agent",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_agentrunning",
                        "constraints": [models.UniqueConstraint(fields=("agent", "day"), name="agent_running_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="AgentSkillDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("reviews", models.PositiveIntegerField(default=0)),
                        ("score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        (
                            "agent",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agent_skill_days",
                                to="skillhub.agent",
                            ),
                        ),
                        (
                            "skill",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agent_skill_days",
                                to="skillhub.skill",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agent_skill_days",
                                to="skillhub.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_agentskillday",
                        "indexes": [models.Index(fields=["agent", "day"], name="agent_skill_day_agent_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("day", "agent", "team", "skill"), name="agent_skill_day_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AgentSkillRunning",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("reviews", models.BigIntegerField(default=0)),
                        ("score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                        (
                            "agent",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="skill_running",
                                to="skillhub.agent",
                            ),
                        ),
                        (
                            "skill",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="skillhub.skill",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_agentskillrunning",
                        "constraints": [
                            models.UniqueConstraint(fields=("agent", "day", "skill"), name="agent_skill_running_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("contacts", models.PositiveIntegerField(default=0)),
                        ("cases", models.PositiveIntegerField(default=0)),
                        ("fcr_cases", models.PositiveIntegerField(default=0)),
                        ("csat_responses", models.PositiveIntegerField(default=0)),
                        ("csat_satisfied", models.PositiveIntegerField(default=0)),
                        ("csat_sum", models.PositiveIntegerField(default=0)),
                        ("ces_responses", models.PositiveIntegerField(default=0)),
                        ("ces_sum", models.PositiveIntegerField(default=0)),
                        ("nps_responses", models.PositiveIntegerField(default=0)),
                        ("promoters", models.PositiveIntegerField(default=0)),
                        ("detractors", models.PositiveIntegerField(default=0)),
                        ("handle_seconds", models.BigIntegerField(default=0)),
                        ("after_seconds", models.BigIntegerField(default=0)),
                        ("reviews", models.PositiveIntegerField(default=0)),
                        ("qa_score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        (
                            "team",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="team_days",
                                to="skillhub.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_teamday",
                        "indexes": [models.Index(fields=["day"], name="team_day_day_idx")],
                        "constraints": [models.UniqueConstraint(fields=("team", "day"), name="team_day_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="TeamRunning",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("contacts", models.BigIntegerField(default=0)),
                        ("cases", models.BigIntegerField(default=0)),
                        ("fcr_cases", models.BigIntegerField(default=0)),
                        ("csat_responses", models.BigIntegerField(default=0)),
                        ("csat_satisfied", models.BigIntegerField(default=0)),
                        ("csat_sum", models.BigIntegerField(default=0)),
                        ("ces_responses", models.BigIntegerField(default=0)),
                        ("ces_sum", models.BigIntegerField(default=0)),
                        ("nps_responses", models.BigIntegerField(default=0)),
                        ("promoters", models.BigIntegerField(default=0)),
                        ("detractors", models.BigIntegerField(default=0)),
                        ("handle_seconds", models.BigIntegerField(default=0)),
                        ("after_seconds", models.BigIntegerField(default=0)),
                        ("reviews", models.BigIntegerField(default=0)),
                        ("qa_score_sum", models.DecimalField(decimal_places=2, default=0, max_digits=18)),
                        (
                            "team",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="running",
                                to="skillhub.team",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "skillhub_teamrunning",
                        "constraints": [models.UniqueConstraint(fields=("team", "day"), name="team_running_unique")],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
