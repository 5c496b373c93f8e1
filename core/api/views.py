from rest_framework import viewsets

from core.api.filters import AgentFilter, TeamFilter
from core.api.serializers import AgentSerializer, RoleProfileSerializer, SkillSerializer, TeamSerializer
from core.selectors import org as org_selectors
from core.selectors.scope import agents_for_user, teams_for_user


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """The skill catalogue."""

    serializer_class = SkillSerializer
    filterset_fields = ["tier", "is_core"]

    def get_queryset(self):
        return org_selectors.skill_list()


class RoleProfileViewSet(viewsets.ReadOnlyModelViewSet):
    """Role profiles with their skill weights."""

    serializer_class = RoleProfileSerializer

    def get_queryset(self):
        return org_selectors.role_profile_list()


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Teams in the caller's scope."""

    serializer_class = TeamSerializer
    filterset_class = TeamFilter

    def get_queryset(self):
        return teams_for_user(user=self.request.user).select_related("vendor").order_by("name")


class AgentViewSet(viewsets.ReadOnlyModelViewSet):
    """Agents in the caller's scope (an agent sees only themself)."""

    serializer_class = AgentSerializer
    filterset_class = AgentFilter

    def get_queryset(self):
        return (
            agents_for_user(user=self.request.user)
            .select_related("user", "team", "role_profile")
            .order_by("user__last_name", "user__first_name", "pk")
        )
