"""Goal history: every change kept with who made it (the nightly job as the system), shown on the plan page to
the ops lead and the agent whose goal it is, in a constant number of queries; the security log."""

import logging
from datetime import date, timedelta

import pytest
from django.urls import reverse

from coaching import selectors, services
from coaching.models import Goal
from coaching.status import GoalStatus
from coaching.tests.factories import PlanFactory, agent_day, skill
from core import roles
from core.tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def plan(agent):
    return PlanFactory(agent=agent)


def _goal(plan, lead_user, **fields):
    data = {"skill": skill("active_listening"), "kpi": "fcr", "target": 75, "due_date": TODAY + timedelta(days=30)}
    return services.goal_create(plan=plan, created_by=lead_user, **{**data, **fields})


def test_goal_changes_are_kept_with_who_made_them(plan, lead_user):
    goal = _goal(plan, lead_user)
    services.goal_update(goal=goal, target=80, due_date=goal.due_date, note="Stretch", updated_by=lead_user)
    goal_id = goal.pk
    services.goal_delete(goal=goal, deleted_by=lead_user)
    records = list(Goal.history.filter(id=goal_id).order_by("history_date", "history_id"))
    assert records[0].history_type == "+" and records[-1].history_type == "-"
    assert {r.history_user for r in records if r.history_change_reason != "Measured"} == {lead_user}
    assert [r.target for r in records if r.history_type == "~" and r.history_change_reason != "Measured"][-1] == 80


def test_plan_goal_history_is_readable(plan, lead_user):
    goal = _goal(plan, lead_user)
    services.goal_update(goal=goal, target=80, due_date=goal.due_date, note="Stretch", updated_by=lead_user)
    entries = selectors.plan_goal_history(plan=plan)
    created, changed = entries[0], entries[-1]
    assert created.why == "Created" and created.who == lead_user
    assert created.subject == "FCR % · Active listening"
    assert ("Target", "—", "75.0%") in [(c.what, c.old, c.new) for c in created.changes]
    assert [(c.what, c.old, c.new) for c in changed.changes] == [("Target", "75.0%", "80.0%"), ("Note", "—", "Stretch")]
    shown = {c.what for e in entries for c in e.changes}
    assert not shown & {"id", "ID", "plan", "current_sample", "measured_on", "created_at"}


def test_nightly_measuring_writes_history_only_when_the_status_moves(plan, lead_user):
    goal = _goal(plan, lead_user, target=70)
    before = Goal.history.filter(id=goal.pk).count()
    services.goals_refresh(goals=Goal.objects.filter(pk=goal.pk), today=TODAY)
    assert Goal.history.filter(id=goal.pk).count() == before  # same status: no record
    agent_day(plan.agent, TODAY - timedelta(days=1), cases=10, fcr_cases=9)
    services.goals_refresh(goals=Goal.objects.filter(pk=goal.pk), today=TODAY)
    last = Goal.history.filter(id=goal.pk).order_by("-history_date", "-history_id").first()
    assert last.status == GoalStatus.ACHIEVED
    assert last.history_change_reason == "Measured" and last.history_user is None
    assert selectors.plan_goal_history(plan=plan)[-1].changes[0].what == "Status"


def test_goal_edit_page_records_the_lead(client, plan, lead_user):
    goal = _goal(plan, lead_user)
    client.force_login(lead_user)
    response = client.post(
        reverse("coaching:goal-edit", args=[goal.pk]),
        {"target": "78", "due_date": goal.due_date.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    edit = Goal.history.filter(id=goal.pk, target=78).order_by("history_date").first()
    assert edit.history_user == lead_user


@pytest.mark.parametrize("who", ["lead_user", "agent_user"])
def test_plan_page_shows_goal_history_to_the_lead_and_the_agent(client, request, plan, lead_user, who):
    goal = _goal(plan, lead_user)
    services.goal_update(goal=goal, target=80, due_date=goal.due_date, updated_by=lead_user)
    client.force_login(request.getfixturevalue(who))
    url = reverse("coaching:my-plan") if who == "agent_user" else reverse("coaching:plan-detail", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="goal-history"' in text
    assert "Target: <del>75.0%</del> → <ins>80.0%</ins>" in text and lead_user.get_full_name() in text


def test_removed_goals_stay_in_the_plan_history(client, plan, lead_user):
    goal = _goal(plan, lead_user)
    services.goal_delete(goal=goal, deleted_by=lead_user)
    client.force_login(plan.agent.user)
    text = client.get(reverse("coaching:my-plan")).content.decode()
    assert "Removed" in text and "FCR % · Active listening" in text


def test_goal_history_is_not_shown_outside_the_plans_scope(client, plan, lead_user, team):
    _goal(plan, lead_user)
    url = reverse("coaching:plan-detail", args=[plan.pk])
    client.force_login(AgentFactory(team=team).user)  # another agent of the same team
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[roles.OPS_LEAD]))  # a lead of other teams
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[roles.QA_REVIEWER]))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[roles.HIRING_MANAGER]))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_plan_page_with_goal_history_runs_a_constant_number_of_queries(
    client, plan, lead_user, n, django_assert_max_num_queries
):
    for i in range(n):
        goal = _goal(plan, lead_user, skill=skill(["active_listening", "empathy", "patience"][i % 3]))
        services.goal_update(goal=goal, target=80 + i, due_date=goal.due_date, updated_by=lead_user)
    services.goal_delete(goal=goal, deleted_by=lead_user)
    client.force_login(lead_user)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("coaching:plan-detail", args=[plan.pk]))
    assert response.status_code == 200 and len(response.context["goal_history"]) >= 3 * n


def test_security_log_records_goal_changes(plan, lead_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    goal = _goal(plan, lead_user)
    services.goal_update(goal=goal, target=80, due_date=goal.due_date, updated_by=lead_user)
    goal_id = goal.pk
    services.goal_delete(goal=goal, deleted_by=lead_user)
    records = {r.event: r for r in caplog.records if r.name == "skillhub.security"}
    assert {"coaching_goal_set", "coaching_goal_changed", "coaching_goal_removed"} <= set(records)
    assert all(records[e].who == lead_user.username for e in records if e.startswith("coaching_goal"))
    changed = records["coaching_goal_changed"].getMessage()
    assert "'target': 75.0" in changed and "'target': 80.0" in changed and f"goal={goal_id}" in changed
