"""A hired agent has no password yet: hiring emails them an invitation to set one, in the hire's transaction."""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from core.models import Invitation, OutboxMessage


def _hire(candidate, hiring_user, team, employee_id="H0100"):
    return services.candidate_hire(
        candidate=candidate,
        decided_by=hiring_user,
        reasons="Calm and clear.",
        team=team,
        start_date=date(2026, 1, 5),
        employee_id=employee_id,
    )


def test_hire_emails_the_new_agent_an_invitation(
    client, candidate, hiring_user, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agent = _hire(candidate, hiring_user, team)
    invitation = Invitation.objects.get(user=agent.user)
    assert invitation.created_by == hiring_user and not agent.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == [candidate.email] and "Agent" in message.body
    token = re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)
    response = client.post(
        reverse("skillhub:invitation-accept", args=[token]),
        {"new_password1": "a-fresh-Passphrase-42", "new_password2": "a-fresh-Passphrase-42"},
    )
    assert response.status_code == 302
    agent.user.refresh_from_db()
    assert agent.user.check_password("a-fresh-Passphrase-42")


def test_refused_hire_sends_no_invitation(candidate, hiring_user, team, agent):
    with pytest.raises(ValidationError):
        _hire(candidate, hiring_user, team, employee_id=agent.employee_id)
    assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()
