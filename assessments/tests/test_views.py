import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments import selectors, services
from assessments.models import AptitudeAnswer, Candidate, CandidateTest, Interview, MockTicket, TicketReply
from assessments.tests.conftest import score
from assessments.tests.factories import CandidateFactory
from assessments.validators import CV_MAX_BYTES
from core import skill_codes

pytestmark = pytest.mark.django_db

PAGES = [
    "assessments:requisition-list",
    "assessments:requisition-create",
    "assessments:question-bank",
    "assessments:report",
]
REQUISITION_PAGES = [
    "assessments:requisition-board",
    "assessments:requisition-kits",
    "assessments:requisition-compare",
    "assessments:requisition-edit",
    "assessments:candidate-create",
]
CANDIDATE_PAGES = ["assessments:candidate-detail", "assessments:candidate-scorecard", "assessments:candidate-hire"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("fixture", "status"),
    [("hiring_user", 200), ("admin_user", 200), ("lead_user", 403), ("reviewer_user", 403), ("agent_user", 403)],
)
def test_hiring_pages_by_role(client, request, name, fixture, status):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", PAGES + ["assessments:requisition-board"])
def test_anonymous_is_sent_to_sign_in(client, name, requisition):
    url = reverse(name, args=[requisition.pk]) if "board" in name else reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", REQUISITION_PAGES)
@pytest.mark.parametrize(
    ("fixture", "status"),
    [("hiring_user", 200), ("admin_user", 200), ("lead_user", 403), ("reviewer_user", 403), ("agent_user", 403)],
)
def test_requisition_pages_by_role(client, request, name, fixture, status, requisition):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(name, args=[requisition.pk])).status_code == status


@pytest.mark.parametrize("name", REQUISITION_PAGES)
def test_requisition_of_another_hiring_team_is_404(client, hiring_user, other_requisition, name):
    client.force_login(hiring_user)
    assert client.get(reverse(name, args=[other_requisition.pk])).status_code == 404


@pytest.mark.parametrize("name", CANDIDATE_PAGES)
@pytest.mark.parametrize(
    ("fixture", "status"),
    [("hiring_user", 200), ("admin_user", 200), ("lead_user", 403), ("reviewer_user", 403), ("agent_user", 403)],
)
def test_candidate_pages_by_role(client, request, name, fixture, status, candidate):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(name, args=[candidate.pk])).status_code == status


