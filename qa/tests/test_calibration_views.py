"""Calibration pages and API: blindness, scope, roles, exclusion from agent figures, constant query counts."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.tests.factories import AgentFactory, ContactFactory, UserFactory, VendorFactory
from qa.calibration import services as cal
from qa.models import CalibrationRevision, CalibrationSession, Review
from qa.tests.calibration_fixtures import *  # noqa: F403
from qa.tests.calibration_fixtures import make_reviewer, submit


def _api(pk=None):
    if pk is None:
        return reverse("calibration-session-list")
    return reverse("calibration-session-detail", kwargs={"pk": pk})


def _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer):
    submit(calibration, qa_lead, version)
    submit(calibration, in_house_reviewer, version)
    submit(calibration, partner_reviewer, version, listen=0, solve=2)


# Blindness -----------------------------------------------------------------------------------------------------------


def test_results_page_is_closed_to_a_participant_before_they_submit(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version)
    submit(calibration, partner_reviewer, version, listen=0, solve=2)
    client.force_login(in_house_reviewer)
    assert client.get(reverse("qa:calibration-results", args=[calibration.pk])).status_code == 403
    page = client.get(reverse("qa:calibration-detail", args=[calibration.pk]))
    assert page.status_code == 200
    assert b"Blind scoring" in page.content
    assert b'data-testid="results-link"' not in page.content
    # Even the lead's early close does not show others' answers to someone who has not submitted.
    cal.session_close(session=calibration, user=qa_lead)
    assert client.get(reverse("qa:calibration-results", args=[calibration.pk])).status_code == 403


def test_others_calibration_reviews_are_404_on_the_review_page(
    client, calibration, version, qa_lead, in_house_reviewer
):
    submit(calibration, qa_lead, version)
    benchmark = Review.objects.filter(reviewer=qa_lead, is_calibration=True).first()
    client.force_login(in_house_reviewer)
    assert client.get(reverse("qa:review-detail", args=[benchmark.pk])).status_code == 404


def test_api_hides_results_until_the_caller_has_submitted(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version)
    submit(calibration, partner_reviewer, version, listen=0, solve=2)
    client.force_login(in_house_reviewer)
    body = client.get(_api(calibration.pk)).json()
    assert body["results_available"] is False and body["results"] is None
    assert "answers" not in str(body)
    listed = client.get(_api()).json()["results"][0]
    assert listed["results"] is None
    submit(calibration, in_house_reviewer, version)
    body = client.get(_api(calibration.pk)).json()
    assert body["status"] == "closed" and body["results_available"] is True
    results = body["results"]
    assert results["alpha"] is not None and len(results["alpha_interval"]) == 2
    reviewers = {row["user"]: row for row in results["reviewers"]}
    assert reviewers[partner_reviewer.pk]["distance"] == pytest.approx(-50)
    assert reviewers[partner_reviewer.pk]["agreement_pct"] == 50
    assert reviewers[in_house_reviewer.pk]["agreement_pct"] == 100
    listed = client.get(_api()).json()["results"][0]["results"]
    assert {row["user"]: row["agreement_pct"] for row in listed["reviewers"]}[partner_reviewer.pk] == 50


# Results page ----------------------------------------------------------------------------------------------------


def test_lead_reads_results_with_alpha_reading_and_groups(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    client.force_login(qa_lead)
    page = client.get(reverse("qa:calibration-results", args=[calibration.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Krippendorff" in text and "95% bootstrap interval" in text
    assert "In-house" in text and "Outsourced partner" in text
    assert partner_reviewer.get_full_name() in text
    assert "strict" in text


def test_results_link_only_to_reviewer_histories_the_viewer_may_open(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)

    def linked(user):
        client.force_login(user)
        text = client.get(reverse("qa:calibration-results", args=[calibration.pk])).content.decode()
        links = {u.pk for u in [qa_lead, in_house_reviewer, partner_reviewer] if _history(u.pk) in text}
        for pk in links:  # every link shown opens
            assert client.get(reverse("qa:calibration-history", args=[pk])).status_code == 200
        return links

    assert linked(partner_reviewer) == {partner_reviewer.pk}  # not the in-house reviewer's or the lead's (404)
    assert linked(in_house_reviewer) == {in_house_reviewer.pk}
    assert linked(qa_lead) >= {in_house_reviewer.pk, partner_reviewer.pk}


def _history(pk):
    return f'href="{reverse("qa:calibration-history", args=[pk])}"'


@pytest.mark.parametrize("n_extra", [1, 4])
def test_results_page_runs_a_constant_number_of_queries(
    client, version, agent, qa_lead, in_house_reviewer, vendor, n_extra, django_assert_max_num_queries
):
    others = [make_reviewer(vendor) for _ in range(n_extra)]
    session = cal.session_create(
        owner=qa_lead,
        title="Sized",
        version=version,
        contacts=[ContactFactory(agent=agent, channel="phone") for _ in range(n_extra)],
        participants=[in_house_reviewer, *others],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=1),
    )
    for user in [qa_lead, in_house_reviewer, *others]:
        submit(session, user, version)
    client.force_login(qa_lead)
    client.get(reverse("qa:calibration-results", args=[session.pk]))  # opens the results once
    with django_assert_max_num_queries(30):
        assert client.get(reverse("qa:calibration-results", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("qa:calibration-list")).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("qa:calibration-detail", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("qa:calibration-vendors")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("qa:calibration-history", args=[in_house_reviewer.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(_api(session.pk)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(_api()).status_code == 200


def test_participant_changes_an_answer_after_the_results_opened(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    assignment = calibration.participants.get(user=partner_reviewer).assignments.first()
    client.force_login(partner_reviewer)
    url = reverse("qa:calibration-revise", args=[assignment.pk])
    response = client.post(url, {"criterion": version.c_listen.pk, "value": "1"})
    assert response.status_code == 302
    assert CalibrationRevision.objects.get().value == 1
    assert client.post(url, {"criterion": version.c_listen.pk, "value": "abc"}).status_code == 302  # message, no 500
    assert CalibrationRevision.objects.get().value == 1
    page = client.get(reverse("qa:calibration-results", args=[calibration.pk]))
    assert page.context["results"].anchoring.changes == 1
    client.force_login(in_house_reviewer)
    client.post(url, {"criterion": version.c_listen.pk, "value": "0"})
    assert CalibrationRevision.objects.get().value == 1  # not theirs


def test_lead_saves_a_discussion_and_promotes_it_to_guidance(client, calibration, version, qa_lead, in_house_reviewer):
    cal.session_close(session=calibration, user=qa_lead)
    client.force_login(in_house_reviewer)
    url = reverse("qa:calibration-discussion", args=[calibration.pk])
    assert client.post(url, {"criterion": version.c_solve.pk, "note": "x", "agreed": "3"}).status_code == 403
    client.force_login(qa_lead)
    assert (
        client.post(url, {"criterion": version.c_solve.pk, "note": "Workaround = 3", "agreed": "3"}).status_code == 302
    )
    discussion = calibration.discussions.get()
    assert discussion.agreed_value == 3
    response = client.post(reverse("qa:calibration-promote", args=[discussion.pk]))
    assert response.status_code == 302
    version.c_solve.refresh_from_db()
    assert "Workaround = 3" in version.c_solve.guidance


def test_lead_creates_a_session_from_the_form(client, version, agent, qa_lead, in_house_reviewer, partner_reviewer):
    contact = ContactFactory(agent=agent, channel="phone")
    client.force_login(qa_lead)
    url = reverse("qa:calibration-create")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "", "participants": [in_house_reviewer.pk]})
    assert bad.status_code == 400
    deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "title": "Refunds",
            "version": version.pk,
            "contacts": [contact.pk],
            "calibrator": qa_lead.pk,
            "participants": [in_house_reviewer.pk, partner_reviewer.pk],
            "deadline": deadline,
        },
    )
    session = CalibrationSession.objects.get(title="Refunds")
    assert response.status_code == 302 and response.url == reverse("qa:calibration-detail", args=[session.pk])
    assert session.participants.count() == 3


def test_the_session_form_finds_conversations_by_text_filters_and_age(
    client, version, agent, team, qa_lead, in_house_reviewer, django_assert_max_num_queries
):
    old = ContactFactory(
        agent=agent,
        channel="email",
        started_at=timezone.now() - timedelta(days=200),
        transcript="Refund for a broken kettle",
    )
    for i in range(30):  # a busy recent day: more than a page
        ContactFactory(agent=agent, channel="phone", started_at=timezone.now() - timedelta(hours=i + 1))
    other_agent_chat = ContactFactory(agent=AgentFactory(team=team), channel="chat", transcript="Where is my parcel?")
    outside = ContactFactory(agent=AgentFactory(), transcript="Refund for a broken kettle")  # another vendor's agent
    client.force_login(qa_lead)
    url = reverse("qa:calibration-create")

    def found(**params):
        response = client.get(url, {"partial": "contacts", **params}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and b"<html" not in response.content
        return [c.pk for c in response.context["page"]], response.context["page"].paginator.count

    assert found(**{"find-q": "kettle"}) == ([old.pk], 1)  # transcript words, however old; never outside scope
    assert found(**{"find-q": old.external_id.lower()})[0] == [old.pk]  # the conversation id, any case
    assert found(**{"find-channel": "chat"}) == ([other_agent_chat.pk], 1)
    assert old.pk not in found(**{"find-agent": agent.pk})[0] and found(**{"find-agent": agent.pk})[1] == 31
    day = timezone.localtime(old.started_at).date().isoformat()
    assert found(**{"find-start": day, "find-end": day}) == ([old.pk], 1)
    first, count = found()
    assert count == 32 and len(first) == 25 and outside.pk not in first
    second, _ = found(page=2)
    assert len(second) == 7 and not set(first) & set(second)  # older ones on the next page
    # A chosen conversation stays listed apart (checked), not among the results.
    chosen = client.get(url, {"partial": "contacts", "contacts": [old.pk], "find-q": "kettle"}, HTTP_HX_REQUEST="true")
    assert chosen.context["page"].paginator.count == 0
    with django_assert_max_num_queries(20):
        page = client.get(url, {"contacts": [old.pk], "title": "Kept", "find-channel": "email"})
    text = page.content.decode()
    assert f'value="{old.pk}" id="contact-{old.pk}" checked' in text and 'value="Kept"' in text
    assert '<select name="contacts"' not in text  # no multi-select of a day's conversations any more
    deadline = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "title": "Old refund",
            "version": version.pk,
            "contacts": [old.pk],
            "calibrator": qa_lead.pk,
            "participants": [in_house_reviewer.pk],
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    assert list(CalibrationSession.objects.get(title="Old refund").items.values_list("contact", flat=True)) == [old.pk]
    refused = client.post(url, {"title": "Outside", "contacts": [outside.pk], "deadline": deadline})
    assert refused.status_code == 400 and not CalibrationSession.objects.filter(title="Outside").exists()
    # A gold set picks its conversations with the same finder.
    gold = client.get(
        reverse("qa:calibration-gold-list"), {"partial": "contacts", "find-q": "kettle"}, HTTP_HX_REQUEST="true"
    )
    assert [c.pk for c in gold.context["page"]] == [old.pk]
    assert 'id="finder"' in client.get(reverse("qa:calibration-gold-list")).content.decode()


def test_submitting_on_the_review_page_returns_to_the_session_and_opens_results(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    submit(calibration, qa_lead, version)
    submit(calibration, in_house_reviewer, version)
    assignment = calibration.participants.get(user=partner_reviewer).assignments.select_related("review").first()
    submit_one_left = calibration.participants.get(user=partner_reviewer).assignments.exclude(pk=assignment.pk).get()
    from qa.reviews.services import review_save
    from qa.scoring import RawAnswer

    review_save(
        review=submit_one_left.review,
        actor=partner_reviewer,
        answers={
            version.c_listen.pk: RawAnswer(1),
            version.c_solve.pk: RawAnswer(3),
            version.c_data.pk: RawAnswer(1),
            version.c_calm.pk: RawAnswer(1),
        },
        lock_version=submit_one_left.review.lock_version,
        submit=True,
    )
    client.force_login(partner_reviewer)
    review = assignment.review
    data = {"lock_version": review.lock_version, "comment": "", "action": "submit"}
    data.update({f"c{version.c_listen.pk}": "1", f"c{version.c_solve.pk}": "3", f"c{version.c_data.pk}": "1"})
    data.update({f"c{version.c_calm.pk}": "1"})
    response = client.post(reverse("qa:review-detail", args=[review.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("qa:calibration-detail", args=[calibration.pk])
    calibration.refresh_from_db()
    assert calibration.status == CalibrationSession.Status.CLOSED


# Exclusion from agent figures ----------------------------------------------------------------------------------------


def test_calibration_reviews_stay_out_of_the_agents_pages_and_figures(
    client, calibration, version, agent, qa_lead, in_house_reviewer, partner_reviewer
):
    _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    from qa.reviews import selectors as review_selectors

    assert review_selectors.counted_for_agent(agent=agent).count() == 0
    client.force_login(agent.user)
    for review in Review.objects.filter(is_calibration=True):
        assert client.get(reverse("qa:review-detail", args=[review.pk])).status_code == 404


# Scope and roles -------------------------------------------------------------------------------------------------


def test_partner_reviewer_outside_the_session_gets_404(client, calibration, partner_vendor):
    stranger = make_reviewer(partner_vendor)
    client.force_login(stranger)
    for name in ("qa:calibration-detail", "qa:calibration-results"):
        assert client.get(reverse(name, args=[calibration.pk])).status_code == 404
    assert client.get(_api(calibration.pk)).status_code == 404
    assert client.get(_api()).json()["results"] == []


def test_another_vendors_lead_cannot_see_the_session(client, calibration):
    other_vendor = VendorFactory(kind="partner")
    from core.tests.factories import TeamFactory

    TeamFactory(vendor=other_vendor)
    other_lead = make_reviewer(other_vendor, lead=True)
    client.force_login(other_lead)
    assert client.get(reverse("qa:calibration-detail", args=[calibration.pk])).status_code == 404
    assert client.get(reverse("qa:calibration-close", args=[calibration.pk])).status_code == 404  # the confirm page
    assert client.post(reverse("qa:calibration-close", args=[calibration.pk])).status_code == 404


@pytest.mark.parametrize("role", [roles.AGENT, roles.HIRING_MANAGER, roles.OPS_LEAD])
def test_agents_hiring_managers_and_ops_leads_get_403(client, calibration, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("qa:calibration-list")).status_code == 403
    assert client.get(reverse("qa:calibration-detail", args=[calibration.pk])).status_code == 403
    assert client.get(_api()).status_code == 403
    assert client.get(_api(calibration.pk)).status_code == 403


def test_a_lead_without_scope_over_the_conversations_does_not_see_the_gold_set(client, version, agent, qa_lead):
    gold = cal.gold_set_create(
        owner=qa_lead, name="In-house gold", version=version, contacts=[ContactFactory(agent=agent)]
    )
    from core.tests.factories import TeamFactory

    other_vendor = VendorFactory(kind="partner")
    TeamFactory(vendor=other_vendor)
    client.force_login(make_reviewer(other_vendor, lead=True))
    assert client.get(reverse("qa:calibration-gold-detail", args=[gold.pk])).status_code == 404
    client.force_login(qa_lead)
    assert client.get(reverse("qa:calibration-gold-detail", args=[gold.pk])).status_code == 200


def test_closing_early_asks_for_confirmation_first(client, calibration, qa_lead, in_house_reviewer):
    submit(calibration, in_house_reviewer, version=calibration.version)
    client.force_login(qa_lead)
    detail = client.get(reverse("qa:calibration-detail", args=[calibration.pk])).content.decode()
    close_url = reverse("qa:calibration-close", args=[calibration.pk])
    assert (
        f'<a class="btn btn-outline-danger" href="{close_url}">' in detail
    )  # a link to the step, not a one-click post
    confirm = client.get(close_url)
    assert confirm.status_code == 200 and b'data-testid="confirm"' in confirm.content
    assert "1 of 3 reviewers have submitted everything" in confirm.content.decode()
    calibration.refresh_from_db()
    assert calibration.status == CalibrationSession.Status.OPEN  # looking at the step changes nothing
    assert client.post(close_url, {"confirm": "1"}).status_code == 302
    calibration.refresh_from_db()
    assert calibration.status == CalibrationSession.Status.CLOSED


def test_a_participant_cannot_close_or_manage(client, calibration, in_house_reviewer):
    client.force_login(in_house_reviewer)
    assert client.get(reverse("qa:calibration-close", args=[calibration.pk])).status_code == 403
    assert client.post(reverse("qa:calibration-close", args=[calibration.pk])).status_code == 403
    assert client.get(reverse("qa:calibration-create")).status_code == 403
    assert client.get(reverse("qa:calibration-vendors")).status_code == 403
    assert client.get(reverse("qa:calibration-gold-list")).status_code == 403


def test_reviewer_history_is_for_themself_and_leads(client, calibration, in_house_reviewer, partner_reviewer, qa_lead):
    client.force_login(in_house_reviewer)
    assert client.get(reverse("qa:calibration-history", args=[in_house_reviewer.pk])).status_code == 200
    assert client.get(reverse("qa:calibration-history", args=[partner_reviewer.pk])).status_code == 404
    client.force_login(qa_lead)
    assert client.get(reverse("qa:calibration-history", args=[partner_reviewer.pk])).status_code == 200


def test_gold_set_pages_create_and_record_answers(client, version, agent, qa_lead):
    contact = ContactFactory(agent=agent, channel="phone")
    client.force_login(qa_lead)
    url = reverse("qa:calibration-gold-list")
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "Refund calls", "version": version.pk, "contacts": [contact.pk]})
    assert response.status_code == 302
    detail = response.url
    assert client.get(detail).status_code == 200
    page = client.get(detail)
    item = page.context["rows"][0]["item"]
    client.post(detail, {"item": item.pk, f"c{version.c_solve.pk}": "4", f"c{version.c_listen.pk}": "9"})
    assert item.answers.get().value == 4  # the bad value is refused with a message, the good one kept


def test_vendor_view_shows_in_house_and_partner_side_by_side(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer
):
    _submit_all(calibration, version, qa_lead, in_house_reviewer, partner_reviewer)
    cal.session_sync(session=calibration)
    client.force_login(qa_lead)
    page = client.get(reverse("qa:calibration-vendors"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "In-house" in text and "Outsourced partners" in text and "strict" in text


def test_a_reviewer_cannot_take_part_on_their_own_conversation(version, qa_lead, vendor, in_house_reviewer):
    agent_reviewer = make_reviewer(vendor)
    agent = AgentFactory(user=agent_reviewer)
    with pytest.raises(ValidationError, match="their own conversation"):
        cal.session_create(
            owner=qa_lead,
            title="Own work",
            version=version,
            contacts=[ContactFactory(agent=agent)],
            participants=[agent_reviewer, in_house_reviewer],
            calibrator=qa_lead,
            deadline=timezone.now() + timedelta(days=1),
        )


def test_reviews_api_never_shows_another_participants_calibration_review(
    client, calibration, version, qa_lead, in_house_reviewer
):
    submit(calibration, qa_lead, version)
    benchmark = Review.objects.filter(reviewer=qa_lead, is_calibration=True).first()
    client.force_login(in_house_reviewer)
    assert client.get(reverse("review-detail", kwargs={"pk": benchmark.pk})).status_code == 404
    listed = client.get(reverse("review-list")).json()["results"]
    assert {row["id"] for row in listed}.isdisjoint(
        Review.objects.filter(is_calibration=True).exclude(reviewer=in_house_reviewer).values_list("pk", flat=True)
    )


def test_beat_task_opens_sessions_past_their_deadline(calibration):
    from qa.calibration.tasks import calibration_open_due

    assert calibration_open_due() == 0
    CalibrationSession.objects.filter(pk=calibration.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert calibration_open_due() == 1
    assert calibration_open_due() == 0


def test_new_session_page_treats_another_vendors_gold_set_like_a_missing_one(client, version, agent, qa_lead):
    """?gold_set= only preselects a gold set the lead may use: another's id and a missing id give the same page."""
    ours = cal.gold_set_create(
        owner=qa_lead, name="In-house gold", version=version, contacts=[ContactFactory(agent=agent)]
    )
    other_vendor = VendorFactory(kind="partner")
    from core.tests.factories import TeamFactory

    TeamFactory(vendor=other_vendor)
    client.force_login(make_reviewer(other_vendor, lead=True))
    url = reverse("qa:calibration-create")
    pages = [client.get(url, {"gold_set": value}) for value in (ours.pk, 10**9, "abc", 2**70)]
    assert {page.status_code for page in pages} == {200}

    def gold_set_select(page) -> str:
        return page.content.decode().split('name="gold_set"')[1].split("</select>")[0]

    assert gold_set_select(pages[0]) == gold_set_select(pages[1])  # the same select for theirs and a missing id
    assert "selected" not in gold_set_select(pages[0]) and ours.name not in pages[0].content.decode()
    client.force_login(qa_lead)
    page = client.get(url, {"gold_set": ours.pk})
    assert f'<option value="{ours.pk}" selected>' in page.content.decode()


