from django.urls import path

from core import views
from core.accounts import views as accounts_views
from core.notifications import views as notification_views

app_name = "skillhub"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("agents/<int:pk>/", views.agent_detail, name="agent-detail"),
    path("skills/", views.skill_list, name="skill-list"),
    path("accounts/token/", views.api_token, name="api-token"),
    path("accounts/invitation/<str:token>/", accounts_views.invitation_accept, name="invitation-accept"),
    path("notifications/", notification_views.notice_list, name="notice-list"),
    path("notifications/badge/", notification_views.notice_badge, name="notice-badge"),
    path("notifications/read/", notification_views.notice_read, name="notice-read"),
    path("notifications/menu/", notification_views.notice_menu, name="notice-menu"),
    path("notifications/<int:pk>/open/", notification_views.notice_open, name="notice-open"),
    path("notifications/settings/", notification_views.notification_preferences, name="notification-preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notification_unsubscribe,
        name="notification-unsubscribe",
    ),
]
