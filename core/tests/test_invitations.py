"""Invitations: a link to set a first password, emailed through the outbox; it expires, works once, and a newer
one replaces it. Users added in the admin without a password get one."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.accounts.invitations import invitation_accept, invitation_send
from core.models import Invitation, OutboxMessage, User
from core.notifications.services import emails_held
from core.tests.factories import UserFactory

NEW_PASSWORD = "a-fresh-Passphrase-42"


@pytest.fixture
def invited(db):
    user = UserFactory(first_name="Ada", last_name="Lovelace", roles=[roles.AGENT])
    user.set_unusable_password()
    user.save()
    return user


def _url(token: str) -> str:
    return reverse("skillhub:invitation-accept", args=[token])


def _accept(client, token, password=NEW_PASSWORD):
    return client.post(_url(token), {"new_password1": password, "new_password2": password})


def test_invitation_send_stores_only_the_hash_and_expires_after_the_setting(invited, lead_user, settings):
    settings.INVITATION_DAYS = 3
    invitation, token = invitation_send(user=invited, created_by=lead_user)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in invitation.token_hash
    assert len(token) >= 40
    expected = timezone.now() + timedelta(days=3)
    assert abs((invitation.expires_at - expected).total_seconds()) < 5
    assert (invitation.created_by, invitation.used_at) == (lead_user, None)


def test_invitation_email_names_the_inviter_the_roles_and_an_absolute_link(
    invited, lead_user, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://skillhub.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invitation_send(user=invited, created_by=lead_user)
    row = OutboxMessage.objects.get()
    assert (row.to, row.user, row.event, row.status) == (invited.email, invited, "invitation", "sent")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    link = f"https://skillhub.example.com/accounts/invitation/{token}/"
    assert link in message.body and f'href="{link}"' in html
    assert lead_user.get_full_name() in message.body and roles.AGENT in message.body
    assert invited.username in message.body and lead_user.get_full_name() in html
    assert "unsubscribe" not in (message.body + html).lower() and "List-Unsubscribe" not in message.extra_headers


def test_invitation_send_revokes_the_users_earlier_invitations(client, invited):
    _, first = invitation_send(user=invited)
    _, second = invitation_send(user=invited)
    assert client.get(_url(first)).status_code == 410
    assert client.get(_url(second)).status_code == 200
    with pytest.raises(ValidationError):
        invitation_accept(token=first, password=NEW_PASSWORD)


def test_invitation_send_emails_nobody_while_emails_are_held(invited, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), emails_held():
        invitation_send(user=invited)
    assert Invitation.objects.filter(user=invited).exists()
    assert not OutboxMessage.objects.exists() and not mail.outbox


def test_invitation_send_refuses_an_inactive_user_or_one_without_email(db):
    with pytest.raises(ValidationError, match="inactive"):
        invitation_send(user=UserFactory(is_active=False))
    with pytest.raises(ValidationError, match="no email"):
        invitation_send(user=UserFactory(email=""))
    assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()


def test_invitation_accept_sets_the_password_signs_in_and_works_once(client, invited):
    invitation, token = invitation_send(user=invited)
    page = client.get(_url(token))
    assert page.status_code == 200 and invited.username in page.content.decode()
    response = _accept(client, token)
    assert response.status_code == 302 and response.url == reverse("skillhub:home")
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert int(client.session["_auth_user_id"]) == invited.pk
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    client.logout()
    again = client.get(_url(token))
    assert again.status_code == 410 and "ask your admin for a new invitation" in again.content.decode().lower()
    assert _accept(client, token, "another-Passphrase-43").status_code == 410
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_invitation_accept_service_refuses_a_second_use(invited):
    _, token = invitation_send(user=invited)
    invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(ValidationError, match="no longer valid"):
        invitation_accept(token=token, password="another-Passphrase-43")


def test_invitation_link_expires(client, invited):
    invitation, token = invitation_send(user=invited)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(_url(token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert _accept(client, token).status_code == 410
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password=NEW_PASSWORD)


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300])
def test_invitation_unknown_token_gets_the_clear_page(client, db, token):
    response = client.get(_url(token))
    assert response.status_code == 410 and "ask your admin" in response.content.decode().lower()


def test_invitation_of_a_deactivated_user_stops_working(client, invited):
    _, token = invitation_send(user=invited)
    invited.is_active = False
    invited.save(update_fields=["is_active"])
    assert client.get(_url(token)).status_code == 410


def test_invitation_accept_shows_validator_errors_and_keeps_the_link(client, invited):
    invitation, token = invitation_send(user=invited)
    response = _accept(client, token, "12345678")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "too common" in errors and "entirely numeric" in errors
    mismatch = client.post(_url(token), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 200 and mismatch.context["form"].errors["new_password2"]
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert _accept(client, token).status_code == 302


def test_invitation_accept_service_applies_the_password_validators(invited):
    _, token = invitation_send(user=invited)
    with pytest.raises(ValidationError):
        invitation_accept(token=token, password="123")
    assert Invitation.objects.get().used_at is None


def test_invitation_opened_by_someone_signed_in_signs_in_the_invited_user(client, invited, lead_user):
    _, token = invitation_send(user=invited)
    client.force_login(lead_user)
    assert client.get(_url(token)).status_code == 200
    _accept(client, token)
    assert int(client.session["_auth_user_id"]) == invited.pk


# ---------------------------------------------------------------- the admin


def _admin_add(client, **fields):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.test",
        "first_name": "New",
        "last_name": "Comer",
        "usable_password": "true",
        "password1": "",
        "password2": "",
        "_save": "Save",
        **fields,
    }
    return client.post(reverse("admin:skillhub_user_add"), data)


def test_admin_added_user_without_a_password_gets_an_invitation(client, admin_user, django_capture_on_commit_callbacks):
    lead_group, _ = Group.objects.get_or_create(name=roles.OPS_LEAD)
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_add(client, groups=[lead_group.pk])
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newcomer")
    assert not user.has_usable_password()
    invitation = Invitation.objects.get(user=user)
    assert invitation.created_by == admin_user
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.test"] and roles.OPS_LEAD in message.body
    token = re.search(r"/accounts/invitation/([^/\s]+)/", message.body).group(1)
    client.logout()
    assert _accept(client, token).status_code == 302


def test_admin_added_user_with_a_password_gets_no_invitation(client, admin_user):
    client.force_login(admin_user)
    response = _admin_add(client, password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").check_password(NEW_PASSWORD)
    assert not Invitation.objects.exists() and not OutboxMessage.objects.exists()


def test_admin_add_without_password_needs_an_email(client, admin_user):
    client.force_login(admin_user)
    response = _admin_add(client, email="", usable_password="false")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert not User.objects.filter(username="newcomer").exists()


def test_admin_action_sends_invitations_and_skips_who_cannot_get_one(client, admin_user, invited):
    no_email = UserFactory(email="")
    _, old = invitation_send(user=invited)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:skillhub_user_changelist"),
        {"action": "send_invitation", "_selected_action": [invited.pk, no_email.pk]},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Invitations emailed to 1 user(s)" in text and no_email.username in text
    assert Invitation.objects.filter(user=invited).count() == 2
    assert not Invitation.objects.filter(user=no_email).exists()
    assert client.get(_url(old)).status_code == 410


def test_admin_invitation_action_is_for_admins_only(client, lead_user, invited):
    client.force_login(lead_user)
    response = client.post(
        reverse("admin:skillhub_user_changelist"), {"action": "send_invitation", "_selected_action": [invited.pk]}
    )
    assert response.status_code == 302 and reverse("admin:login") in response.url
    assert not Invitation.objects.exists()
