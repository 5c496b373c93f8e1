"""The scorecard builder: reordering a draft's sections and criteria, and previewing it as a reviewer sees it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import roles
from core.models import Skill
from core.tests.factories import ScopeFactory, UserFactory
from qa.models import Criterion, Review, ScorecardSection, ScorecardVersion
from qa.rules import QA_LEAD_GROUP
from qa.scorecards import services
from qa.tests.factories import CriterionFactory, SectionFactory, VersionFactory


@pytest.fixture
def qa_lead(vendor):
    user = UserFactory(roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=user, vendors=[vendor])
    return user


@pytest.fixture
def draft(db):
    """A draft of two sections: "Opening" (three criteria: listening, empathy, an email-only one) and "Close"."""
    version = VersionFactory(status=ScorecardVersion.Status.DRAFT, published_at=None)
    skills = {s.code: s for s in Skill.objects.all()}
    opening = SectionFactory(version=version, title="Opening", position=1)
    close = SectionFactory(version=version, title="Close", position=2)
    version.a = CriterionFactory(section=opening, skill=skills["empathy"], text="Acknowledged the feeling", position=1)
    version.b = CriterionFactory(section=opening, skill=skills["active_listening"], text="Restated issue", position=2)
    version.c = CriterionFactory(
        section=opening, skill=skills["communication"], text="Email structure", channels=["email"], position=3
    )
    version.d = CriterionFactory(section=close, skill=skills["empathy"], text="Warm close", position=1)
    version.opening, version.close = opening, close
    return version


def positions(section: ScorecardSection) -> list[int]:
    return list(section.criteria.order_by("position", "pk").values_list("pk", flat=True))


# Reorder


def test_criterion_move_swaps_with_its_neighbour_and_renumbers(draft):
    services.criterion_move(criterion=draft.c, direction="up")
    assert positions(draft.opening) == [draft.a.pk, draft.c.pk, draft.b.pk]
    assert list(draft.opening.criteria.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    services.criterion_move(criterion=draft.a, direction="up")  # already first: nothing moves
    assert positions(draft.opening) == [draft.a.pk, draft.c.pk, draft.b.pk]


def test_section_move_reorders_the_sections(draft):
    services.section_move(section=draft.close, direction="up")
    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == ["Close", "Opening"]


def test_a_move_is_refused_on_a_published_version(draft):
    services.version_publish(version=draft)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.criterion_move(criterion=draft.b, direction="up")
    with pytest.raises(ValidationError, match="Only a draft"):
        services.section_move(section=draft.close, direction="up")
    assert positions(draft.opening) == [draft.a.pk, draft.b.pk, draft.c.pk]


def test_a_move_needs_up_or_down(draft):
    with pytest.raises(ValidationError):
        services.criterion_move(criterion=draft.b, direction="sideways")


@pytest.mark.parametrize("n", [3, 25])
def test_a_move_writes_the_positions_in_one_update(draft, n, django_assert_max_num_queries):
    for i in range(n):
        CriterionFactory(section=draft.opening, position=10 + i)
    criterion = Criterion.objects.select_related("version").get(pk=draft.b.pk)
    # savepoint, the locked read, one UPDATE for the positions, the refresh, release
    with django_assert_max_num_queries(5):
        services.criterion_move(criterion=criterion, direction="down")


def test_the_move_endpoint_swaps_the_builder_for_htmx_and_redirects_otherwise(client, qa_lead, draft):
    client.force_login(qa_lead)
    url = reverse("qa:criterion-move", args=[draft.b.pk])
    response = client.post(url, {"direction": "down"})
    assert response.status_code == 302
    assert response.url.endswith(reverse("qa:version-detail", args=[draft.pk]) + "#builder")
    assert positions(draft.opening) == [draft.a.pk, draft.c.pk, draft.b.pk]
    response = client.post(url, {"direction": "up"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-refocus="criterion-{draft.b.pk}-up"' in page
    assert f'id="criterion-{draft.b.pk}-down"' in page
    assert positions(draft.opening) == [draft.a.pk, draft.b.pk, draft.c.pk]
    response = client.post(reverse("qa:section-move", args=[draft.close.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert draft.sections.order_by("position").first() == draft.close


def test_the_move_endpoint_refuses_a_published_version_with_a_message(client, qa_lead, draft):
    services.version_publish(version=draft)
    client.force_login(qa_lead)
    response = client.post(reverse("qa:criterion-move", args=[draft.b.pk]), {"direction": "up"}, follow=True)
    assert "Only a draft version is edited" in response.content.decode()
    assert positions(draft.opening) == [draft.a.pk, draft.b.pk, draft.c.pk]
    assert f'id="criterion-{draft.b.pk}-up"' not in response.content.decode()


def test_move_buttons_show_on_a_draft_for_a_qa_lead_only(client, qa_lead, reviewer_user, draft):
    client.force_login(qa_lead)
    page = client.get(reverse("qa:version-detail", args=[draft.pk])).content.decode()
    assert f'aria-label="Move “{draft.b.text}” up"' in page
    assert f'id="section-{draft.opening.pk}-up"' in page
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:version-detail", args=[draft.pk])).content.decode()
    assert f'id="criterion-{draft.b.pk}-up"' not in page


def test_a_reviewer_who_is_no_qa_lead_cannot_move(client, reviewer_user, draft):
    client.force_login(reviewer_user)
    assert client.post(reverse("qa:criterion-move", args=[draft.b.pk]), {"direction": "up"}).status_code == 403
    assert client.post(reverse("qa:section-move", args=[draft.close.pk]), {"direction": "up"}).status_code == 403
    assert positions(draft.opening) == [draft.a.pk, draft.b.pk, draft.c.pk]


# Preview as a reviewer


def test_preview_groups_by_skill_as_the_review_page_and_hides_other_channels(client, qa_lead, draft):
    client.force_login(qa_lead)
    response = client.get(reverse("qa:version-preview", args=[draft.pk]), {"channel": "phone"})
    assert response.status_code == 200
    page = response.content.decode()
    groups = [(g.skill.code, [c.pk for c in g.criteria]) for g in response.context["form"].groups_by_skill]
    # Catalogue order of the skills, whatever the sections: empathy gathers criteria of both sections.
    assert groups == [("active_listening", [draft.b.pk]), ("empathy", [draft.a.pk, draft.d.pk])]
    assert page.count('class="skill-group') == 2
    assert f'data-testid="criterion-{draft.a.key}"' in page
    assert f'data-testid="criterion-{draft.c.key}"' not in page  # email only
    assert "1 criterion applies to other channels only and is hidden" in page
    email = client.get(reverse("qa:version-preview", args=[draft.pk]), {"channel": "email"}).content.decode()
    assert f'data-testid="criterion-{draft.c.key}"' in email


def test_preview_reuses_the_review_form_and_offers_publish_to_a_qa_lead(client, qa_lead, reviewer_user, draft):
    client.force_login(qa_lead)
    page = client.get(reverse("qa:version-preview", args=[draft.pk])).content.decode()
    assert 'id="scorecard-form"' in page and 'data-testid="live-score"' in page
    assert 'data-testid="preview-publish"' in page
    assert "nothing is saved" in page
    assert 'name="action"' not in page  # no save or submit button
    client.force_login(reviewer_user)
    page = client.get(reverse("qa:version-preview", args=[draft.pk])).content.decode()
    assert 'data-testid="preview-publish"' not in page


def test_the_builder_links_to_the_preview_of_a_draft(client, qa_lead, draft):
    client.force_login(qa_lead)
    page = client.get(reverse("qa:version-detail", args=[draft.pk])).content.decode()
    assert reverse("qa:version-preview", args=[draft.pk]) in page


def test_preview_live_score_scores_the_answers_and_saves_nothing(client, qa_lead, draft):
    client.force_login(qa_lead)
    url = reverse("qa:version-preview-score", args=[draft.pk]) + "?channel=phone"
    response = client.post(url, {f"c{draft.a.pk}": "1", f"c{draft.b.pk}": "0"})
    assert response.status_code == 200
    assert response.context["live"].score == pytest.approx(50.0)
    assert "2 of 3 applicable criteria answered" in response.content.decode()
    assert not Review.objects.exists()


def test_an_unknown_preview_channel_falls_back_to_phone(client, qa_lead, draft):
    client.force_login(qa_lead)
    response = client.get(reverse("qa:version-preview", args=[draft.pk]), {"channel": "pigeon"})
    assert response.status_code == 200
    assert response.context["channel"] == "phone"


def test_preview_is_for_qa_reviewers(client, agent_user, lead_user, draft):
    for user in (agent_user, lead_user):
        client.force_login(user)
        assert client.get(reverse("qa:version-preview", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("n", [2, 20])
def test_preview_runs_a_constant_number_of_queries(client, qa_lead, draft, n, django_assert_max_num_queries):
    for _ in range(n):
        CriterionFactory(section=draft.close, skill=Skill.objects.get(code="patience"))
    client.force_login(qa_lead)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("qa:version-preview", args=[draft.pk])).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_qa_lead_reorders_with_the_keyboard_and_previews_in_chromium(page, live_server, console_errors):
    from playwright.sync_api import expect

    lead = UserFactory(username="lena", roles=[roles.QA_REVIEWER, QA_LEAD_GROUP])
    ScopeFactory(user=lead, vendors=[])
    # Transactional tests may run after another one flushed the seeded skills.
    skill = Skill.objects.get_or_create(code="empathy", defaults={"name": "Empathy", "tier": "foundational"})[0]
    version = VersionFactory(status=ScorecardVersion.Status.DRAFT, published_at=None)
    section = SectionFactory(version=version, title="Opening")
    first = CriterionFactory(section=section, skill=skill, text="Greeted by name", position=1)
    second = CriterionFactory(section=section, skill=skill, text="Named the issue", position=2)
    page.goto(f"{live_server.url}/qa/versions/{version.pk}/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("button", name="Move “Named the issue” up").focus()
    page.keyboard.press("Enter")
    # The builder is swapped in; focus stays on the moved row (its up button is now disabled: its down one).
    expect(page.get_by_role("button", name="Move “Named the issue” down")).to_be_focused()
    assert list(section.criteria.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    rows = page.locator("#builder tbody tr td:first-child")
    expect(rows.first).to_contain_text("Named the issue")

    page.get_by_role("link", name="Preview as a reviewer").click()
    expect(page.get_by_test_id("preview-note")).to_contain_text("nothing is saved")
    page.get_by_test_id(f"criterion-{second.key}").get_by_label("Yes").check()
    page.get_by_test_id(f"criterion-{first.key}").get_by_label("No").check()
    expect(page.get_by_test_id("live-score-value")).to_have_text("50.0")
    assert not Review.objects.exists()
