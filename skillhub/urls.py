from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from skillhub import views
from skillhub.dashboards import views as dashboards

app_patterns = (
    [
        path("", views.home, name="home"),
        path("me/", views.me, name="me"),
        path("teams/", views.team_list, name="team-list"),
        path("teams/<int:pk>/", views.team_detail, name="team-detail"),
        path("agents/<int:pk>/", views.agent_detail, name="agent-detail"),
        path("skills/", views.skill_list, name="skill-list"),
        path("dashboards/team/", dashboards.team_dashboard, name="team-dashboard"),
        path("dashboards/vendors/", dashboards.vendor_comparison, name="vendor-comparison"),
        path("dashboards/agents/<int:pk>/", dashboards.agent_dashboard, name="agent-dashboard"),
        path("dashboards/me/", dashboards.my_dashboard, name="my-dashboard"),
        path("dashboards/hiring/", dashboards.hiring_dashboard, name="hiring-dashboard"),
    ],
    "skillhub",
)

handler403 = "skillhub.security.permission_denied"
handler404 = "skillhub.security.page_not_found"

urlpatterns = [
    path("", include(app_patterns)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("qa/", include("qa.urls")),
    path("hiring/", include("assessments.urls")),
    path("coaching/", include("coaching.urls")),
    path("api/v1/", include("skillhub.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
]
