import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import roles
from core.selectors.scope import agents_for_user, team_ids_for_user, team_of_agent_on, teams_for_user
from core.services.org import agent_create, agent_move_team
from core.tests.factories import ScopeFactory, TeamFactory, UserFactory


@pytest.mark.django_db
def test_agent_create_makes_user_role_and_first_membership(team):
    agent = agent_create(
        username="new.agent",
        email="new.agent@example.test",
        first_name="New",
        last_name="Agent",
        employee_id="E9",
        team=team,
        start_date=dt.date(2025, 1, 6),
    )
    assert roles.has_role(agent.user, roles.AGENT)
    assert list(agent.memberships.values_list("team_id", "start_date", "end_date")) == [
        (team.pk, dt.date(2025, 1, 6), None)
    ]


@pytest.mark.django_db
def test_agent_move_team_keeps_history_for_earlier_days(agent, vendor):
    old_team = agent.team
    new_team = TeamFactory(vendor=vendor)
    agent_move_team(agent=agent, team=new_team, on=dt.date(2025, 3, 1))
    assert team_of_agent_on(agent=agent, day=dt.date(2025, 2, 28)) == old_team
    assert team_of_agent_on(agent=agent, day=dt.date(2025, 3, 1)) == new_team
    assert agent.team == new_team


@pytest.mark.django_db
def test_agent_move_team_refuses_a_date_before_the_current_membership(agent, vendor):
    with pytest.raises(ValidationError):
        agent_move_team(agent=agent, team=TeamFactory(vendor=vendor), on=agent.start_date)


@pytest.mark.django_db
def test_scope_covers_led_teams_scoped_teams_and_scoped_vendors(vendor, partner_vendor):
    led, scoped, other = TeamFactory(vendor=vendor), TeamFactory(vendor=vendor), TeamFactory(vendor=partner_vendor)
    lead = UserFactory(roles=[roles.OPS_LEAD])
    led.leads.add(lead)
    ScopeFactory(user=lead, teams=[scoped])
    assert set(teams_for_user(user=lead)) == {led, scoped}
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[partner_vendor])
    assert set(teams_for_user(user=reviewer)) == {other}
    # The per-request id list (its query compiled once) is the same scope, for every kind of user.
    admin, agent = UserFactory(roles=[roles.ADMIN]), UserFactory(roles=[roles.AGENT])
    for user in (lead, reviewer, admin, agent, UserFactory(roles=[roles.OPS_LEAD])):
        assert team_ids_for_user(user=user) == sorted(team.pk for team in teams_for_user(user=user))
    assert team_ids_for_user(user=lead) == sorted([led.pk, scoped.pk])


@pytest.mark.django_db
def test_agent_sees_only_themself_and_hiring_manager_no_agent(agent, other_agent, hiring_user):
    assert list(agents_for_user(user=agent.user)) == [agent]
    assert not agents_for_user(user=hiring_user).exists()
    assert not teams_for_user(user=agent.user).exists()


@pytest.mark.django_db
def test_roles_sync_gives_each_role_its_permissions():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)
    hiring = Group.objects.get(name=roles.HIRING_MANAGER)
    assert not hiring.permissions.filter(content_type__app_label__in=["qa", "coaching"]).exists()
    reviewer = Group.objects.get(name=roles.QA_REVIEWER)
    assert reviewer.permissions.filter(content_type__app_label="qa", codename="change_review").exists()


@pytest.mark.django_db
def test_admin_role_keeps_the_permissions_of_the_rollup_tables_in_their_new_app():
    """The rollup models moved from the core (label skillhub) to metrics: their permissions follow them."""
    from django.contrib.auth.models import Group, Permission

    moved = Permission.objects.filter(content_type__app_label="metrics")
    assert moved.filter(codename="view_agentday").exists()
    admin = Group.objects.get(name=roles.ADMIN)
    assert set(moved) <= set(admin.permissions.all())
