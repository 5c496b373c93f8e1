"""End-to-end journeys in headless Chromium, one per kind of user, through the real pages by clicking and typing.

Transactional tests flush the database, so each journey makes what it needs with factories (seeded skills, role
profiles and the question bank are re-created where a journey needs them).
"""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Interview
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from coaching.models import CoachingSession, Goal
from coaching.tests.factories import PlanFactory, SessionFactory
from core import roles
from core.models import Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from dashboards.tests.dashboard_data import fill_rollups
from qa.disputes import services as dispute_services
from qa.models import Review
from qa.reviews import services as review_services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory, answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reseed(*modules: str) -> None:
    """Run seeding data migrations again (idempotent): an earlier transactional test may have flushed their rows."""
    for module in modules:
        importlib.import_module(module).forward(apps, None)


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def _nav(page):
    return page.get_by_role("navigation", name="Main navigation")


def _version():
    """A small published scorecard: two yes/no criteria on two seeded skills."""
    skills = [
        Skill.objects.get_or_create(code=code, defaults={"name": code.replace("_", " ").title(), "tier": tier})[0]
        for code, tier in [("active_listening", "foundational"), ("problem_solving", "strategic")]
    ]
    version = VersionFactory()
    section = SectionFactory(version=version)
    CriterionFactory(section=section, key="restated", skill=skills[0], text="Restated the issue")
    CriterionFactory(section=section, key="root-cause", skill=skills[1], text="Found the root cause")
    return version


def _released_review(*, agent, reviewer, version):
    contact = ContactFactory(agent=agent, channel="chat")
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    return review_services.review_save(
        review=review,
        actor=reviewer,
        answers=answer_all(version, contact.channel),
        lock_version=0,
        comment="Good call overall.",
        submit=True,
    )


def test_hiring_manager_scores_a_role_play_and_records_a_decision(page, live_server):
    _reseed("core.migrations.0002_seed_skills", "assessments.migrations.0002_seed_bank")
    hannah = UserFactory(username="hannah", first_name="Hannah", last_name="Hale", roles=[roles.HIRING_MANAGER])
    requisition = RequisitionFactory(title="Support agent — Journey", hiring_team=[hannah])
    candidate = CandidateFactory(requisition=requisition, first_name="Maya", last_name="Stone")

    _sign_in(page, live_server, "hannah")
    page.get_by_role("link", name="Support agent — Journey").click()
    page.get_by_role("link", name="Maya Stone").click()
    page.get_by_label("Stage", exact=True).select_option("role_play")
    scenario = page.get_by_label("Role-play scenario")
    scenario.select_option(index=1)  # the first real scenario after the empty choice
    page.get_by_role("button", name="Score an interview").click()
    expect(page.get_by_test_id("interview-status")).to_have_text("Draft")

    fieldsets = page.locator("fieldset[data-item]")
    count = fieldsets.count()
    assert count >= 3
    for index in range(count):
        fieldset = fieldsets.nth(index)
        fieldset.locator("label.btn").nth(2).click()  # a 3 on each rubric line, saved as they go (htmx)
        expect(fieldset.locator("[aria-live=polite]")).to_contain_text("Saved: 3")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Notes", exact=True).fill("Calm with the angry customer; owned the fix.")
    page.get_by_role("button", name="Submit my scores").click()
    expect(page).to_have_url(re.compile(r"/hiring/candidates/\d+/scorecard/$"))
    expect(page.get_by_test_id("weighted-score")).to_contain_text("/ 4")

    # The decision, with reasons, from the candidate's page.
    page.get_by_role("link", name="Candidate", exact=True).click()
    page.get_by_role("button", name="Reject…").click()
    page.get_by_label("Reasons").fill("Strong role-play, but we filled the last opening with a bilingual candidate.")
    page.get_by_role("button", name="Record rejection").click()
    expect(page.get_by_text("the reasons are recorded")).to_be_visible()
    expect(page.get_by_role("paragraph").filter(has_text="bilingual candidate")).to_be_visible()

    interview = Interview.objects.get(candidate=candidate, interviewer=hannah)
    assert interview.stage == "role_play" and interview.scenario_id is not None
    assert interview.status == "submitted" and interview.recommendation == "yes"
    assert interview.ratings.filter(score=3).count() == count
    candidate.refresh_from_db()
    assert candidate.stage == "rejected"
    assert candidate.decided_by == hannah and "bilingual" in candidate.decision_reasons