# Anonymity across vendors ------------------------------------------------------------------------------------------


def test_another_vendors_agent_and_customer_are_anonymised_for_a_partner_reviewer(
    client, version, agent, qa_lead, in_house_reviewer, partner_reviewer
):
    first = agent.user.first_name
    transcript = (
        f"{first}: Hello, this is {agent.user.get_full_name()}.\n"
        "Customer: My card 4111 1111 1111 1111 was charged twice; mail me at jo.bloggs@example.com "
        "or call +44 20 7946 0958."
    )
    contact = ContactFactory(agent=agent, channel="chat", transcript=transcript, case_id="CASE-778899")
    session = cal.session_create(
        owner=qa_lead,
        title="Shared",
        version=version,
        contacts=[contact],
        participants=[in_house_reviewer, partner_reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=2),
    )
    secrets = [agent.user.get_full_name(), agent.user.email, "jo.bloggs@example.com", "7946 0958", "4111", "778899"]

    def pages(user):
        client.force_login(user)
        review = session.participants.get(user=user).assignments.get().review
        return [
            client.get(reverse("qa:calibration-detail", args=[session.pk])).content.decode(),
            client.get(reverse("qa:review-detail", args=[review.pk])).content.decode(),
        ]

    detail, review_page = pages(partner_reviewer)
    for text in (detail, review_page):
        assert "Agent A" in text
        for secret in secrets:
            assert secret not in text, secret
    assert f">{first}:" not in review_page and "Agent A:</span>" in review_page
    assert "[masked]" in review_page and "charged twice" in review_page  # the conversation itself is still there
    for user in (in_house_reviewer, qa_lead):  # their own vendor's agent: shown as is
        detail, review_page = pages(user)
        assert agent.user.get_full_name() in detail and "jo.bloggs@example.com" in review_page
        assert "Agent A" not in detail + review_page


