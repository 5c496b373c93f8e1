"""HTML typed into names and comments comes back escaped on every page that shows it, never as a live tag."""

import html

import pytest
from django.urls import reverse

from assessments.tests.factories import CandidateFactory, RequisitionFactory
from coaching.tests.factories import PlanFactory, SessionFactory
from qa import services as qa_services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory, answer_all
from skillhub import roles
from skillhub.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute"])
def payload(request):
    return request.param


@pytest.fixture
def world(payload):
    vendor = VendorFactory()
    team = TeamFactory(name=f"North {payload}", vendor=vendor)
    agent = AgentFactory(team=team, user__first_name=payload, user__last_name="Alves")
    lead = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    version = VersionFactory()
    CriterionFactory(section=SectionFactory(version=version))
    contact = ContactFactory(agent=agent, channel="chat")
    review = qa_services.review_create(contact=contact, reviewer=reviewer, version=version)
    review = qa_services.review_save(
        review=review,
        actor=reviewer,
        answers=answer_all(version, contact.channel),
        lock_version=0,
        comment=f"Feedback {payload}",
        submit=True,
    )
    draft = qa_services.review_create(contact=ContactFactory(agent=agent), reviewer=reviewer, version=version)
    plan = PlanFactory(agent=agent, focus=f"Focus {payload}")
    session = SessionFactory(
        plan=plan, coach=lead, strengths=f"Strengths {payload}", try_differently=payload, agreed_actions=payload
    )
    hiring = UserFactory(roles=[roles.HIRING_MANAGER])
    requisition = RequisitionFactory(hiring_team=[hiring])
    candidate = CandidateFactory(requisition=requisition, first_name=payload, last_name="Stone")
    return {
        "agent": agent,
        "team": team,
        "lead": lead,
        "reviewer": reviewer,
        "review": review,
        "draft": draft,
        "plan": plan,
        "session": session,
        "hiring": hiring,
        "requisition": requisition,
        "candidate": candidate,
    }


def _pages(world):
    """(who, url) for every page that shows one of the hostile values."""
    agent, team, lead, reviewer = world["agent"], world["team"], world["lead"], world["reviewer"]
    return [
        # agent name and team name
        (lead, reverse("skillhub:team-list")),
        (lead, reverse("skillhub:team-detail", args=[team.pk])),
        (lead, reverse("skillhub:agent-detail", args=[agent.pk])),
        (lead, reverse("skillhub:agent-dashboard", args=[agent.pk])),
        (lead, reverse("skillhub:team-dashboard")),
        (reviewer, reverse("qa:queue")),
        (reviewer, reverse("qa:review-detail", args=[world["draft"].pk])),
        (reviewer, reverse("qa:agent-reviews", args=[agent.pk])),
        # review comment
        (agent.user, reverse("qa:review-detail", args=[world["review"].pk])),
        (agent.user, reverse("qa:my-reviews")),
        # coaching session notes and plan focus
        (agent.user, reverse("coaching:my-plan")),
        (agent.user, reverse("coaching:session-detail", args=[world["session"].pk])),
        (lead, reverse("coaching:plan-detail", args=[world["plan"].pk])),
        (lead, reverse("coaching:plan-list")),
        # candidate name
        (world["hiring"], reverse("assessments:requisition-board", args=[world["requisition"].pk])),
        (world["hiring"], reverse("assessments:candidate-detail", args=[world["candidate"].pk])),
        (world["hiring"], reverse("assessments:candidate-scorecard", args=[world["candidate"].pk])),
    ]


def test_hostile_names_and_comments_are_escaped_on_every_page(client, world, payload):
    escaped = html.escape(payload)  # what Django's autoescape writes: & < > " ' all escaped
    missing = []
    for user, url in _pages(world):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert payload not in body, f"raw HTML from user input on {url}"
        assert "<script>alert(1)" not in body and "<img src=x" not in body, url
        if escaped not in body:
            missing.append(url)
    # The values really are on the pages (escaped), so the checks above cannot pass by the value being absent.
    assert missing == []
