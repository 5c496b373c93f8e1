"""Coaching pages: who may use them, scope (404 out of it), forms, constant queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from coaching.models import Activity, CoachingSession, Goal, PlanActivity, Suggestion
from coaching.status import GoalStatus
from coaching.tests.factories import (
    ActivityFactory,
    GoalFactory,
    PlanActivityFactory,
    PlanFactory,
    SessionFactory,
    agent_day,
    skill,
)
from core import roles
from core.models import Notice
from core.tests.factories import AgentFactory, ContactFactory, UserFactory
from qa.models import Review

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def plan(agent):
    return PlanFactory(agent=agent)


@pytest.fixture
def other_plan(other_agent):
    return PlanFactory(agent=other_agent)


def _review(agent, score=82):
    contact = ContactFactory(agent=agent)
    return Review.objects.create(contact=contact, agent=agent, team=agent.team, status="released", score=score)


# --- scope and roles ----------------------------------------------------------------------------------------------


def test_agent_reads_own_plan_with_goals_activities_and_sessions(client, plan, agent_user):
    GoalFactory(plan=plan, kpi="fcr", current_value=66.5, status=GoalStatus.ON_TRACK)
    PlanActivityFactory(plan=plan, activity=ActivityFactory(title="Listening lab: the cue we missed"))
    SessionFactory(plan=plan, strengths="Warm openings")
    client.force_login(agent_user)
    page = client.get(reverse("coaching:my-plan")).content.decode()
    assert "My coaching plan" in page and "66.5%" in page and "On track" in page
    assert "Listening lab: the cue we missed" in page and "Warm openings" in page
    assert 'id="goal-charts"' in page
    assert client.get(reverse("coaching:plan-detail", args=[plan.pk])).status_code == 200


def test_a_missed_goal_names_the_window_ending_on_its_due_date(client, plan, agent_user):
    due = TODAY - timedelta(days=10)
    GoalFactory(
        plan=plan,
        kpi="fcr",
        start_date=due - timedelta(days=40),
        due_date=due,
        current_value=70.0,
        current_sample=120,
        measured_on=TODAY,
        status=GoalStatus.MISSED,
    )
    GoalFactory(plan=plan, kpi="csat", current_value=80.0, current_sample=30, measured_on=TODAY)
    client.force_login(agent_user)
    page = client.get(reverse("coaching:my-plan")).content.decode()

    def span(end):
        start = end - timedelta(days=27)
        return f"{start:%-d %b}–{end:%-d %b}" if start.year == end.year else f"{start:%-d %b %Y}–{end:%-d %b %Y}"

    assert f"28 days ending on the due date, {span(due)}; 120 cases" in page
    assert f"last 28 days, {span(TODAY)}; 30 responses" in page
    assert page.count("last 28 days") == 1  # the missed goal does not claim the last 28 days


def test_agent_without_plan_sees_an_explanation(client, agent_user):
    client.force_login(agent_user)
    assert "no coaching plan yet" in client.get(reverse("coaching:my-plan")).content.decode()


def test_agent_gets_404_on_another_agents_plan_session_and_activity(client, agent_user, plan, team):
    neighbour = PlanFactory(agent=AgentFactory(team=team))
    session = SessionFactory(plan=neighbour)
    assignment = PlanActivityFactory(plan=neighbour)
    client.force_login(agent_user)
    assert client.get(reverse("coaching:plan-detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("coaching:session-detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("coaching:assignment-detail", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("coaching:session-acknowledge", args=[session.pk])).status_code == 404


def test_lead_sees_plans_of_own_teams_only(client, lead_user, plan, other_plan):
    client.force_login(lead_user)
    assert client.get(reverse("coaching:plan-detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("coaching:plan-detail", args=[other_plan.pk])).status_code == 404
    page = client.get(reverse("coaching:plan-list")).content.decode()
    assert plan.agent.name in page and other_plan.agent.name not in page


@pytest.mark.parametrize("user_fixture", ["hiring_user", "reviewer_user"])
def test_roles_without_coaching_get_403(client, request, user_fixture, plan):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("coaching:plan-detail", args=[plan.pk])).status_code == 403
    assert client.get(reverse("coaching:plan-list")).status_code == 403
    assert client.get(reverse("coaching:my-plan")).status_code == 403


def test_agent_cannot_use_lead_pages(client, agent_user, plan):
    client.force_login(agent_user)
    for name, args in [
        ("coaching:plan-list", []),
        ("coaching:goal-create", [plan.pk]),
        ("coaching:activity-list", []),
        ("coaching:suggestion-list", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403


# --- constant queries ---------------------------------------------------------------------------------------------


def _fill(plan, n):
    reviews = [_review(plan.agent) for _ in range(2)]
    for i in range(n):
        goal = GoalFactory(plan=plan, kpi=["fcr", "aht", "csat"][i % 3])
        goal.measurements.create(day=TODAY - timedelta(days=i), value=60 + i, sample=10)
        PlanActivityFactory(plan=plan, goal=goal)
        session = SessionFactory(plan=plan, held_on=TODAY - timedelta(days=i + 1))
        session.reviews.set(reviews)


@pytest.mark.parametrize("n", [2, 12])
def test_plan_page_query_count_is_flat(client, plan, agent_user, n, django_assert_max_num_queries):
    _fill(plan, n)
    Notice.objects.create(user=agent_user, event="session_due", key="k", title="Session due")
    client.force_login(agent_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("coaching:my-plan"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="goal"') == n


@pytest.mark.parametrize("n", [3, 25])
def test_lead_plan_list_query_count_is_flat(client, team, lead_user, n, django_assert_max_num_queries):
    for _ in range(n):
        plan = PlanFactory(agent=AgentFactory(team=team))
        GoalFactory(plan=plan, status=GoalStatus.AT_RISK)
        SessionFactory(plan=plan)
    AgentFactory(team=team)
    client.force_login(lead_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("coaching:plan-list"))
    assert response.content.decode().count('data-testid="plan-row"') == n


@pytest.mark.parametrize("n", [2, 10])
def test_lead_plan_page_query_count_is_flat(client, plan, lead_user, n, django_assert_max_num_queries):
    _fill(plan, n)
    client.force_login(lead_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("coaching:plan-detail", args=[plan.pk])).status_code == 200


# --- goals --------------------------------------------------------------------------------------------------------


def test_lead_sets_a_goal_and_the_baseline_is_measured(client, lead_user, plan):
    agent_day(plan.agent, TODAY - timedelta(days=3), cases=10, fcr_cases=7)
    client.force_login(lead_user)
    response = client.post(
        reverse("coaching:goal-create", args=[plan.pk]),
        {
            "skill": skill("problem_solving").pk,
            "kpi": "fcr",
            "target": "78",
            "window_days": "28",
            "due_date": (TODAY + timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plan)
    assert goal.baseline == 70.0 and goal.target == 78.0 and goal.current_value == 70.0


def test_goal_form_re_renders_with_errors(client, lead_user, plan):
    client.force_login(lead_user)
    response = client.post(
        reverse("coaching:goal-create", args=[plan.pk]),
        {"skill": skill().pk, "kpi": "fcr", "target": "x", "window_days": "28", "due_date": TODAY.isoformat()},
    )
    assert response.status_code == 200 and not Goal.objects.exists()
    response = client.post(
        reverse("coaching:goal-create", args=[plan.pk]),
        {"skill": skill().pk, "kpi": "fcr", "target": "70", "window_days": "28", "due_date": TODAY.isoformat()},
    )
    assert response.status_code == 200 and "due date must be after today" in response.content.decode()


@pytest.mark.parametrize("kpi,target", [("fcr", "150"), ("nps", "-101"), ("aht", "1e300"), ("ces", "0")])
def test_a_target_off_the_kpis_scale_is_a_form_error(client, lead_user, plan, kpi, target):
    client.force_login(lead_user)
    response = client.post(
        reverse("coaching:goal-create", args=[plan.pk]),
        {
            "skill": skill().pk,
            "kpi": kpi,
            "target": target,
            "window_days": "28",
            "due_date": (TODAY + timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 200 and "target is between" in response.content.decode()
    assert not Goal.objects.exists()


def test_lead_edits_and_deletes_a_goal(client, lead_user, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(lead_user)
    url = reverse("coaching:goal-edit", args=[goal.pk])
    assert client.post(url, {"target": "81", "due_date": goal.due_date.isoformat()}).status_code == 302
    goal.refresh_from_db()
    assert goal.target == 81
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not Goal.objects.exists()


def test_goal_and_session_forms_keep_a_device_copy_of_typed_text_per_user(client, lead_user, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(lead_user)
    pages = {
        reverse("coaching:goal-create", args=[plan.pk]): f"coaching-goal-new-{plan.pk}-u{lead_user.pk}",
        reverse("coaching:goal-edit", args=[goal.pk]): f"coaching-goal-{goal.pk}-u{lead_user.pk}",
        reverse("coaching:session-create", args=[plan.pk]): f"coaching-session-new-{plan.pk}-u{lead_user.pk}",
    }
    for url, key in pages.items():
        body = client.get(url).content.decode()
        assert f'data-draft-key="{key}"' in body and "data-draft-save" in body, url
        assert "data-draft-unsaved" not in body
    # Re-rendered with errors: not saved, so the device copy is kept.
    response = client.post(reverse("coaching:goal-create", args=[plan.pk]), {"target": "x"})
    assert response.status_code == 200 and "data-draft-unsaved" in response.content.decode()
    # Other forms on the shared template are not drafts.
    assert "data-draft-key" not in client.get(reverse("coaching:plan-create")).content.decode()


# --- sessions -----------------------------------------------------------------------------------------------------


def test_lead_records_a_session_linking_the_agents_reviews_only(client, lead_user, plan, other_agent):
    own, foreign = _review(plan.agent), _review(other_agent)
    client.force_login(lead_user)
    url = reverse("coaching:session-create", args=[plan.pk])
    data = {
        "held_on": TODAY.isoformat(),
        "strengths": "Calm tone",
        "try_differently": "Summarise first",
        "agreed_actions": "Module",
        "next_session_on": (TODAY + timedelta(days=14)).isoformat(),
    }
    response = client.post(url, {**data, "reviews": [foreign.pk]})
    assert response.status_code == 200 and not CoachingSession.objects.exists()
    assert client.post(url, {**data, "reviews": [own.pk]}).status_code == 302
    session = CoachingSession.objects.get()
    assert list(session.reviews.all()) == [own]
    plan.refresh_from_db()
    assert plan.next_session_on == TODAY + timedelta(days=14)


def test_agent_acknowledges_a_session_once(client, agent_user, lead_user, plan):
    session = SessionFactory(plan=plan)
    client.force_login(lead_user)
    assert client.post(reverse("coaching:session-acknowledge", args=[session.pk])).status_code == 403
    client.force_login(agent_user)
    url = reverse("coaching:session-acknowledge", args=[session.pk])
    assert client.post(url, {"comment": "Got it"}).status_code == 302
    session.refresh_from_db()
    assert session.acknowledged_at is not None and session.agent_comment == "Got it"
    response = client.post(url, {"comment": "again"}, follow=True)
    assert "already acknowledged" in response.content.decode()
    session.refresh_from_db()
    assert session.agent_comment == "Got it"


# --- activities ---------------------------------------------------------------------------------------------------


def test_agent_completes_micro_learning_only_with_the_right_answer(client, agent_user, plan):
    module = ActivityFactory(
        kind=Activity.Kind.MICRO_LEARNING, check_question="Q?", check_choices=["a", "b"], check_answer=1
    )
    assignment = PlanActivityFactory(plan=plan, activity=module)
    client.force_login(agent_user)
    url = reverse("coaching:assignment-detail", args=[assignment.pk])
    response = client.post(url, {"answer": "0"})
    assert response.status_code == 200 and "not the right answer" in response.content.decode()
    assert client.post(url, {"answer": "1"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == PlanActivity.Status.DONE and assignment.completed_on == TODAY


def test_lead_assigns_an_activity_with_a_mentor(client, lead_user, plan, team):
    mentoring = ActivityFactory(kind=Activity.Kind.PEER_MENTORING)
    mentor = AgentFactory(team=team)
    client.force_login(lead_user)
    url = reverse("coaching:assignment-create", args=[plan.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"activity": mentoring.pk, "mentor": mentor.pk}).status_code == 302
    assert PlanActivity.objects.get(plan=plan).mentor == mentor


def test_catalogue_refuses_micro_learning_without_a_check(client, lead_user):
    client.force_login(lead_user)
    data = {
        "code": "new-module",
        "title": "New",
        "kind": "micro_learning",
        "skill": skill().pk,
        "summary": "Short",
        "content": "Text",
        "duration_minutes": "10",
        "is_active": "on",
    }
    response = client.post(reverse("coaching:activity-create"), data)
    assert response.status_code == 200 and "completion check" in response.content.decode()
    data.update(check_question="Which?", check_choices_text="one\ntwo", check_answer="0")
    assert client.post(reverse("coaching:activity-create"), data).status_code == 302
    assert Activity.objects.get(code="new-module").check_choices == ["one", "two"]


def _activity_data(**extra):
    return {
        "code": "call-wrap-drill",
        "title": "Call wrap drill",
        "kind": "role_play",
        "skill": skill().pk,
        "summary": "Close the call in three sentences",
        "duration_minutes": "15",
        "is_active": "on",
        **extra,
    }


def test_a_lead_proposes_an_activity_an_admin_publishes_it(client, lead_user, admin_user, plan):
    client.force_login(lead_user)
    page = client.get(reverse("coaching:activity-list")).content.decode()
    assert (
        "Propose an activity" in page
        and reverse("coaching:activity-edit", args=[Activity.objects.first().pk]) not in page
    )
    response = client.post(reverse("coaching:activity-create"), _activity_data(), follow=True)
    assert "Proposal saved: an admin publishes it to the catalogue." in response.content.decode()
    proposal = Activity.objects.get(code="call-wrap-drill")
    assert proposal.is_proposal and not proposal.is_active and proposal.created_by == lead_user  # "is_active" ignored
    # Not assignable while a proposal, and the lead cannot publish it.
    assign = client.get(reverse("coaching:assignment-create", args=[plan.pk])).context["form"]
    assert proposal not in assign.fields["activity"].queryset
    assert client.post(reverse("coaching:activity-publish", args=[proposal.pk])).status_code == 403
    # The lead may still edit their own proposal; it stays a proposal.
    edit = reverse("coaching:activity-edit", args=[proposal.pk])
    assert client.post(edit, _activity_data(title="Call wrap-up drill")).status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "Call wrap-up drill" and proposal.is_proposal and not proposal.is_active
    # The admin sees it among the proposals and publishes it.
    client.force_login(admin_user)
    assert 'data-testid="activity-proposals"' in client.get(reverse("coaching:activity-list")).content.decode()
    assert client.post(reverse("coaching:activity-publish", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.is_active and not proposal.is_proposal
    client.force_login(lead_user)  # now part of the catalogue: no longer the lead's to edit
    assert client.get(edit).status_code == 403


def test_a_partner_lead_cannot_rename_or_retire_a_catalogue_activity(client, partner_team, plan):
    """The catalogue is shared with in-house plans: a lead of another vendor (any lead) may not touch it."""
    used = ActivityFactory(title="Restate before you solve")
    PlanActivityFactory(plan=plan, activity=used)
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    client.force_login(partner_lead)
    edit = reverse("coaching:activity-edit", args=[used.pk])
    assert client.get(edit).status_code == 403
    data = _activity_data(code=used.code, title="Renamed", skill=used.skill_id, kind=used.kind)
    data.pop("is_active")  # retire
    assert client.post(edit, data).status_code == 403
    used.refresh_from_db()
    assert used.title == "Restate before you solve" and used.is_active


def test_catalogue_services_enforce_the_admins_ownership(lead_user, admin_user):
    from django.core.exceptions import PermissionDenied

    from coaching import services

    activity = ActivityFactory(title="Listening lab")
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, updated_by=lead_user, title="Renamed", is_active=False)
    with pytest.raises(PermissionDenied):
        services.activity_publish(activity=activity, published_by=lead_user)
    activity.refresh_from_db()
    assert activity.title == "Listening lab" and activity.is_active
    services.activity_update(activity=activity, updated_by=admin_user, title="Listening lab 2", is_active=False)
    activity.refresh_from_db()
    assert activity.title == "Listening lab 2" and not activity.is_active


def test_seeded_catalogue_has_two_activities_per_core_skill():
    from core.models import Skill

    for core in Skill.objects.filter(is_core=True):
        assert Activity.objects.filter(skill=core, is_active=True).count() >= 2, core


def test_return_on_training_page(client, lead_user):
    activity = ActivityFactory()
    client.force_login(lead_user)
    response = client.get(reverse("coaching:activity-impact", args=[activity.pk]), {"kpi": "fcr", "window": "bad"})
    assert response.status_code == 200 and "Not enough data yet" in response.content.decode()


# --- suggestions, targets, notifications --------------------------------------------------------------------------


def test_lead_refreshes_accepts_and_dismisses_suggestions(client, lead_user, team):
    from coaching.tests.factories import agent_skill_day

    a, b = AgentFactory(team=team), AgentFactory(team=team)
    for agent in (a, b):
        agent_skill_day(agent, TODAY - timedelta(days=3), skill("empathy"), 4, 200)
    client.force_login(lead_user)
    assert client.post(reverse("coaching:suggestion-refresh")).status_code == 302
    first, second = Suggestion.objects.order_by("agent_id")
    assert "Empathy" in client.get(reverse("coaching:suggestion-list")).content.decode()
    response = client.post(
        reverse("coaching:suggestion-accept", args=[first.pk]),
        {"target": "75", "due_date": (TODAY + timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    assert Goal.objects.get(plan__agent=a).target == 75
    assert client.post(reverse("coaching:suggestion-dismiss", args=[second.pk])).status_code == 302
    second.refresh_from_db()
    assert second.status == Suggestion.Status.DISMISSED


def test_lead_cannot_touch_suggestions_of_another_vendor(client, lead_user, other_agent):
    suggestion = Suggestion.objects.create(
        agent=other_agent,
        skill=skill(),
        kpi="skill_qa",
        observed=50,
        target=80,
        sample=4,
        period_start=TODAY,
        period_end=TODAY,
        reason="x",
    )
    client.force_login(lead_user)
    assert client.get(reverse("coaching:suggestion-accept", args=[suggestion.pk])).status_code == 404
    assert client.post(reverse("coaching:suggestion-dismiss", args=[suggestion.pk])).status_code == 404


def test_assigning_the_same_activity_twice_is_a_no_op_with_a_message(client, lead_user, plan):
    activity = ActivityFactory(title="Restate before you solve")
    client.force_login(lead_user)
    url = reverse("coaching:assignment-create", args=[plan.pk])
    first = client.post(url, {"activity": activity.pk})
    second = client.post(url, {"activity": activity.pk}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert second.redirect_chain[-1][0] == reverse("coaching:plan-detail", args=[plan.pk])
    assert "“Restate before you solve” is already on the plan." in second.content.decode()
    assert PlanActivity.objects.filter(plan=plan, activity=activity).count() == 1
    # The form still offers only the activities not on the plan.
    assert activity not in client.get(url).context["form"].fields["activity"].queryset


def test_a_concurrent_double_assign_is_a_validation_error_not_a_500(lead_user, plan, monkeypatch):
    """Two requests both pass the check before either inserts: the loser hits the unique constraint, which the
    service turns into the same clear error."""
    from django.core.exceptions import ValidationError
    from django.db.models.query import QuerySet

    from coaching import services

    activity = ActivityFactory()
    services.plan_activity_assign(plan=plan, activity=activity, assigned_by=lead_user)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)  # the other request's check ran before the insert
    with pytest.raises(ValidationError) as error:
        services.plan_activity_assign(plan=plan, activity=activity, assigned_by=lead_user)
    assert error.value.message_dict == {"activity": ["This activity is already on the plan."]}
    monkeypatch.undo()
    assert PlanActivity.objects.filter(plan=plan, activity=activity).count() == 1


def _suggestion(agent, *, skill_code="empathy", kpi="skill_qa", observed=50.0, target=80.0, sample=4, activity=None):
    suggestion = Suggestion.objects.create(
        agent=agent,
        skill=skill(skill_code),
        kpi=kpi,
        observed=observed,
        target=target,
        sample=sample,
        period_start=TODAY - timedelta(days=27),
        period_end=TODAY,
        reason="below target",
    )
    if activity is not None:
        suggestion.activities.add(activity)
    return suggestion


def test_suggestions_are_grouped_by_what_they_propose_and_ranked_by_evidence(client, lead_user, team):
    """A small gap on a few reviews ranks below a large gap on many; each skill · KPI is one group."""
    lab = ActivityFactory(skill=skill("empathy"), title="Empathy lab")
    weak, thin, middling = AgentFactory(team=team), AgentFactory(team=team), AgentFactory(team=team)
    thin_s = _suggestion(thin, observed=75, sample=3, activity=lab)  # 5 points short on 3 reviews
    weak_s = _suggestion(weak, observed=55, sample=20, activity=lab)  # 25 points short on 20 reviews
    mid_s = _suggestion(middling, observed=70, sample=12, activity=lab)
    fcr_s = _suggestion(weak, skill_code="problem_solving", kpi="fcr", observed=60, target=75, sample=400)
    client.force_login(lead_user)
    response = client.get(reverse("coaching:suggestion-list"))
    groups = response.context["groups"]
    assert [(g["skill"].code, g["kpi"].key) for g in groups] == [("problem_solving", "fcr"), ("empathy", "skill_qa")]
    empathy = groups[1]
    assert [row["suggestion"] for row in empathy["rows"]] == [weak_s, mid_s, thin_s]
    assert empathy["activities"] == ["Empathy lab"] and sorted(empathy["ids"]) == sorted(
        [thin_s.pk, weak_s.pk, mid_s.pk]
    )
    assert groups[0]["rows"][0]["suggestion"] == fcr_s and groups[0]["evidence"] > empathy["evidence"]
    assert empathy["rows"][0]["evidence"] == pytest.approx(25 / (80 * 20 / 20) ** 0.5, rel=1e-6)
    page = response.content.decode()
    assert page.count('data-testid="suggestion-group"') == 2 and "Dismiss all 3 in this group" in page
    assert 'form="bulk-dismiss"' in page and "Proposes: Empathy lab" in page


def test_lead_dismisses_suggestions_in_bulk_within_scope(client, lead_user, team, other_agent):
    mine = [_suggestion(AgentFactory(team=team)) for _ in range(3)]
    decided = _suggestion(AgentFactory(team=team))
    decided.status = Suggestion.Status.ACCEPTED
    decided.save()
    theirs = _suggestion(other_agent)
    url = reverse("coaching:suggestion-dismiss-bulk")
    client.force_login(lead_user)
    # One out of scope among them: 404 and nothing dismissed.
    assert client.post(url, {"suggestion": [mine[0].pk, theirs.pk]}).status_code == 404
    assert not Suggestion.objects.filter(status=Suggestion.Status.DISMISSED).exists()
    # Nothing selected: a message, no change.
    response = client.post(url, {"suggestion": ["x"]}, follow=True)
    assert "Select at least one suggestion." in response.content.decode()
    response = client.post(url, {"suggestion": [mine[0].pk, mine[1].pk, decided.pk]}, follow=True)
    assert "2 suggestions dismissed (1 already decided, left as they were)" in response.content.decode()
    statuses = dict(Suggestion.objects.values_list("pk", "status"))
    assert [statuses[s.pk] for s in mine] == ["dismissed", "dismissed", "open"]
    assert statuses[decided.pk] == "accepted" and statuses[theirs.pk] == "open"
    assert Suggestion.objects.get(pk=mine[0].pk).decided_by == lead_user


@pytest.mark.parametrize("user_fixture", ["agent_user", "reviewer_user", "hiring_user"])
def test_bulk_dismiss_is_for_ops_leads(client, request, user_fixture, team):
    suggestion = _suggestion(AgentFactory(team=team))
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.post(reverse("coaching:suggestion-dismiss-bulk"), {"suggestion": [suggestion.pk]}).status_code == 403
    assert Suggestion.objects.get(pk=suggestion.pk).status == "open"


def test_partner_lead_cannot_bulk_dismiss_in_house_suggestions(client, partner_team, team):
    suggestion = _suggestion(AgentFactory(team=team))
    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    client.force_login(partner_lead)
    assert client.post(reverse("coaching:suggestion-dismiss-bulk"), {"suggestion": [suggestion.pk]}).status_code == 404
    assert Suggestion.objects.get(pk=suggestion.pk).status == "open"


def test_lead_sets_team_targets_in_scope_only(client, lead_user, team, partner_team):
    client.force_login(lead_user)
    url = reverse("coaching:team-targets", args=[team.pk])
    assert client.post(url, {"fcr": "78", "csat": ""}).status_code == 302
    assert team.kpi_targets.get().value == 78
    assert client.post(url, {"fcr": "abc"}).status_code == 200
    assert client.get(reverse("coaching:team-targets", args=[partner_team.pk])).status_code == 404
    assert "78.0%" in client.get(reverse("coaching:target-list")).content.decode()


def test_team_targets_with_one_value_out_of_range_save_nothing_and_name_the_field(client, lead_user, team):
    """One bad value among good ones: the form comes back with the error on that field, and no target is saved
    (before, the good values before it were saved and the bad one answered 500)."""
    from coaching.models import KpiTarget

    client.force_login(lead_user)
    url = reverse("coaching:team-targets", args=[team.pk])
    assert client.post(url, {"fcr": "70"}).status_code == 302
    response = client.post(url, {"fcr": "78", "csat": "150", "nps": "-101"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"csat", "nps"}
    assert "target is between 0 and 100" in form.errors["csat"][0]
    assert "target is between -100 and 100" in form.errors["nps"][0]
    assert list(KpiTarget.objects.filter(team=team).values_list("kpi", "value")) == [("fcr", 70.0)]
    page = response.content.decode()
    assert 'name="csat"' in page and 'max="100"' in page and "target is between 0 and 100" in page


def test_kpi_targets_set_checks_every_value_before_saving_any(team, lead_user):
    from django.core.exceptions import ValidationError

    from coaching import services
    from coaching.models import KpiTarget

    with pytest.raises(ValidationError) as raised:
        services.kpi_targets_set(team=team, values={"fcr": 80.0, "aht": -5.0}, updated_by=lead_user)
    assert set(raised.value.message_dict) == {"aht"}
    assert not KpiTarget.objects.filter(team=team).exists()
    services.kpi_targets_set(team=team, values={"fcr": 80.0, "aht": None}, updated_by=lead_user)
    assert list(KpiTarget.objects.filter(team=team).values_list("kpi", "value")) == [("fcr", 80.0)]


def test_another_leads_proposal_is_not_there_for_a_lead(client, lead_user, partner_team):
    """A proposal is its author's (and the admins') until published: another lead gets 404 on its edit and impact
    pages, as for any object out of scope; once published it is catalogue, readable by every lead."""
    client.force_login(lead_user)
    client.post(reverse("coaching:activity-create"), _activity_data())
    proposal = Activity.objects.get(code="call-wrap-drill", is_proposal=True)
    other_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(other_lead)
    client.force_login(other_lead)
    assert client.get(reverse("coaching:activity-edit", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("coaching:activity-impact", args=[proposal.pk])).status_code == 404
    client.force_login(lead_user)
    assert client.get(reverse("coaching:activity-impact", args=[proposal.pk])).status_code == 200
    Activity.objects.filter(pk=proposal.pk).update(is_proposal=False, is_active=True)
    client.force_login(other_lead)
    assert client.get(reverse("coaching:activity-impact", args=[proposal.pk])).status_code == 200