def test_reviewer_completes_a_sampled_review_and_resolves_a_dispute(page, live_server):
    vendor = VendorFactory(name="Acme Support")
    team = TeamFactory(name="North", vendor=vendor)
    ana = AgentFactory(team=team, user__first_name="Ana", user__last_name="Alves")
    ben = AgentFactory(team=team, user__first_name="Ben", user__last_name="Brooks")
    quinn = UserFactory(username="quinn", roles=[roles.QA_REVIEWER])
    rita = UserFactory(username="rita", roles=[roles.QA_REVIEWER])
    for reviewer in (quinn, rita):
        ScopeFactory(user=reviewer, vendors=[vendor])
    version = _version()
    sampled = review_services.review_create(
        contact=ContactFactory(agent=ana, channel="chat"),
        reviewer=quinn,
        version=version,
        due_date=timezone.localdate() + timedelta(days=3),
    )
    disputed = _released_review(agent=ben, reviewer=rita, version=version)
    dispute_services.review_dispute(review=disputed, user=ben.user, reason="I did restate it, listen at 2:10")

    _sign_in(page, live_server, "quinn")
    expect(page.get_by_test_id("todo-count")).to_have_text("1")
    page.get_by_role("link", name=f"Review {sampled.contact.external_id}").click()
    page.get_by_test_id("criterion-restated").get_by_label("Yes").check()
    page.get_by_test_id("criterion-root-cause").get_by_label("No").check()
    expect(page.get_by_test_id("live-score-value")).to_have_text("50.0")
    page.get_by_label("Feedback").fill("Restated well; dig for the cause before the workaround.")
    page.get_by_role("button", name="Submit and release").click()
    expect(page.get_by_text("Review submitted and released to the agent.")).to_be_visible()

    _nav(page).get_by_role("link", name="Review queue").click()
    expect(page.get_by_test_id("todo-count")).to_have_text("0")
    page.get_by_test_id("tab-disputes").click()
    disputes = page.get_by_test_id("queue-table")
    expect(disputes).to_contain_text("listen at 2:10")
    disputes.get_by_role("link", name="Resolve").click()
    page.get_by_label("Decision for the agent (required)").fill("Heard it at 2:10: you did restate. Score kept.")
    page.get_by_role("button", name="Resolve dispute").click()
    expect(page.get_by_text("Dispute resolved; the agent can see the decision.")).to_be_visible()

    sampled.refresh_from_db()
    assert sampled.status == Review.Status.RELEASED and float(sampled.score) == pytest.approx(50.0)
    disputed.refresh_from_db()
    assert disputed.resolved_by == quinn and "you did restate" in disputed.resolution_note
    assert disputed.status != Review.Status.DISPUTED


def test_agent_disputes_a_review_and_acknowledges_a_coaching_session(page, live_server):
    vendor = VendorFactory(name="Acme Support")
    team = TeamFactory(name="North", vendor=vendor)
    ana = AgentFactory(team=team, user__username="ana", user__first_name="Ana", user__last_name="Alves")
    rita = UserFactory(username="rita", roles=[roles.QA_REVIEWER])
    ScopeFactory(user=rita, vendors=[vendor])
    review = _released_review(agent=ana, reviewer=rita, version=_version())
    lead = UserFactory(username="olivia", first_name="Olivia", last_name="Lead", roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    SessionFactory(plan=PlanFactory(agent=ana), coach=lead, strengths="Clear summaries at the end of calls")

    _sign_in(page, live_server, "ana")
    _nav(page).get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name=review.contact.external_id).click()
    expect(page.get_by_text("Feedback: Good call overall.")).to_be_visible()
    page.get_by_label("Score doesn't match the conversation").check()
    page.get_by_label("Comment for the reviewer").fill("The customer hung up before I could restate.")
    page.get_by_role("button", name="Dispute", exact=True).click()
    expect(page.get_by_text("Your dispute was sent to another reviewer.")).to_be_visible()
    expect(page.get_by_role("region", name="Dispute")).to_contain_text("hung up before I could restate")

    _nav(page).get_by_role("link", name="My coaching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching plan")
    session = page.get_by_test_id("session")
    expect(session).to_contain_text("Clear summaries at the end of calls")
    session.get_by_label("Your comment (optional)").fill("Will try it on chat too")
    session.get_by_role("button", name="Acknowledge session").click()
    expect(page.get_by_role("alert")).to_contain_text("Session acknowledged")
    expect(page.get_by_role("button", name="Acknowledge session")).to_have_count(0)

    review.refresh_from_db()
    assert review.status == Review.Status.DISPUTED and "hung up" in review.dispute_reason
    acknowledged = CoachingSession.objects.get()
    assert acknowledged.acknowledged_at is not None and acknowledged.agent_comment == "Will try it on chat too"


def test_ops_lead_drills_into_an_agent_and_sets_a_coaching_goal(page, live_server):
    _reseed("core.migrations.0002_seed_skills")
    team = TeamFactory(name="North", vendor=VendorFactory(name="Acme Support"))
    ana = AgentFactory(team=team, user__first_name="Ana", user__last_name="Alves")
    agents = [ana, AgentFactory(team=team)]
    today = timezone.localdate()
    fill_rollups(agents=agents, start=today - timedelta(days=60), end=today, skills=False)
    lead = UserFactory(username="olivia", roles=[roles.OPS_LEAD])
    team.leads.add(lead)

    _sign_in(page, live_server, "olivia")
    expect(page.get_by_role("heading", level=1).first).to_contain_text("Team dashboard")
    page.get_by_test_id("agent-table").get_by_role("link", name="Ana Alves").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana Alves")
    page.get_by_role("link", name="Coaching plan").click()
    # No plan yet: the new-plan form comes with the agent chosen.
    expect(page.get_by_label("Agent")).to_have_value(str(ana.pk))
    page.get_by_label("Focus").fill("First-contact resolution")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Coaching plan created")).to_be_visible()

    page.get_by_role("link", name="Add goal").click()
    page.get_by_label("Skill").select_option(label=Skill.objects.get(code="problem_solving").name)
    page.get_by_label("KPI").select_option("fcr")
    page.get_by_label("Target").fill("80")
    page.get_by_label("Note").fill("Ask one more question before closing")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Goal set.")).to_be_visible()

    goal = Goal.objects.get(plan__agent=ana)
    assert goal.kpi == "fcr" and goal.target == 80 and goal.skill.code == "problem_solving"
    assert goal.baseline is not None  # measured from the agent's rollups before today

    # Back from the dashboard, the same button now opens the existing plan.
    page.goto(f"{live_server.url}/dashboards/agents/{ana.pk}/?preset=90")
    page.get_by_role("link", name="Coaching plan").click()
    expect(page).to_have_url(re.compile(rf"/coaching/plans/{goal.plan_id}/$"))
