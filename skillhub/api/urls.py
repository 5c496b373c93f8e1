"""All of /api/v1/: the core's routes, then each app's."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from skillhub.api import metrics, views

router = DefaultRouter()
router.register("skills", views.SkillViewSet, basename="skill")
router.register("role-profiles", views.RoleProfileViewSet, basename="role-profile")
router.register("teams", views.TeamViewSet, basename="team")
router.register("agents", views.AgentViewSet, basename="agent")

urlpatterns = [
    path("", include("qa.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include("coaching.api.urls")),
    path("metrics/agents/", metrics.AgentMetricsView.as_view(), name="metrics-agents"),
    path("metrics/teams/", metrics.TeamMetricsView.as_view(), name="metrics-teams"),
    path("metrics/vendors/", metrics.VendorMetricsView.as_view(), name="metrics-vendors"),
    path("interactions/bulk/", metrics.InteractionBulkView.as_view(), name="interactions-bulk"),
    path("", include(router.urls)),
]
