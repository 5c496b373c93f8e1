"""API tokens (DRF's Token): expiry after API_TOKEN_TTL_DAYS, revocation by their user and by admins, and their end
on a password change or a deactivation."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def _api(client, token: Token | str):
    key = token.key if isinstance(token, Token) else token
    return client.get(reverse("agent-list"), HTTP_AUTHORIZATION=f"Token {key}")


def _created_days_ago(token: Token, days: float) -> Token:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))
    token.refresh_from_db()
    return token


def test_a_token_works_until_its_time_to_live_and_then_answers_401_saying_why(client, agent_user, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    token = _created_days_ago(Token.objects.create(user=agent_user), 29.9)
    assert _api(client, token).status_code == 200
    _created_days_ago(token, 30.1)
    response = _api(client, token)
    assert response.status_code == 401
    expired_on = (token.created + timedelta(days=30)).date().isoformat()
    assert response.json()["detail"].startswith(f"Token expired on {expired_on}")
    assert response["WWW-Authenticate"] == "Token"


def test_the_time_to_live_comes_from_the_environment_with_90_days_by_default():
    import os
    import subprocess
    import sys

    from core.tests.test_settings import ROOT

    def ttl(**env) -> str:
        clean = {k: v for k, v in os.environ.items() if k != "API_TOKEN_TTL_DAYS"}
        code = "from django.conf import settings; print(settings.API_TOKEN_TTL_DAYS)"
        command = [sys.executable, "-c", f"import django; django.setup(); {code}"]
        environment = {**clean, "DJANGO_SETTINGS_MODULE": "skillhub.settings", "DEBUG": "true", **env}
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True).stdout.strip()

    assert ttl() == "90"
    assert ttl(API_TOKEN_TTL_DAYS="7") == "7"


def test_drf_create_token_still_issues_a_working_token(client, agent_user):
    out = StringIO()
    call_command("drf_create_token", agent_user.username, stdout=out)
    key = Token.objects.get(user=agent_user).key
    assert key in out.getvalue() and _api(client, key).status_code == 200
    old = key
    call_command("drf_create_token", agent_user.username, "-r", stdout=StringIO())  # replace: a fresh 90 days
    assert _api(client, old).status_code == 401 and _api(client, Token.objects.get(user=agent_user)).status_code == 200


def test_changing_the_password_ends_the_token(client, agent_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    token = Token.objects.create(user=agent_user)
    client.force_login(agent_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": "Fresh-Passphrase-42",
            "new_password2": "Fresh-Passphrase-42",
        },
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=agent_user).exists()
    assert _api(client.__class__(), token).status_code == 401
    assert f"api_token_revoked user={agent_user.username}" in caplog.text and "password_changed" in caplog.text
    assert token.key not in caplog.text


def test_deactivating_the_user_ends_the_token_and_other_saves_keep_it(agent_user, lead_user):
    from django.contrib.auth import get_user_model

    token = Token.objects.create(user=agent_user)
    Token.objects.create(user=lead_user)
    agent_user.first_name = "Renamed"
    agent_user.save()
    agent_user.last_login = timezone.now()
    agent_user.save(update_fields=["last_login"])
    assert Token.objects.filter(pk=token.pk).exists()
    user = get_user_model().objects.get(pk=agent_user.pk)  # a fresh instance, as the admin loads it
    user.is_active = False
    user.save()
    assert list(Token.objects.values_list("user", flat=True)) == [lead_user.pk]


def test_the_user_sees_their_token_and_revokes_it(client, agent_user, caplog, settings):
    settings.API_TOKEN_TTL_DAYS = 90
    caplog.set_level(logging.INFO, logger="skillhub.security")
    token = Token.objects.create(user=agent_user)
    client.force_login(agent_user)
    page = client.get(reverse("skillhub:api-token")).content.decode()
    expires = token.created + timedelta(days=90)
    assert f'datetime="{timezone.localtime(token.created).isoformat()}"' in page
    assert f'datetime="{timezone.localtime(expires).isoformat()}"' in page
    assert "active" in page and token.key not in page and f"{token.key[:4]}…" in page
    response = client.post(reverse("skillhub:api-token"), follow=True)
    assert (
        "Your API token is revoked" in response.content.decode()
        and "You have no API token." in response.content.decode()
    )
    assert not Token.objects.filter(user=agent_user).exists() and _api(client.__class__(), token).status_code == 401
    assert "api_token_revoked" in caplog.text and token.key not in caplog.text


def test_the_token_page_shows_an_expired_token_as_expired(client, agent_user, settings):
    settings.API_TOKEN_TTL_DAYS = 10
    _created_days_ago(Token.objects.create(user=agent_user), 11)
    client.force_login(agent_user)
    page = client.get(reverse("skillhub:api-token")).content.decode()
    assert "Expired" in page and "text-bg-danger" in page


def test_the_token_page_is_only_ever_about_the_signed_in_user(client, agent_user, lead_user):
    theirs = Token.objects.create(user=lead_user)
    client.force_login(agent_user)
    page = client.get(reverse("skillhub:api-token")).content.decode()
    assert "You have no API token." in page and theirs.key[:4] + "…" not in page
    client.post(reverse("skillhub:api-token"))
    assert Token.objects.filter(pk=theirs.pk).exists()
    anonymous = client.__class__()
    assert anonymous.get(reverse("skillhub:api-token")).status_code == 302
    assert anonymous.post(reverse("skillhub:api-token")).status_code == 302
    assert Token.objects.filter(pk=theirs.pk).exists()
    assert client.put(reverse("skillhub:api-token")).status_code == 405


def test_admins_see_expiry_in_the_admin_and_revoke_by_deleting(client, admin_user, agent_user, settings, caplog):
    settings.API_TOKEN_TTL_DAYS = 10
    fresh = Token.objects.create(user=agent_user)
    client.force_login(admin_user)
    page = client.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()
    assert "expires" in page.lower() and 'alt="False"' in page  # not expired
    assert fresh.key not in page  # the key is a password: never listed
    caplog.set_level(logging.INFO, logger="skillhub.security")
    response = client.post(
        reverse("admin:authtoken_tokenproxy_delete", args=[fresh.user_id]), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200 and not Token.objects.filter(user=agent_user).exists()
    revoked = [r for r in caplog.records if r.name == "skillhub.security" and r.event == "api_token_revoked"]
    assert len(revoked) == 1 and revoked[0].who == admin_user.username


def test_django_re_hashing_the_password_at_sign_in_keeps_the_token(agent_user, settings):
    """A hash upgrade (a newer hasher, more iterations) stores a new hash of the same password: not a change."""
    from django.contrib.auth.hashers import make_password

    agent_user.password = make_password("pw-for-tests", hasher="md5")  # an older hash, as after a Django upgrade
    agent_user.save()
    token = Token.objects.create(user=agent_user)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    agent_user.refresh_from_db()
    assert agent_user.check_password("pw-for-tests")  # Django re-hashes it with the preferred hasher and saves
    agent_user.refresh_from_db()
    assert agent_user.password.startswith("pbkdf2_")
    assert Token.objects.filter(pk=token.pk).exists()
    agent_user.set_unusable_password()
    agent_user.save()
    assert not Token.objects.filter(pk=token.pk).exists()  # an unusable password still ends it
