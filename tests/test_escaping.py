"""HTML typed into names and comments comes back escaped on every page that shows it, never as a live tag."""

import html
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from assessments import selectors as hiring_selectors
from assessments import services as hiring_services
from assessments.tests.factories import CandidateFactory, RequisitionFactory
from coaching.tests.factories import ActivityFactory, GoalFactory, PlanActivityFactory, PlanFactory, SessionFactory
from core import roles
from core.models import Skill
from core.tests.factories import AgentFactory, ContactFactory, ScopeFactory, TeamFactory, UserFactory, VendorFactory
from qa.calibration import services as calibration_services
from qa.disputes import services as dispute_services
from qa.reviews import services as review_services
from qa.tests.calibration_fixtures import make_reviewer
from qa.tests.factories import CriterionFactory, SectionFactory, TemplateFactory, VersionFactory, answer_all

pytestmark = pytest.mark.django_db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute"])
def payload(request):
    return request.param


@pytest.fixture
def world(payload):
    cache.clear()  # the skill catalogue is cached by the dashboards
    Skill.objects.filter(code="empathy").update(name=f"Empathy {payload}")
    vendor = VendorFactory(name=f"Vendor {payload}")
    team = TeamFactory(name=f"North {payload}", vendor=vendor)
    agent = AgentFactory(team=team, user__first_name=payload, user__last_name="Alves")
    lead = UserFactory(roles=[roles.OPS_LEAD])
    team.leads.add(lead)
    reviewer = UserFactory(roles=[roles.QA_REVIEWER])
    ScopeFactory(user=reviewer, vendors=[vendor])
    version = VersionFactory(template=TemplateFactory(name=f"Scorecard {payload}"))
    CriterionFactory(section=SectionFactory(version=version, title=f"Section {payload}"), text=f"Criterion {payload}")
    contact = ContactFactory(
        agent=agent, channel="chat", transcript=f"Customer: Hello {payload}\nAgent: Thanks {payload}"
    )
    review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
    review = review_services.review_save(
        review=review,
        actor=reviewer,
        answers=answer_all(version, contact.channel),
        lock_version=0,
        comment=f"Feedback {payload}",
        submit=True,
    )
    review = dispute_services.review_dispute(review=review, user=agent.user, reason=f"Dispute {payload}")
    draft = review_services.review_create(contact=ContactFactory(agent=agent), reviewer=reviewer, version=version)
    plan = PlanFactory(agent=agent, focus=f"Focus {payload}")
    GoalFactory(plan=plan, note=f"Goal {payload}")
    PlanActivityFactory(plan=plan, activity=ActivityFactory(title=f"Activity {payload}"))
    session = SessionFactory(
        plan=plan, coach=lead, strengths=f"Strengths {payload}", try_differently=payload, agreed_actions=payload
    )
    hiring = UserFactory(roles=[roles.HIRING_MANAGER])
    requisition = RequisitionFactory(hiring_team=[hiring], title=f"Requisition {payload}")
    candidate = CandidateFactory(requisition=requisition, first_name=payload, last_name="Stone")
    interview = hiring_services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring)
    item = hiring_selectors.interview_items(interview=interview)[0]
    hiring_services.rating_save(interview=interview, item_key=item.key, score=3, evidence=f"Evidence {payload}")
    qa_lead = make_reviewer(vendor, lead=True)
    calibration = calibration_services.session_create(
        owner=qa_lead,
        title=f"Calibration {payload}",
        version=version,
        contacts=[contact],
        participants=[reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=2),
    )
    calibration_services.session_close(session=calibration, user=qa_lead)
    calibration_services.discussion_save(
        session=calibration, criterion=version.criteria.first(), user=qa_lead, note=f"Discussion {payload}"
    )
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
        "interview": interview,
        "qa_lead": qa_lead,
        "calibration": calibration,
    }


