from django.urls import path

from core import views

app_name = "skillhub"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("agents/<int:pk>/", views.agent_detail, name="agent-detail"),
    path("skills/", views.skill_list, name="skill-list"),
    path("accounts/token/", views.api_token, name="api-token"),
]
