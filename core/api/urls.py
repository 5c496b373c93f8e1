"""The core's routes under /api/v1/ (the router's root page lists them)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api import views

router = DefaultRouter()
router.register("skills", views.SkillViewSet, basename="skill")
router.register("role-profiles", views.RoleProfileViewSet, basename="role-profile")
router.register("teams", views.TeamViewSet, basename="team")
router.register("agents", views.AgentViewSet, basename="agent")

urlpatterns = [path("", include(router.urls))]
