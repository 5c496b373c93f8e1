from django.urls import path

from metrics.api import views

urlpatterns = [
    path("metrics/agents/", views.AgentMetricsView.as_view(), name="metrics-agents"),
    path("metrics/teams/", views.TeamMetricsView.as_view(), name="metrics-teams"),
    path("metrics/vendors/", views.VendorMetricsView.as_view(), name="metrics-vendors"),
]
