# The rollup tables move to the metrics app: removed from the core's state only; the tables stay as they are
# (the metrics app's 0001_initial takes them over under the same names).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("skillhub", "0012_skill_running_fill"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="agentday",
                    name="agent",
                ),
                migrations.RemoveField(
                    model_name="agentday",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="agentrunning",
                    name="agent",
                ),
                migrations.RemoveField(
                    model_name="agentskillday",
                    name="agent",
                ),
                migrations.RemoveField(
                    model_name="agentskillday",
                    name="skill",
                ),
                migrations.RemoveField(
                    model_name="agentskillday",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="agentskillrunning",
                    name="agent",
                ),
                migrations.RemoveField(
                    model_name="agentskillrunning",
                    name="skill",
                ),
                migrations.DeleteModel(
                    name="RunningDirty",
                ),
                migrations.RemoveField(
                    model_name="teamday",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teamrunning",
                    name="team",
                ),
                migrations.DeleteModel(
                    name="AgentDay",
                ),
                migrations.DeleteModel(
                    name="AgentRunning",
                ),
                migrations.DeleteModel(
                    name="AgentSkillDay",
                ),
                migrations.DeleteModel(
                    name="AgentSkillRunning",
                ),
                migrations.DeleteModel(
                    name="TeamDay",
                ),
                migrations.DeleteModel(
                    name="TeamRunning",
                ),
            ],
        ),
    ]
