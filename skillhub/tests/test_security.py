import logging
import time

import pytest
from django.urls import reverse

from skillhub.middleware import _SEEN, _STARTED


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client, agent_user, axes_on):
    for _ in range(3):
        client.post(reverse("login"), {"username": agent_user.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert client.get(reverse("skillhub:me")).status_code == 302  # not signed in


@pytest.mark.django_db
def test_a_successful_sign_in_resets_the_failure_count(client, agent_user, axes_on):
    for _ in range(2):
        client.post(reverse("login"), {"username": agent_user.username, "password": "wrong"})
    assert (
        client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"}).status_code == 302
    )


@pytest.mark.django_db
def test_sign_in_gets_a_new_session_key_and_sign_out_kills_it(client, agent_user):
    client.get(reverse("login"))
    client.session["probe"] = 1
    before = client.cookies.get("sessionid")
    client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"})
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    client.post(reverse("logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after).exists()


def _age_session(client, **offsets):
    session = client.session
    now = int(time.time())
    session[_STARTED] = now - offsets.get("started", 0)
    session[_SEEN] = now - offsets.get("seen", 0)
    session.save()


@pytest.mark.django_db
def test_idle_session_ends_after_the_idle_limit(client, agent_user, settings):
    client.force_login(agent_user)
    assert client.get(reverse("skillhub:me")).status_code == 200
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("skillhub:me"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_active_session_ends_at_the_absolute_limit(client, agent_user, settings):
    client.force_login(agent_user)
    client.get(reverse("skillhub:me"))
    _age_session(client, started=settings.SESSION_ABSOLUTE_SECONDS + 5, seen=1)
    response = client.get(reverse("skillhub:me"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_expired_session_on_htmx_request_redirects_the_page(client, agent_user, settings):
    client.force_login(agent_user)
    client.get(reverse("skillhub:me"))
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("skillhub:me"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("login"))


@pytest.mark.django_db
def test_security_log_records_sign_ins_failures_and_denials_without_passwords(client, agent_user, caplog):
    caplog.set_level(logging.INFO, logger="skillhub.security")
    client.post(reverse("login"), {"username": agent_user.username, "password": "Secret-wrong-1"})
    client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"})
    client.get(reverse("skillhub:team-list"))
    client.post(reverse("logout"))
    events = [(record.event, record.who) for record in caplog.records if record.name == "skillhub.security"]
    assert ("login_failed", agent_user.username) in events
    assert ("login", agent_user.username) in events
    assert ("access_denied", agent_user.username) in events
    assert ("logout", agent_user.username) in events
    assert "Secret-wrong-1" not in caplog.text and "pw-for-tests" not in caplog.text


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_unsafe_inline_scripts(client, agent_user):
    client.force_login(agent_user)
    policy = client.get(reverse("skillhub:me"))["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_api_docs_are_served_without_a_cdn(client, agent_user):
    client.force_login(agent_user)
    page = client.get("/api/docs/").content.decode()
    assert "cdn" not in page.lower()
    # Swagger UI comes from our own static files, and its start-up script is a separate URL (CSP: no inline JS).
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">' in page
    assert '<script src="/api/docs/?script=">' in page
    assert "<script>" not in page
