from rest_framework import serializers

from coaching.models import CoachingPlan, CoachingSession, Goal, PlanActivity
from metrics import kpis


class GoalSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current = serializers.FloatField(source="current_value", read_only=True, allow_null=True)
    lower_is_better = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = [
            "id",
            "skill",
            "kpi",
            "baseline",
            "baseline_sample",
            "baseline_start",
            "baseline_end",
            "target",
            "current",
            "current_sample",
            "measured_on",
            "status",
            "start_date",
            "due_date",
            "window_days",
            "lower_is_better",
        ]

    def get_lower_is_better(self, goal: Goal) -> bool:
        return kpis.get(goal.kpi).lower_is_better


class PlanActivitySerializer(serializers.ModelSerializer):
    activity = serializers.CharField(source="activity.title")
    kind = serializers.CharField(source="activity.kind")
    skill = serializers.CharField(source="activity.skill.code")
    mentor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # null: no peer mentor

    class Meta:
        model = PlanActivity
        fields = ["id", "activity", "kind", "skill", "goal", "mentor", "due_on", "status", "completed_on"]


class CoachingSessionSerializer(serializers.ModelSerializer):
    reviews = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CoachingSession
        fields = [
            "id",
            "held_on",
            "strengths",
            "try_differently",
            "agreed_actions",
            "next_session_on",
            "reviews",
            "acknowledged_at",
        ]


class CoachingPlanSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.name", read_only=True)
    team = serializers.CharField(source="agent.team.name", read_only=True)
    goals = GoalSerializer(many=True, read_only=True)
    activities = PlanActivitySerializer(source="assignments", many=True, read_only=True)
    sessions = CoachingSessionSerializer(many=True, read_only=True)

    class Meta:
        model = CoachingPlan
        fields = ["id", "agent", "agent_name", "team", "focus", "next_session_on", "goals", "activities", "sessions"]