@pytest.mark.parametrize("name", CANDIDATE_PAGES + ["assessments:candidate-cv"])
def test_candidate_of_another_requisition_is_404(client, hiring_user, other_candidate, name):
    client.force_login(hiring_user)
    assert client.get(reverse(name, args=[other_candidate.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "assessments:candidate-move",
        "assessments:candidate-issue-link",
        "assessments:candidate-reject",
        "assessments:interview-start",
    ],
)
def test_candidate_actions_are_scoped(client, hiring_user, agent_user, other_candidate, candidate, name):
    client.force_login(agent_user)
    assert client.post(reverse(name, args=[candidate.pk]), {"to_stage": "role_play"}).status_code == 403
    client.force_login(hiring_user)
    assert client.post(reverse(name, args=[other_candidate.pk]), {"to_stage": "role_play"}).status_code == 404
    other_candidate.refresh_from_db()
    assert other_candidate.stage == "screening" and not other_candidate.interviews.exists()


def test_interview_pages_only_for_its_interviewer(client, candidate, hiring_user, second_hiring_user, lead_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    client.force_login(hiring_user)
    assert client.get(reverse("assessments:interview-detail", args=[interview.pk])).status_code == 200
    client.force_login(second_hiring_user)
    for name in ("assessments:interview-detail",):
        assert client.get(reverse(name, args=[interview.pk])).status_code == 404
    for name in ("assessments:rating-save", "assessments:interview-submit"):
        assert client.post(reverse(name, args=[interview.pk]), {"item": "x"}).status_code == 404
    client.force_login(lead_user)
    assert client.get(reverse("assessments:interview-detail", args=[interview.pk])).status_code == 403


def test_interview_page_is_a_draft_form_of_its_interviewer_until_submitted(client, candidate, hiring_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    client.force_login(hiring_user)
    url = reverse("assessments:interview-detail", args=[interview.pk])
    body = client.get(url).content.decode()
    assert f'data-draft-key="interview-{interview.pk}-u{hiring_user.pk}"' in body
    assert body.count("data-autosave") == len(selectors.interview_items(interview=interview))
    for item in selectors.interview_items(interview=interview):
        services.rating_save(interview=interview, item_key=item.key, score=3)
    services.interview_submit(interview=interview, recommendation="yes")
    body = client.get(url).content.decode()
    assert "data-draft-key" not in body and "data-autosave" not in body


def test_rating_save_with_bad_input_answers_400_with_a_status_line(client, candidate, hiring_user):
    interview = services.interview_start(candidate=candidate, stage="behavioural", interviewer=hiring_user)
    key = selectors.interview_items(interview=interview)[0].key
    client.force_login(hiring_user)
    url = reverse("assessments:rating-save", args=[interview.pk])
    response = client.post(url, {"item": key, f"score-{key}": "x"}, HTTP_HX_REQUEST="true", HTTP_X_DRAFT="1")
    assert response.status_code == 400 and "Rate from 1 to 4" in response.content.decode()
    response = client.post(url, {"item": "nope"}, HTTP_HX_REQUEST="true", HTTP_X_DRAFT="1")
    assert response.status_code == 400
    assert not interview.ratings.exists()


def test_requisition_list_shows_only_mine(client, hiring_user, requisition, other_requisition):
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:requisition-list")).content.decode()
    assert requisition.title in body and other_requisition.title not in body


def test_requisition_list_counts_candidates_per_stage_by_the_hiring_dashboards_definition(
    client, hiring_user, requisition, monkeypatch
):
    from assessments import selectors as hiring

    for stage in ["screening", "screening", "role_play", "hired", "rejected"]:
        CandidateFactory(requisition=requisition, stage=stage)
    pipelines = []
    definition = hiring.pipeline

    def pipeline(*, requisitions):
        pipelines.append(definition(requisitions=requisitions))
        return pipelines[-1]

    monkeypatch.setattr(hiring, "pipeline", pipeline)
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:requisition-list")).content.decode()
    assert len(pipelines) == 1  # one definition, shared with the hiring dashboard
    (row,) = pipelines[0]
    assert row["requisition_id"] == requisition.pk and row["stages"] == [2, 0, 1, 0, 0, 1, 1]
    assert '<td class="text-end">5</td>' in body
    for shown in ("S 2<", "B 0<", "R 1<", "M 0<", "A 0<", "hired 1<", "rejected 1<"):
        assert shown in body


def test_create_requisition_and_bad_input_re_renders(client, hiring_user, second_hiring_user):
    from core.models import RoleProfile

    client.force_login(hiring_user)
    response = client.post(reverse("assessments:requisition-create"), {"title": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    profile = RoleProfile.objects.get(code=skill_codes.ESCALATION_HANDLING)
    response = client.post(
        reverse("assessments:requisition-create"),
        {
            "title": "Escalations",
            "role_profile": profile.pk,
            "hiring_team": [second_hiring_user.pk],
            "stages": ["screening", "role_play"],
            "openings": 2,
        },
    )
    assert response.status_code == 302
    requisition = selectors.requisitions_for_user(user=hiring_user).get(title="Escalations")
    assert requisition.stages == ["screening", "role_play"]
    assert set(requisition.hiring_team.all()) == {hiring_user, second_hiring_user}


# ---------------------------------------------------------------- CV uploads


def _add(client, requisition, cv, email="new@example.test"):
    data = {"first_name": "Nia", "last_name": "Lee", "email": email, "source": "referral", "cv": cv}
    return client.post(reverse("assessments:candidate-create", args=[requisition.pk]), data)


def test_cv_upload_accepts_a_pdf(client, hiring_user, requisition, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(hiring_user)
    response = _add(client, requisition, SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n...", "application/pdf"))
    assert response.status_code == 302
    candidate = Candidate.objects.get(email="new@example.test")
    assert candidate.cv and candidate.moves.count() == 1
    download = client.get(reverse("assessments:candidate-cv", args=[candidate.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"%PDF-" + b"x" * CV_MAX_BYTES, "the largest allowed is 5.0"),
        ("cv.exe", b"MZ\x90\x00", "A CV must be a document"),
        ("photo.png", b"\x89PNG\r\n\x1a\n", "A CV must be a document"),
        ("cv.pdf", b"\x89PNG\r\n\x1a\n....", "its content is not a PDF document"),
        ("cv.docx", b"%PDF-1.4", "its content is not a DOCX document"),
        ("cv.txt", b"abc\x00def", "not plain text"),
        ("cv.txt", b"A plain start, then a binary payload: " + b"\x00\x01" * 50, "not plain text"),
        ("cv.pdf", b"%PDF-" + b"x" * (CV_MAX_BYTES - 4), "the largest allowed is 5.0"),  # one byte over
    ],
)
def test_bad_cv_upload_is_refused_with_a_clear_message(client, hiring_user, requisition, name, content, message):
    client.force_login(hiring_user)
    response = _add(client, requisition, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Candidate.objects.filter(email="new@example.test").exists()


def test_duplicate_candidate_email_re_renders(client, hiring_user, candidate):
    client.force_login(hiring_user)
    response = _add(client, candidate.requisition, "", email=candidate.email)
    assert response.status_code == 400 and "already a candidate" in response.content.decode()


# ---------------------------------------------------------------- board


def test_board_move_with_htmx_returns_the_board(client, hiring_user, candidate):
    client.force_login(hiring_user)
    response = client.post(
        reverse("assessments:candidate-move", args=[candidate.pk]), {"to_stage": "role_play"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="board"' in body and "<html" not in body
    candidate.refresh_from_db()
    assert candidate.stage == "role_play"
    bad = client.post(
        reverse("assessments:candidate-move", args=[candidate.pk]), {"to_stage": "hired"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400 and "alert-danger" in bad.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_board_query_count_is_flat(client, hiring_user, requisition, n, django_assert_max_num_queries):
    stages = ["screening", "behavioural", "role_play", "mock_ticket", "aptitude"]
    for i in range(n):
        candidate = CandidateFactory(requisition=requisition, stage=stages[i % 5])
        if i % 4 == 0:
            services.interview_start(candidate=candidate, stage="screening", interviewer=hiring_user)
    client.force_login(hiring_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessments:requisition-board", args=[requisition.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("data-candidate=") == n


@pytest.mark.parametrize("n", [1, 4])
def test_scorecard_query_count_is_flat(
    client, hiring_user, requisition, n, django_assert_max_num_queries, django_user_model
):
    from core import roles
    from core.tests.factories import UserFactory

    candidate = CandidateFactory(requisition=requisition)
    score(candidate=candidate, user=hiring_user)
    for _ in range(n):
        other = UserFactory(roles=[roles.HIRING_MANAGER])
        requisition.hiring_team.add(other)
        score(candidate=candidate, user=other, stage="screening")
    client.force_login(hiring_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("assessments:candidate-scorecard", args=[candidate.pk]))
    assert response.status_code == 200 and "Weighted score" in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_compare_and_list_query_counts_are_flat(client, hiring_user, requisition, n, django_assert_max_num_queries):
    for _ in range(n):
        score(candidate=CandidateFactory(requisition=requisition), user=hiring_user, stage="screening")
    client.force_login(hiring_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("assessments:requisition-compare", args=[requisition.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("assessments:requisition-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_requisition_list_query_count_is_flat_in_requisitions(
    client, hiring_user, second_hiring_user, n, django_assert_max_num_queries
):
    from assessments.tests.factories import RequisitionFactory

    for i in range(n):
        requisition = RequisitionFactory(hiring_team=[hiring_user, second_hiring_user])
        for stage in ["screening", "aptitude", "hired"][: i % 3 + 1]:
            CandidateFactory(requisition=requisition, stage=stage)
    client.force_login(hiring_user)
    # Session, user, roles, the pipeline (2), requisitions, hiring teams, the session's save (and savepoints).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:requisition-list"))
    assert response.status_code == 200 and response.content.decode().count('title="Screening"') == n


# ---------------------------------------------------------------- blind scoring on pages


def test_scorecard_is_blind_until_own_submission(client, candidate, hiring_user, second_hiring_user):
    score(candidate=candidate, user=hiring_user, default=4, recommendation="strong_yes")
    Interview.objects.filter(interviewer=hiring_user).update(notes="SECRET-NOTES-OF-FIRST")
    client.force_login(second_hiring_user)
    url = reverse("assessments:candidate-scorecard", args=[candidate.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="blind-notice"' in body
    assert "SECRET-NOTES-OF-FIRST" not in body and "Strong yes" not in body and "seen empathy" not in body
    compare = client.get(reverse("assessments:requisition-compare", args=[candidate.requisition_id])).content.decode()
    # the first interviewer's mean (4.00) is not shown (a number in the navbar's icon is not a score)
    assert "hidden until you score" in compare and not re.search(r"(?<![\d.-])4\.00(?!\d)", compare)
    draft = score(candidate=candidate, user=second_hiring_user, default=2, submit=False)
    assert "blind-notice" in client.get(url).content.decode()
    detail = client.get(reverse("assessments:interview-detail", args=[draft.pk])).content.decode()
    assert "seen empathy" in detail  # their own evidence …
    assert "SECRET-NOTES-OF-FIRST" not in detail  # … never the other interviewer's
    services.interview_submit(interview=draft, recommendation="no")
    body = client.get(url).content.decode()
    assert "blind-notice" not in body and "SECRET-NOTES-OF-FIRST" in body and "Strong yes" in body


def test_scoring_through_the_pages(client, candidate, hiring_user):
    client.force_login(hiring_user)
    response = client.post(reverse("assessments:interview-start", args=[candidate.pk]), {"stage": "screening"})
    interview = Interview.objects.get(candidate=candidate, interviewer=hiring_user)
    assert response.url == reverse("assessments:interview-detail", args=[interview.pk])
    items = selectors.interview_items(interview=interview)
    save = reverse("assessments:rating-save", args=[interview.pk])
    first = items[0].key
    response = client.post(
        save, {"item": first, f"score-{first}": "3", f"evidence-{first}": "gave an example"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Saved: 3" in response.content.decode()
    response = client.post(save, {"item": first, f"score-{first}": "9"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    data = {"items": [item.key for item in items], "recommendation": "yes", "notes": "fine"}
    for item in items[1:]:
        data[f"nee-{item.key}"] = "on"
    response = client.post(reverse("assessments:interview-submit", args=[interview.pk]), data)
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == "submitted" and interview.recommendation == "yes"
    assert interview.ratings.filter(not_enough_evidence=True).count() == len(items) - 1


def test_submit_without_all_ratings_shows_an_error(client, candidate, hiring_user):
    client.force_login(hiring_user)
    interview = services.interview_start(candidate=candidate, stage="screening", interviewer=hiring_user)
    response = client.post(
        reverse("assessments:interview-submit", args=[interview.pk]), {"recommendation": "yes"}, follow=True
    )
    assert "Rate every item" in response.content.decode()
    interview.refresh_from_db()
    assert interview.status == "draft"


def test_role_play_start_without_scenario_is_refused(client, candidate, hiring_user):
    client.force_login(hiring_user)
    response = client.post(
        reverse("assessments:interview-start", args=[candidate.pk]), {"stage": "role_play"}, follow=True
    )
    assert "Choose the role-play scenario" in response.content.decode()
    assert not Interview.objects.exists()


def test_hire_through_the_page(client, candidate, hiring_user, team):
    score(candidate=candidate, user=hiring_user)
    client.force_login(hiring_user)
    url = reverse("assessments:candidate-hire", args=[candidate.pk])
    bad = client.post(url, {"reasons": "", "team": team.pk})
    assert bad.status_code == 400
    response = client.post(
        url,
        {"reasons": "Great", "team": team.pk, "start_date": "2026-02-02", "employee_id": "H9", "channels": ["email"]},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "hired" and candidate.agent.employee_id == "H9"


# ---------------------------------------------------------------- candidate self-serve tests


def _link(client, hiring_user, candidate, kind):
    client.force_login(hiring_user)
    client.post(reverse("assessments:candidate-issue-link", args=[candidate.pk]), {"kind": kind, "valid_days": 3})
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    marker = "/hiring/t/"
    start = page.index(marker)
    url = page[start : page.index('"', start)]
    client.logout()
    return url


def test_mock_ticket_link_flow(client, hiring_user, candidate, other_candidate):
    url = _link(client, hiring_user, candidate, "mock_ticket")
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and candidate.first_name in body
    assert other_candidate.last_name not in body and candidate.requisition.title not in body
    tickets = list(MockTicket.objects.all())
    assert all(ticket.subject in body for ticket in tickets)
    save = client.post(url + "save/", {"ticket": tickets[0].pk, f"body-{tickets[0].pk}": "Hello there."})
    assert save.status_code == 200 and "Saved" in save.content.decode()
    assert TicketReply.objects.get(ticket=tickets[0]).body == "Hello there."
    assert "Hello there." in client.get(url).content.decode()  # saved as they go: still there on return
    done = client.post(url + "submit/", {f"body-{tickets[1].pk}": "Second reply."})
    assert done.status_code == 200 and 'data-testid="done"' in done.content.decode()
    assert TicketReply.objects.filter(candidate_test__submitted_at__isnull=False).count() == 2
    again = client.get(url)
    assert again.status_code == 410 and "already been submitted" in again.content.decode()
    assert client.post(url + "save/", {"ticket": tickets[0].pk, "body": "sneaky"}).status_code == 410
    assert TicketReply.objects.get(ticket=tickets[0]).body == "Hello there."


def test_aptitude_link_flow_scores_automatically(client, hiring_user, candidate):
    url = _link(client, hiring_user, candidate, "aptitude")
    assert "Start the test" in client.get(url).content.decode()
    client.post(url, {"start": "1"})
    test = CandidateTest.objects.get(kind="aptitude")
    assert test.started_at is not None
    page = client.get(url).content.decode()
    assert "Time left" in page and escape(test.aptitude_test.questions.first().text) in page
    questions = list(test.aptitude_test.questions.order_by("position"))
    for question in questions[:4]:
        client.post(url + "save/", {"question": question.pk, f"q-{question.pk}": question.correct_choice})
    wrong = (questions[4].correct_choice + 1) % len(questions[4].choices)
    client.post(url + "save/", {"question": questions[4].pk, f"q-{questions[4].pk}": wrong})
    assert client.post(url + "save/", {"question": questions[5].pk, f"q-{questions[5].pk}": 99}).status_code == 400
    client.post(url + "submit/", {f"q-{questions[6].pk}": questions[6].correct_choice})
    assert AptitudeAnswer.objects.count() == 6
    test.refresh_from_db()
    assert selectors.aptitude_score(candidate_test=test) == (5, len(questions))
    assert client.get(url).status_code == 410


def test_expired_and_unknown_links(client, hiring_user, candidate):
    url = _link(client, hiring_user, candidate, "mock_ticket")
    CandidateTest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert client.get(reverse("assessments:take-test", args=["not-a-real-token"])).status_code == 404


def test_link_is_shown_once(client, hiring_user, candidate):
    _link(client, hiring_user, candidate, "mock_ticket")
    client.force_login(hiring_user)
    assert "/hiring/t/" not in client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()


def test_mock_ticket_interview_shows_replies_with_reading_ease(client, hiring_user, candidate):
    test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    ticket = MockTicket.objects.order_by("position").first()
    services.ticket_reply_save(test=test, ticket=ticket, body="The cat sat on the mat.")
    services.candidate_test_submit(test=test)
    interview = services.interview_start(candidate=candidate, stage="mock_ticket", interviewer=hiring_user)
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:interview-detail", args=[interview.pk])).content.decode()
    assert "Flesch reading ease 116.1" in body and "The cat sat on the mat." in body


def test_board_counts_each_submitted_scoring_once(client, hiring_user, candidate):
    score(candidate=candidate, user=hiring_user, stage="screening")
    services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user)
    services.candidate_move(candidate=candidate, to_stage="role_play", moved_by=hiring_user)
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:requisition-board", args=[candidate.requisition_id])).content.decode()
    assert "1 scoring in" in body


def test_kits_page_lists_the_assembled_questions(client, hiring_user, requisition):
    client.force_login(hiring_user)
    body = client.get(reverse("assessments:requisition-kits", args=[requisition.pk])).content.decode()
    kit = selectors.kit_questions(requisition=requisition, stage="behavioural")
    assert f"{len(kit)} questions." in body
    assert all(question.text in body for question in kit)
    assert "Billing dispute that arrives already escalated" in body


def test_edit_requisition(client, hiring_user, requisition, second_hiring_user):
    client.force_login(hiring_user)
    url = reverse("assessments:requisition-edit", args=[requisition.pk])
    response = client.post(
        url,
        {
            "title": "Renamed",
            "role_profile": requisition.role_profile_id,
            "hiring_team": [hiring_user.pk],
            "stages": ["screening", "behavioural"],
            "openings": 1,
            "status": "on_hold",
        },
    )
    assert response.status_code == 302
    requisition.refresh_from_db()
    assert requisition.title == "Renamed" and requisition.status == "on_hold"
    assert list(requisition.hiring_team.all()) == [hiring_user]
    client.force_login(second_hiring_user)
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- hostile input


def test_board_move_never_redirects_off_site(client, hiring_user, candidate):
    client.force_login(hiring_user)
    url = reverse("assessments:candidate-move", args=[candidate.pk])
    board = reverse("assessments:requisition-board", args=[candidate.requisition_id])
    assert client.post(url, {"to_stage": "role_play", "next": board}).url == board
    for hostile in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(url, {"to_stage": "role_play", "next": hostile})
        assert response.status_code == 302 and response.url == reverse(
            "assessments:candidate-detail", args=[candidate.pk]
        )


def test_candidate_pages_answer_hostile_form_values_without_a_500(client, hiring_user, candidate):
    mock = _link(client, hiring_user, candidate, "mock_ticket")
    ticket = MockTicket.objects.first()
    response = client.post(mock + "save/", {"ticket": ticket.pk, "body": "Hello\x00there"})
    assert response.status_code == 400 and "NUL character" in response.content.decode()
    assert client.post(mock + "save/", {"ticket": "²", "body": "x"}).status_code == 404
    assert client.post(mock + "save/", {"ticket": "9" * 30, "body": "x"}).status_code == 404
    assert not TicketReply.objects.exists()
    aptitude = _link(client, hiring_user, candidate, "aptitude")
    client.post(aptitude, {"start": "1"})
    question = CandidateTest.objects.get(kind="aptitude").aptitude_test.questions.first()
    for choice in ("²", "9" * 5000, "-1"):
        response = client.post(aptitude + "save/", {"question": question.pk, f"q-{question.pk}": choice})
        assert response.status_code == 400
    done = client.post(aptitude + "submit/", {f"q-{question.pk}": "²"})
    assert done.status_code == 200 and not AptitudeAnswer.objects.exists()


def test_rating_save_answers_hostile_scores_and_evidence_with_an_error(client, candidate, hiring_user):
    client.force_login(hiring_user)
    interview = services.interview_start(candidate=candidate, stage="screening", interviewer=hiring_user)
    key = selectors.interview_items(interview=interview)[0].key
    save = reverse("assessments:rating-save", args=[interview.pk])
    for data in (
        {f"score-{key}": "²"},
        {f"score-{key}": "9" * 5000},
        {f"score-{key}": "3", f"evidence-{key}": "a\x00b"},
    ):
        response = client.post(save, {"item": key, **data}, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
    assert not interview.ratings.exists()
    submit = client.post(
        reverse("assessments:interview-submit", args=[interview.pk]), {"items": [key], f"score-{key}": "²"}
    )
    assert submit.status_code == 302


def test_hiring_a_candidate_whose_email_an_agent_already_has_is_a_form_error(client, candidate, hiring_user, team):
    from core.tests.factories import AgentFactory

    AgentFactory(email=candidate.email)  # e.g. an internal candidate
    score(candidate=candidate, user=hiring_user)
    client.force_login(hiring_user)
    response = client.post(
        reverse("assessments:candidate-hire", args=[candidate.pk]),
        {"reasons": "Great", "team": team.pk, "start_date": "2026-02-02", "employee_id": "H10", "channels": ["email"]},
    )
    assert response.status_code == 400 and b"already has this email address" in response.content
    candidate.refresh_from_db()
    assert candidate.stage != "hired"


def test_a_second_decision_on_a_stale_candidate_is_refused(candidate, hiring_user):
    from django.core.exceptions import ValidationError

    stale = Candidate.objects.get(pk=candidate.pk)
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Not now")
    with pytest.raises(ValidationError):
        services.candidate_reject(candidate=stale, decided_by=hiring_user, reasons="Double click")
    with pytest.raises(ValidationError):
        services.candidate_move(candidate=stale, to_stage=stale.requisition.stages[-1], moved_by=hiring_user)
    assert candidate.moves.filter(to_stage="rejected").count() == 1


def _scenario_with_criteria(n: int):
    """A role-play scenario with n rubric criteria, so a kit of exactly n items."""
    from assessments.models import RubricCriterion, Scenario
    from core.models import Skill

    scenario = Scenario.objects.create(
        code=f"sized-{n}", title=f"Sized {n}", scene="s", customer_brief="b", goal="g", debrief_questions="d"
    )
    skills = list(Skill.objects.order_by("position"))
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            scenario=scenario,
            code=f"sized-{n}-{i}",
            skill=skills[i % len(skills)],
            name=f"Criterion {i}",
            observe="o",
            anchor_1="1",
            anchor_2="2",
            anchor_3="3",
            anchor_4="4",
            position=i,
        )
        for i in range(n)
    )
    return scenario


@pytest.mark.parametrize("n_items", [3, 20])
def test_interview_submit_query_count_is_flat(client, candidate, hiring_user, n_items, django_assert_max_num_queries):
    from assessments.models import Rating

    scenario = _scenario_with_criteria(n_items)
    interview = services.interview_start(
        candidate=candidate, stage="role_play", interviewer=hiring_user, scenario=scenario
    )
    items = selectors.interview_items(interview=interview)
    assert len(items) == n_items
    # Some ratings were autosaved before (updated on submit, one unchanged), the rest arrive with the submit.
    services.rating_save(interview=interview, item_key=items[0].key, score=1, evidence="first go")
    services.rating_save(interview=interview, item_key=items[1].key, score=3, evidence="seen 1")
    data = {"items": [item.key for item in items], "recommendation": "yes", "notes": "fine"}
    for i, item in enumerate(items):
        if i == 2:
            data[f"nee-{item.key}"] = "on"
        else:
            data[f"score-{item.key}"] = "3"
            data[f"evidence-{item.key}"] = f"seen {i}"
    client.force_login(hiring_user)
    with django_assert_max_num_queries(26):  # 137 with 20 items when each rating was saved on its own
        response = client.post(reverse("assessments:interview-submit", args=[interview.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("assessments:candidate-scorecard", args=[candidate.pk])
    interview.refresh_from_db()
    assert interview.status == "submitted" and interview.recommendation == "yes"
    ratings = {rating.item_key: rating for rating in interview.ratings.all()}
    assert len(ratings) == n_items
    assert ratings[items[0].key].score == 3 and ratings[items[0].key].evidence == "seen 0"
    assert ratings[items[2].key].score is None and ratings[items[2].key].not_enough_evidence
    assert {rating.skill_id for rating in ratings.values()} == {item.skill.pk for item in items}
    # Every new or changed rating has its history record, by the interviewer; the unchanged one gets none.
    history = Rating.history.filter(interview_id=interview.pk)
    assert {record.history_user for record in history} == {hiring_user}
    assert history.filter(item_key=items[0].key).count() == 2
    assert history.filter(item_key=items[1].key).count() == 1
    assert history.filter(history_type="+").count() == n_items


def test_hire_form_start_date_shows_today_in_the_date_input(client, candidate, hiring_user):
    """<input type="date"> shows nothing unless its value is ISO (YYYY-MM-DD): today must be filled in."""
    client.force_login(hiring_user)
    page = client.get(reverse("assessments:candidate-hire", args=[candidate.pk])).content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="start_date" value="{today}"' in page


def test_new_link_has_a_copy_button_and_is_labelled_link_created_not_sent(client, hiring_user, candidate):
    client.force_login(hiring_user)
    client.post(
        reverse("assessments:candidate-issue-link", args=[candidate.pk]), {"kind": "mock_ticket", "valid_days": 3}
    )
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert 'data-copy-target="new-link"' in page and 'id="new-link"' in page
    assert 'src="/static/assessments/js/copy-link.js"' in page
    assert 'role="status"' in page and 'data-testid="copy-status"' in page  # where "Copied" is announced
    assert "<script>" not in page  # CSP: no inline script
    assert "Link created" in page and "Sent" not in page
    again = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert "copy-link.js" not in again and "Link created" in again  # the link itself is shown once


def test_test_states_tell_replaced_from_expired(client, hiring_user, candidate):
    client.force_login(hiring_user)
    url = reverse("assessments:candidate-issue-link", args=[candidate.pk])
    for _ in range(2):
        client.post(url, {"kind": "aptitude", "valid_days": 3})
    client.post(url, {"kind": "mock_ticket", "valid_days": 3})
    CandidateTest.objects.filter(kind="mock_ticket").update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert page.count("Replaced by a newer link") == 1
    assert page.count("Link created (not sent)") == 1
    assert page.count(">Expired<") == 1


def test_take_page_says_the_test_is_no_longer_available_after_a_rejection(client, hiring_user, candidate):
    url = _link(client, hiring_user, candidate, "mock_ticket")
    services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="Not a fit")
    response = client.get(url)
    assert response.status_code == 410 and "no longer available" in response.content.decode()
    assert client.post(url + "save/", {"ticket": MockTicket.objects.first().pk, "body": "x"}).status_code == 410
    assert client.post(url + "submit/", {}).status_code == 410
    assert not TicketReply.objects.exists()


def test_a_replaced_link_tells_the_candidate_to_use_the_newer_one(client, hiring_user, candidate):
    first = _link(client, hiring_user, candidate, "mock_ticket")
    second = _link(client, hiring_user, candidate, "mock_ticket")
    response = client.get(first)
    assert response.status_code == 410 and "replaced by a newer one" in response.content.decode()
    assert client.get(second).status_code == 200


def test_scorecard_warns_when_a_weighted_skill_went_unassessed(client, hiring_user):
    from assessments.tests.factories import RequisitionFactory
    from core.models import RoleProfile

    requisition = RequisitionFactory(
        role_profile=RoleProfile.objects.get(code=skill_codes.SALES_RENEWALS), hiring_team=[hiring_user]
    )
    candidate = CandidateFactory(requisition=requisition)
    score(candidate=candidate, user=hiring_user, nee_skills=(skill_codes.PERSUASION,))
    client.force_login(hiring_user)
    page = client.get(reverse("assessments:candidate-scorecard", args=[candidate.pk])).content.decode()
    assert 'data-testid="unassessed-warning"' in page
    warning = page[
        page.index('data-testid="unassessed-warning"') : page.index("</div>", page.index("unassessed-warning"))
    ]
    # Sales and renewals: persuasion ×3 of a total weight of 15.5 (9 base skills ×1, active listening ×1.5,
    # persuasion ×3, resilience ×2) = 19%; the score covers the other 81%.
    assert "Persuasion (×3, 19% of the weight)" in warning
    assert "covers only 81%" in warning
    assert "Resilience" not in warning  # rated
    card = selectors.scorecard(candidate=candidate)
    assert [item["skill"].code for item in card["unassessed"]] == [skill_codes.PERSUASION]


def test_scorecard_has_no_unassessed_warning_when_every_weighted_skill_is_rated(client, hiring_user, candidate):
    score(candidate=candidate, user=hiring_user)
    client.force_login(hiring_user)
    page = client.get(reverse("assessments:candidate-scorecard", args=[candidate.pk])).content.decode()
    assert 'data-testid="weighted-score"' in page and "unassessed-warning" not in page


def test_compare_ranks_by_evidence_and_shows_n(client, hiring_user, requisition):
    """A 4.0 from one rating ranks below a 3.3 from a full behavioural interview; n shows per skill and overall."""
    from assessments.models import Question, Rating

    thin = CandidateFactory(requisition=requisition, first_name="Thin", last_name="Single")
    question = Question.objects.filter(skill__code=skill_codes.COMMUNICATION).first()
    interview = Interview.objects.create(
        candidate=thin, stage="screening", interviewer=hiring_user, status="submitted", recommendation="strong_yes"
    )
    Rating.objects.create(
        interview=interview, item_key=f"q:{question.pk}", question=question, skill=question.skill, score=4
    )
    solid = CandidateFactory(requisition=requisition, first_name="Solid", last_name="Many")
    score(
        candidate=solid,
        user=hiring_user,
        by_skill={skill_codes.COMMUNICATION: 4, skill_codes.PATIENCE: 3, skill_codes.PROBLEM_SOLVING: 4},
    )
    context = selectors.comparison(requisition=requisition, user=hiring_user)
    ranked = [col["candidate"].pk for col in context["columns"]]
    assert ranked == [solid.pk, thin.pk]
    thin_scores, solid_scores = (context["columns"][1]["scores"], context["columns"][0]["scores"])
    assert thin_scores.weighted_score == 4.0 > solid_scores.weighted_score
    assert thin_scores.n == 1 and solid_scores.n >= 12
    assert thin_scores.thin and not solid_scores.thin
    assert thin_scores.low < solid_scores.low <= solid_scores.weighted_score <= solid_scores.high

    client.force_login(hiring_user)
    page = client.get(reverse("assessments:requisition-compare", args=[requisition.pk])).content.decode()
    assert page.index("Solid Many") < page.index("Thin Single")
    cell = page[page.index(f'data-testid="weighted-{thin.pk}"') :]
    cell = cell[: cell.index("</td>")]
    assert "4.00" in cell and "n=1" in cell and "thin evidence" in cell
    assert f"n={solid_scores.n}" in page
    assert "Strong yes 1" in page and "Yes 1" in page  # recommendations by their labels


def test_weighted_interval_narrows_with_evidence():
    weights = {1: Decimal("2"), 2: Decimal("1")}
    n, low, high = selectors.weighted_interval(skills={1: (1, 4.0, 16.0)}, weights=weights)
    assert n == 1 and (low, high) == (pytest.approx(4 - 1.96 * 1.5), 4.0)
    # Twelve ratings, 3s and 4s on skill 1, all 3s on skill 2: pooled SD from the spread within skills.
    many = {1: (6, 21.0, 75.0), 2: (6, 18.0, 54.0)}
    n, low, high = selectors.weighted_interval(skills=many, weights=weights)
    within_sd = (((75 - 21 * 21 / 6) + (54 - 18 * 18 / 6)) / (12 - 2)) ** 0.5
    se = ((4 * within_sd**2 / 6 + 1 * within_sd**2 / 6) ** 0.5) / 3
    mean = (2 * 3.5 + 1 * 3.0) / 3
    assert n == 12 and (low, high) == (pytest.approx(mean - 1.96 * se), pytest.approx(mean + 1.96 * se))
    assert selectors.weighted_interval(skills={3: (2, 6.0, 18.0)}, weights=weights) == (0, None, None)


def test_a_candidates_test_pages_are_never_cached(client, hiring_user, candidate):
    """The take page and its autosave answer carry a candidate's answers to a secret link without signing in."""
    url = _link(client, hiring_user, candidate, "mock_ticket")
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    token = url.rstrip("/").rsplit("/", 1)[-1]
    ticket = selectors.mock_ticket_list().first()
    saved = client.post(reverse("assessments:take-save", args=[token]), {"ticket": ticket.pk, "body": "Hello"})
    assert saved.status_code == 200 and "no-store" in saved["Cache-Control"]
