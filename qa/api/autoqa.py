"""AutoQA's endpoints: automatic reviews in the caller's scope, and the automatic criteria with their agreement with
the caller's released human reviews. Read-only; nothing here is a human review."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets

from core.models import Agent, Team
from core.selectors.scope import agents_for_user
from qa.api.views import HasRole, TemplateReadRoles
from qa.autoqa import ui
from qa.autoqa.models import AutoAnswer, AutoReview
from qa.reviews import selectors as review_selectors
from qa.scorecards.models import Criterion


def _agents(request) -> QuerySet[Agent]:
    return agents_for_user(user=request.user) if request is not None else Agent.objects.none()


def _teams(request) -> QuerySet[Team]:
    """The teams of the agents in the caller's scope (an agent: their own team)."""
    if request is None:
        return Team.objects.none()
    return Team.objects.filter(pk__in=agents_for_user(user=request.user).values("team_id"))


class AutoReviewFilter(django_filters.FilterSet):
    agent = django_filters.ModelChoiceFilter(field_name="contact__agent", queryset=_agents)
    team = django_filters.ModelChoiceFilter(field_name="contact__team", queryset=_teams)
    start = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__gte")
    end = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__lte")
    external_id = django_filters.CharFilter(field_name="contact__external_id")

    class Meta:
        model = AutoReview
        fields = ["agent", "team", "start", "end", "external_id"]


class AutoAnswerSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="criterion.key", read_only=True, help_text="The criterion's key.")
    answer = serializers.IntegerField(
        source="value", read_only=True, allow_null=True, help_text="Yes 1 / no 0, or a point; null: N/A or none."
    )

    class Meta:
        model = AutoAnswer
        fields = ["code", "answer", "is_na", "evidence", "source", "source_version", "counts"]


class SentimentSerializer(serializers.Serializer):
    start = serializers.FloatField(source="sentiment_start", allow_null=True)
    end = serializers.FloatField(source="sentiment_end", allow_null=True)


class AutoReviewSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(source="contact.external_id", read_only=True)
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True)
    criteria = AutoAnswerSerializer(source="answers", many=True, read_only=True)
    sentiment = SentimentSerializer(source="*", read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="e.g. pii_card_number")

    class Meta:
        model = AutoReview
        fields = [
            "id",
            "external_id",
            "contact",
            "score",
            "auto_failed",
            "criteria",
            "sentiment",
            "flags",
            "engine",
            "scored_at",
        ]


class AutoReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """AutoQA's automatic reviews of the contacts in the caller's scope (an agent: their own). Automatic — never
    counted as a human review. Filters: agent, team, start, end (the contact's day), external_id."""

    serializer_class = AutoReviewSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filterset_class = AutoReviewFilter

    def get_queryset(self):
        return ui.auto_reviews_for_user(user=self.request.user)


class AutoCriterionSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="version.template.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    n_suggested = serializers.IntegerField(read_only=True, help_text="Released human answers shown a suggestion.")
    n_agreed = serializers.IntegerField(read_only=True, help_text="Of those, answered as AutoQA suggested.")
    agreement = serializers.SerializerMethodField(help_text="n_agreed / n_suggested; null when none.")

    class Meta:
        model = Criterion
        fields = ["id", "key", "text", "template", "version", "detector", "n_suggested", "n_agreed", "agreement"]

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_agreement(self, criterion) -> float | None:
        share = criterion.agreement_share  # annotated in the query, no query here
        return None if share is None else round(share, 4)


class AutoCriterionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The criteria AutoQA answers (a detector on a published scorecard version) with their agreement with the
    released human reviews in the caller's scope: n_suggested, n_agreed and the share agreed. (Krippendorff's α per
    criterion is not given yet.)"""

    serializer_class = AutoCriterionSerializer
    permission_classes = [permissions.IsAuthenticated, TemplateReadRoles]

    def get_queryset(self):
        reviews = review_selectors.reviews_for_user(user=self.request.user)
        return ui.auto_criteria_for_user(user=self.request.user, reviews=reviews)
