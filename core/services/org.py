"""Writes for people and teams."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core import roles
from core.models import Agent, RoleProfile, Team, TeamMembership, User


@transaction.atomic
def agent_create(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    employee_id: str,
    team: Team,
    start_date: date,
    channels: list[str] | None = None,
    role_profile: RoleProfile | None = None,
    password: str | None = None,
) -> Agent:
    """Create the user, the agent profile, the Agent role and the first team membership."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(_group(roles.AGENT))
    agent = Agent(
        user=user,
        employee_id=employee_id,
        email=email,
        team=team,
        start_date=start_date,
        channels=channels or [],
        role_profile=role_profile,
    )
    agent.full_clean()
    agent.save()
    TeamMembership.objects.create(agent=agent, team=team, start_date=start_date)
    return agent


@transaction.atomic
def agent_move_team(*, agent: Agent, team: Team, on: date) -> Agent:
    """Move an agent to `team` from day `on`; days before it keep counting for the old team."""
    if team.pk == agent.team_id:
        raise ValidationError(f"{agent} is already in {team}.")
    current = TeamMembership.objects.select_for_update().filter(agent=agent, end_date__isnull=True).first()
    if current is not None:
        if on <= current.start_date:
            raise ValidationError(f"The move must be after {current.start_date:%d %b %Y}, when the current team began.")
        current.end_date = on
        current.save(update_fields=["end_date"])
    TeamMembership.objects.create(agent=agent, team=team, start_date=on)
    agent.team = team
    agent.save(update_fields=["team"])
    return agent


def _group(name: str):
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=name)
    return group