def test_the_reviews_api_shows_another_vendors_agent_in_a_shared_session_by_alias(
    client, version, agent, qa_lead, in_house_reviewer, partner_reviewer
):
    """The API says what the pages say: a partner reviewer's calibration review names the in-house agent only as
    "Agent A", with no agent id or team (in the list, in the review itself, and not through the team filter)."""
    contact = ContactFactory(agent=agent, channel="chat")
    session = cal.session_create(
        owner=qa_lead,
        title="Shared over the API",
        version=version,
        contacts=[contact],
        participants=[in_house_reviewer, partner_reviewer],
        calibrator=qa_lead,
        deadline=timezone.now() + timedelta(days=2),
    )
    review = session.participants.get(user=partner_reviewer).assignments.get().review
    client.force_login(partner_reviewer)
    listed = client.get("/api/v1/reviews/", {"is_calibration": "true"}).json()["results"]
    one = client.get(f"/api/v1/reviews/{review.pk}/").json()
    for row in [*listed, one]:
        assert (row["agent"], row["agent_name"], row["team"]) == (None, "Agent A", None)
    body = str(listed) + str(one)
    assert agent.user.get_full_name() not in body and agent.team.name not in body
    assert client.get("/api/v1/reviews/", {"team": agent.team_id}).status_code == 400  # not offered as a choice
    client.force_login(in_house_reviewer)  # their own vendor's agent: shown as is
    own = client.get("/api/v1/reviews/", {"is_calibration": "true"}).json()["results"]
    assert {(row["agent"], row["agent_name"]) for row in own} == {(agent.pk, agent.name)}


