"""All of /api/v1/: the core's routes, then each app's."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from skillhub.api import views

router = DefaultRouter()
router.register("skills", views.SkillViewSet, basename="skill")
router.register("role-profiles", views.RoleProfileViewSet, basename="role-profile")
router.register("teams", views.TeamViewSet, basename="team")
router.register("agents", views.AgentViewSet, basename="agent")

urlpatterns = [
    path("", include("qa.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("coaching.api.urls")),
    path("", include(router.urls)),
]
