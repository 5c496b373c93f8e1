"""Coaching's events through the core's notification service: who is told (the agent and their team's leads, never a
lead of another team or vendor, never the actor), once per occurrence, and by email as each one prefers."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching import services
from coaching.status import GoalStatus
from coaching.tests.factories import GoalFactory, PlanFactory, agent_day, skill
from core import roles
from core.models import Delivery, Notice
from core.notifications.services import emails_held, preference_set
from core.tests.factories import ScopeFactory, UserFactory

TODAY = date(2026, 6, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(agent):
    agent.user.first_name, agent.user.last_name = "Ana", "Alves"
    agent.user.save()
    return PlanFactory(agent=agent)


@pytest.fixture
def colleague(team):
    """A second lead of the agent's team."""
    user = UserFactory(roles=[roles.OPS_LEAD], first_name="Carl", last_name="Colleague")
    team.leads.add(user)
    return user


@pytest.fixture
def outsiders(partner_team, vendor):
    """Who must never hear of the agent's coaching: a lead of another vendor's team, a lead of another team of the
    same vendor, a reviewer covering the agent's vendor."""
    from core.tests.factories import TeamFactory

    partner_lead = UserFactory(roles=[roles.OPS_LEAD])
    partner_team.leads.add(partner_lead)
    other_lead = UserFactory(roles=[roles.OPS_LEAD])
    TeamFactory(vendor=vendor).leads.add(other_lead)
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    return [partner_lead, other_lead, reviewer]


def _told(event: str) -> dict[int, str]:
    return dict(Notice.objects.filter(event=event).values_list("user_id", "title"))


# --- session booked -----------------------------------------------------------------------------------------------


def _book(plan, coach, *, held_on, next_on):
    return services.session_create(
        plan=plan,
        coach=coach,
        held_on=held_on,
        strengths="Clear summaries.",
        try_differently="Restate the problem first.",
        next_session_on=next_on,
    )


def test_session_booked_tells_the_agent_by_email_and_the_other_leads_by_digest_not_the_coach(
    plan, lead_user, colleague, outsiders, django_capture_on_commit_callbacks
):
    lead_user.first_name, lead_user.last_name = "Olivia", "Lead"
    lead_user.save()
    today = timezone.localdate()
    next_on = today + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        _book(plan, lead_user, held_on=today, next_on=next_on)
    told = _told("session_booked")
    assert set(told) == {plan.agent.user_id, colleague.pk}  # the coach (actor) and every outsider are not told
    assert told[plan.agent.user_id] == f"Olivia Lead booked your next coaching session for {next_on:%a %-d %b %Y}."
    assert told[colleague.pk] == f"Olivia Lead booked a coaching session with Ana Alves for {next_on:%a %-d %b %Y}."
    notice = Notice.objects.get(user=plan.agent.user)
    assert notice.url == reverse("coaching:plan-detail", args=[plan.pk]) and notice.delivery == Delivery.NOW
    assert Notice.objects.get(user=colleague).delivery == Delivery.DIGEST
    (message,) = mail.outbox  # the lead's goes in their digest
    assert message.to == [plan.agent.user.email] and message.subject == told[plan.agent.user_id]
    assert f"/coaching/plans/{plan.pk}/" in message.body


def test_session_booked_for_the_same_day_again_tells_nobody_twice(plan, lead_user, colleague):
    today = timezone.localdate()
    _book(plan, lead_user, held_on=today - timedelta(days=1), next_on=today + timedelta(days=7))
    _book(plan, lead_user, held_on=today, next_on=today + timedelta(days=7))
    assert Notice.objects.filter(event="session_booked").count() == 2
    _book(plan, lead_user, held_on=today + timedelta(days=1), next_on=today + timedelta(days=14))
    assert Notice.objects.filter(event="session_booked").count() == 4  # a new date is a new booking


def test_a_session_recorded_late_with_a_past_next_date_tells_nobody(plan, lead_user):
    today = timezone.localdate()
    _book(plan, lead_user, held_on=today - timedelta(days=30), next_on=today - timedelta(days=16))
    assert not Notice.objects.exists()


