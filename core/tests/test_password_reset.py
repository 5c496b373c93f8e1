"""Password reset by email: through the outbox, links from SITE_URL, no enumeration, rate limits, once and expiring."""

import logging
import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from core.accounts import invitations, password_reset
from core.models import Invitation, OutboxMessage
from core.tests.factories import UserFactory

NEW_PASSWORD = "a-fresh-Passphrase-42"


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()  # the rate-limit counts live in the cache, shared by the tests of this process
    yield
    cache.clear()


def _ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def _link(message_text: str) -> str:
    return re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", message_text).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _reset_via_email(client, email, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, email)
    return _path(_link(mail.outbox[-1].body))


def test_sign_in_page_links_to_password_reset(client, db):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_password_reset_emails_a_link_built_from_site_url_not_the_host_header(
    client, agent_user, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://skillhub.example.com"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, agent_user.email, HTTP_HOST="evil.example")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    row = OutboxMessage.objects.get()
    assert (row.to, row.user, row.event, row.status) == (agent_user.email, agent_user, "password_reset", "sent")
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert _link(message.body).startswith("https://skillhub.example.com/accounts/password/reset/")
    assert 'href="https://skillhub.example.com/accounts/password/reset/' in html
    assert "evil.example" not in message.body + html
    assert "unsubscribe" not in (message.body + html).lower() and "List-Unsubscribe" not in message.extra_headers
    assert message.extra_headers["Message-ID"] == row.message_id


@pytest.mark.parametrize("who", ["known", "unknown", "inactive"])
def test_password_reset_answers_the_same_for_any_address(client, db, who, django_capture_on_commit_callbacks):
    user = UserFactory(email="someone@example.test", is_active=who != "inactive")
    email = user.email if who != "unknown" else "nobody@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, email)
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    done = client.get(response.url)
    assert done.status_code == 200 and "If an account uses that address" in done.content.decode()
    assert OutboxMessage.objects.count() == len(mail.outbox) == (1 if who == "known" else 0)


def test_password_reset_matches_the_address_whatever_its_case(client, agent_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, agent_user.email.upper())
    assert [m.to for m in mail.outbox] == [[agent_user.email]]


def test_password_reset_link_works_once(client, agent_user, django_capture_on_commit_callbacks):
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token into the session, out of the address bar
    form_url = response.url
    assert client.get(form_url).context["validlink"] is True
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    agent_user.refresh_from_db()
    assert agent_user.check_password(NEW_PASSWORD)
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()
    assert client.get(reverse("password_reset_complete")).status_code == 200


def test_password_reset_does_not_sign_in_but_the_new_password_does(
    client, agent_user, django_capture_on_commit_callbacks
):
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("skillhub:me")).status_code == 302
    signed_in = client.post(reverse("login"), {"username": agent_user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url != reverse("login")


@pytest.mark.parametrize(("seconds", "valid"), [(3599, True), (3601, False)])
def test_password_reset_link_expires_after_the_timeout(
    client, agent_user, settings, seconds, valid, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    later = datetime.now() + timedelta(seconds=seconds)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = client.get(path, follow=True)
    assert response.context["validlink"] is valid


def test_password_reset_confirm_shows_validator_errors_and_keeps_the_link(
    client, agent_user, django_capture_on_commit_callbacks
):
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    form_url = client.get(path).url
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    errors = " ".join(weak.context["form"].errors["new_password2"])
    assert "too common" in errors and "entirely numeric" in errors
    agent_user.refresh_from_db()
    assert agent_user.check_password("pw-for-tests")
    ok = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert ok.status_code == 302 and ok.url == reverse("password_reset_complete")


def test_password_reset_link_stops_working_when_the_user_is_deactivated(
    client, agent_user, django_capture_on_commit_callbacks
):
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    agent_user.is_active = False
    agent_user.save(update_fields=["is_active"])
    assert client.get(path, follow=True).context["validlink"] is False


def test_password_reset_is_limited_per_address(
    client, agent_user, settings, caplog, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 5
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            _ask(client, agent_user.email, REMOTE_ADDR=f"10.0.0.{n}")
    assert len(mail.outbox) == 5
    with caplog.at_level(logging.INFO, logger="skillhub.security"):
        with django_capture_on_commit_callbacks(execute=True):
            response = _ask(client, agent_user.email, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 5 and OutboxMessage.objects.count() == 5
    (line,) = [r.getMessage() for r in caplog.records if "password_reset_throttled" in r.getMessage()]
    assert "10.0.0.99" in line and agent_user.email not in line
    # Another address is not held back by this one's count.
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, other.email, REMOTE_ADDR="10.0.0.99")
    assert mail.outbox[-1].to == [other.email]


def test_password_reset_is_limited_per_client_address(client, db, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    users = UserFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=True):
        for user in users[:4]:
            assert _ask(client, user.email, REMOTE_ADDR="192.0.2.1").url == reverse("password_reset_done")
    assert [m.to[0] for m in mail.outbox] == [user.email for user in users[:3]]
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, users[4].email, REMOTE_ADDR="192.0.2.2")
    assert mail.outbox[-1].to == [users[4].email]


def test_password_reset_task_run_twice_sends_once(agent_user):
    assert password_reset.password_reset_email(email=agent_user.email, request_id="r1") == 1
    assert password_reset.password_reset_email(email=agent_user.email, request_id="r1") == 0
    assert OutboxMessage.objects.count() == 1


def test_password_reset_waits_in_the_outbox_when_the_broker_is_down(
    agent_user, settings, rf, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    request = rf.post("/", REMOTE_ADDR="192.0.2.7")
    down = OSError("broker down")
    with (
        mock.patch.object(password_reset.password_reset_send, "delay", side_effect=down),
        mock.patch("core.notifications.outbox.outbox_send.apply_async", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert password_reset.password_reset_request(email=agent_user.email, request=request) is True
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING


def test_password_reset_reaches_a_user_who_never_set_a_password(client, db, django_capture_on_commit_callbacks):
    invited = UserFactory()
    invited.set_unusable_password()
    invited.save()
    path = _reset_via_email(client, invited.email, django_capture_on_commit_callbacks)
    form_url = client.get(path).url
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)


def test_password_reset_ends_open_invitations(client, agent_user, django_capture_on_commit_callbacks):
    _, token = invitations.invitation_send(user=agent_user)
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    client.post(client.get(path).url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("skillhub:invitation-accept", args=[token])).status_code == 410
    assert Invitation.objects.get().used_at is None


def test_password_reset_lifts_a_sign_in_lock_out(client, agent_user, settings, django_capture_on_commit_callbacks):
    """Chosen: a reset clears the username's lock-out, so a user who locked themselves out signs in at once."""
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT = True, 3
    for _ in range(3):
        client.post(reverse("login"), {"username": agent_user.username, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"})
    assert locked.status_code == 429
    path = _reset_via_email(client, agent_user.email, django_capture_on_commit_callbacks)
    client.post(client.get(path).url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post(reverse("login"), {"username": agent_user.username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url != reverse("login")


def test_password_reset_pages_open_for_anyone(client, agent_user):
    for url in (reverse("password_reset"), reverse("password_reset_done"), reverse("password_reset_complete")):
        assert client.get(url).status_code == 200
    client.force_login(agent_user)
    assert client.get(reverse("password_reset")).status_code == 200


def test_password_reset_refuses_a_malformed_address_without_error(client, db):
    response = _ask(client, "not-an-address")
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert not OutboxMessage.objects.exists()
