"""Candidate emails: the test link emailed through the outbox from the requisition's template, its honest states
(created, queued, sent, failed, opened, submitted), the reminder before expiry, and the hiring notifications."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import candidate_emails, selectors, services, tasks
from assessments.models import Candidate, CandidateTest, Interview
from assessments.tests.factories import CandidateFactory
from core import roles
from core.models import Notice, OutboxMessage, RoleProfile
from core.notifications import outbox
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def _email(candidate, user, kind="mock_ticket", valid_days=7):
    return services.candidate_test_issue_and_email(
        candidate=candidate, kind=kind, created_by=user, valid_days=valid_days
    )


def _link(test):
    return reverse("assessments:take-test", args=[services.candidate_test_token(test=test)])


def _state(candidate):
    return selectors.candidate_tests(candidate=candidate)[0]


# ---------------------------------------------------------------- the email


def test_candidate_test_email_goes_through_the_outbox_with_a_working_absolute_link(
    client, candidate, hiring_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        test = _email(candidate, hiring_user)
    row = OutboxMessage.objects.get()
    assert test.email_outbox_id == row.pk and row.status == OutboxMessage.Status.SENT
    (message,) = mail.outbox
    assert message.to == [candidate.email]
    assert message.extra_headers["Message-ID"] == row.message_id
    link = SITE + _link(test)
    assert link in message.body and f"Hello {candidate.first_name}" in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    # A candidate email: no unsubscribe footer or header (they subscribed to nothing).
    assert "Unsubscribe" not in html and "unsubscribe" not in message.body
    assert "List-Unsubscribe" not in message.extra_headers
    page = client.get(_link(test))
    assert page.status_code == 200 and candidate.first_name in page.content.decode()


def test_candidate_test_email_fills_in_the_requisitions_template(candidate, hiring_user):
    services.requisition_test_email_set(
        requisition=candidate.requisition,
        subject="{company} test for {candidate_name}",
        body="Dear {first_name},\n{test_name} until {expires_at}: {link}\n{{not a placeholder}}",
    )
    test = _email(candidate, hiring_user, kind="aptitude")
    row = OutboxMessage.objects.get(pk=test.email_outbox_id)
    assert row.subject == f"{candidate.requisition.team.vendor.name} test for {candidate.name}"
    assert f"Dear {candidate.first_name},\nAptitude test until " in row.body_text
    assert SITE + _link(test) in row.body_text
    assert "{not a placeholder}" in row.body_text


def test_candidate_test_email_is_refused_without_the_candidates_email_and_creates_no_link(candidate, hiring_user):
    Candidate.objects.filter(pk=candidate.pk).update(email="")
    candidate.refresh_from_db()
    with pytest.raises(ValidationError, match="has no email address"):
        _email(candidate, hiring_user)
    assert not CandidateTest.objects.exists() and not OutboxMessage.objects.exists()


def test_candidate_test_email_is_refused_while_one_is_queued(candidate, hiring_user):
    test = _email(candidate, hiring_user)  # no commit in the test: the outbox row stays pending
    with pytest.raises(ValidationError, match="already queued"):
        services.candidate_test_email(test=test)
    assert OutboxMessage.objects.count() == 1


def test_candidate_test_email_is_refused_for_a_replaced_link(candidate, hiring_user):
    old, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    with pytest.raises(ValidationError, match="replaced"):
        services.candidate_test_email(test=old)


def test_a_link_made_before_emailing_cannot_be_emailed_again(candidate, hiring_user):
    test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    CandidateTest.objects.filter(pk=test.pk).update(token_nonce="")
    test.refresh_from_db()
    with pytest.raises(ValidationError, match="create a new one"):
        services.candidate_test_email(test=test)


@pytest.mark.parametrize(
    ("subject", "body", "field", "message"),
    [
        ("Hi", "Take it: {url}", "test_email_body", "Unknown placeholder {url}"),
        ("Hi {name}", "{link}", "test_email_subject", "Unknown placeholder {name}"),
        ("Hi", "No link here, {first_name}", "test_email_body", "must carry the test's link"),
        ("Hi", "{link} {link.__class__}", "test_email_body", "Unknown placeholder {link.__class__}"),
        ("Hi", "{link:>40}", "test_email_body", "plainly"),
        ("Hi", "{link} {oops", "test_email_body", "Braces must pair up"),
        ("Hi", "{link} }", "test_email_body", "Braces must pair up"),
    ],
)
def test_template_check_refuses_what_cannot_be_filled_in(subject, body, field, message):
    with pytest.raises(ValidationError) as error:
        candidate_emails.template_check(subject=subject, body=body)
    assert message in " ".join(error.value.message_dict[field])


def test_template_placeholders_are_pasted_not_formatted():
    filled = candidate_emails.fill("{first_name} {{x}}", {"first_name": "{link.__class__}"})
    assert filled == "{link.__class__} {x}"


def test_requisition_test_email_set_keeps_the_default_as_empty(requisition):
    services.requisition_test_email_set(
        requisition=requisition, subject=candidate_emails.DEFAULT_SUBJECT, body=candidate_emails.DEFAULT_BODY
    )
    requisition.refresh_from_db()
    assert requisition.test_email_subject == "" and requisition.test_email_body == ""


# ---------------------------------------------------------------- honest states


def test_link_states_say_created_queued_sent_failed_opened_submitted_honestly(client, candidate, hiring_user):
    test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    state = _state(candidate)
    assert state.state == "created" and state.state_label.startswith("Link created (not sent)")
    services.candidate_test_email(test=test)
    state = _state(candidate)
    assert (state.state, state.state_label) == ("queued", "Email queued")  # not "Sent" before it is
    test.refresh_from_db()
    row = test.email_outbox
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.FAILED)
    state = _state(candidate)
    assert (state.state, state.state_label) == ("failed", "Email failed") and state.email_action == "Send again"
    assert state.can_email
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.PENDING, last_error="")
    assert outbox.deliver(pk=row.pk) == "sent"
    state = _state(candidate)
    assert state.state == "sent" and state.state_label.startswith("Sent ")
    client.get(_link(test))
    state = _state(candidate)
    assert state.state == "opened" and state.state_label.startswith("Opened ")
    assert state.email_label.startswith("Sent ")
    services.candidate_test_submit(test=test)
    state = _state(candidate)
    assert state.state == "submitted" and state.state_label.startswith("Submitted ")


def test_first_visit_is_recorded_once(client, candidate, hiring_user):
    test, token = services.candidate_test_issue(candidate=candidate, kind="aptitude", created_by=hiring_user)
    url = reverse("assessments:take-test", args=[token])
    client.get(url)
    test.refresh_from_db()
    first = test.opened_at
    assert first is not None and test.started_at is None  # opened is not started: the aptitude intro page
    client.get(url)
    test.refresh_from_db()
    assert test.opened_at == first


def test_candidate_page_shows_email_failed_with_send_again(client, candidate, hiring_user):
    test = _email(candidate, hiring_user)
    OutboxMessage.objects.filter(pk=test.email_outbox_id).update(status=OutboxMessage.Status.FAILED)
    client.force_login(hiring_user)
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert "Email failed" in page and "Send again" in page and ">Sent" not in page
    response = client.post(reverse("assessments:candidate-test-email", args=[test.pk]))
    assert response.status_code == 302
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert "Email queued" in page and "Email failed" not in page
    assert OutboxMessage.objects.count() == 2


def test_candidate_page_shows_queued_not_sent_after_emailing(client, candidate, hiring_user):
    client.force_login(hiring_user)
    client.post(
        reverse("assessments:candidate-email-link", args=[candidate.pk]), {"kind": "mock_ticket", "valid_days": 5}
    )
    page = client.get(reverse("assessments:candidate-detail", args=[candidate.pk])).content.decode()
    assert "Email queued" in page and "Sent " not in page


# ---------------------------------------------------------------- the reminder


def _emailed_days_ago(candidate, user, *, days_ago=3, expires_in_hours=10):
    test = _email(candidate, user)
    now = timezone.now()
    CandidateTest.objects.filter(pk=test.pk).update(
        emailed_at=now - timedelta(days=days_ago), expires_at=now + timedelta(hours=expires_in_hours)
    )
    OutboxMessage.objects.filter(pk=test.email_outbox_id).update(status=OutboxMessage.Status.SENT)
    return test


def test_reminder_is_emailed_once_before_expiry_with_the_link(
    candidate, hiring_user, django_capture_on_commit_callbacks
):
    test = _emailed_days_ago(candidate, hiring_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.candidate_test_reminders() == 1
        assert tasks.candidate_test_reminders() == 0
    (message,) = mail.outbox
    assert message.to == [candidate.email] and message.subject.startswith("Reminder: your mock tickets link expires")
    assert SITE + _link(test) in message.body
    test.refresh_from_db()
    assert test.reminded_at is not None and test.reminder_outbox_id is not None


@pytest.mark.parametrize(
    "case", ["submitted", "not_emailed", "emailed_inside_the_window", "expires_later", "rejected", "expired"]
)
def test_reminder_is_not_sent_when_it_should_not_be(candidate, hiring_user, case):
    if case == "not_emailed":
        test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
        CandidateTest.objects.filter(pk=test.pk).update(expires_at=timezone.now() + timedelta(hours=5))
    elif case == "emailed_inside_the_window":
        _emailed_days_ago(candidate, hiring_user, days_ago=0)
    elif case == "expires_later":
        _emailed_days_ago(candidate, hiring_user, expires_in_hours=30)
    elif case == "expired":
        _emailed_days_ago(candidate, hiring_user, expires_in_hours=-1)
    else:
        test = _emailed_days_ago(candidate, hiring_user)
        if case == "submitted":
            services.candidate_test_submit(test=test)
        else:
            services.candidate_reject(candidate=candidate, decided_by=hiring_user, reasons="No")
    before = OutboxMessage.objects.filter(event="candidate_test_reminder").count()
    assert services.candidate_test_reminders_send() == 0
    assert OutboxMessage.objects.filter(event="candidate_test_reminder").count() == before == 0


# ---------------------------------------------------------------- hiring notifications


def _told(event):
    return set(Notice.objects.filter(event=event).values_list("user_id", flat=True))


def test_candidate_test_submitted_tells_the_requisitions_team_and_nobody_else(
    candidate, hiring_user, second_hiring_user, other_requisition, admin_user
):
    outsider = other_requisition.hiring_team.get()
    test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_test_submit(test=test)
    services.candidate_test_submit(test=test)  # twice: told once
    assert _told("candidate_test_submitted") == {hiring_user.pk, second_hiring_user.pk}
    assert outsider.pk not in _told("candidate_test_submitted") and admin_user.pk not in _told(
        "candidate_test_submitted"
    )
    notice = Notice.objects.filter(event="candidate_test_submitted").first()
    assert notice.url == reverse("assessments:candidate-detail", args=[candidate.pk])
    assert Notice.objects.filter(event="candidate_test_submitted").count() == 2


def test_candidate_test_submitted_tells_the_admin_who_opened_the_requisition(admin_user, hiring_user):
    requisition = services.requisition_create(
        title="Night shift",
        role_profile=RoleProfile.objects.get(code="technical_support"),
        hiring_team=[hiring_user],
        created_by=admin_user,
    )
    candidate = CandidateFactory(requisition=requisition)
    test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=hiring_user)
    services.candidate_test_submit(test=test)
    assert _told("candidate_test_submitted") == {hiring_user.pk, admin_user.pk}


def test_candidate_moved_tells_the_hiring_team_but_not_the_mover_nor_outsiders(
    candidate, hiring_user, second_hiring_user, other_requisition
):
    services.candidate_move(candidate=candidate, to_stage="behavioural", moved_by=hiring_user)
    assert _told("candidate_moved") == {second_hiring_user.pk}
    notice = Notice.objects.get(event="candidate_moved")
    assert "Behavioural interview" in notice.title
    assert notice.url == reverse("assessments:candidate-detail", args=[candidate.pk])
    services.candidate_reject(candidate=candidate, decided_by=second_hiring_user, reasons="Not a fit")
    assert Notice.objects.filter(event="candidate_moved", user=hiring_user).count() == 1
    assert not Notice.objects.filter(user__in=other_requisition.hiring_team.all()).exists()


def _draft(candidate, user, hours_ago):
    interview = services.interview_start(candidate=candidate, stage="screening", interviewer=user)
    Interview.objects.filter(pk=interview.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return interview


def test_interview_feedback_due_tells_the_interviewer_once(candidate, hiring_user, second_hiring_user):
    _draft(candidate, hiring_user, hours_ago=30)
    assert tasks.interview_feedback_due() == 1
    assert tasks.interview_feedback_due() == 0
    assert _told("interview_feedback_due") == {hiring_user.pk}
    notice = Notice.objects.get(event="interview_feedback_due")
    assert notice.url == reverse("assessments:candidate-detail", args=[candidate.pk])


def test_interview_feedback_due_skips_recent_submitted_and_off_requisition_interviews(
    candidate, requisition, hiring_user, second_hiring_user
):
    from assessments.tests.conftest import score

    _draft(candidate, hiring_user, hours_ago=2)  # not due yet
    submitted = score(candidate=candidate, user=second_hiring_user, stage="screening")
    Interview.objects.filter(pk=submitted.pk).update(created_at=timezone.now() - timedelta(days=3))
    left = UserFactory(roles=[roles.HIRING_MANAGER])
    requisition.hiring_team.add(left)
    _draft(candidate, left, hours_ago=48)
    requisition.hiring_team.remove(left)  # no longer on the requisition: not told about it
    assert services.interview_feedback_due_notify() == 0
    assert not Notice.objects.filter(event="interview_feedback_due").exists()


# ---------------------------------------------------------------- views


EMAIL_VIEWS = ["assessments:candidate-email-link", "assessments:candidate-test-email"]


def _target(name, candidate, user):
    if name == "assessments:candidate-test-email":
        test, _ = services.candidate_test_issue(candidate=candidate, kind="mock_ticket", created_by=user)
        return test.pk
    return candidate.pk


@pytest.mark.parametrize("name", EMAIL_VIEWS)
@pytest.mark.parametrize(
    ("fixture", "status"),
    [("hiring_user", 302), ("admin_user", 302), ("lead_user", 403), ("reviewer_user", 403), ("agent_user", 403)],
)
def test_email_views_by_role(client, request, name, fixture, status, candidate, hiring_user):
    pk = _target(name, candidate, hiring_user)
    client.force_login(request.getfixturevalue(fixture))
    response = client.post(reverse(name, args=[pk]), {"kind": "mock_ticket", "valid_days": 3})
    assert response.status_code == status
    assert OutboxMessage.objects.filter(event="candidate_test").count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("name", EMAIL_VIEWS)
def test_email_views_answer_404_for_another_requisitions_candidate(client, name, hiring_user, other_candidate):
    owner = other_candidate.requisition.hiring_team.get()
    pk = _target(name, other_candidate, owner)
    client.force_login(hiring_user)
    response = client.post(reverse(name, args=[pk]), {"kind": "mock_ticket", "valid_days": 3})
    assert response.status_code == 404 and not OutboxMessage.objects.exists()


def test_email_link_view_says_clearly_when_the_candidate_has_no_email(client, candidate, hiring_user):
    Candidate.objects.filter(pk=candidate.pk).update(email="")
    client.force_login(hiring_user)
    response = client.post(
        reverse("assessments:candidate-email-link", args=[candidate.pk]),
        {"kind": "mock_ticket", "valid_days": 3},
        follow=True,
    )
    assert "has no email address" in response.content.decode() and not CandidateTest.objects.exists()


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("hiring_user", 200), ("admin_user", 200), ("lead_user", 403), ("reviewer_user", 403), ("agent_user", 403)],
)
def test_requisition_test_email_page_by_role(client, request, fixture, status, requisition):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("assessments:requisition-test-email", args=[requisition.pk]))
    assert response.status_code == status
    if status == 200:
        assert "{link}" in response.content.decode()


def test_requisition_test_email_page_of_another_requisition_is_404(client, hiring_user, other_requisition):
    client.force_login(hiring_user)
    url = reverse("assessments:requisition-test-email", args=[other_requisition.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"test_email_subject": "x", "test_email_body": "{link}"}).status_code == 404


def test_requisition_test_email_page_saves_a_valid_template(client, hiring_user, requisition):
    client.force_login(hiring_user)
    url = reverse("assessments:requisition-test-email", args=[requisition.pk])
    response = client.post(url, {"test_email_subject": "Your {test_name}", "test_email_body": "Go: {link}"})
    assert response.status_code == 302
    requisition.refresh_from_db()
    assert (requisition.test_email_subject, requisition.test_email_body) == ("Your {test_name}", "Go: {link}")


def test_requisition_test_email_page_shows_errors_and_keeps_what_was_typed(client, hiring_user, requisition):
    client.force_login(hiring_user)
    url = reverse("assessments:requisition-test-email", args=[requisition.pk])
    typed = "Dear {firstname}, a long carefully written note without the link"
    response = client.post(url, {"test_email_subject": "Hello {who}", "test_email_body": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown placeholder {firstname}" in page and "Unknown placeholder {who}" in page
    assert typed in page and "Hello {who}" in page  # nothing lost
    requisition.refresh_from_db()
    assert requisition.test_email_body == "" and requisition.test_email_subject == ""


@pytest.mark.parametrize("n_candidates", [2, 20])
def test_board_with_test_states_runs_constant_queries(
    client, hiring_user, requisition, n_candidates, django_assert_max_num_queries
):
    for i, candidate in enumerate(CandidateFactory.create_batch(n_candidates, requisition=requisition)):
        test = _email(candidate, hiring_user)
        if i % 3 == 1:
            OutboxMessage.objects.filter(pk=test.email_outbox_id).update(
                status=OutboxMessage.Status.SENT, sent_at=timezone.now()
            )
        elif i % 3 == 2:
            OutboxMessage.objects.filter(pk=test.email_outbox_id).update(status=OutboxMessage.Status.FAILED)
    client.force_login(hiring_user)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("assessments:requisition-board", args=[requisition.pk])).content.decode()
    assert page.count('data-testid="board-test-state"') == n_candidates
    assert "Email queued" in page and "Sent " in page and ("Email failed" in page or n_candidates < 3)
