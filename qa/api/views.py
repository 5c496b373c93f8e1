from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import roles
from core.models import Contact
from core.selectors.scope import agents_for_user
from qa.api.filters import ReviewFilter
from qa.api.serializers import (
    AnswersInputSerializer,
    ConflictSerializer,
    ReviewCreateSerializer,
    ReviewSerializer,
    ScorecardTemplateSerializer,
    SubmitInputSerializer,
)
from qa.calibration import selectors as calibration_selectors
from qa.reviews import selectors, services
from qa.reviews.models import Review, ReviewAnswer
from qa.scorecards.models import Criterion, ScorecardSection, ScorecardTemplate, ScorecardVersion
from qa.scoring import RawAnswer


class HasRole(permissions.BasePermission):
    """Reads for the roles that see QA data; writes for QA reviewers only. Hiring managers get 403."""

    read_roles = (roles.QA_REVIEWER, roles.OPS_LEAD, roles.AGENT)

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return roles.has_role(request.user, *self.read_roles)
        return roles.has_role(request.user, roles.QA_REVIEWER)


class TemplateReadRoles(HasRole):
    read_roles = (roles.QA_REVIEWER, roles.OPS_LEAD)


class ScorecardTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Scorecard templates with every version, its sections and criteria (skill code, weight, scale, channels)."""

    serializer_class = ScorecardTemplateSerializer
    permission_classes = [permissions.IsAuthenticated, TemplateReadRoles]

    def get_queryset(self):
        criteria = Criterion.objects.select_related("skill").order_by("position", "pk")
        sections = ScorecardSection.objects.prefetch_related(Prefetch("criteria", queryset=criteria))
        versions = ScorecardVersion.objects.order_by("-number").prefetch_related(
            Prefetch("sections", queryset=sections.order_by("position", "pk"))
        )
        return ScorecardTemplate.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("name")


CONFLICT = OpenApiResponse(ConflictSerializer, description="Someone saved the review after lock_version; nothing saved")


def _raw_answers(rows: list[dict]) -> dict[int, RawAnswer]:
    return {
        row["criterion"]: RawAnswer(
            value=None if row.get("is_na") else row.get("value"), is_na=row.get("is_na", False), comment=row["comment"]
        )
        for row in rows
    }


class ReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Reviews in the caller's scope: reviewers see their agents', an agent only their own released ones.

    Each review gives `score`, `auto_failed`, `skill_scores` (skill code → 0–100) and the raw `answers`."""

    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filterset_class = ReviewFilter

    def get_queryset(self):
        answers = ReviewAnswer.objects.select_related("criterion").order_by("criterion__position", "pk")
        return (
            selectors.reviews_for_user(user=self.request.user)
            .select_related("contact", "agent__user", "team", "reviewer", "dispute_code")
            .prefetch_related("skill_scores__skill", Prefetch("answers", queryset=answers))
            .order_by("-created_at", "-pk")
        )

    def get_serializer(self, *args, **kwargs):
        """Reviews with the aliases of agents the caller may not see (another vendor's, in shared calibration)."""
        if args and (kwargs.get("many") or isinstance(args[0], Review)):
            reviews = list(args[0]) if kwargs.get("many") else [args[0]]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["agent_aliases"] = calibration_selectors.review_aliases(reviews=reviews, user=self.request.user)
        return super().get_serializer(*args, **kwargs)

    def _out(self, review, code=status.HTTP_200_OK) -> Response:
        review = self.get_queryset().get(pk=review.pk)
        return Response(self.get_serializer(review).data, status=code)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Start a draft review of a contact in your scope (never your own)."""
        data = ReviewCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = Contact.objects.filter(
            external_id=data.validated_data["contact"], agent__in=agents_for_user(user=request.user).values("pk")
        ).first()
        if contact is None:
            raise ValidationError({"contact": "No contact with this external id in your scope."})
        version = None
        if "version" in data.validated_data:
            version = ScorecardVersion.objects.filter(pk=data.validated_data["version"]).first()
            if version is None:
                raise ValidationError({"version": "Unknown scorecard version."})
        review = services.review_create(
            contact=contact, reviewer=request.user, version=version, due_date=data.validated_data.get("due_date")
        )
        return self._out(review, status.HTTP_201_CREATED)

    @extend_schema(request=AnswersInputSerializer, responses={200: ReviewSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Save answers to a draft (and submit with `submit: true`). A stale lock_version answers 409."""
        review = self.get_object()
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._save(
            request,
            review,
            answers=_raw_answers(data.validated_data["answers"]),
            lock_version=data.validated_data["lock_version"],
            comment=data.validated_data.get("comment"),
            submit=data.validated_data["submit"],
        )

    @extend_schema(request=SubmitInputSerializer, responses={200: ReviewSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft: every applicable criterion answered; on success it is released to the agent."""
        review = self.get_object()
        data = SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._save(request, review, answers={}, lock_version=data.validated_data["lock_version"], submit=True)

    def _save(self, request, review, **kwargs) -> Response:
        try:
            review = services.review_save(review=review, actor=request.user, **kwargs)
        except services.ReviewConflict as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        return self._out(review)
