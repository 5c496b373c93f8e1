"""QA reads the channel catalogue: a channel an admin has (WhatsApp, a messaging kind) can be chosen on a scorecard,
sampled and filtered, and its contacts are reviewed as written ones."""

from datetime import date, datetime, time

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ContactChannel, Skill
from core.tests.factories import AgentFactory, ContactFactory
from qa.calibration.forms import ContactSearchForm
from qa.models import SamplingRun
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.sampling.forms import SamplingForm
from qa.scorecards import services as scorecard_services
from qa.scorecards.forms import CriterionForm

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 3)


@pytest.fixture
def qa_lead(reviewer_user):
    reviewer_user.groups.add(Group.objects.get(name=QA_LEAD_GROUP))
    return reviewer_user


def _contact(agent, channel, **fields):
    started = datetime.combine(DAY, time(10), timezone.get_current_timezone())
    return ContactFactory(agent=agent, channel=channel, started_at=started, **fields)


def test_criterion_form_offers_the_active_catalogue(version):
    ContactChannel.objects.filter(code="sms").update(is_active=False)
    codes = [code for code, _ in CriterionForm(version=version).fields["channels"].choices]
    assert "whatsapp" in codes and "web" in codes and "phone" in codes
    assert "sms" not in codes


def test_qa_lead_puts_a_whatsapp_only_criterion_on_a_scorecard(client, qa_lead):
    from qa.models import ScorecardTemplate

    client.force_login(qa_lead)
    client.post(reverse("qa:template-list"), {"name": "Messaging", "description": ""})
    version = ScorecardTemplate.objects.get(name="Messaging").versions.get()
    client.post(reverse("qa:section-create", args=[version.pk]), {"title": "Tone"})
    criterion = {
        "section": version.sections.get().pk,
        "skill": Skill.objects.get(code="empathy").pk,
        "text": "Replies in the customer's register",
        "weight": "1",
        "scale": "yes_no",
        "channels": ["whatsapp"],
    }
    client.post(reverse("qa:criterion-create", args=[version.pk]), criterion)
    created = version.sections.get().criteria.get()
    assert created.channels == ["whatsapp"] and created.channel_labels == ["WhatsApp"]
    preview = client.get(
        reverse("qa:version-detail", args=[version.pk]), {"channel": "whatsapp", "partial": "preview"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert b"Replies in the customer&#x27;s register" in preview.content and b"WhatsApp only" in preview.content
    phone = client.get(
        reverse("qa:version-detail", args=[version.pk]), {"channel": "phone", "partial": "preview"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert b"No criterion applies" in phone.content
    refused = client.post(reverse("qa:criterion-create", args=[version.pk]), {**criterion, "channels": ["fax"]})
    assert refused.status_code == 400 and version.sections.get().criteria.count() == 1


def test_scorecard_service_refuses_a_channel_outside_the_catalogue(db):
    template = scorecard_services.template_create(name="Draft")
    section = scorecard_services.section_save(version=template.versions.get(), title="Tone")
    fields = {"skill": Skill.objects.get(code="empathy"), "text": "Greets", "weight": 1, "scale": "yes_no"}
    with pytest.raises(ValidationError, match="Unknown channel"):
        scorecard_services.criterion_save(section=section, **fields, channels=["telex"])
    assert scorecard_services.criterion_save(section=section, **fields, channels=["whatsapp"]).channels == ["whatsapp"]


def test_sampling_form_offers_whatsapp_and_refuses_inactive_channels(team):
    ContactChannel.objects.filter(code="sms").update(is_active=False)
    data = {"teams": [team.pk], "period_start": DAY, "period_end": DAY, "per_agent": 2}
    assert SamplingForm({**data, "channel": "whatsapp"}, teams=type(team).objects.all()).is_valid()
    form = SamplingForm({**data, "channel": "sms"}, teams=type(team).objects.all())
    assert not form.is_valid() and "channel" in form.errors


def test_qa_lead_samples_whatsapp_conversations(client, qa_lead, team, version, django_capture_on_commit_callbacks):
    agent = AgentFactory(team=team)
    wanted = [_contact(agent, "whatsapp").pk for _ in range(2)]
    _contact(agent, "phone")
    _contact(agent, "email")
    client.force_login(qa_lead)
    fields = {"teams": [team.pk], "period_start": DAY, "period_end": DAY, "per_agent": 5, "channel": "whatsapp"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("qa:sampling"), {**fields, "confirm": "1"})
    run = SamplingRun.objects.get()
    assert response.status_code == 302 and run.channel == "whatsapp"
    assert sorted(run.reviews.values_list("contact_id", flat=True)) == sorted(wanted)
    detail = client.get(reverse("qa:sampling-detail", args=[run.pk])).content.decode()
    assert "channel WhatsApp;" in detail


def test_whatsapp_contact_is_reviewed_as_written(client, version, agent, reviewer_user):
    chat = _contact(agent, "whatsapp", transcript="Customer: It broke.\nAgent: I'm sorry, that must be frustrating.")
    review = review_services.review_create(contact=chat, reviewer=reviewer_user, version=version)
    client.force_login(reviewer_user)
    content = client.get(reverse("qa:review-detail", args=[review.pk])).content.decode()
    assert 'data-testid="flesch"' in content and "criteria for whatsapp" in content
    assert '<dt class="col-5">Channel</dt><dd class="col-7">WhatsApp</dd>' in content


def test_a_new_voice_channel_is_not_written(client, version, agent, reviewer_user):
    ContactChannel.objects.create(code="voip", name="VoIP", kind="voice")
    call = _contact(agent, "voip", transcript="Customer: It broke.\nAgent: I'm sorry, that must be frustrating.")
    review = review_services.review_create(contact=call, reviewer=reviewer_user, version=version)
    client.force_login(reviewer_user)
    content = client.get(reverse("qa:review-detail", args=[review.pk])).content.decode()
    assert 'data-testid="flesch"' not in content and "VoIP" in content


def test_review_api_filters_by_a_catalogue_channel(version, agent, reviewer_user):
    chat = review_services.review_create(contact=_contact(agent, "whatsapp"), reviewer=reviewer_user, version=version)
    review_services.review_create(contact=_contact(agent, "phone"), reviewer=reviewer_user, version=version)
    api = APIClient()
    api.force_authenticate(reviewer_user)
    rows = api.get("/api/v1/reviews/", {"channel": "whatsapp"}).data["results"]
    assert [row["id"] for row in rows] == [chat.pk]
    assert api.get("/api/v1/reviews/", {"channel": "telex"}).status_code == 400


def test_calibration_finder_offers_the_catalogue(lead_user):
    codes = [code for code, _ in ContactSearchForm(lead=lead_user).fields["channel"].choices]
    assert codes[0] == "" and "whatsapp" in codes and "sms" in codes
