"""An agent reads their coaching plan in headless Chromium and acknowledges a session."""

from datetime import date, timedelta

import pytest

from coaching.models import CoachingSession
from coaching.status import GoalStatus
from coaching.tests.factories import GoalFactory, PlanFactory, SessionFactory, skill
from core import roles
from core.tests.factories import AgentFactory, TeamFactory, UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan():
    team = TeamFactory(name="North", vendor=VendorFactory(name="Acme Support"))
    agent = AgentFactory(team=team, user__username="ana", user__first_name="Ana", user__last_name="Alves")
    lead = UserFactory(username="olivia", first_name="Olivia", last_name="Lead", roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    plan = PlanFactory(agent=agent)
    goal = GoalFactory(
        plan=plan,
        kpi="fcr",
        skill=skill("problem_solving"),
        baseline=68,
        target=73,
        current_value=70.4,
        current_sample=120,
        status=GoalStatus.ON_TRACK,
    )
    for weeks in range(3):
        goal.measurements.create(day=date.today() - timedelta(days=7 * weeks), value=70 - weeks, sample=100)
    SessionFactory(
        plan=plan,
        coach=lead,
        strengths="Clear summaries at the end of calls",
        try_differently="Restate the problem before troubleshooting",
    )
    return plan


def test_agent_reads_plan_and_acknowledges_a_session(page, live_server, plan):
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My coaching").click()

    assert page.get_by_role("heading", level=1).inner_text() == "My coaching plan"
    goal = page.get_by_test_id("goal")
    assert "FCR %" in goal.inner_text() and "On track" in goal.inner_text()
    assert page.get_by_test_id("goal-current").inner_text() == "70.4%"
    # Chart.js loaded from our static files and drew the progress chart.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas')) !== undefined")
    session = page.get_by_test_id("session")
    assert "Clear summaries at the end of calls" in session.inner_text()
    assert "Not yet acknowledged" in session.inner_text()

    session.get_by_label("Your comment (optional)").fill("Will try it on chat too")
    session.get_by_role("button", name="Acknowledge session").click()

    assert "Session acknowledged" in page.get_by_role("alert").inner_text()
    assert "Acknowledged" in page.get_by_test_id("session").inner_text()
    assert page.get_by_role("button", name="Acknowledge session").count() == 0
    acknowledged = CoachingSession.objects.get()
    assert acknowledged.acknowledged_at is not None and acknowledged.agent_comment == "Will try it on chat too"