def test_a_reviewers_history_lists_only_sessions_the_viewer_may_open(
    client, calibration, version, qa_lead, in_house_reviewer, partner_reviewer, partner_vendor
):
    """A partner QA lead may read their reviewer's history, but not the in-house session that reviewer took part in:
    it is neither listed nor linked (its page answers 404 for them), and the summary leaves it out."""
    for user in (qa_lead, in_house_reviewer, partner_reviewer):
        submit(calibration, user, version)
    cal.session_close(session=calibration, user=qa_lead)
    calibration.refresh_from_db()
    assert calibration.status == CalibrationSession.Status.CLOSED
    partner_lead = make_reviewer(partner_vendor, lead=True)
    client.force_login(partner_lead)
    assert client.get(reverse("qa:calibration-detail", args=[calibration.pk])).status_code == 404
    page = client.get(reverse("qa:calibration-history", args=[partner_reviewer.pk]))
    assert page.status_code == 200 and page.context["history"]["rows"] == []
    assert page.context["history"]["summary"]["sessions"] == 0
    assert calibration.title not in page.content.decode()
    client.force_login(qa_lead)  # the session's owner sees it in the same history
    rows = client.get(reverse("qa:calibration-history", args=[partner_reviewer.pk])).context["history"]["rows"]
    assert [row.session_id for row in rows] == [calibration.pk]


def test_the_finder_offers_only_conversations_handled_in_a_team_in_scope(agent, in_house_reviewer):
    """An in-scope agent's conversation handled in another vendor's team before they moved in is not offered (a
    session is scoped by the conversation's team, so another lead could not open it)."""
    from qa.calibration.selectors import contacts_to_calibrate

    lead = make_reviewer(agent.team.vendor, lead=True)
    here = ContactFactory(agent=agent, transcript="Refund for a broken kettle")
    elsewhere = ContactFactory(agent=agent, team=AgentFactory().team, transcript="Refund for a broken kettle")
    found = set(contacts_to_calibrate(user=lead, q="kettle"))
    assert here in found and elsewhere not in found


def test_the_finders_search_without_javascript_leaves_no_csrf_token_in_the_address(client, qa_lead):
    client.force_login(qa_lead)
    for name in ("qa:calibration-create", "qa:calibration-gold-list"):
        response = client.get(reverse(name), {"csrfmiddlewaretoken": "abc", "find-q": "kettle", "title": "T"})
        assert response.status_code == 302 and "csrfmiddlewaretoken" not in response.url
        assert "find-q=kettle" in response.url and client.get(response.url).status_code == 200
