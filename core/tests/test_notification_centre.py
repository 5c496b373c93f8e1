"""The notification centre: the navbar's bell and menu, following a notice, the list page and the settings page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Notice
from core.notifications.views import same_site_path
from core.tests.factories import AgentFactory

ROLES = ["admin_user", "lead_user", "reviewer_user", "hiring_user", "agent_user"]


def _notices(user, n, *, read=0, url="/skills/", event="review_released"):
    """`n` notices for `user`, newest last created; the oldest `read` of them read."""
    now = timezone.now()
    return Notice.objects.bulk_create(
        Notice(
            user=user,
            event=event,
            key=f"test:{user.pk}:{i}",
            title=f"Notice {i}",
            url=url,
            created_at=now - timedelta(minutes=n - i),
            read_at=now if i < read else None,
        )
        for i in range(n)
    )


@pytest.fixture
def user(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("user", ROLES, indirect=True)
def test_notice_centre_is_in_the_navbar_of_every_role(client, user):
    client.force_login(user)
    page = client.get(reverse("skillhub:skill-list")).content.decode()
    assert 'id="notice-bell"' in page
    assert reverse("skillhub:notice-badge") in page and reverse("skillhub:notice-menu") in page
    assert '"X-Background": "1"' in page  # an ended session answers 401 to these, never a redirect of the page
    assert 'data-testid="notification-settings-link"' in page  # the user menu's "Notification settings"


@pytest.mark.parametrize("user", ROLES, indirect=True)
def test_notice_centre_pages_answer_every_role(client, user):
    _notices(user, 2)
    client.force_login(user)
    for name in ("notice-list", "notice-menu", "notice-badge", "notification-preferences"):
        assert client.get(reverse(f"skillhub:{name}")).status_code == 200, name
    assert "Notifications, 2 unread" in client.get(reverse("skillhub:notice-badge")).content.decode()


def test_page_runs_no_notice_query(client, agent_user):
    """The count and the menu load after the page: no page pays a query for them."""
    _notices(agent_user, 3)
    client.force_login(agent_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("skillhub:skill-list")).status_code == 200
    assert not [q for q in queries.captured_queries if Notice._meta.db_table in q["sql"]]


def test_notice_badge_answers_401_to_an_ended_session_in_the_background(client):
    response = client.get(reverse("skillhub:notice-badge"), headers={"HX-Request": "true", "X-Background": "1"})
    assert response.status_code == 401 and "HX-Redirect" not in response


def test_notice_menu_shows_the_latest_eight_labelled_with_the_count(client, agent_user, django_assert_max_num_queries):
    _notices(agent_user, 10, read=3)
    client.force_login(agent_user)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("skillhub:notice-menu")).content.decode()
    assert page.count('data-testid="notice-menu-item"') == 8
    assert "Notice 9" in page and "Notice 1" not in page  # newest first
    assert page.count("Unread: ") == 7 and "Review released" in page
    assert "Notifications, 7 unread" in page  # the bell's name, swapped out of band
    newest = Notice.objects.get(title="Notice 9")
    assert reverse("skillhub:notice-open", args=[newest.pk]) in page


def test_notice_menu_is_empty_for_a_user_without_notices(client, lead_user, agent_user):
    _notices(agent_user, 2)
    client.force_login(lead_user)
    page = client.get(reverse("skillhub:notice-menu")).content.decode()
    assert "No notifications yet." in page and "Notice 0" not in page


def test_notice_open_marks_it_read_and_goes_to_its_page(client, agent_user):
    notice, other = _notices(agent_user, 2, url="/qa/reviews/12/")
    client.force_login(agent_user)
    response = client.get(reverse("skillhub:notice-open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/qa/reviews/12/"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at is not None and other.read_at is None


@pytest.mark.parametrize("user", [*ROLES[:-1], "other_agent_user"], indirect=True)
def test_notice_open_of_another_users_notice_is_404(client, agent_user, user):
    (notice,) = _notices(agent_user, 1)
    client.force_login(user)
    assert client.get(reverse("skillhub:notice-open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.fixture
def other_agent_user(team):
    return AgentFactory(team=team).user


def test_notice_open_needs_sign_in(client, agent_user):
    (notice,) = _notices(agent_user, 1)
    response = client.get(reverse("skillhub:notice-open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example",
        "//evil.example/qa/",
        "https://evil.example",
        "http://testserver/qa/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "qa/reviews/1/",
    ],
)
def test_notice_open_refuses_a_link_off_the_site(client, agent_user, url):
    (notice,) = _notices(agent_user, 1, url=url)
    client.force_login(agent_user)
    response = client.get(reverse("skillhub:notice-open", args=[notice.pk]), follow=True)
    assert response.redirect_chain == [(reverse("skillhub:notice-list"), 302)]
    assert "was not followed" in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_notice_open_without_a_link_goes_to_the_list(client, agent_user):
    (notice,) = _notices(agent_user, 1, url="")
    client.force_login(agent_user)
    response = client.get(reverse("skillhub:notice-open", args=[notice.pk]))
    assert response["Location"] == reverse("skillhub:notice-list")


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/qa/reviews/1/?tab=x#a", "/qa/reviews/1/?tab=x#a"), ("/", "/"), ("//x.example", None), ("", None)],
)
def test_same_site_path_keeps_only_paths_of_this_site(url, expected):
    assert same_site_path(url) == expected


@pytest.mark.parametrize("n_notices", [3, 30])
def test_notice_list_query_count_is_flat(client, agent_user, n_notices, django_assert_max_num_queries):
    _notices(agent_user, n_notices, read=1, event="dispute_resolved")
    client.force_login(agent_user)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("skillhub:notice-list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notice-row"') == min(n_notices, 25)


def test_notice_list_pages_by_25_and_filters_unread(client, agent_user):
    _notices(agent_user, 30, read=4)
    client.force_login(agent_user)
    first = client.get(reverse("skillhub:notice-list")).content.decode()
    assert first.count('data-testid="notice-row"') == 25 and "page 1 of 2" in first and "Notice 29" in first
    second = client.get(reverse("skillhub:notice-list"), {"page": 2}).content.decode()
    assert second.count('data-testid="notice-row"') == 5 and "Notice 0" in second
    unread = client.get(reverse("skillhub:notice-list"), {"show": "unread"}).content.decode()
    assert unread.count('data-testid="notice-row"') == 25 and "26 notifications unread" in unread
    # A page past the end or not a number shows a page, never an error.
    assert client.get(reverse("skillhub:notice-list"), {"page": "999"}).status_code == 200
    assert client.get(reverse("skillhub:notice-list"), {"page": "x"}).status_code == 200


def test_notice_list_shows_labels_and_an_empty_state(client, agent_user):
    client.force_login(agent_user)
    assert "No notifications yet." in client.get(reverse("skillhub:notice-list")).content.decode()
    _notices(agent_user, 1, read=1, event="goal_at_risk")
    assert "Nothing unread." in client.get(reverse("skillhub:notice-list"), {"show": "unread"}).content.decode()
    assert "Goal at risk" in client.get(reverse("skillhub:notice-list")).content.decode()


def test_notice_read_goes_back_to_the_page_it_came_from_on_this_site_only(client, agent_user):
    one, two = _notices(agent_user, 2)
    client.force_login(agent_user)
    response = client.post(reverse("skillhub:notice-read"), {"pk": one.pk, "next": "/notifications/?show=unread"})
    assert response["Location"] == "/notifications/?show=unread"
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.read_at is not None and two.read_at is None
    response = client.post(reverse("skillhub:notice-read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("skillhub:notice-list")
    two.refresh_from_db()
    assert two.read_at is not None


def test_notice_read_all_from_the_menu_answers_the_menu_with_the_count(client, agent_user, lead_user):
    _notices(agent_user, 3)
    (theirs,) = _notices(lead_user, 1)
    client.force_login(agent_user)
    response = client.post(reverse("skillhub:notice-read"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and "All marked read." in page
    assert "Unread: " not in page and 'id="notice-bell-name" hx-swap-oob="innerHTML">Notifications</span>' in page
    assert not Notice.objects.filter(user=agent_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None  # only ever the user's own


def test_preferences_page_says_where_emails_go(client, agent_user):
    client.force_login(agent_user)
    agent_user.email = "ana@example.com"
    agent_user.save(update_fields=["email"])
    assert "Emails go to <strong" in client.get(reverse("skillhub:notification-preferences")).content.decode()
    agent_user.email = ""
    agent_user.save(update_fields=["email"])
    page = client.get(reverse("skillhub:notification-preferences")).content.decode()
    assert "no email address, so no email can reach you" in page


def test_notice_read_with_a_malformed_id_marks_nothing(client, agent_user):
    from core.models import Notice
    from core.notifications import services

    services.notify(event="review_released", users=[agent_user], title="Released", key="malformed:1")
    client.force_login(agent_user)
    assert client.post(reverse("skillhub:notice-read"), {"pk": "abc"}).status_code == 302
    assert Notice.objects.get(user=agent_user).read_at is None
