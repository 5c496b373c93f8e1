from django.db.models import Count
from rest_framework import viewsets

from assessments import selectors
from assessments.api.filters import CandidateFilter
from assessments.api.serializers import CandidateSerializer, RequisitionSerializer


class RequisitionViewSet(viewsets.ReadOnlyModelViewSet):
    """Requisitions the caller is on (all for admins; none for roles outside hiring)."""

    serializer_class = RequisitionSerializer
    filterset_fields = ["status", "role_profile"]

    def get_queryset(self):
        return (
            selectors.requisitions_for_user(user=self.request.user)
            .select_related("role_profile", "team")
            .prefetch_related("hiring_team")
            .annotate(n_candidates=Count("candidates"))
            .order_by("-created_at", "pk")
        )


class CandidateViewSet(viewsets.ReadOnlyModelViewSet):
    """Candidates of the caller's requisitions, with skill_scores (1–4 mean and n per skill code), weighted_score
    (by the requisition's role profile) and recommendations. Blind: these are null until the caller has submitted
    their own scoring of the candidate."""

    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter

    def get_queryset(self):
        return (
            selectors.candidates_for_user(user=self.request.user)
            .select_related("requisition")
            .order_by("requisition_id", "last_name", "first_name", "pk")
        )

    def get_serializer(self, *args, **kwargs):
        # Scores for the whole page in a constant number of queries, handed to the serializer.
        if args:
            candidates = list(args[0]) if kwargs.get("many") else [args[0]]
            context = self.get_serializer_context()
            visible = selectors.candidates_visible_scores(
                user=self.request.user, candidate_ids=[candidate.pk for candidate in candidates]
            )
            context["visible"] = visible
            context["scores"] = selectors.candidate_scores(
                candidates=[candidate for candidate in candidates if candidate.pk in visible]
            )
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)
