"""Who may see which teams and agents. Every page and API call scopes through these (out of scope is 404)."""

import functools
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet

from core import roles
from core.models import Agent, Team, TeamMembership, User, Vendor


def teams_for_user(*, user: User) -> QuerySet[Team]:
    """Teams an ops lead or QA reviewer covers: teams they lead, teams and vendors in their scope; all for admins."""
    if roles.is_admin(user):
        return Team.objects.all()
    if not roles.has_role(user, roles.OPS_LEAD, roles.QA_REVIEWER):
        return Team.objects.none()
    return _covered_teams(user.pk)


def _covered_teams(user_pk: int) -> QuerySet[Team]:
    return Team.objects.filter(
        Q(pk__in=Team.leads.through.objects.filter(user_id=user_pk).values("team_id"))
        | Q(pk__in=Team.scopes.through.objects.filter(scope__user_id=user_pk).values("team_id"))
        | Q(vendor__in=Vendor.scopes.through.objects.filter(scope__user_id=user_pk).values("vendor_id"))
    )


# A user id no user has: _covered_teams compiled with it once shows where the real id goes.
_PLACEHOLDER_PK = -7_420_424


@functools.cache
def _covered_team_ids_sql(vendor: str) -> tuple[str, int]:
    """_covered_teams' ids as SQL, compiled once per process and database (its only parameters are the user's id,
    which the ORM takes about a millisecond to compile into the query each time)."""
    sql, params = _covered_teams(_PLACEHOLDER_PK).order_by("pk").values_list("pk").query.sql_with_params()
    if any(param != _PLACEHOLDER_PK for param in params):  # pragma: no cover - guards a change to _covered_teams
        raise RuntimeError("_covered_teams has parameters other than the user's id")
    return sql, len(params)


def team_ids_for_user(*, user: User) -> list[int]:
    """The ids of teams_for_user(user), by id: for checks on every request (e.g. the dashboards' cache key)."""
    if roles.is_admin(user):
        return list(Team.objects.order_by("pk").values_list("pk", flat=True))
    if not roles.has_role(user, roles.OPS_LEAD, roles.QA_REVIEWER):
        return []
    sql, n = _covered_team_ids_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk] * n)
        return [pk for (pk,) in cursor.fetchall()]


def vendors_for_user(*, user: User) -> QuerySet[Vendor]:
    if roles.is_admin(user):
        return Vendor.objects.all()
    return Vendor.objects.filter(pk__in=teams_for_user(user=user).values("vendor_id"))


def agents_for_user(*, user: User) -> QuerySet[Agent]:
    """Agents whose data `user` may see: in their teams for leads and reviewers; only themself for an agent."""
    if roles.is_admin(user):
        return Agent.objects.all()
    if roles.has_role(user, roles.OPS_LEAD, roles.QA_REVIEWER):
        return Agent.objects.filter(team__in=teams_for_user(user=user).values("pk"))
    if roles.has_role(user, roles.AGENT):
        return Agent.objects.filter(user_id=user.pk)
    return Agent.objects.none()


def team_of_agent_on(*, agent: Agent, day: date) -> Team:
    """The team the agent belonged to on `day` (their first team before they started)."""
    membership = (
        TeamMembership.objects.filter(agent=agent, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .select_related("team")
        .first()
    )
    if membership is not None:
        return membership.team
    first = TeamMembership.objects.filter(agent=agent).select_related("team").order_by("start_date").first()
    return first.team if first is not None else agent.team
