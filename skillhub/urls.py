"""Root URLs: each app's pages under its prefix, and every app's API under /api/v1/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views
from core.accounts import views as accounts_views

handler403 = "core.security.permission_denied"
handler404 = "core.security.page_not_found"

api_patterns = [
    path("", include("qa.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("coaching.api.urls")),
    path("", include("metrics.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("core.api.urls")),
]

urlpatterns = [
    path("", include("core.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", accounts_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("qa/", include("qa.urls")),
    path("hiring/", include("assessments.urls")),
    path("coaching/", include("coaching.urls")),
    path("imports/", include("imports.urls")),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
]
