from rest_framework import permissions, viewsets

from coaching import selectors
from coaching.api.filters import CoachingPlanFilter
from coaching.api.serializers import CoachingPlanSerializer
from core import roles


class CoachingReader(permissions.IsAuthenticated):
    """Ops leads and agents (and admins); hiring managers and QA reviewers get 403."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and roles.has_role(request.user, roles.OPS_LEAD, roles.AGENT)


class CoachingPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Coaching plans in the caller's scope with their goals (baseline, target, current, status), activities and
    sessions. An agent sees only their own plan; ops leads the plans of their teams; other roles none."""

    serializer_class = CoachingPlanSerializer
    permission_classes = [CoachingReader]
    filterset_class = CoachingPlanFilter

    def get_queryset(self):
        return selectors.plan_detail(plans=selectors.plans_for_user(user=self.request.user)).order_by("pk")
