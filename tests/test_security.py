import logging
import time

import pytest
from django.urls import reverse

from core.middleware import _SEEN, _STARTED


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
def test_a_page_view_writes_the_session_row_at_most_every_seen_resolution(client, agent_user):
    """Within SEEN_RESOLUTION seconds of the last write a page view writes no session row; after it, the view writes
    the last-seen time, which slides the session's expiry (the idle limit counts from there)."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.middleware import SEEN_RESOLUTION

    def writes() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("skillhub:me")).status_code == 200
        return [
            q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
        ]

    client.force_login(agent_user)
    client.get(reverse("skillhub:me"))
    assert writes() == [] and writes() == []
    _age_session(client, seen=SEEN_RESOLUTION + 5)
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(session_key=key).expire_date
    assert len(writes()) == 1
    assert Session.objects.get(session_key=key).expire_date > expiry


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
def test_background_call_on_an_ended_session_leaves_the_page_alone(client, reviewer_user, settings):
    """The menu's dispute count loads after the page: on an ended session it must not send the page (and the
    review being typed on it) to sign-in."""
    client.force_login(reviewer_user)
    client.get(reverse("qa:queue"))
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("qa:queue-badge"), HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND="1")
    assert response.status_code == 401 and "HX-Redirect" not in response


@pytest.mark.django_db
def test_expired_session_on_htmx_request_redirects_the_page(client, agent_user, settings):
    client.force_login(agent_user)
    client.get(reverse("skillhub:me"))
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get(reverse("skillhub:me"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response["HX-Redirect"].startswith(reverse("login"))


@pytest.fixture
def interview(hiring_user):
    from assessments import services
    from assessments.tests.factories import CandidateFactory, RequisitionFactory

    candidate = CandidateFactory(requisition=RequisitionFactory(hiring_team=[hiring_user]))
    return services.interview_start(candidate=candidate, stage="screening", interviewer=hiring_user)


def _ended(client, user, settings):
    client.force_login(user)
    client.get(reverse("skillhub:skill-list"))
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)


def _next(url: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query)["next"][0]


@pytest.mark.django_db
def test_htmx_call_on_an_ended_session_comes_back_to_the_page_not_the_endpoint(
    client, hiring_user, interview, settings
):
    page = reverse("assessments:interview-detail", args=[interview.pk])
    _ended(client, hiring_user, settings)
    response = client.post(
        reverse("assessments:rating-save", args=[interview.pk]),
        {"item": "x"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}?tab=1",
    )
    assert response.status_code == 401
    assert _next(response["HX-Redirect"]) == f"{page}?tab=1"


@pytest.mark.django_db
def test_draft_form_call_on_an_ended_session_answers_a_status_line_and_keeps_the_page(
    client, hiring_user, interview, settings
):
    page = reverse("assessments:interview-detail", args=[interview.pk])
    _ended(client, hiring_user, settings)
    response = client.post(
        reverse("assessments:rating-save", args=[interview.pk]),
        {"item": "x", "evidence-x": "typed while signed out"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
        HTTP_X_DRAFT="1",
    )
    assert response.status_code == 401 and "HX-Redirect" not in response
    body = response.content.decode()
    assert "Not saved" in body and "kept on this device" in body
    assert f"{reverse('login')}?next={page.replace('/', '%2F')}" in body
    assert not interview.ratings.exists()


@pytest.mark.django_db
def test_draft_form_call_after_the_session_row_is_gone_answers_the_same(client, hiring_user, interview):
    from django.contrib.sessions.models import Session

    client.force_login(hiring_user)
    Session.objects.all().delete()
    response = client.post(
        reverse("assessments:rating-save", args=[interview.pk]), {"item": "x"}, HTTP_HX_REQUEST="true", HTTP_X_DRAFT="1"
    )
    assert response.status_code == 401 and "kept on this device" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("ended_by", ["idle limit", "deleted session"])
def test_form_post_on_an_ended_session_comes_back_to_the_page_it_was_posted_from(
    client, hiring_user, interview, settings, ended_by
):
    from django.contrib.sessions.models import Session

    page = reverse("assessments:interview-detail", args=[interview.pk])
    _ended(client, hiring_user, settings)
    if ended_by == "deleted session":
        Session.objects.all().delete()
    response = client.post(
        reverse("assessments:interview-submit", args=[interview.pk]),
        {"recommendation": "yes"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert _next(response.url) == page
    interview.refresh_from_db()
    assert interview.status == "draft"


@pytest.mark.django_db
def test_sign_in_after_an_ended_session_post_lands_on_the_page(client, hiring_user, interview, settings):
    page = reverse("assessments:interview-detail", args=[interview.pk])
    _ended(client, hiring_user, settings)
    response = client.post(
        reverse("assessments:interview-submit", args=[interview.pk]), {}, HTTP_REFERER=f"http://testserver{page}"
    )
    response = client.post(response.url, {"username": hiring_user.username, "password": "pw-for-tests"})
    assert response.status_code == 302 and response.url == page
    assert client.get(page).status_code == 200


@pytest.mark.django_db
def test_post_from_another_site_never_becomes_the_next_page(client, hiring_user, interview, settings):
    _ended(client, hiring_user, settings)
    response = client.post(
        reverse("assessments:interview-submit", args=[interview.pk]), {}, HTTP_REFERER="https://evil.example/x"
    )
    assert _next(response.url) == reverse("skillhub:home")


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


API_LISTS = ["/api/v1/reviews/", "/api/v1/teams/", "/api/v1/agents/", "/api/v1/coaching-plans/"]


@pytest.mark.parametrize("who", ["agent_user", "lead_user", "reviewer_user"])
@pytest.mark.parametrize("url", API_LISTS)
def test_the_browsable_api_shows_no_names_outside_the_callers_scope(
    client, request, other_agent, partner_team, url, who
):
    """Filter forms and HTML forms would list every related object (teams, agents, users) as choices."""
    other_agent.user.first_name, other_agent.user.last_name = "Zebedee", "Outofscope"
    other_agent.user.save()
    partner_team.name = "Faraway Partner Team"
    partner_team.save()
    client.force_login(request.getfixturevalue(who))
    response = client.get(url, HTTP_ACCEPT="text/html")
    refused = who == "reviewer_user" and "coaching" in url  # QA reviewers have no coaching API
    assert response.status_code == (403 if refused else 200)
    page = response.content.decode()
    assert "Outofscope" not in page and "Faraway Partner Team" not in page


# --- sign-in lock-out behind a proxy -------------------------------------------------------------------------------

PROXY = "10.0.0.1"  # the proxy the app sees every request come from
CLIENT_A, CLIENT_B = "203.0.113.5", "198.51.100.7"


def _sign_in(client, user, password, client_address, *, forwarded=None):
    """A sign-in through one proxy: the proxy appends the address it got the request from to X-Forwarded-For."""
    header = f"{forwarded}, {client_address}" if forwarded else client_address
    return client.post(
        reverse("login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=header,
    )


@pytest.mark.django_db
def test_behind_a_proxy_failures_from_one_client_lock_out_only_that_client(client, agent_user, settings, caplog):
    """Five bad passwords from client A lock the user out from A only; the user signs in from client B (before,
    every request had the proxy's address, so A's failures locked the account for everyone)."""
    from django.test import Client

    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, settings.PROXY_COUNT = True, 5, 1
    caplog.set_level(logging.INFO, logger="skillhub.security")
    statuses = [_sign_in(client, agent_user, "wrong", CLIENT_A).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks A out
    assert _sign_in(client, agent_user, "pw-for-tests", CLIENT_A).status_code == 429
    # The attacker cannot move the lock onto someone else by sending an X-Forwarded-For of their own:
    assert _sign_in(client, agent_user, "pw-for-tests", CLIENT_A, forwarded=CLIENT_B).status_code == 429
    victim = Client()
    assert _sign_in(victim, agent_user, "pw-for-tests", CLIENT_B).status_code == 302
    assert victim.get(reverse("skillhub:me")).status_code == 200
    lines = [record.getMessage() for record in caplog.records if record.name == "skillhub.security"]
    assert any(line.startswith("login_failed") and f"ip={CLIENT_A}" in line for line in lines)
    assert any(line.startswith("login ") and f"ip={CLIENT_B}" in line for line in lines)
    assert not any(f"ip={PROXY}" in line for line in lines)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy configured: the header is the client's to write, never read
        (1, "", PROXY),  # did not come through the proxy
        (1, "198.51.100.7, 203.0.113.5", CLIENT_A),  # the entry left of the proxy's own is the client's claim
        (2, "198.51.100.7, 203.0.113.5", CLIENT_B),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "203.0.113.5:51234", CLIENT_A),  # proxies that append the client's port
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_ip_reads_the_entry_the_outermost_proxy_wrote(rf, settings, proxies, forwarded, expected):
    from core.security import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- Cache-Control on signed-in answers ---------------------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_signed_in_pages_api_answers_and_csv_exports_are_not_stored(client, agent_user, lead_user):
    client.force_login(agent_user)
    page = client.get(reverse("skillhub:me"))
    fragment = client.get(reverse("skillhub:notice-badge"), HTTP_HX_REQUEST="true")
    api = client.get(reverse("agent-list"))
    export = client.get(reverse("dashboards:my-dashboard"), {"export": "trend"})
    assert export["Content-Type"].startswith("text/csv")
    for response in (page, fragment, api, export):
        assert response.status_code == 200 and _no_store(response), response.request["PATH_INFO"]
        assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_token_signed_api_answer_is_not_stored(client, agent_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent_user)
    response = client.get(reverse("agent-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and _no_store(response)


@pytest.mark.django_db
def test_answers_to_anonymous_visitors_are_left_as_they_are(client, agent_user, settings):
    """Only signed-in answers change: the public favicon redirect and a static file keep their own caching (the
    sign-in page keeps Django's never_cache), also for a signed-in user's static files."""
    from django.templatetags.static import static

    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as in development (read on 1st request)

    assert not _no_store(client.get(reverse("favicon")))
    client.force_login(agent_user)
    asset = client.get(static("favicon.ico"))
    assert asset.status_code == 200 and not _no_store(asset)


# --- ended sessions and denials in the log ------------------------------------------------------------------------


def _last_request_was(client, seconds_ago: int, *, started: int | None = None) -> None:
    """Make the session look as it would `seconds_ago` after its last request: its last-seen time and the expiry
    Django gave its row when that request saved it."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    _age_session(client, seen=seconds_ago, started=seconds_ago if started is None else started)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=Session.objects.get(session_key=client.session.session_key).expire_date
        - timedelta(seconds=seconds_ago)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_a_session_ended_by_either_limit_is_written_to_the_security_log(client, agent_user, settings, caplog, limit):
    """Before, the session row expired with the idle limit, so the next request found no session and the end of an
    idle session was never logged (only the absolute limit was)."""
    caplog.set_level(logging.INFO, logger="skillhub.security")
    client.force_login(agent_user)
    assert client.get(reverse("skillhub:me")).status_code == 200
    if limit == "idle":
        _last_request_was(client, settings.SESSION_IDLE_SECONDS + 5)
    else:
        _last_request_was(client, 60, started=settings.SESSION_ABSOLUTE_SECONDS + 5)
    response = client.get(reverse("skillhub:me"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    ended = [r.getMessage() for r in caplog.records if r.name == "skillhub.security" and r.event == "session_expired"]
    assert ended == [f"session_expired user={agent_user.username} ip=127.0.0.1 reason='{limit}'"]


@pytest.mark.django_db
def test_an_expected_403_is_one_log_line_without_a_traceback(client, hiring_user, caplog):
    caplog.set_level(logging.INFO)
    client.force_login(hiring_user)
    assert client.get(reverse("qa:queue")).status_code == 403
    about_it = [r for r in caplog.records if "/qa/" in r.getMessage()]
    assert [(r.name, getattr(r, "event", None)) for r in about_it] == [("skillhub.security", "access_denied")]
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.django_db
def test_a_server_error_still_logs_its_traceback(client, agent_user, caplog, monkeypatch):
    from core import views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.org_selectors, "skill_list", broken)
    caplog.set_level(logging.INFO)
    client.force_login(agent_user)
    client.raise_request_exception = False
    assert client.get(reverse("skillhub:skill-list")).status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert len(errors) == 1 and errors[0].exc_info and isinstance(errors[0].exc_info[1], RuntimeError)


@pytest.mark.django_db
def test_a_sign_in_starts_the_session_clocks_so_an_unused_one_still_ends_when_idle(client, agent_user, settings):
    """The clocks start at sign-in, not at the first request after it: a session signed in and then left unused
    past the idle limit ends at its next request."""
    from django.contrib.sessions.models import Session

    assert (
        client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"}).status_code == 302
    )
    session = client.session
    assert session[_STARTED] == session[_SEEN]
    session[_STARTED] -= settings.SESSION_IDLE_SECONDS + 5
    session[_SEEN] -= settings.SESSION_IDLE_SECONDS + 5
    session.save()
    response = client.get(reverse("skillhub:me"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Session.objects.filter(session_key=session.session_key).exists() or "_auth_user_id" not in (
        Session.objects.get(session_key=session.session_key).get_decoded()
    )
