from django.db.models import Count, Q, QuerySet

from core.models import Agent, RoleProfile, Skill, Team, TeamMembership, User
from core.selectors.scope import agents_for_user, teams_for_user


def team_list_for_user(*, user: User) -> QuerySet[Team]:
    return (
        teams_for_user(user=user)
        .select_related("vendor", "site")
        .prefetch_related("leads")
        .annotate(agent_count=Count("agents", filter=Q(agents__is_active=True)))
        .order_by("vendor__name", "name")
    )


def agent_list_for_team(*, team: Team) -> QuerySet[Agent]:
    return team.agents.select_related("user", "role_profile").order_by("user__last_name", "user__first_name")


def agent_detail_queryset(*, user: User) -> QuerySet[Agent]:
    return agents_for_user(user=user).select_related("user", "team__vendor", "role_profile")


def membership_list_for_agent(*, agent: Agent) -> QuerySet[TeamMembership]:
    return agent.memberships.select_related("team__vendor").order_by("-start_date")


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("position", "name")


def role_profile_list() -> QuerySet[RoleProfile]:
    return RoleProfile.objects.prefetch_related("skill_weights__skill").order_by("name")