def _pages(world):
    """(who, url, texts) for every page that shows hostile values; each text + payload must be on the page."""
    agent, team, lead, reviewer = world["agent"], world["team"], world["lead"], world["reviewer"]
    hiring, qa_lead = world["hiring"], world["qa_lead"]
    return [
        # agent name (the payload itself) and team name
        (lead, reverse("skillhub:team-list"), ["North "]),
        (lead, reverse("skillhub:team-detail", args=[team.pk]), ["North ", ""]),
        (lead, reverse("skillhub:agent-detail", args=[agent.pk]), [""]),
        (lead, reverse("dashboards:agent-dashboard", args=[agent.pk]), [""]),
        (lead, reverse("dashboards:team-dashboard"), ["", "North ", "Vendor ", "Empathy "]),
        (reviewer, reverse("qa:queue"), [""]),
        (reviewer, reverse("qa:review-detail", args=[world["draft"].pk]), ["", "Criterion "]),
        (reviewer, reverse("qa:agent-reviews", args=[agent.pk]), [""]),
        # review comment, dispute reason and the imported transcript
        (agent.user, reverse("qa:review-detail", args=[world["review"].pk]), ["Feedback ", "Dispute ", "Hello "]),
        (reviewer, reverse("qa:review-detail", args=[world["review"].pk]), ["Dispute ", "Hello ", "Thanks "]),
        (agent.user, reverse("qa:my-reviews"), [""]),
        # coaching session notes, plan focus, goal note and activity title
        (agent.user, reverse("coaching:my-plan"), ["Focus "]),
        (agent.user, reverse("coaching:session-detail", args=[world["session"].pk]), ["Strengths "]),
        (lead, reverse("coaching:plan-detail", args=[world["plan"].pk]), ["Focus ", "Goal ", "Activity "]),
        (lead, reverse("coaching:plan-list"), [""]),
        (lead, reverse("coaching:activity-list"), ["Activity "]),
        # candidate name, requisition title (the hiring dashboard also has it in its chart's json_script data)
        (hiring, reverse("assessments:requisition-list"), ["Requisition "]),
        (hiring, reverse("assessments:requisition-board", args=[world["requisition"].pk]), ["", "Requisition "]),
        (hiring, reverse("assessments:requisition-compare", args=[world["requisition"].pk]), [""]),
        (hiring, reverse("assessments:candidate-detail", args=[world["candidate"].pk]), [""]),
        (hiring, reverse("assessments:candidate-scorecard", args=[world["candidate"].pk]), [""]),
        (hiring, reverse("assessments:interview-detail", args=[world["interview"].pk]), ["", "Evidence "]),
        (hiring, reverse("dashboards:hiring-dashboard"), ["Requisition "]),
        # scorecard template name, section title and criterion text
        (qa_lead, reverse("qa:template-list"), ["Scorecard "]),
        (qa_lead, reverse("qa:version-detail", args=[world["review"].version_id]), ["Section ", "Criterion "]),
        # calibration session title and discussion note
        (qa_lead, reverse("qa:calibration-list"), ["Calibration "]),
        (qa_lead, reverse("qa:calibration-results", args=[world["calibration"].pk]), ["Calibration ", "Discussion "]),
        # vendor and skill names
        (lead, reverse("dashboards:vendor-comparison"), ["Vendor "]),
        (lead, reverse("skillhub:skill-list"), ["Empathy "]),
    ]


def test_hostile_names_and_comments_are_escaped_on_every_page(client, world, payload):
    missing = []
    for user, url, texts in _pages(world):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert payload not in body, f"raw HTML from user input on {url}"
        assert "<script>alert(1)" not in body and "<img src=x" not in body, url
        # What Django's autoescape writes (& < > " ' escaped): the values really are on the pages, so the checks
        # above cannot pass by the value being absent.
        missing += [(url, text) for text in texts if html.escape(text + payload) not in body]
    assert missing == []


def test_chart_data_carries_hostile_names_as_inert_json(client, world, payload):
    """json_script writes < > & as \\u003C \\u003E \\u0026, so a name cannot close the script element."""
    client.force_login(world["hiring"])
    body = client.get(reverse("dashboards:hiring-dashboard")).content.decode()
    script = body[body.index('id="hiring-chart"') :]
    script = script[: script.index("</script>")]
    assert "Requisition " in script and "<" not in script.split(">", 1)[1]


def test_api_answers_hostile_names_as_json_and_escapes_them_in_the_browsable_api(client, world, payload):
    client.force_login(world["lead"])
    response = client.get("/api/v1/agents/", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"  # a browser never sniffs it as HTML
    (row,) = response.json()["results"]
    assert row["name"] == f"{payload} Alves" and row["team"] == f"North {payload}"  # the data as typed
    browsable = client.get("/api/v1/agents/", HTTP_ACCEPT="text/html").content.decode()
    assert payload not in browsable and html.escape(payload) in browsable