def test_session_booked_by_an_agents_preference_off_sends_no_email(plan, lead_user, django_capture_on_commit_callbacks):
    preference_set(user=plan.agent.user, event="session_booked", delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _book(plan, lead_user, held_on=timezone.localdate(), next_on=timezone.localdate() + timedelta(days=3))
    assert Notice.objects.get(user=plan.agent.user).delivery == Delivery.OFF
    assert not mail.outbox


# --- the nightly job: session due, goal at risk ------------------------------------------------------------------


def test_nightly_session_due_and_goal_at_risk_reach_the_agent_and_the_teams_leads_only(
    plan, lead_user, colleague, outsiders, django_capture_on_commit_callbacks
):
    plan.next_session_on = TODAY - timedelta(days=2)
    plan.save()
    agent_day(plan.agent, TODAY - timedelta(days=3), cases=10, fcr_cases=5)
    goal = GoalFactory(
        plan=plan,
        kpi="fcr",
        skill=skill("problem_solving"),
        baseline=50,
        target=80,
        start_date=TODAY - timedelta(days=40),
        due_date=TODAY + timedelta(days=5),
    )
    services.goals_refresh(goals=[goal], today=TODAY)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.AT_RISK
    preference_set(user=colleague, event="goal_at_risk", delivery=Delivery.NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_send(today=TODAY) == 6
    due = _told("session_due")
    assert set(due) == {plan.agent.user_id, lead_user.pk, colleague.pk}
    assert (
        due[plan.agent.user_id] == f"Your coaching session is overdue since {TODAY - timedelta(days=2):%a %-d %b %Y}."
    )
    assert due[lead_user.pk].startswith("Your coaching session with Ana Alves is overdue since")
    risk = _told("goal_at_risk")
    assert set(risk) == {plan.agent.user_id, lead_user.pk, colleague.pk}
    assert risk[plan.agent.user_id] == (
        "Your goal 'FCR ≥ 80.0%' is at risk: 50.0% over 6 May–2 Jun 2026, due 7 Jun 2026."
    )
    assert risk[lead_user.pk].startswith("Ana Alves's goal 'FCR ≥ 80.0%' is at risk")
    assert Notice.objects.get(user=plan.agent.user, event="goal_at_risk").url == (
        reverse("coaching:plan-detail", args=[plan.pk]) + f"#goal-{goal.pk}"
    )
    # Agents hear at once; leads by digest unless they chose otherwise (the colleague chose "now" for goals at risk).
    assert sorted((m.to[0], m.subject[:9]) for m in mail.outbox) == sorted(
        [
            (plan.agent.user.email, "Your coac"),
            (plan.agent.user.email, "Your goal"),
            (colleague.email, "Ana Alves"),
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notifications_send(today=TODAY) == 0  # a second run tells nobody again
    assert Notice.objects.count() == 6 and len(mail.outbox) == 3


def test_nightly_notices_are_kept_but_not_emailed_while_seeding(plan, lead_user, django_capture_on_commit_callbacks):
    plan.next_session_on = TODAY
    plan.save()
    with django_capture_on_commit_callbacks(execute=True), emails_held():
        services.notifications_send(today=TODAY)
    assert Notice.objects.count() == 2 and not mail.outbox


# --- goal achieved or missed -------------------------------------------------------------------------------------


def _closing_goal(plan, *, fcr_cases):
    agent_day(plan.agent, TODAY - timedelta(days=5), cases=10, fcr_cases=fcr_cases)
    return GoalFactory(
        plan=plan,
        kpi="fcr",
        skill=skill("problem_solving"),
        baseline=60,
        target=75,
        start_date=TODAY - timedelta(days=60),
        due_date=TODAY - timedelta(days=1),
    )


def test_goal_achieved_at_its_end_tells_the_agent_and_the_teams_leads_once(
    plan, lead_user, outsiders, django_capture_on_commit_callbacks
):
    goal = _closing_goal(plan, fcr_cases=8)
    with django_capture_on_commit_callbacks(execute=True):
        services.coaching_nightly(today=TODAY)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    told = _told("goal_closed")
    assert set(told) == {plan.agent.user_id, lead_user.pk}
    assert told[plan.agent.user_id] == ("Your goal 'FCR ≥ 75.0%' was achieved: 80.0% over 5 May–1 Jun 2026.")
    assert told[lead_user.pk] == ("Ana Alves's goal 'FCR ≥ 75.0%' was achieved: 80.0% over 5 May–1 Jun 2026.")
    notice = Notice.objects.get(user=plan.agent.user, event="goal_closed")
    assert notice.url == reverse("coaching:plan-detail", args=[plan.pk]) + f"#goal-{goal.pk}"
    assert notice.body.startswith("Skill worked on: ")
    assert notice.body.endswith("Baseline 60.0%, target 75.0% by 1 Jun 2026; measured on 10 cases.")
    assert [m.to for m in mail.outbox if m.subject.startswith("Your goal")] == [[plan.agent.user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.coaching_nightly(today=TODAY)
        services.coaching_nightly(today=TODAY + timedelta(days=1))
    assert Notice.objects.filter(event="goal_closed").count() == 2


def test_goal_missed_at_its_end_says_so(plan, lead_user):
    goal = _closing_goal(plan, fcr_cases=5)
    services.goals_refresh(goals=[goal], today=TODAY, notify_closed=True)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MISSED
    assert _told("goal_closed")[plan.agent.user_id] == (
        "Your goal 'FCR ≥ 75.0%' was missed: 50.0% over 5 May–1 Jun 2026."
    )


def test_goal_met_when_a_lead_sets_or_edits_it_is_not_told_as_closed(plan, lead_user):
    """Only the nightly measure closes a goal for the notices; a lead's own edit shows the status on the page."""
    agent_day(plan.agent, TODAY - timedelta(days=3), cases=10, fcr_cases=9)
    goal = services.goal_create(
        plan=plan,
        skill=skill("problem_solving"),
        kpi="fcr",
        target=75,
        due_date=TODAY + timedelta(days=30),
        created_by=lead_user,
        today=TODAY,
    )
    assert goal.status == GoalStatus.ACHIEVED
    assert not Notice.objects.filter(event="goal_closed").exists()
