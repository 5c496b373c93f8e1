from rest_framework import serializers

from assessments.models import Candidate, Requisition


class RequisitionSerializer(serializers.ModelSerializer):
    role_profile = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team = serializers.StringRelatedField()
    hiring_team = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    n_candidates = serializers.IntegerField(read_only=True)

    class Meta:
        model = Requisition
        fields = [
            "id",
            "title",
            "role_profile",
            "team",
            "hiring_team",
            "stages",
            "status",
            "openings",
            "n_candidates",
            "created_at",
        ]


class CandidateSerializer(serializers.ModelSerializer):
    """A candidate with their combined scores; the scores are null until the caller has submitted their own."""

    requisition = serializers.PrimaryKeyRelatedField(read_only=True)
    scores_visible = serializers.SerializerMethodField()
    skill_scores = serializers.SerializerMethodField()
    weighted_score = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()
    agent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # null until hired

    class Meta:
        model = Candidate
        fields = [
            "id",
            "requisition",
            "first_name",
            "last_name",
            "email",
            "phone",
            "source",
            "stage",
            "created_at",
            "decided_at",
            "decision_reasons",
            "agent",
            "scores_visible",
            "skill_scores",
            "weighted_score",
            "recommendations",
        ]

    # Scores are computed once per page by the view (context["scores"], context["visible"]); no query here.
    def _scores(self, obj):
        if obj.pk not in self.context.get("visible", set()):
            return None
        return self.context["scores"].get(obj.pk)

    def get_scores_visible(self, obj) -> bool:
        return obj.pk in self.context.get("visible", set())

    def get_skill_scores(self, obj) -> dict | None:
        scores = self._scores(obj)
        return scores.skill_scores if scores else None

    def get_weighted_score(self, obj) -> float | None:
        scores = self._scores(obj)
        return scores.weighted_score if scores else None

    def get_recommendations(self, obj) -> dict | None:
        scores = self._scores(obj)
        return scores.recommendations if scores else None
