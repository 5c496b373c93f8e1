from rest_framework import serializers

from qa.reviews.models import Review, ReviewAnswer
from qa.scorecards.models import Criterion, ScorecardSection, ScorecardTemplate, ScorecardVersion


class CriterionSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="code", read_only=True)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "key",
            "skill",
            "text",
            "guidance",
            "weight",
            "scale",
            "scale_min",
            "scale_max",
            "point_labels",
            "critical",
            "allow_na",
            "channels",
            "position",
        ]


class SectionSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardSection
        fields = ["id", "title", "position", "criteria"]


class VersionSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "status", "notes", "published_at", "sections"]


class ScorecardTemplateSerializer(serializers.ModelSerializer):
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardTemplate
        fields = ["id", "name", "description", "is_default", "versions"]


class AnswerSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    key = serializers.CharField(source="criterion.key")

    class Meta:
        model = ReviewAnswer
        fields = ["criterion", "key", "value", "is_na", "comment"]


class ReviewSerializer(serializers.ModelSerializer):
    contact = serializers.CharField(source="contact.external_id")
    channel = serializers.CharField(source="contact.channel")
    agent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    agent_name = serializers.CharField(source="agent.name")
    team = serializers.CharField(source="team.name", allow_null=True)
    reviewer = serializers.StringRelatedField(allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True)
    skill_scores = serializers.SerializerMethodField()
    answers = AnswerSerializer(many=True, read_only=True)
    dispute_code = serializers.SlugRelatedField(slug_field="code", read_only=True)  # disputes: the reason code

    class Meta:
        model = Review
        fields = [
            "id",
            "contact",
            "channel",
            "agent",
            "agent_name",
            "team",
            "reviewer",
            "version",
            "status",
            "score",
            "auto_failed",
            "auto_fail_reason",
            "skill_scores",
            "answers",
            "comment",
            "lock_version",
            "due_date",
            "submitted_at",
            "dispute_code",
            "dispute_reason",
            "disputed_at",
            "dispute_due",
            "resolution_note",
            "resolved_at",
            "is_calibration",
            "origin",  # only "sampled" reviews make the QA score (origins)
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A calibration review of another vendor's agent: the agent as the session shows them ("Agent A"), no team.
        alias = self.context.get("agent_aliases", {}).get(instance.pk)
        if alias:
            data.update(agent=None, agent_name=alias, team=None)
        return data

    def get_skill_scores(self, review: Review) -> dict[str, float | None]:
        """Skill code → 0–100 (null when none of that skill's criteria applied); from prefetched rows."""
        return {s.skill.code: (None if s.score is None else float(s.score)) for s in review.skill_scores.all()}


class ReviewCreateSerializer(serializers.Serializer):
    contact = serializers.CharField(help_text="The contact's external_id.")
    version = serializers.IntegerField(
        required=False, help_text="Scorecard version id; default: the published default."
    )
    due_date = serializers.DateField(required=False)


class AnswerInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(required=False, allow_null=True)
    is_na = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if not data.get("is_na") and data.get("value") is None:
            raise serializers.ValidationError("Give a value or is_na: true.")
        return data


class AnswersInputSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=0, help_text="From the review you read; a stale one gives 409.")
    answers = AnswerInputSerializer(many=True, required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True)
    submit = serializers.BooleanField(required=False, default=False)


class SubmitInputSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=0)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
