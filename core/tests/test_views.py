import pytest
from django.templatetags.static import static
from django.urls import reverse

from core.tests.factories import TeamFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["skillhub:home", "skillhub:team-list", "skillhub:me", "skillhub:skill-list", "password_change"]
)
def test_anonymous_user_is_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user_fixture", "landing"),
    [
        ("admin_user", "dashboards:team-dashboard"),
        ("lead_user", "dashboards:team-dashboard"),
        ("reviewer_user", "qa:queue"),
        ("hiring_user", "assessments:requisition-list"),
        ("agent_user", "dashboards:my-dashboard"),
    ],
)
def test_each_role_lands_on_its_page(client, request, user_fixture, landing):
    from core.views import landing_url_for

    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    response = client.get(reverse("skillhub:home"))
    assert response.status_code == 302
    assert response.url == landing_url_for(user)
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_sign_in_with_password_then_sign_out(client, agent_user):
    response = client.post(reverse("login"), {"username": agent_user.username, "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get(reverse("skillhub:me")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("skillhub:me")).status_code == 302


@pytest.mark.django_db
def test_sign_in_with_wrong_password_re_renders_with_error(client, agent_user):
    response = client.post(reverse("login"), {"username": agent_user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_password_change_works(client, agent_user):
    client.force_login(agent_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests",
            "new_password1": "a-Much-longer-pass-42",
            "new_password2": "a-Much-longer-pass-42",
        },
    )
    assert response.status_code == 302
    agent_user.refresh_from_db()
    assert agent_user.check_password("a-Much-longer-pass-42")


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["hiring_user", "agent_user"])
def test_team_pages_refuse_hiring_managers_and_agents(client, request, team, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("skillhub:team-list")).status_code == 403
    assert client.get(reverse("skillhub:team-detail", args=[team.pk])).status_code == 403


@pytest.mark.django_db
def test_lead_sees_own_team_and_gets_404_for_another_vendors_team(client, lead_user, team, agent, other_agent):
    client.force_login(lead_user)
    response = client.get(reverse("skillhub:team-detail", args=[team.pk]))
    assert response.status_code == 200
    assert agent.name in response.content.decode()
    assert client.get(reverse("skillhub:team-detail", args=[other_agent.team.pk])).status_code == 404
    assert client.get(reverse("skillhub:agent-detail", args=[other_agent.pk])).status_code == 404
    assert client.get(reverse("skillhub:agent-detail", args=[agent.pk])).status_code == 200


@pytest.mark.django_db
def test_agent_sees_own_profile_and_404_for_another_agent(client, agent, other_agent, team):
    client.force_login(agent.user)
    assert client.get(reverse("skillhub:agent-detail", args=[agent.pk])).status_code == 200
    assert client.get(reverse("skillhub:agent-detail", args=[other_agent.pk])).status_code == 404


@pytest.mark.django_db
def test_hiring_manager_cannot_open_agent_pages(client, hiring_user, agent):
    client.force_login(hiring_user)
    assert client.get(reverse("skillhub:agent-detail", args=[agent.pk])).status_code == 403


@pytest.mark.django_db
def test_admin_site_is_refused_to_non_staff(client, lead_user):
    client.force_login(lead_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("n_teams", [2, 20])
def test_team_list_query_count_is_flat(client, admin_user, vendor, n_teams, django_assert_max_num_queries):
    TeamFactory.create_batch(n_teams, vendor=vendor)
    client.force_login(admin_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("skillhub:team-list")).status_code == 200


@pytest.mark.django_db
def test_navigation_shows_each_role_only_its_areas(client, hiring_user, lead_user):
    client.force_login(hiring_user)
    page = client.get(reverse("skillhub:skill-list")).content.decode()
    assert 'href="/teams/"' not in page
    client.force_login(lead_user)
    page = client.get(reverse("skillhub:team-list")).content.decode()
    assert 'href="/teams/"' in page
    assert 'href="/admin/"' not in page


def test_favicon_ico_leads_to_the_static_icon_instead_of_a_404(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static files from the app as runserver would, no collectstatic
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain == [(static("favicon.ico"), 302)]
    assert response.status_code == 200
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file (PNG images inside)


@pytest.mark.parametrize(("url", "signed_in"), [("/accounts/login/", False), ("/api/v1/", True), ("/skills/", True)])
def test_pages_and_the_browsable_api_link_the_icon(client, admin_user, url, signed_in):
    if signed_in:
        client.force_login(admin_user)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<link rel="icon" href="{static("favicon.ico")}" sizes="32x32">' in body
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in body
